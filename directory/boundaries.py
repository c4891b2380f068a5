"""Municipality boundaries for the managers' gaps map, from a GeoJSON file the operator
installs (BRUG_MUNICIPALITY_BOUNDARIES; docs/operations.md says where to get one).

None ship with Brug: no open-licence file of Belgian municipal boundaries is to be had from
the package registries the project installs from. Without a file, or for a municipality the
file does not name, the gaps map draws a circle at the municipality's centre instead.

A feature is matched to a municipality by any of its name properties (Dutch, French, German
or plain), folded as the gazetteer folds names, so "Brussel", "Bruxelles" and "BRUXELLES"
are one. Geometries are simplified once, when the file is read (Douglas–Peucker, about 50 m),
so a page carries kilobytes per municipality, not the survey's full detail.
"""

import json
import logging
import math
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import checks

from directory.geocoding import place_key
from directory.regions import canonical_region

# Property names that carry a municipality's name in the files people use: Statbel's and
# the regions' (T_MUN_NL, NAAM…), geoBoundaries' (shapeName), OpenStreetMap exports (name…).
NAME_PROPERTIES = (
    "name",
    "name_nl",
    "name_fr",
    "name_de",
    "name:nl",
    "name:fr",
    "name:de",
    "NAME",
    "NAAM",
    "NAAMGEM",
    "T_MUN_NL",
    "T_MUN_FR",
    "T_MUN_DE",
    "shapeName",
    "municipality",
)
TOLERANCE = 0.0005  # degrees, about 50 m: the detail a regional map can show
POLYGONAL = {"Polygon", "MultiPolygon"}

logger = logging.getLogger(__name__)


class BoundariesError(ValueError):
    """The file cannot be used: not GeoJSON, or no polygon with a name in it."""


def boundaries() -> dict[str, dict]:
    """The installed file's geometries by folded municipality name ({} without a file)."""
    path = settings.BRUG_MUNICIPALITY_BOUNDARIES
    if not path:
        return {}
    try:
        return _read(path, Path(path).stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError, BoundariesError) as error:
        # The map still answers, with circles; `manage.py check` names the problem.
        logger.warning("municipality boundaries not used (%s): %s", path, error)
        return {}


def shapes(names) -> dict[str, dict]:
    """The geometry of each of these municipalities that the installed file has."""
    known = boundaries()
    if not known:
        return {}
    result = {}
    for name in names:
        geometry = known.get(place_key(name))
        if geometry is None:
            canonical = canonical_region(name)  # "Luik" is the file's "Liège"
            geometry = known.get(place_key(canonical)) if canonical else None
        if geometry is not None:
            result[name] = geometry
    return result


def check_boundaries(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    path = settings.BRUG_MUNICIPALITY_BOUNDARIES
    if not path:
        return []
    try:
        _read(path, Path(path).stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError, BoundariesError) as error:
        return [
            checks.Warning(
                f"BRUG_MUNICIPALITY_BOUNDARIES ({path}) cannot be used: {error}",
                hint="The gaps map draws circles until it can (docs/operations.md).",
                id="brug.W001",
            )
        ]
    return []


@cache
def _read(path: str, _modified: int) -> dict[str, dict]:
    return parse(Path(path).read_text(encoding="utf-8"))


def parse(text: str) -> dict[str, dict]:
    """Geometries by folded name from a GeoJSON FeatureCollection's text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoundariesError(f"not JSON: {error}") from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundariesError("not a GeoJSON FeatureCollection")
    result: dict[str, dict] = {}
    for feature in data.get("features") or []:
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") not in POLYGONAL:
            continue
        simplified = simplify(geometry)
        if not simplified["coordinates"]:
            continue  # smaller than the map can show
        for key in feature_names(feature.get("properties") or {}):
            result.setdefault(key, simplified)
    if not result:
        raise BoundariesError(
            "no polygon with a name property (" + ", ".join(NAME_PROPERTIES) + ")"
        )
    return result


def feature_names(properties: dict) -> set[str]:
    return {
        place_key(value)
        for name in NAME_PROPERTIES
        if isinstance(value := properties.get(name), str) and place_key(value)
    }


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
    points = [(round(p[0], 5), round(p[1], 5)) for p in ring]
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
