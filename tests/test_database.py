"""The suite runs on the database it says it runs on (`--postgres`: a real PostgreSQL)."""

from django.db import connection


def test_the_database_pass_uses_the_engine_asked_for(db, request):
    expected = "postgresql" if request.config.getoption("--postgres") else "sqlite"
    assert connection.vendor == expected
