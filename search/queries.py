"""Service search over the database (Wagtail's database search backend).

A visitor searches every language's content; each service appears once, in the visitor's
language where a translation exists. The search issue replaces this with the full query API
(filters, facets, distance, Elasticsearch).
"""

from dataclasses import dataclass

from wagtail.models import Locale

from directory.models import Need, ServicePage

MAX_RESULTS = 200


@dataclass
class SearchResults:
    results: list[ServicePage]
    backend: str = "database"


def search_services(query: str, locale: Locale, need_code: str = "") -> SearchResults:
    services = ServicePage.objects.live().filter(alias_of__isnull=True)
    if need_code:
        services = services.with_needs(Need.objects.filter(slug=need_code))
    if query:
        found = list(services.search(query, operator="or")[:MAX_RESULTS])
    else:
        found = list(services.order_by("title")[:MAX_RESULTS])
    return SearchResults(results=_one_per_service(found, locale))


def _one_per_service(found: list[ServicePage], locale: Locale) -> list[ServicePage]:
    """Collapse translations to one result per service, shown in the visitor's locale."""
    keys = list(dict.fromkeys(page.translation_key for page in found))
    in_locale = {
        page.translation_key: page
        for page in ServicePage.objects.live()
        .filter(translation_key__in=keys, locale=locale)
        .for_cards()
    }
    return [in_locale[key] for key in keys if key in in_locale]
