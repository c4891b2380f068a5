"""The regions a project focuses on ("met focus op Gent, Antwerpen, Luik en Brussel"):
municipalities or provinces, named as the gazetteer names them, so "Luik" and "Liège" are
one region."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.geocoding import _places, place_key

MAX_REGIONS = 30


def province_names() -> dict[str, str]:
    """The gazetteer's provinces (and regions such as Vlaanderen), keyed by place_key."""
    return {place_key(p.region): p.region for p in _places()[0] if p.region}


def canonical_region(text: str) -> str | None:
    """The gazetteer's name of a province or municipality a person typed, or None."""
    key = place_key(text)
    if not key:
        return None
    province = province_names().get(key)
    if province:
        return province
    countries = list(settings.BRUG_GEOCODER_COUNTRIES)
    places = [p for p in _places()[2].get(key, []) if p.country in countries]
    if not places:
        return None
    # A place's own name before one of its other names, then the preferred country, then the
    # bigger place ("Luik" is Liège, the city, not one of its postcode areas).
    best = min(
        places,
        key=lambda p: (place_key(p.name) != key, countries.index(p.country), -p.population),
    )
    return best.name.split("(")[0].strip()


def parse_regions(text: str) -> list[str]:
    """Region names from what an editor types, separated by commas, in the order typed and
    without repeats. Raises a ValidationError naming what is not known."""
    regions: list[str] = []
    unknown = []
    for part in (p.strip() for p in (text or "").replace(";", ",").split(",")):
        if not part:
            continue
        name = canonical_region(part)
        if name is None:
            unknown.append(part)
        elif name not in regions:
            regions.append(name)
    if unknown:
        raise ValidationError(
            _("We do not know %(places)s. Use municipality or province names."),
            params={"places": ", ".join(f"“{u}”" for u in unknown)},
            code="unknown_place",
        )
    if len(regions) > MAX_REGIONS:
        raise ValidationError(
            _("A project can focus on at most %(max)s regions."), params={"max": MAX_REGIONS}
        )
    return regions


# Belgium's bigger cities have a name in each language. The gazetteer lists them among a
# place's other names without saying which language each is in, so the language is said
# here; a name is used only when the gazetteer has it for that place.
NAMES_IN = {
    "nl": {
        "Bruxelles": "Brussel",
        "Liège": "Luik",
        "Namur": "Namen",
        "Mons": "Bergen",
        "Tournai": "Doornik",
        "Arlon": "Aarlen",
        "Wavre": "Waver",
        "Nivelles": "Nijvel",
        "Mouscron": "Moeskroen",
    },
    "fr": {
        "Antwerpen": "Anvers",
        "Gent": "Gand",
        "Brugge": "Bruges",
        "Leuven": "Louvain",
        "Mechelen": "Malines",
        "Kortrijk": "Courtrai",
        "Ieper": "Ypres",
        "Aalst": "Alost",
        "Tongeren": "Tongres",
    },
    "en": {"Bruxelles": "Brussels", "Antwerpen": "Antwerp", "Gent": "Ghent", "Brugge": "Bruges"},
}


def region_label(name: str, language: str) -> str:
    """The region's name in `language` where the gazetteer has one, else its own name."""
    other = NAMES_IN.get(language.split("-")[0], {}).get(name)
    if other is None:
        return name
    known = {n for p in _places()[2].get(place_key(name), []) for n in (p.name, *p.names)}
    return other if other in known else name
