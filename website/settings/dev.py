"""Local development: `make run`. SQLite and the database search backend by default."""

from .base import *  # noqa: F403
from .base import os

DEBUG = True
# A template being edited shows at the next reload (production keeps public pages 300 s).
BRUG_PUBLIC_CACHE_SECONDS = int(os.environ.get("BRUG_PUBLIC_CACHE_SECONDS", "0"))
BRUG_CARD_CACHE_SECONDS = int(os.environ.get("BRUG_CARD_CACHE_SECONDS", "0"))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-in-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
