"""Turning backend hits into what pages and the API show, in the visitor's locale."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from wagtail.models import Locale

from directory import opening_hours, pathways
from directory.models import LocationPage, ServicePage
from directory.models.locations import HoursException, OpeningHours
from search import facets
from search.backends.base import Hit


@dataclass
class Result:
    hit: Hit
    page: ServicePage  # the version in the visitor's locale (a translation or an alias)
    location: LocationPage | None = None  # the matching (nearest) location, same locale
    # A pathway reserved for partners (directory.pathways), and whether it is open to the
    # signed-in coach's organisations (None: nobody's to check).
    pathway: pathways.Pathway | None = None
    open_to_coach: bool | None = None

    @property
    def external_map_url(self) -> str:
        """The location in an outside map, for visitors without JavaScript (or who want
        directions)."""
        if not self.hit.point or self.hit.area:
            return ""  # no point, or a confidential location's municipality (not a door)
        return settings.BRUG_EXTERNAL_MAP_URL.format(
            lat=round(self.hit.point["lat"], 6), lon=round(self.hit.point["lon"], 6)
        )


def present(hits: list[Hit], locale: Locale, coach: set[str] | None = None) -> list[Result]:
    """The hits as pages in `locale`, with their pathways; `coach`: the keys of the
    organisations a signed-in coach refers from (whether each pathway is open to them)."""
    keys = [hit.service_key for hit in hits]
    pages = {
        str(page.translation_key): page
        for page in ServicePage.objects.live()
        .filter(translation_key__in=keys, locale=locale)
        .select_related("locale", "alias_of__locale")
        .with_organisations()
    }
    _fill_cards(list(pages.values()))
    location_keys = [hit.location_key for hit in hits if hit.location_key]
    locations = {
        str(location.translation_key): location
        for location in LocationPage.objects.live().filter(
            translation_key__in=location_keys, locale=locale
        )
    }
    results = [
        Result(hit, pages[hit.service_key], locations.get(hit.location_key or ""))
        for hit in hits
        if hit.service_key in pages
    ]
    reserved = pathways.of_services(result.page for result in results)
    for result in results:
        result.pathway = reserved[result.page.translation_key]
        if coach:
            result.open_to_coach = result.pathway.open_to(result.page, coach)
    return results


def _fill_cards(services: list[ServicePage]) -> None:
    """What the cards show of these services (ServicePage.card_needs, card_languages,
    card_now) from rows: their needs' and languages' ids, their locations' hours. A page of
    results built hundreds of label, language, location and hours instances for it."""
    if not services:
        return
    by_pk = {service.pk: service for service in services}
    # The terms with their labels from the filters' per-process vocabulary (search.facets),
    # in the taxonomy's order, as the relations would give them.
    vocabulary = facets.current_vocabulary()
    for name, through, column, terms in (
        ("card_needs", ServicePage.needs.through, "need_id", vocabulary.needs),
        ("card_languages", ServicePage.languages.through, "language_id", vocabulary.languages),
    ):
        found: dict[int, set] = {pk: set() for pk in by_pk}
        for service_id, term_id in through.objects.filter(servicepage_id__in=by_pk).values_list(
            "servicepage_id", column
        ):
            found[service_id].add(term_id)
        for pk, ids in found.items():
            by_pk[pk].__dict__[name] = [term for term in terms if term.pk in ids]
    places: dict[int, list[int]] = {pk: [] for pk in by_pk}
    for service_id, location_id in ServicePage.locations.through.objects.filter(
        servicepage_id__in=by_pk
    ).values_list("servicepage_id", "locationpage_id"):
        places[service_id].append(location_id)
    schedules = _schedules({pk for ids in places.values() for pk in ids})
    moment = opening_hours.now_in_brussels()
    for pk, ids in places.items():
        by_pk[pk].__dict__["card_now"] = opening_hours.any_location_now(
            opening_hours.status_now(moment=moment, **schedules[location_id]) for location_id in ids
        )


_RANGE_FIELDS = ("weekday", "opens", "closes", "closes_next_day", "by_appointment_only")
_EXCEPTION_FIELDS = (
    *("kind", "starts_on", "ends_on", "weekday", "opens", "closes", "closes_next_day"),
    *("by_appointment_only", "note"),
)


def _schedules(location_ids) -> dict:
    """Each location's schedule (directory.opening_hours.status_now's arguments) from rows."""
    schedules = {
        pk: {"ranges": [], "exceptions": [], "open_on_holidays": holidays}
        for pk, holidays in LocationPage.objects.filter(pk__in=location_ids).values_list(
            "pk", "open_on_public_holidays"
        )
    }
    for row in OpeningHours.objects.filter(location_id__in=schedules).values(
        "location_id", *_RANGE_FIELDS, "valid_from", "valid_until"
    ):
        schedules[row.pop("location_id")]["ranges"].append(SimpleNamespace(**row))
    for row in HoursException.objects.filter(location_id__in=schedules).values(
        "location_id", *_EXCEPTION_FIELDS
    ):
        schedules[row.pop("location_id")]["exceptions"].append(SimpleNamespace(**row))
    return schedules
