"""Confidential locations: shelters, safe houses and other places that must not say where they
are.

A confidential location keeps its street address in the database (its own organisation and the
people whose role is explicitly granted `directory.see_confidential_addresses` need it), but
everything public — pages in every locale, the printable card, the JSON API, the map's GeoJSON,
the search entries and the Elasticsearch documents, the sitemap, Wagtail's own search index —
shows only the municipality. Its point is never the building: it is snapped to the
municipality's centre when the location is saved (and again when a document is built), and the
map draws it as an area, not a pin. Instead of an address, the public sees a "front door": a
phone number, an e-mail address or a public intake location where people are received first.

The street address of a confidential location is never sent to an online geocoder either.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from geopy.distance import geodesic

from directory.geocoding import SAME_PLACE_KM, gazetteer, place_key

SEE_CONFIDENTIAL = "directory.see_confidential_addresses"
# The map draws a confidential location as a circle this wide around the municipality centre.
AREA_RADIUS_M = 2500
MUNICIPALITY_PRECISION = "municipality"


@lru_cache(maxsize=2048)
def municipality_centre(
    municipality: str, postcode: str, country: str
) -> tuple[float, float] | None:
    """The centre of a municipality from the offline gazetteer: the place of that name (the
    one nearest the postcode when several share it), else the postcode's point. Never the
    street address: only the municipality, postcode and country go in."""
    places = gazetteer()
    by_postcode = places.matches(f"{postcode} {municipality}".strip(), country=country or None)
    anchor = by_postcode[0] if by_postcode else None
    key = place_key(municipality)
    named = places.matches(municipality, country=country or None) if key else []
    named = [p for p in named if place_key(p.name) == key] or named
    if named and anchor is not None:
        named.sort(key=lambda p: geodesic((p.lat, p.lon), (anchor.lat, anchor.lon)).km)
        if geodesic((named[0].lat, named[0].lon), (anchor.lat, anchor.lon)).km > SAME_PLACE_KM:
            named = []
    best = named[0] if named else anchor
    if best is None:
        return None
    return (round(best.lat, 5), round(best.lon, 5))


def snap(location) -> None:
    """Put a confidential location's point on its municipality's centre (or nowhere)."""
    if not location.confidential:
        return
    centre = municipality_centre(
        location.municipality or "", location.postcode or "", location.country or ""
    )
    if centre is None:
        location.latitude = location.longitude = None
        location.coordinate_precision = ""
        return
    location.latitude = Decimal(str(centre[0]))
    location.longitude = Decimal(str(centre[1]))
    location.coordinate_precision = MUNICIPALITY_PRECISION


def public_point(location) -> dict | None:
    """The point the public may see: the location's own, or the municipality's centre for a
    confidential one (computed again, whatever is stored)."""
    if location is None:
        return None
    if location.confidential:
        centre = municipality_centre(
            location.municipality or "", location.postcode or "", location.country or ""
        )
        return {"lat": centre[0], "lon": centre[1]} if centre else None
    if location.latitude is None or location.longitude is None:
        return None
    return {"lat": float(location.latitude), "lon": float(location.longitude)}


def can_see_address(user, location) -> bool:
    """Whether this person may see a location's street address on the public site: everyone
    for an ordinary location; for a confidential one only a role explicitly granted
    `directory.see_confidential_addresses` (no role holds it by default)."""
    if location is None or not location.confidential:
        return True
    return bool(user is not None and user.is_authenticated and user.has_perm(SEE_CONFIDENTIAL))


def front_door_errors(location) -> dict[str, ValidationError]:
    """What is wrong with a location's front door (empty when nothing is)."""
    errors = {}
    door = location.front_door_location if location.front_door_location_id else None
    if door is not None:
        if door.pk == location.pk or (
            location.translation_key and door.translation_key == location.translation_key
        ):
            errors["front_door_location"] = ValidationError(
                _("A location cannot be its own front door: choose the public intake location.")
            )
        elif door.confidential:
            errors["front_door_location"] = ValidationError(
                _("The front door must be a location with a public address.")
            )
    if location.confidential and not (
        location.front_door_phone or location.front_door_email or door is not None
    ):
        errors["front_door_phone"] = ValidationError(
            _(
                "A confidential location needs a front-door contact: a phone number, an "
                "e-mail address or a public intake location where people are received first."
            )
        )
    return errors
