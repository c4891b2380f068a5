"""Geocoding through geopy: an offline gazetteer by default, an online geocoder if configured.

`Gazetteer` is a geopy geocoder over Belgian and Dutch postcodes and places shipped with the
project (directory/data/gazetteer.json, built by scripts/build_gazetteer.py): "3010",
"Kessel-Lo", "Louvain", "1000 Bruxelles" resolve without a network. `locate_address` puts a
location's address on the map: the online geocoder (Nominatim or Photon, rate-limited) for the
street address when one is configured, else — or when it fails — the postcode's point, with
the precision recorded. It never raises: saving a listing must not depend on a remote service.
"""

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anyascii import anyascii
from django.conf import settings
from django.utils.translation import gettext as _
from geopy.distance import geodesic
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Photon
from geopy.geocoders.base import Geocoder
from geopy.location import Location

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.json"
# Two matches further apart than this are different places, not one place's postcodes.
SAME_PLACE_KM = 25
# An online answer further than this from the postcode's point is a wrong match.
MAX_DRIFT_KM = 30
_COUNTRY_WORDS = {
    "be": "BE",
    "belgie": "BE",
    "belgium": "BE",
    "belgique": "BE",
    "belgien": "BE",
    "nl": "NL",
    "nederland": "NL",
    "netherlands": "NL",
    "pays bas": "NL",
    "the netherlands": "NL",
}
_POSTCODE = re.compile(r"\b(\d{4})(?:\s?([a-z]{2}))?\b")


def place_key(text: str) -> str:
    """Folded form for matching: 'Kessel Lo', 'Kessel-Lo' and 'KESSEL-LO' are one."""
    text = unicodedata.normalize("NFKC", text or "")
    if re.search("[\u0600-\u06ff]", text):
        return " ".join(re.findall(r"\w+", text.casefold()))
    return " ".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))


@dataclass(frozen=True)
class Place:
    country: str
    postcode: str
    name: str
    names: tuple[str, ...]
    lat: float
    lon: float
    population: int
    region: str

    @property
    def label(self) -> str:
        """How a person tells this place from another of the same name."""
        if self.postcode:
            return f"{self.postcode} {self.name} ({self.country})"
        region = f"{self.region}, " if self.region else ""
        return f"{self.name} ({region}{self.country})"


@cache
def _places() -> tuple[list[Place], dict[str, list[Place]], dict[str, list[Place]]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    places = [
        Place(c, pc, name, tuple(names), lat, lon, pop, region)
        for c, pc, name, names, lat, lon, pop, region in data["rows"]
    ]
    by_postcode: dict[str, list[Place]] = {}
    by_name: dict[str, list[Place]] = {}
    for place in places:
        if place.postcode:
            by_postcode.setdefault(place.postcode, []).append(place)
        for name in {place.name, *place.names}:
            by_name.setdefault(place_key(name), []).append(place)
    return places, by_postcode, by_name


class Gazetteer(Geocoder):
    """An offline geopy geocoder over Belgian and Dutch postcodes and place names.

    Answers are ordered best first: a postcode before a name, a place's own name before one of
    its other names, the preferred countries in order, then the bigger place."""

    def __init__(self, countries: tuple[str, ...] = ("BE", "NL")):
        super().__init__()
        self.countries = tuple(countries)

    def geocode(self, query, *, exactly_one=True, country=None):
        matches = self.matches(str(query), country=country)
        locations = [self._location(place) for place in matches]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def reverse(self, query, *, exactly_one=True):  # pragma: no cover - not offered
        raise NotImplementedError("The gazetteer does not reverse-geocode.")

    def matches(self, text: str, country: str | None = None) -> list[Place]:
        _all, by_postcode, by_name = _places()
        key = place_key(text)
        countries = self.countries
        for word, code in _COUNTRY_WORDS.items():
            if key == word:
                return []
            if key.endswith(" " + word):
                key, countries = key[: -len(word) - 1], (code,)
        if country:
            countries = (country.upper(),)
        found = _POSTCODE.search(key)
        if found:
            postcode, letters = found.groups()
            rest = key[found.end() :].strip()
            candidates = [
                p
                for p in by_postcode.get(postcode, [])
                if p.country in countries and (not letters or p.country == "NL")
            ]
            if rest:
                named = [
                    p for p in candidates if rest in {place_key(n) for n in (p.name, *p.names)}
                ]
                candidates = named or candidates
            return self._ranked(candidates, key, countries)
        return self._ranked(
            [p for p in by_name.get(key, []) if p.country in countries], key, countries
        )

    def _ranked(self, places: list[Place], key: str, countries) -> list[Place]:
        unique = list(dict.fromkeys(places))

        def rank(place: Place):
            return (
                place_key(place.name) != key,  # its own name before another name of it
                countries.index(place.country),
                -place.population,
                place.postcode or "~",
            )

        return sorted(unique, key=rank)

    @staticmethod
    def _location(place: Place) -> Location:
        raw = {
            "country": place.country,
            "postcode": place.postcode,
            "name": place.name,
            "region": place.region,
            "population": place.population,
        }
        return Location(place.label, (place.lat, place.lon, 0), raw)


def postcode_places(name: str, countries: tuple[str, ...] | None = None) -> list[Place]:
    """The postcode areas called by this name ("Leuven" → 3000, "Louvain" → 3000); a
    postcode stands for itself. A municipality whose own name has no postcode of its own
    (its postcode is named after a part of it) gets its parts' postcodes."""
    countries = tuple(countries or settings.BRUG_GEOCODER_COUNTRIES)
    return _postcode_places(name, countries, False) or _postcode_places(name, countries, True)


def municipality_postcodes(name: str, countries: tuple[str, ...] | None = None) -> list[Place]:
    """Every postcode area of a municipality, its sub-municipalities included (the gazetteer
    names 3001 "Leuven (Heverlee)", so "Leuven" → 3000, 3001, 3010, 3012)."""
    return _postcode_places(name, tuple(countries or settings.BRUG_GEOCODER_COUNTRIES), True)


def _postcode_places(name: str, countries: tuple[str, ...], whole: bool) -> list[Place]:
    _all, by_postcode, _by_name = _places()
    key = place_key(name)
    if not key:
        return []
    found = _POSTCODE.fullmatch(key)
    if found:
        postcode, letters = found.groups()
        rows = [p for p in by_postcode.get(postcode, []) if p.country in countries]
        return [p for p in rows if not letters or p.country == "NL"][:1]
    for country in countries:
        rows = []
        for place in _all:
            if not place.postcode or place.country != country:
                continue
            own = key in {place_key(n) for n in (place.name, *place.names) if "(" not in n}
            # "Leuven (Heverlee)": a part of the municipality Leuven.
            part = any(place_key(n.split("(")[0]) == key for n in place.names if "(" in n)
            if own or (whole and part):
                rows.append(place)
        if rows:
            return sorted(set(rows), key=lambda p: p.postcode)
    return []


def postcode_label(postcode: str) -> str:
    """ "3010 Kessel-Lo" for a postcode the gazetteer knows, else the postcode itself."""
    rows = _places()[1].get(postcode, [])
    countries = settings.BRUG_GEOCODER_COUNTRIES
    rows = sorted(rows, key=lambda p: countries.index(p.country) if p.country in countries else 9)
    return f"{postcode} {rows[0].name}" if rows else postcode


def gazetteer() -> Gazetteer:
    return _gazetteer(tuple(settings.BRUG_GEOCODER_COUNTRIES))


@cache
def _gazetteer(countries: tuple[str, ...]) -> Gazetteer:
    # One per country list: a geopy geocoder builds an SSL context (33 ms) when it is made,
    # which every search near a place and every duplicate check paid.
    return Gazetteer(countries)


class PlaceError(ValueError):
    """A place that cannot be put on the map; the message is for the person who typed it."""


def resolve_place(text: str) -> Place:
    """The one place a person means by "3010", "Louvain" or "1000 Bruxelles".

    Raises PlaceError when nothing matches, or when several places far apart share the name
    (then the message lists them, so the person can add a postcode)."""
    text = " ".join((text or "").split())
    matches = gazetteer().matches(text) if text else []
    if not matches:
        raise PlaceError(
            _("We do not know “%(place)s”. Try a postcode, such as 3000.") % {"place": text}
        )
    best = matches[0]
    key = place_key(text)
    countries = settings.BRUG_GEOCODER_COUNTRIES

    def rivals(place: Place) -> bool:
        # Another place of this very name, or one in a preferred country (Bergen: Mons).
        return place_key(place.name) == key or countries.index(place.country) < countries.index(
            best.country
        )

    far = [
        p
        for p in matches[1:]
        if rivals(p) and geodesic((best.lat, best.lon), (p.lat, p.lon)).km > SAME_PLACE_KM
    ]
    if far and not _POSTCODE.search(key):
        options = list(dict.fromkeys(p.label for p in [best, *far]))[:5]
        raise PlaceError(
            _("Several places are called “%(place)s”: %(options)s. Add the postcode.")
            % {"place": text, "options": "; ".join(options)}
        )
    return best


@dataclass
class GeocodeResult:
    latitude: float
    longitude: float
    precision: str  # directory.models.locations.CoordinatePrecision values


def online_geocoder():
    """The configured online geocoder (rate-limited callable), or None."""
    return _online_geocoder(
        settings.BRUG_GEOCODER,
        settings.BRUG_GEOCODER_DOMAIN,
        settings.BRUG_GEOCODER_SCHEME,
        settings.BRUG_GEOCODER_TIMEOUT,
        settings.BRUG_GEOCODER_MIN_DELAY,
    )


@cache
def _online_geocoder(kind, domain, scheme, timeout, min_delay):
    # One per configuration and process, so the rate limit holds across requests.
    classes = {"nominatim": Nominatim, "photon": Photon}
    if kind not in classes:
        return None
    options = {"user_agent": settings.BRUG_GEOCODER_USER_AGENT, "timeout": timeout}
    if domain:
        options.update(domain=domain, scheme=scheme)
    geocoder = classes[kind](**options)
    return RateLimiter(geocoder.geocode, min_delay_seconds=min_delay, max_retries=0)


def locate_address(street, house_number, postcode, municipality, country) -> GeocodeResult | None:
    """A point for an address: the street address online when configured and plausible, else
    the postcode's point. None when not even the postcode is known."""
    fallback = None
    matches = gazetteer().matches(f"{postcode} {municipality}", country=country)
    if matches:
        fallback = GeocodeResult(matches[0].lat, matches[0].lon, "postcode")
    geocode = online_geocoder()
    if geocode is not None and street:
        query = f"{street} {house_number}".strip() + f", {postcode} {municipality}, {country}"
        try:
            found = geocode(query)
        except (GeopyError, OSError, ValueError) as error:
            # The postcode's point will do; the editor can move the pin.
            logger.warning("Online geocoding failed for a location: %s", error)
            found = None
        if found is not None:
            drift_ok = fallback is None or (
                geodesic(
                    (found.latitude, found.longitude), (fallback.latitude, fallback.longitude)
                ).km
                <= MAX_DRIFT_KM
            )
            if drift_ok:
                return GeocodeResult(round(found.latitude, 6), round(found.longitude, 6), "address")
    return fallback
