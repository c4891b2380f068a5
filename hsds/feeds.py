"""What each HSDS list holds: the published listings (one row per original page), filtered as
the parameters ask, searched through the product's own search backend, paginated as an HSDS
`Page`."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.utils.translation import gettext as _
from geopy.distance import geodesic
from wagtail.models import Page

from directory.geocoding import postcode_places
from directory.models import LocationPage, Need, OrganisationPage, ServicePage, TargetGroup
from directory.models.originals import originals
from hsds import ids, mapping
from hsds import taxonomy as brug_taxonomy
from search import query as search_query
from search.backends import get_backend

# How many hits one search call returns when the whole ordered list of matches is needed.
SEARCH_BATCH = search_query.MAX_PAGE_SIZE
# A search never yields more services than the database backend considers (search/backends).
MAX_SEARCH_PAGES = 50


class FilterError(Exception):
    """A parameter names something that does not exist (400, with its name and message)."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def paginate(rows: list, page: int, per_page: int, total: int) -> dict:
    """An HSDS Page: this page's rows and the counts of the whole list."""
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(rows),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": rows,
    }


def page_of(rows: list, page: int, per_page: int) -> dict:
    """An HSDS Page of a list built whole."""
    return paginate(rows[(page - 1) * per_page : page * per_page], page, per_page, len(rows))


def live_services():
    return originals(ServicePage.objects.live()).select_related("locale").order_by("title", "pk")


def live_organisations():
    return (
        originals(OrganisationPage.objects.live()).select_related("locale").order_by("title", "pk")
    )


def by_id(queryset, value: str):
    """The live original page of this HSDS id (a translation key), or None."""
    try:
        key = uuid.UUID(str(value))
    except ValueError:
        return None
    return queryset.filter(translation_key=key).first()


def search_keys(text: str, language: str, **filters) -> list[str]:
    """The service keys the product's search finds for these words, best first: the same
    query, analysis and ranking as the search page and /api/v1/services."""
    keys: list[str] = []
    for number in range(1, MAX_SEARCH_PAGES + 1):
        params = QueryDict(mutable=True)
        params.update({"q": text, "lang": language, "page": number, "page_size": SEARCH_BATCH})
        for name, values in filters.items():
            params.setlist(name, values)
        query, errors = search_query.parse(params, language)
        if errors:
            raise FilterError("search", "; ".join(m for ms in errors.values() for m in ms))
        response = get_backend().search(query)
        keys += [hit.service_key for hit in response.hits]
        if len(keys) >= response.count or len(response.hits) < SEARCH_BATCH:
            break
    return keys


def _term(term_id) -> tuple[str, object]:
    """(kind, object) of a taxonomy term id: a need, a target group or a Brug attribute."""
    value = str(term_id)
    for need in Need.objects.all():
        if ids.term_id(brug_taxonomy.NEEDS, need.slug) == value:
            return "need", need
    for group in TargetGroup.objects.all():
        if ids.term_id(brug_taxonomy.TARGET_GROUPS, group.slug) == value:
            return "target_group", group
    for term in brug_taxonomy.ATTRIBUTE_TERMS:
        if ids.term_id(brug_taxonomy.ATTRIBUTES, term.code) == value:
            return "attribute", term
    raise FilterError("taxonomy_term_id", _("No taxonomy term has this id."))


@dataclass
class ServiceFilters:
    search: str = ""
    taxonomy_term_id: object = None
    taxonomy_id: object = None
    organization_id: object = None
    modified_after: object = None


def filtered_services(filters: ServiceFilters, feed: mapping.Feed) -> list[ServicePage]:
    """The published services the filters keep, in search order when searching (else by
    name)."""
    services = live_services()
    if filters.taxonomy_term_id:
        kind, term = _term(filters.taxonomy_term_id)
        if kind == "need":
            services = services.filter(needs__in=term.with_descendants()).distinct()
        elif kind == "target_group":
            services = services.filter(target_groups=term).distinct()
        else:
            services = [
                s
                for s in services
                if any(
                    a["taxonomy_term_id"] == str(filters.taxonomy_term_id)
                    for a in mapping.service_attributes(s, ids.page_id(s), feed)
                )
            ]
    if filters.taxonomy_id:
        taxonomy = brug_taxonomy.BY_ID.get(str(filters.taxonomy_id))
        if taxonomy is None:
            raise FilterError("taxonomy_id", _("No taxonomy has this id."))
        if taxonomy.code == brug_taxonomy.TARGET_GROUPS:
            services = _queryset(services).filter(target_groups__isnull=False).distinct()
        elif taxonomy.code == brug_taxonomy.NEEDS:
            services = _queryset(services).filter(needs__isnull=False).distinct()
    if filters.organization_id:
        organisation = by_id(OrganisationPage.objects.live(), filters.organization_id)
        if organisation is None:
            return []
        organisation = mapping.original(organisation, feed)
        services = _queryset(services).child_of(organisation)
    if filters.modified_after:
        changed = Page.objects.filter(
            live=True, last_published_at__gte=filters.modified_after
        ).values("translation_key")
        services = _queryset(services).filter(translation_key__in=changed)
    services = list(services)
    if filters.search:
        order = {key: rank for rank, key in enumerate(search_keys(filters.search, feed.language))}
        services = sorted(
            (s for s in services if str(s.translation_key) in order),
            key=lambda s: order[str(s.translation_key)],
        )
    return services


def _queryset(services):
    if isinstance(services, list):
        return ServicePage.objects.filter(pk__in=[s.pk for s in services]).order_by("title", "pk")
    return services


def service_at_locations(services, postcode: str = "", proximity: float | None = None):
    """(service, location) pairs of the services, kept by `postcode` (the service area must
    include it, when the service has one) and `proximity` (metres from the postcode's centre
    to the location's public point: a confidential location's municipality centre)."""
    centre = None
    if postcode:
        places = postcode_places(postcode)
        if not places:
            raise FilterError("postcode", _("We do not know this postcode."))
        centre = (places[0].lat, places[0].lon)
    pairs = []
    services = list(services)
    prefetch_related_objects(services, mapping.LOCATIONS)  # one query, not one a service
    for service in services:
        if postcode and service.service_area and postcode not in service.service_area:
            continue
        for location in mapping.service_locations(service):
            if proximity is not None:
                point = location.public_point
                if point is None:
                    continue
                if geodesic(centre, (point["lat"], point["lon"])).m > proximity:
                    continue
            pairs.append((service, location))
    return pairs


def service_at_location_by_id(value: str):
    """The (service, location) of a service-at-location id, or None. Its id is a UUID 5 of
    the two keys (hsds.ids), so the published pairs are listed (one query) and named."""
    pairs = (
        ServicePage.locations.through.objects.filter(
            servicepage__in=live_services(), locationpage__live=True
        )
        .values_list(
            "servicepage_id",
            "servicepage__translation_key",
            "locationpage_id",
            "locationpage__translation_key",
        )
        .order_by()
    )
    for service_pk, service_key, location_pk, location_key in pairs:
        if mapping.service_at_location_id(str(service_key), str(location_key)) == value:
            return ServicePage.objects.get(pk=service_pk), LocationPage.objects.get(pk=location_pk)
    return None


def organisations(search: str, language: str) -> list[OrganisationPage]:
    """The published organisations; with words, those of the services the search finds (its
    documents hold the organisation's names), in the order of their best service."""
    found = list(live_organisations())
    if not search:
        return found
    keys = search_keys(search, language)
    order: dict[str, int] = {}
    steplen = Page.steplen
    services = {str(s.translation_key): s for s in live_services().filter(translation_key__in=keys)}
    for rank, key in enumerate(keys):
        if key in services:
            order.setdefault(services[key].path[:-steplen], rank)
    return sorted((o for o in found if o.path in order), key=lambda o: order[o.path])
