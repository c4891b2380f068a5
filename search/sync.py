"""Keeping the search entries true to the directory.

Publishing, unpublishing, moving or deleting a service, its organisation or one of its
locations re-indexes the services concerned after the transaction commits, through a task.
"""

import logging

from django.db import transaction
from django_tasks import task

from directory.models import LocationPage, OrganisationPage, ServicePage
from search.documents import build_documents
from search.models import SearchEntry

logger = logging.getLogger(__name__)


@transaction.atomic
def reindex_service(service_key) -> int:
    """Replace a service's entries with fresh ones; none when it is no longer live."""
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
    return len(documents)


def rebuild_all() -> int:
    keys = (
        ServicePage.objects.live()
        .filter(alias_of__isnull=True)
        .values_list("translation_key", flat=True)
        .distinct()
    )
    stale = SearchEntry.objects.exclude(service_key__in=list(keys))
    stale.delete()
    return sum(reindex_service(key) for key in set(keys))


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
