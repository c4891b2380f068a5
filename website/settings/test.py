"""Test settings: fast hashing, immediate tasks, in-memory mail. The test database engine is
chosen by the tests (SQLite by default, a throw-away PostgreSQL with --postgres)."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
if os.environ.get("BRUG_TEST_POSTGRES_PORT"):
    # `pytest --postgres`: the throw-away cluster tests/postgres_plugin.py started.
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "brug",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": os.environ["BRUG_TEST_POSTGRES_PORT"],
        "CONN_MAX_AGE": 0,
        "TEST": {"NAME": "test_brug"},
    }
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WAGTAILADMIN_BASE_URL = "http://testserver"
BRUG_SEARCH_RETRY_DELAYS = (0.0, 0.0)  # the retries still happen, without the waiting
BRUG_SUGGESTION_MIN_SECONDS = 0  # tests that check the timing set it themselves
BRUG_FEEDBACK_MIN_SECONDS = 0
