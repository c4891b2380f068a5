"""Search backends behind one interface: `get_backend().search(query)`."""

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend, SearchResponse

__all__ = ["SearchBackend", "SearchResponse", "get_backend"]


def get_backend() -> SearchBackend:
    return import_string(settings.BRUG_SEARCH_BACKEND)()
