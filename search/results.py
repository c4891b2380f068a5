"""Turning backend hits into what pages and the API show, in the visitor's locale."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Locale

from directory import pathways
from directory.models import LocationPage, ServicePage
from directory.models.services import complete_need_labels
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
        .for_cards(language=get_language())
    }
    complete_need_labels(pages.values())
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
