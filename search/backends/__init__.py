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

        answer = self._primary("search", query)
        if answer is not None:
            return answer
        response = DatabaseBackend().search(query)
        response.fallback = True
        return response

    def map(self, query, zoom: int):
        from search.backends.database import DatabaseBackend

        answer = self._primary("map", query, zoom)
        if answer is not None:
            return answer
        response = DatabaseBackend().map(query, zoom)
        response.fallback = True
        return response

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        answer = self._primary("suggest", prefix, limit)
        return answer if answer is not None else super().suggest(prefix, limit)

    def _primary(self, method: str, *args):
        """The preferred backend's answer, or None while it is down or behind (outbox)."""
        from search.backends.elasticsearch import UNAVAILABLE
        from search.models import SearchOutbox

        if SearchOutbox.objects.exists():
            return None
        try:
            return getattr(self.primary, method)(*args)
        except UNAVAILABLE:
            return None
