"""Turning backend hits into what pages and the API show, in the visitor's locale."""

from dataclasses import dataclass

from wagtail.models import Locale

from directory.models import ServicePage
from search.backends.base import Hit


@dataclass
class Result:
    hit: Hit
    page: ServicePage  # the version in the visitor's locale (a translation or an alias)


def present(hits: list[Hit], locale: Locale) -> list[Result]:
    keys = [hit.service_key for hit in hits]
    pages = {
        str(page.translation_key): page
        for page in ServicePage.objects.live()
        .filter(translation_key__in=keys, locale=locale)
        .for_cards()
    }
    return [Result(hit, pages[hit.service_key]) for hit in hits if hit.service_key in pages]
