"""Keeping the search entries true to the directory.

Publishing, unpublishing, moving or deleting a service, its organisation or one of its
locations re-indexes the services concerned after the transaction commits, through a task.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from django_tasks import task

from directory.models import LocationPage, OrganisationPage, ServicePage
from search import health
from search.clusters import forget_network_extent
from search.documents import build_documents
from search.models import SearchEntry, SearchOutbox

logger = logging.getLogger(__name__)


def reindex_service(service_key) -> int:
    """Refresh a service's entries (the durable truth), then its Elasticsearch documents."""
    documents = _store_entries(service_key)
    push_to_elasticsearch(service_key, documents)
    return len(documents)


@transaction.atomic
def _store_entries(service_key) -> list[dict]:
    SearchEntry.objects.filter(service_key=service_key).delete()
    documents = build_documents(service_key)
    SearchEntry.objects.bulk_create(SearchEntry.from_document(doc) for doc in documents)
    # Now for this transaction's own requests, and after commit for everyone else's.
    forget_network_extent()
    transaction.on_commit(forget_network_extent)
    return documents


def entry_documents(service_key=None) -> list[dict]:
    """Documents as stored in the database (what Elasticsearch is built from)."""
    entries = SearchEntry.objects.all()
    if service_key is not None:
        entries = entries.filter(service_key=service_key)
    return [entry.to_document() for entry in entries.iterator()]


def push_to_elasticsearch(service_key, documents: list[dict]) -> bool:
    """Copy a service to Elasticsearch, retrying a few times (a node restarting, a timeout);
    when the node stays unreachable, remember the service in the outbox."""
    if not settings.ELASTICSEARCH_URL:
        return True
    from search.backends import elasticsearch as es_backend

    for delay in [*settings.BRUG_SEARCH_RETRY_DELAYS, None]:
        try:
            replay_outbox()
            es_backend.replace_service(str(service_key), documents)
            return True
        except es_backend.IndexMissing as error:
            health.heal(str(error))  # the rebuild reads this service's new entries too
            return False
        except es_backend.UNAVAILABLE as error:
            if delay is None:
                keep_in_outbox(service_key, error)
                logger.warning("Elasticsearch unavailable; %s kept in the outbox", service_key)
                return False
            time.sleep(delay)
    return False  # pragma: no cover - the loop always returns


def keep_in_outbox(service_key, error: Exception) -> None:
    row, _created = SearchOutbox.objects.get_or_create(service_key=service_key)
    row.attempts += 1
    row.last_error = str(error)[:500]
    row.save()


def replay_outbox() -> int:
    """Bring every pending service up to date (its entries rebuilt from the live pages, then
    copied to Elasticsearch); stops at the first failure (raises). Then make sure the index is
    whole (search.health): a missing or far-behind index is rebuilt, never patched."""
    from search.backends import elasticsearch as es_backend

    if settings.ELASTICSEARCH_URL and health.needs_rebuild():
        rebuild_elasticsearch()  # an earlier rebuild failed or waits: do it now
    done = 0
    for row in SearchOutbox.objects.exclude(service_key=health.REBUILD_KEY):
        documents = _store_entries(row.service_key)
        if settings.ELASTICSEARCH_URL:
            try:
                es_backend.replace_service(str(row.service_key), documents)
            except es_backend.IndexMissing as error:
                health.heal(str(error))  # the full rebuild covers the remaining rows
                return done
        row.delete()
        done += 1
    if settings.ELASTICSEARCH_URL:
        health.check_and_heal()
    return done


def rebuild_elasticsearch() -> str:
    """A new index from every entry (the pending services' entries refreshed first), behind
    the alias; the outbox rows it covered are cleared only once the alias has moved."""
    from search.backends import elasticsearch as es_backend

    covered = []
    for pk, key in SearchOutbox.objects.values_list("pk", "service_key"):
        if key != health.REBUILD_KEY:
            try:
                _store_entries(key)
            except Exception:  # one broken service must not keep the whole index down
                logger.exception("Refreshing the entries of %s failed; kept in the outbox", key)
                continue
        covered.append(pk)
    index = es_backend.rebuild(entry_documents())
    SearchOutbox.objects.filter(pk__in=covered).delete()
    return index


def rebuild_all() -> int:
    """Rebuild every entry; then, with Elasticsearch configured, a new index behind the alias."""
    keys = (
        ServicePage.objects.live()
        .filter(alias_of__isnull=True)
        .values_list("translation_key", flat=True)
        .distinct()
    )
    stale = SearchEntry.objects.exclude(service_key__in=list(keys))
    stale.delete()
    count = sum(len(_store_entries(key)) for key in set(keys))
    if settings.ELASTICSEARCH_URL:
        rebuild_elasticsearch()
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
            # The outbox keeps the service until `search_index replay` succeeds.
            logger.exception("Re-indexing %s failed; kept in the outbox", key)
            keep_in_outbox(key, error)


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
