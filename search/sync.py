"""Keeping the search entries true to the directory: publishing, unpublishing, moving or
deleting a service, its organisation or one of its locations re-indexes the services concerned
after the transaction commits, through a task."""

import logging
import threading

from django.conf import settings
from django.db import transaction
from django_tasks import task

from core.task_retry import retry_later
from directory.models import LocationPage, OrganisationPage, ServicePage
from search import synthetic
from search.backends import fallback, preferred_backend
from search.backends.database import DatabaseBackend
from search.documents import build_documents
from search.models import SearchEntry

logger = logging.getLogger(__name__)


def reindex_service(service_key) -> int:
    """Refresh a service's entries (the durable truth), then the preferred backend's copy."""
    documents = _store_entries(service_key)
    fallback.copy(service_key, documents, refresh=_store_entries)
    return len(documents)


@transaction.atomic
def _store_entries(service_key) -> list[dict]:
    documents = build_documents(service_key)
    DatabaseBackend().add(service_key, documents)
    return documents


def entry_documents(service_key=None) -> list[dict]:
    """Documents as stored in the database (what another backend's index is built from)."""
    return DatabaseBackend().documents(service_key)


def replay_outbox() -> int:
    """Bring every pending service up to date (search.backends.fallback.replay)."""
    return fallback.replay(refresh=_store_entries)


def rebuild_index() -> str:
    """A new index of the preferred backend from every entry, swapped in whole."""
    return fallback.rebuild(refresh=_store_entries)


def rebuild_entries() -> int:
    """Rebuild every service's entries from the live pages (and drop those of services that
    are gone, but not the synthetic ones of a load run: search.synthetic). Returns the number
    of entries rebuilt from pages."""
    keys = (
        ServicePage.objects.live()
        .filter(alias_of__isnull=True)
        .values_list("translation_key", flat=True)
        .distinct()
    )
    stale = SearchEntry.objects.exclude(service_key__in=list(keys)).exclude(
        data__has_key=synthetic.MARK
    )
    stale.delete()
    return sum(len(_store_entries(key)) for key in set(keys))


def rebuild_all() -> int:
    """Rebuild every entry; then, with a preferred backend, a new index of it."""
    count = rebuild_entries()
    if preferred_backend() is not None:
        rebuild_index()
    return count


def affected_services(page) -> set:
    """Translation keys of the services whose documents show this page's data."""
    page = page.specific
    if isinstance(page, ServicePage):
        return {page.translation_key}
    if isinstance(page, LocationPage):
        source = page.alias_of.specific if page.alias_of_id else page
        return set(source.services.values_list("translation_key", flat=True))
    if isinstance(page, OrganisationPage):
        return set(
            ServicePage.objects.descendant_of(page).values_list("translation_key", flat=True)
        )
    return set()


@task()
def reindex_services_task(service_keys: list[str]) -> None:
    for key in service_keys:
        try:
            reindex_service(key)
        except Exception as error:
            # The edit is saved already; never fail the editor's request over the index.
            # The outbox keeps the service until a replay succeeds.
            logger.exception("Re-indexing %s failed; kept in the outbox", key)
            fallback.keep(key, error)
    if fallback.pending():
        _replay_later(attempt=1)


@task()
def replay_outbox_task(attempt: int = 2) -> int | None:
    """A later try at what waits in the outbox (the preferred backend was unreachable), run
    by the worker with backoff (BRUG_SEARCH_RETRY_DELAYS) — never by sleeping in a request.
    After the last attempt the outbox still holds it: the scheduler's `search_index replay`
    (every few minutes) and every later write carry on."""
    try:
        return replay_outbox()
    except Exception as error:
        if _replay_later(attempt):
            logger.warning("Search replay failed (attempt %d: %s); retrying later", attempt, error)
        else:
            logger.warning(
                "Search replay failed (attempt %d: %s); the outbox keeps the changes for the "
                "next `search_index replay`",
                attempt,
                error,
            )
        return None


def _replay_later(attempt: int) -> bool:
    return retry_later(replay_outbox_task, attempt, settings.BRUG_SEARCH_RETRY_DELAYS)


_pending = threading.local()


def schedule_reindex(page) -> None:
    """Re-index the page's services once the transaction commits. Publishing a page also
    publishes its aliases in every locale, each with a signal: the first callback to run
    takes every pending key, the others find nothing left, so each service is done once.
    (Keys of a rolled-back transaction go with the next commit: re-indexing is idempotent.)"""
    keys = {str(k) for k in affected_services(page)}
    if not keys:
        return
    if not hasattr(_pending, "keys"):
        _pending.keys = set()
    _pending.keys |= keys
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending() -> None:
    keys = sorted(getattr(_pending, "keys", ()))
    _pending.keys = set()
    if keys:
        reindex_services_task.enqueue(keys)
