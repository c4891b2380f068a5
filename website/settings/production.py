"""Production: every secret from the environment; start-up fails without DJANGO_SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, SILENCED_SYSTEM_CHECKS, os

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and drops a client's own):
# plain-HTTP requests are redirected to HTTPS unless BRUG_SSL_REDIRECT=0 (the proxy does it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("BRUG_SSL_REDIRECT", "1") != "0"
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

if os.environ.get("EMAIL_URL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_URL_HOST"]
    EMAIL_TIMEOUT = 10
