"""The preferred backend with the database behind it, and the outbox that keeps them in step.

Knows no engine: a backend signals an unreachable node with BackendUnavailable and a lost
index with IndexMissing (search.backends.base). The search entries are written first (the
durable truth, by the caller); a service whose copy to the preferred backend fails is left in
the SearchOutbox, which the worker's retries and `search_index replay` empty. While the outbox is
not empty, searches answer from the database."""

import logging
from collections.abc import Callable

from search import health
from search.backends import preferred_backend
from search.backends.base import (
    BackendUnavailable,
    IndexMissing,
    SearchBackend,
    SearchResponse,
)
from search.models import SearchOutbox

logger = logging.getLogger(__name__)

# Rewrites a service's search entries from the live pages and returns its documents.
Refresh = Callable[[str], list[dict]]


class FallbackBackend(SearchBackend):
    """Answers from the database while the preferred backend is down or behind (outbox)."""

    def __init__(self, primary: SearchBackend):
        self.primary = primary
        self.name = primary.name

    def search(self, query, map_zoom: int | None = None, map_area=None) -> SearchResponse:
        answer = self._primary("search", query, map_zoom, map_area)
        if answer is not None:
            return answer
        response = _database().search(query, map_zoom, map_area)
        if response.map is not None:
            response.map.fallback = True
        response.fallback = True
        return response

    def map(self, query, zoom: int):
        answer = self._primary("map", query, zoom)
        if answer is not None:
            return answer
        response = _database().map(query, zoom)
        response.fallback = True
        return response

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        answer = self._primary("suggest", prefix, limit)
        return answer if answer is not None else super().suggest(prefix, limit)

    def _primary(self, method: str, *args):
        """The preferred backend's answer, or None while it is down or behind (outbox)."""
        if SearchOutbox.objects.exists():
            return None
        try:
            return getattr(self.primary, method)(*args)
        except BackendUnavailable:
            return None


def _database() -> SearchBackend:
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def copy(service_key, documents: list[dict], refresh: Refresh) -> bool:
    """Copy a service's documents to the preferred backend, once: nothing here waits or
    retries, as this may run inside a request (the immediate tasks backend). When the backend
    is unreachable the service goes into the outbox, and the caller's task retries later, in
    the worker (search.sync.replay_outbox_task). Replays what is pending first, so changes
    arrive in order."""
    backend = preferred_backend()
    if backend is None:
        return True
    try:
        replay(refresh, check=False)
        backend.add(str(service_key), documents)
        # Checked after the write: before it, this service's new entries are counted and its
        # documents not yet, which in a small directory looks "far behind".
        health.check_and_heal()
        return True
    except IndexMissing as error:
        health.heal(str(error))  # the rebuild reads this service's new entries too
        return False
    except BackendUnavailable as error:
        keep(service_key, error)
        logger.warning("%s unavailable; %s kept in the outbox", backend.name, service_key)
        return False


def pending() -> bool:
    """Services wait in the outbox for their copy (a rebuild mark alone is not one)."""
    return SearchOutbox.objects.exclude(service_key=health.REBUILD_KEY).exists()


def keep(service_key, error: Exception) -> None:
    """Remember a service whose index copy (or entries) could not be written."""
    row, _created = SearchOutbox.objects.get_or_create(service_key=service_key)
    row.attempts += 1
    row.last_error = str(error)[:500]
    row.save()


def replay(refresh: Refresh, check: bool = True) -> int:
    """Bring every pending service up to date (its entries refreshed, then copied to the
    preferred backend); stops at the first failure (raises). Then (unless the caller checks
    later) make sure the index is whole (search.health): a missing or far-behind index is
    rebuilt, never patched."""
    backend = preferred_backend()
    if backend is not None and health.needs_rebuild():
        rebuild(refresh)  # an earlier rebuild failed or waits: do it now
    done = 0
    for row in SearchOutbox.objects.exclude(service_key=health.REBUILD_KEY):
        documents = refresh(row.service_key)
        if backend is not None:
            try:
                backend.add(str(row.service_key), documents)
            except IndexMissing as error:
                health.heal(str(error))  # the full rebuild covers the remaining rows
                return done
        row.delete()
        done += 1
    if backend is not None and check:
        health.check_and_heal()
    return done


def rebuild(refresh: Refresh) -> str:
    """A new index of the preferred backend from every entry (the pending services' entries
    refreshed first); the outbox rows it covered are cleared only once it serves."""
    covered = []
    for pk, key in SearchOutbox.objects.values_list("pk", "service_key"):
        if key != health.REBUILD_KEY:
            try:
                refresh(key)
            except Exception:  # one broken service must not keep the whole index down
                logger.exception("Refreshing the entries of %s failed; kept in the outbox", key)
                continue
        covered.append(pk)
    index = preferred_backend().rebuild(_database().documents())
    SearchOutbox.objects.filter(pk__in=covered).delete()
    return index
