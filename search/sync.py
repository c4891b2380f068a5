"""Keeping the search entries true to the directory.

Publishing, unpublishing, moving or deleting a service, its organisation or one of its
locations re-indexes the services concerned after the transaction commits, through a task.
"""

import logging

from django.conf import settings
from django.db import transaction
from django_tasks import task

from directory.models import LocationPage, OrganisationPage, ServicePage
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
    for doc in documents:
        SearchEntry.objects.create(
            service_key=service_key,
            location_key=doc["location_key"],
            terms=doc["terms"],
            data={k: v for k, v in doc.items() if k != "terms"},
            latitude=doc["point"]["lat"] if doc["point"] else None,
            longitude=doc["point"]["lon"] if doc["point"] else None,
        )
    return documents


def entry_documents(service_key=None) -> list[dict]:
    """Documents as stored in the database (what Elasticsearch is built from)."""
    entries = SearchEntry.objects.all()
    if service_key is not None:
        entries = entries.filter(service_key=service_key)
    return [{**entry.data, "terms": entry.terms} for entry in entries.iterator()]


def push_to_elasticsearch(service_key, documents: list[dict]) -> bool:
    """Copy a service to Elasticsearch; when the node is unreachable, remember it (outbox)."""
    if not settings.ELASTICSEARCH_URL:
        return True
    from search.backends import elasticsearch as es_backend

    try:
        replay_outbox()
        es_backend.replace_service(str(service_key), documents)
    except es_backend.UNAVAILABLE as error:
        row, _created = SearchOutbox.objects.get_or_create(service_key=service_key)
        row.attempts += 1
        row.last_error = str(error)[:500]
        row.save()
        logger.warning("Elasticsearch unavailable; %s kept in the outbox", service_key)
        return False
    return True


def replay_outbox() -> int:
    """Copy every pending service to Elasticsearch; stops at the first failure (raises)."""
    from search.backends import elasticsearch as es_backend

    done = 0
    for row in SearchOutbox.objects.all():
        es_backend.replace_service(str(row.service_key), entry_documents(row.service_key))
        row.delete()
        done += 1
    return done


def rebuild_elasticsearch() -> str:
    from search.backends import elasticsearch as es_backend

    index = es_backend.rebuild(entry_documents())
    SearchOutbox.objects.all().delete()
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
        reindex_service(key)


def schedule_reindex(page) -> None:
    keys = sorted(str(k) for k in affected_services(page))
    if keys:
        transaction.on_commit(lambda: reindex_services_task.enqueue(keys))
