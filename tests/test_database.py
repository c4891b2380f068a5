"""The suite runs on the database it says it runs on: the PostgreSQL named by
BRUG_TEST_DATABASE_URL (scripts/test.sh's second pass), SQLite otherwise."""

import os

from django.db import connection


def test_the_database_pass_uses_the_engine_asked_for(db):
    expected = "postgresql" if os.environ.get("BRUG_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == expected


def test_the_full_text_index_survives_every_migration(db):
    """The embedded backend's full text lives beside the entries table (search.fulltext):
    a later migration that makes SQLite rebuild that table would silently drop its triggers,
    and every text search of the embedded backend would find nothing."""
    from search import fulltext

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [fulltext.ENTRY_TABLE],
            )
            triggers = {row[0] for row in cursor.fetchall()}
            assert triggers == {f"{fulltext.FTS_TABLE}_{t}" for t in ("ai", "ad", "au")}
        else:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'fts'",
                [fulltext.ENTRY_TABLE],
            )
            assert cursor.fetchall() == [("fts",)]
