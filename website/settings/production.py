"""Production: every secret from the environment; start-up fails without DJANGO_SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DEFAULT_FROM_EMAIL,
    SECRET_KEY,
    SILENCED_SYSTEM_CHECKS,
    os,
)

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and drops a client's own):
# plain-HTTP requests are redirected to HTTPS unless BRUG_SSL_REDIRECT=0 (the proxy does it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("BRUG_SSL_REDIRECT", "1") != "0"
# The probes answer over plain HTTP too: a load balancer checks the workers directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS for a year, subdomains included. "preload" only on request (BRUG_HSTS_PRELOAD=1): the
# browsers' list takes a whole registrable domain with all its subdomains and is slow to
# leave, a decision for the domain's owner (docs/architecture.md, "Security settings").
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("BRUG_HSTS_PRELOAD", "0") == "1"
# X_FRAME_OPTIONS stays SAMEORIGIN (base.py): Wagtail's editor shows its live preview in a
# frame of the admin itself; other sites still cannot frame any page.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# One cache for every worker and machine: the rate limits, the figures and the map's extent
# must count and hold the same everywhere (a per-process memory cache gave each gunicorn
# worker its own limit). Redis when REDIS_URL is set, else a table in the database
# (`manage.py createcachetable`, run by every deploy before the workers start).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "brug_cache"}}

# Background work in the database, run by `manage.py db_worker` (a process of its own); the
# scheduler (`manage.py run_scheduler`) enqueues the periodic jobs there too.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail over SMTP when a host is set (EMAIL_URL_HOST is the older name of EMAIL_HOST). Every
# message is queued as a task (EMAIL_BACKEND, base.py) and the worker delivers it over SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST") or os.environ.get("EMAIL_URL_HOST", "")
if EMAIL_HOST:
    BRUG_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or "587")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = (os.environ.get("EMAIL_USE_SSL") or "0") == "1"
    # STARTTLS by default; implicit TLS (EMAIL_USE_SSL) switches it off unless both are asked.
    EMAIL_USE_TLS = (os.environ.get("EMAIL_USE_TLS") or ("0" if EMAIL_USE_SSL else "1")) == "1"
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or DEFAULT_FROM_EMAIL
SERVER_EMAIL = os.environ.get("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# One JSON object a line on stdout, each with the request's id (website/request_id.py): the
# process manager or journald collects stdout; nothing is written to files.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "website.request_id.RequestIdFilter"}},
    "formatters": {"json": {"()": "website.request_id.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": (os.environ.get("BRUG_LOG_LEVEL") or "INFO").upper()},
    # The Elasticsearch client logs every request at INFO: its failures are what matters.
    "loggers": {"elastic_transport": {"level": "WARNING"}},
}
