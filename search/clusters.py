"""The map's answer, shared by both backends: one point per service at a matching location,
or — when the area holds too many for a browser — clusters on the web map's tile grid.

The grid is the one Elasticsearch's `geotile_grid` aggregation uses (Web Mercator tiles), so
both backends cut an area into the same cells; a cell is drawn at the centroid of its points.
Cells are a quarter of a map tile wide (precision = zoom + 2), about 64 screen pixels.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geopy.distance import geodesic

from directory.confidentiality import AREA_RADIUS_M
from directory.opening_hours import OpenStatus, opening_status

# Below this zoom the server always clusters; from it on, it sends points when they are few.
POINTS_FROM_ZOOM = 13
# At most this many points in one answer; more become clusters at any zoom. Keeps an answer
# under ~150 KB and the browser fast on a cheap phone.
MAX_POINTS = 400
# Never more features than this in one answer (cells beyond it are the smallest ones).
MAX_FEATURES = 1000
MAX_ZOOM = 20
CELL_PRECISION_OFFSET = 2
MAX_PRECISION = 29


def cluster_precision(zoom: int) -> int:
    return min(zoom + CELL_PRECISION_OFFSET, MAX_PRECISION)


def tile_of(lat: float, lon: float, precision: int) -> tuple[int, int]:
    """The Web Mercator tile (x, y) holding a point, as geotile_grid computes it."""
    n = 1 << precision
    lat = max(min(lat, 85.05112878), -85.05112878)
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(x: int, y: int, precision: int) -> list[float]:
    """[west, south, east, north] of a tile, to zoom into a cluster."""
    n = 1 << precision

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return [
        round(x / n * 360.0 - 180.0, 6),
        round(lat(y + 1), 6),
        round((x + 1) / n * 360.0 - 180.0, 6),
        round(lat(y), 6),
    ]


def parse_tile_key(key: str) -> tuple[int, int, int]:
    """Elasticsearch names a cell "precision/x/y"."""
    precision, x, y = (int(part) for part in key.split("/"))
    return x, y, precision


@dataclass
class MapResponse:
    backend: str
    services: int  # distinct services with a matching location in the area
    points: int  # matching service-at-location points in the area
    clustered: bool
    features: list[dict] = field(default_factory=list)
    fallback: bool = False
    relaxed: bool = False
    truncated: bool = False  # some cells were left out (more than MAX_FEATURES)

    def geojson(self) -> dict:
        return {
            "type": "FeatureCollection",
            "backend": self.backend,
            "fallback": self.fallback,
            "relaxed": self.relaxed,
            "services": self.services,
            "points": self.points,
            "clustered": self.clustered,
            "truncated": self.truncated,
            "features": self.features,
        }


def wants_points(zoom: int, points: int) -> bool:
    return zoom >= POINTS_FROM_ZOOM and points <= MAX_POINTS


def point_feature(
    source: dict, language: str, near, moment: datetime, km: float | None = None
) -> dict:
    """A marker: what the popup shows, in the visitor's language, and nothing more. `km`: the
    distance from `near` when the backend measured it (Elasticsearch's sort value)."""
    point = source["point"]
    status = status_at(source, moment)
    distance = None
    if km is not None:
        distance = round(km, 1)
    elif near is not None:
        distance = round(geodesic(near, (point["lat"], point["lon"])).km, 1)
    organisations = source.get("organisation_names") or {}
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(point["lon"], 6), round(point["lat"], 6)],
        },
        "properties": {
            "id": source["service_key"],
            # A confidential location: the municipality, drawn as an area of radius_m.
            "area": bool(source.get("area")),
            "radius_m": AREA_RADIUS_M if source.get("area") else None,
            "name": source["names"].get(language, source["name"]),
            "org": organisations.get(language, source.get("organisation", "")),
            "needs": source.get("needs", []),
            "langs": source.get("languages", []),
            "open": status == OpenStatus.OPEN,
            "appointment": status == OpenStatus.BY_APPOINTMENT,
            "accepting": bool(source.get("accepting")),
            "interpreter": bool(source.get("interpreter")),
            "waiting_weeks": source.get("waiting_weeks"),
            "refer": bool(source.get("referrable")),
            "km": distance,
        },
    }


def cluster_feature(lat: float, lon: float, count: int, bounds: list[float]) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": {"cluster": True, "count": count, "bbox": bounds},
    }


def status_at(source: dict, moment: datetime) -> OpenStatus:
    """Open, by appointment or closed at a moment, from a database document's schedule or an
    index document's periods."""
    if "open_periods" in source:
        now = moment.astimezone(UTC)

        def within(periods) -> bool:
            return any(
                datetime.fromisoformat(p["gte"]) <= now < datetime.fromisoformat(p["lt"])
                for p in periods
            )

        if within(source["open_periods"]):
            return OpenStatus.OPEN
        if within(source.get("appointment_periods") or []):
            return OpenStatus.BY_APPOINTMENT
        return OpenStatus.CLOSED
    from search.documents import schedule

    return opening_status(moment=moment, **schedule(source))


def grid(docs: list[dict], precision: int) -> list[tuple[list[float], float, float, list[dict]]]:
    """Points grouped in tile cells: (cell bounds, centroid lat, centroid lon, docs), the
    biggest cells first."""
    cells: dict[tuple[int, int], list[dict]] = {}
    for doc in docs:
        point = doc["point"]
        cells.setdefault(tile_of(point["lat"], point["lon"], precision), []).append(doc)
    result = []
    for (x, y), members in cells.items():
        lat = sum(d["point"]["lat"] for d in members) / len(members)
        lon = sum(d["point"]["lon"] for d in members) / len(members)
        result.append((tile_bounds(x, y, precision), lat, lon, members))
    result.sort(key=lambda cell: -len(cell[3]))
    return result


EXTENT_CACHE_KEY = "brug:map-extent"


def network_extent() -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of every listed location, for the map's first view.
    Cached until the search entries change (search.sync forgets it)."""
    from django.core.cache import cache
    from django.db.models import Max, Min

    from search.models import SearchEntry

    def compute():
        box = SearchEntry.objects.filter(latitude__isnull=False).aggregate(
            south=Min("latitude"),
            north=Max("latitude"),
            west=Min("longitude"),
            east=Max("longitude"),
        )
        if box["south"] is None:
            return None
        return (box["south"], box["west"], box["north"], box["east"])

    return cache.get_or_set(EXTENT_CACHE_KEY, compute, 3600)


def forget_network_extent() -> None:
    from django.core.cache import cache

    cache.delete(EXTENT_CACHE_KEY)
