"""Municipality boundaries for the managers' gaps map, from a GeoJSON file the operator
installs (BRUG_MUNICIPALITY_BOUNDARIES; docs/operations.md says where to get one).

None ship with Brug: no open-licence file of Belgian municipal boundaries is to be had from
the package registries the project installs from. Without a file, or for a municipality the
file does not name, the gaps map draws a circle at the municipality's centre instead.

A feature is matched to a municipality by any of its name properties (Dutch, French, German
or plain, keys in any case), folded as the gazetteer folds names: a feature named "BRUXELLES"
and "Brussel" is found as "Bruxelles" and as "Brussel". A name that two municipalities share
goes to the one whose area lies around the municipality's centre. Geometries are simplified
once, when the file is read (Douglas–Peucker, about 50 m), so a page carries kilobytes per
municipality, not the survey's full detail.
"""

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import checks

from directory.geocoding import place_key
from directory.regions import canonical_region

# Property names that carry a municipality's name in the files people use (compared without
# case): Statbel's and the regions' (T_MUN_NL, NAAM…), geoBoundaries' (shapeName),
# OpenStreetMap exports (name, name:nl…).
NAME_PROPERTIES = (
    "name",
    "name_nl",
    "name_fr",
    "name_de",
    "name:nl",
    "name:fr",
    "name:de",
    "naam",
    "naamgem",
    "t_mun_nl",
    "t_mun_fr",
    "t_mun_de",
    "shapename",
    "municipality",
)
# One value naming a municipality in two languages: "Bruxelles - Brussel", "Bruxelles/Brussel".
BILINGUAL = re.compile(r"\s+-\s+|\s*/\s*")
TOLERANCE = 0.0005  # degrees, about 50 m: the detail a regional map can show
# How far (degrees) a municipality's centre may lie outside its area's box and still be its:
# the gazetteer's centre of a postcode area is near, not always inside, the municipality.
CENTRE_MARGIN = 0.05
POLYGONAL = {"Polygon", "MultiPolygon"}

logger = logging.getLogger(__name__)


class BoundariesError(ValueError):
    """The file cannot be used: not GeoJSON, or no polygon with a name in it."""


@dataclass(frozen=True)
class Area:
    geometry: dict
    box: tuple[float, float, float, float]  # west, south, east, north

    def near(self, point: tuple[float, float]) -> bool:
        lat, lon = point
        west, south, east, north = self.box
        return (
            west - CENTRE_MARGIN <= lon <= east + CENTRE_MARGIN
            and south - CENTRE_MARGIN <= lat <= north + CENTRE_MARGIN
        )


def boundaries() -> dict[str, list[Area]]:
    """The installed file's areas by folded municipality name ({} without a usable file).
    A name can belong to several municipalities ("Saint-Nicolas" is Sint-Niklaas in French
    and a municipality near Liège)."""
    areas, error = _installed()
    if error:
        # The map still answers, with circles; `manage.py check` names the problem.
        logger.warning(
            "municipality boundaries not used (%s): %s",
            settings.BRUG_MUNICIPALITY_BOUNDARIES,
            error,
        )
    return areas


def shapes(rows) -> dict[str, Area]:
    """The area of each municipality (rows with a `name` and a `point` or None) that the
    installed file has: the area of that name around its centre, or the only one."""
    known = boundaries()
    if not known:
        return {}
    result = {}
    for row in rows:
        candidates = known.get(place_key(row.name))
        if not candidates:
            canonical = canonical_region(row.name)  # "Luik" is the file's "Liège"
            candidates = known.get(place_key(canonical)) if canonical else None
        if not candidates:
            continue
        if row.point:
            candidates = [area for area in candidates if area.near(row.point)]
        if len(candidates) == 1:
            result[row.name] = candidates[0]
    return result


def check_boundaries(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    _areas, error = _installed()
    if not error:
        return []
    return [
        checks.Warning(
            f"BRUG_MUNICIPALITY_BOUNDARIES ({settings.BRUG_MUNICIPALITY_BOUNDARIES}) cannot be "
            f"used: {error}",
            hint="The gaps map draws circles until it can (docs/operations.md).",
            id="brug.W001",
        )
    ]


def _installed() -> tuple[dict[str, list[Area]], str]:
    path = settings.BRUG_MUNICIPALITY_BOUNDARIES
    if not path:
        return {}, ""
    try:
        found = Path(path).stat()
    except OSError as error:
        return {}, str(error)
    return _read(path, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=1)  # the file in use, read once per version of it (a failure too)
def _read(path: str, _modified: int, _size: int) -> tuple[dict[str, list[Area]], str]:
    try:
        return parse(Path(path).read_text(encoding="utf-8")), ""
    except (OSError, UnicodeDecodeError, BoundariesError) as error:
        return {}, str(error)


def parse(text: str) -> dict[str, list[Area]]:
    """Areas by folded name from a GeoJSON FeatureCollection's text. The features of one
    municipality (the same names: an enclave, a part across a river) make one area."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))  # a byte-order mark, as tools write
    except (json.JSONDecodeError, RecursionError) as error:
        raise BoundariesError(f"not JSON: {error}") from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundariesError("not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise BoundariesError("its features are not a list")
    parts: dict[frozenset[str], list[list]] = {}
    for feature in features:
        names = _names(feature)
        polygons = _polygons(feature) if names else []
        if polygons:
            parts.setdefault(names, []).extend(polygons)
    result: dict[str, list[Area]] = {}
    for names, polygons in parts.items():
        area = _area(polygons)
        for key in names:
            result.setdefault(key, []).append(area)
    if not result:
        raise BoundariesError(
            "no polygon in longitude/latitude with a name property ("
            + ", ".join(NAME_PROPERTIES)
            + ")"
        )
    return result


def _names(feature) -> frozenset[str]:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        return frozenset()
    by_key = {str(key).casefold(): value for key, value in properties.items()}
    names = set()
    for name in NAME_PROPERTIES:
        value = by_key.get(name)
        if isinstance(value, str):
            names.update(place_key(part) for part in [value, *BILINGUAL.split(value)])
    names.discard("")
    return frozenset(names)


def _polygons(feature: dict) -> list[list]:
    """The feature's polygons, simplified; [] for anything but (Multi)Polygons of valid
    longitudes and latitudes (a file left in Lambert 72 metres has none)."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
        return []
    try:
        simplified = simplify(geometry)
    except (TypeError, ValueError, IndexError, KeyError, RecursionError):
        return []
    polygons = (
        [simplified["coordinates"]]
        if simplified["type"] == "Polygon"
        else simplified["coordinates"]
    )
    return [polygon for polygon in polygons if polygon]


def _area(polygons: list[list]) -> Area:
    lons = [point[0] for polygon in polygons for point in polygon[0]]
    lats = [point[1] for polygon in polygons for point in polygon[0]]
    geometry = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": polygons}
    )
    return Area(geometry, (min(lons), min(lats), max(lons), max(lats)))


def simplify(geometry: dict) -> dict:
    """The same polygons with fewer points and coordinates rounded to about a metre."""
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(geometry["coordinates"])}
    polygons = [_polygon(polygon) for polygon in geometry["coordinates"]]
    return {"type": "MultiPolygon", "coordinates": [p for p in polygons if p]}


def _polygon(rings) -> list:
    kept = [_ring(ring) for ring in rings]
    if not kept or not kept[0]:
        return []
    return [ring for ring in kept if ring]  # holes too small to show are dropped


def _ring(ring) -> list:
    points = [(round(float(p[0]), 5), round(float(p[1]), 5)) for p in ring]
    if not all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in points):
        raise ValueError("not longitude and latitude")  # NaN fails these too
    thinned = _douglas_peucker(points)
    if len(thinned) < 4:  # a closed ring needs three corners and the closing point
        return []
    return [list(p) for p in thinned]


def _douglas_peucker(points: list) -> list:
    """Points of a line kept when they stray more than TOLERANCE from it (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, 0.0
        for index in range(first + 1, last):
            d = _distance(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > TOLERANCE:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))
