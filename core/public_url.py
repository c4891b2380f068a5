"""The site's public address, configured once: BRUG_BASE_URL (settings.WAGTAILADMIN_BASE_URL).
The sitemap, the canonical and alternate links and the e-mails build absolute URLs from it,
and `setup_site` points the Wagtail Site at the same host, so none of them can disagree."""

from urllib.parse import urlsplit

from django.conf import settings


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    """The public URL of a path on this site (/nl/… → https://brug.example.org/nl/…)."""
    return base_url() + path


def host_and_port() -> tuple[str, int]:
    """The host and port of the public address (the Wagtail Site's)."""
    parts = urlsplit(base_url())
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)
