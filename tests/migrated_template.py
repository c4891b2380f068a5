"""A migrated SQLite database kept between test runs: migrating takes ~20 s of the ~210
migrations' state rendering, and every in-memory SQLite run (the suite, then the browser pass)
paid it. The first run saves the migrated database in .cache/test-db/, named by a hash of
everything that decides the schema (the lock file, every migration file, the test settings);
a run that finds it creates the tables without migrations, then copies the saved database over
them with SQLite's backup API (rows written by migrations included). PostgreSQL migrates as
before."""

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "test-db"


def applies() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def path() -> Path:
    """The saved database for the current schema (a new name whenever a migration changes)."""
    digest = hashlib.sha256()
    files = [ROOT / "requirements.lock", ROOT / "website" / "settings" / "test.py"]
    files += sorted(ROOT.glob("*/migrations/*.py"))
    for file in files:
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(file.read_bytes())
    return CACHE / f"{digest.hexdigest()[:16]}.sqlite3"


def restore(source: Path) -> None:
    """Copy the saved database over the freshly created one, and forget what was cached from
    the tables made without migrations (their content type ids)."""
    import sqlite3

    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.db import connection

    connection.ensure_connection()
    with sqlite3.connect(source) as saved:
        saved.backup(connection.connection)
    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


def save(target: Path) -> None:
    import sqlite3

    from django.db import connection

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    connection.ensure_connection()
    with sqlite3.connect(partial) as copy:
        connection.connection.backup(copy)
    os.replace(partial, target)  # whole or not at all, for a pass starting beside this one
