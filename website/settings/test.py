"""Test settings: fast hashing, immediate tasks, in-memory mail. The database is SQLite in
memory, or the PostgreSQL named by BRUG_TEST_DATABASE_URL (scripts/test.sh starts a throw-away
cluster): it must be known before Django starts, because some apps choose their models'
column types by the database they find at import time."""

import os

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test runner sets the locmem EMAIL_BACKEND itself; the tests of the mail queue set
# core.mail_queue's, which delivers here.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BRUG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BRUG_EMAIL_RETRY_DELAYS = (0.0, 0.0)
if os.environ.get("BRUG_TEST_DATABASE_URL"):
    DATABASES = {
        "default": {
            **dj_database_url.parse(os.environ["BRUG_TEST_DATABASE_URL"], conn_max_age=0),
            "TEST": {"NAME": "test_brug"},
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WAGTAILADMIN_BASE_URL = "http://testserver"
BRUG_SEARCH_RETRY_DELAYS = (0.0, 0.0)  # the retries still happen, without the waiting
# The worker tests (tests/website/test_worker.py) run a real `db_worker` process on the test
# database: this switch gives it, and the test that starts it, the database tasks backend.
if os.environ.get("BRUG_TEST_TASKS") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BRUG_SUGGESTION_MIN_SECONDS = 0  # tests that check the timing set it themselves
BRUG_FIGURES_CACHE_SECONDS = 0  # figures computed afresh; the caching test turns it on
BRUG_PUBLIC_CACHE_SECONDS = 0  # every view runs; the shared copy's tests turn it on
BRUG_CARD_CACHE_SECONDS = 0  # every card built; the card cache's tests turn it on
BRUG_FEEDBACK_MIN_SECONDS = 0
BRUG_ENTRIES_STATE_SECONDS = 0  # a test sees its own index change at once
# Wagtail's own index (the admin's page search) is the slowest part of saving a page; the tests
# that search it turn it on with the `wagtail_admin_search` fixture (tests/conftest.py).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
}
