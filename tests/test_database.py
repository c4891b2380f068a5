"""The suite runs on the database it says it runs on: the PostgreSQL named by
BRUG_TEST_DATABASE_URL (scripts/test.sh's second pass), SQLite otherwise."""

import os

from django.db import connection


def test_the_database_pass_uses_the_engine_asked_for(db):
    expected = "postgresql" if os.environ.get("BRUG_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
