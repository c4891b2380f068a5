"""Search backends behind one interface: `get_backend().search(query)`."""

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend, SearchResponse

__all__ = ["SearchBackend", "SearchResponse", "get_backend"]


def get_backend() -> SearchBackend:
    backend = import_string(settings.BRUG_SEARCH_BACKEND)()
    if backend.name == "database":
        return backend
    return FallbackBackend(backend)


class FallbackBackend(SearchBackend):
    """Answers from the database while the preferred backend is down or behind (outbox)."""

    def __init__(self, primary: SearchBackend):
        self.primary = primary
        self.name = primary.name

    def search(self, query) -> SearchResponse:
        from search.backends.database import DatabaseBackend
        from search.backends.elasticsearch import UNAVAILABLE
        from search.models import SearchOutbox

        if not SearchOutbox.objects.exists():
            try:
                return self.primary.search(query)
            except UNAVAILABLE:
                pass
        response = DatabaseBackend().search(query)
        response.fallback = True
        return response

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        from search.backends.elasticsearch import UNAVAILABLE
        from search.models import SearchOutbox

        if not SearchOutbox.objects.exists():
            try:
                return self.primary.suggest(prefix, limit)
            except UNAVAILABLE:
                pass
        return super().suggest(prefix, limit)
