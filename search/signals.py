"""Signal handlers connected in SearchConfig.ready(): the directory knows nothing of search."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from directory.models import LocationPage, OrganisationPage, ServicePage
from directory.signals import listing_facts_changed
from search.sync import schedule_reindex


def on_page_changed(sender, instance, **kwargs):
    schedule_reindex(instance)


def on_page_moved(sender, instance, **kwargs):
    schedule_reindex(instance)


def on_facts_changed(sender, pages, **kwargs):
    for page in pages:
        schedule_reindex(page)


def connect():
    listing_facts_changed.connect(on_facts_changed, dispatch_uid="brug_search_facts")
    page_published.connect(on_page_changed, dispatch_uid="brug_search_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="brug_search_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="brug_search_moved")
    for model in (ServicePage, LocationPage, OrganisationPage):
        post_delete.connect(
            on_page_changed, sender=model, dispatch_uid=f"brug_search_deleted_{model.__name__}"
        )
