"""Search backends behind one interface: `get_backend().search(query)`, and the writes."""

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import (
    BackendUnavailable,
    IndexMissing,
    RebuildFailed,
    SearchBackend,
    SearchResponse,
)

__all__ = [
    "BackendUnavailable",
    "IndexMissing",
    "RebuildFailed",
    "SearchBackend",
    "SearchResponse",
    "get_backend",
    "preferred_backend",
]


def preferred_backend() -> SearchBackend | None:
    """The configured backend when it keeps an index of its own (a copy of the search
    entries); None when the database backend serves alone."""
    backend = import_string(settings.BRUG_SEARCH_BACKEND)()
    return None if backend.durable else backend


def get_backend() -> SearchBackend:
    """The backend that answers searches: the preferred one, with the database behind it."""
    from search.backends.database import DatabaseBackend
    from search.backends.fallback import FallbackBackend

    preferred = preferred_backend()
    return DatabaseBackend() if preferred is None else FallbackBackend(preferred)
