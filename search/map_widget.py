"""The map beside the results, built with folium (Leaflet) and served from our static files.

folium writes the map and its tile layer; search/static/search/map.js fits it to the area
(`fit`, without animation, so that is not taken for the visitor's move), draws the first
markers and clusters from the page (the same search's answer, at `zoom`), and loads them from
/api/v1/map only when the visitor moves the map. folium's
own page header (CDN scripts, a viewport that forbids zooming) is not used: the template
loads Leaflet and the cluster plugin from the project's static files.
"""

import json
import math

import folium
from django.conf import settings
from django.utils.translation import gettext as _

from core.plurals import by_plural_category
from directory.models import Language, Need
from search.clusters import network_extent
from search.entries_cache import rebuilt_when_public_changes
from search.query import SearchQuery

# Zoom level that shows a circle of this radius (km) on a phone.
ZOOM_FOR_RADIUS = ((2, 14), (5, 13), (10, 12), (25, 11), (50, 10))
DEFAULT_NEAR_ZOOM = 13
BELGIUM = (50.5, 4.47, 8)  # lat, lon, zoom when the directory is empty
MIN_ZOOM, FIT_MAX_ZOOM = 6, 18
# The map frame the first features are clustered for when the map is fitted to an area (px;
# the frame is about this size on a laptop, smaller on a phone: a zoom level either way).
FRAME = (640, 480)


def build_map(query: SearchQuery | None) -> dict:
    """The folium map for a search: the area asked for (bbox), else around the place asked
    for, else the whole network. Returns the element's HTML, its script and its JS name,
    the area map.js fits it to (`fit`, JSON) and the zoom level that shows (`zoom`)."""
    fit = None
    if query is not None and query.bbox:
        west, south, east, north = query.bbox
        fit = [[south, west], [north, east]]
        center, zoom = ((south + north) / 2, (west + east) / 2), 12
    elif query is not None and query.point:
        center, zoom = query.point, _zoom_for(query.radius_km)
    else:
        extent = network_extent()
        if extent:
            south, west, north, east = extent
            fit = [[south, west], [north, east]]
            center, zoom = ((south + north) / 2, (west + east) / 2), 10
        else:
            center, zoom = BELGIUM[:2], BELGIUM[2]
    fmap = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        max_zoom=19,
        min_zoom=MIN_ZOOM,
    )
    add_tiles(fmap)
    if query is not None and query.point and query.radius_km:
        folium.Circle(
            location=list(query.point),
            radius=query.radius_km * 1000,
            color="#0b5cad",
            weight=2,
            fill=False,
            interactive=False,
        ).add_to(fmap)
    if query is not None and query.point:
        folium.CircleMarker(
            location=list(query.point),
            radius=7,
            color="#ffffff",
            weight=3,
            fill=True,
            fill_color="#0b5cad",
            fill_opacity=1,
            tooltip=_("Your place"),
        ).add_to(fmap)
    return {
        **rendered(fmap),
        "fit": json.dumps(fit) if fit else "",
        "zoom": zoom_to_fit(*fit[0], *fit[1]) if fit else zoom,
        # Around a place without a radius the search is the whole network: the first
        # markers are those of about the area shown.
        "area": None if fit or query is None or query.radius_km else area_around(center, zoom),
    }


def area_around(center: tuple[float, float], zoom: int, margin: float = 1.5):
    """(west, south, east, north) of what a FRAME-sized map at `zoom` shows around `center`,
    `margin` times wider and higher (a bigger screen or a small pan sees markers)."""
    lat, lon = center
    scale = 256 * 2**zoom
    half_width = FRAME[0] * margin / 2 / scale * 360
    y = _mercator_y(lat) * scale
    half_height = FRAME[1] * margin / 2

    def lat_at(pixel_y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * pixel_y / scale))))

    return (
        max(lon - half_width, -180.0),
        max(lat_at(y + half_height), -85.0),
        min(lon + half_width, 180.0),
        min(lat_at(y - half_height), 85.0),
    )


def _mercator_y(lat: float) -> float:
    """Web Mercator y of a latitude, from 0 (north) to 1 (south)."""
    rad = math.radians(max(min(lat, 85.0511), -85.0511))
    return (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2


def zoom_to_fit(south: float, west: float, north: float, east: float) -> int:
    """The zoom level at which Leaflet's fitBounds shows the area in a FRAME-sized map."""

    width = max((east - west) / 360, 1e-9)
    height = max(abs(_mercator_y(south) - _mercator_y(north)), 1e-9)
    zoom = math.floor(min(math.log2(FRAME[0] / 256 / width), math.log2(FRAME[1] / 256 / height)))
    return max(MIN_ZOOM, min(FIT_MAX_ZOOM, zoom))


def _zoom_for(radius_km: float | None) -> int:
    if radius_km is None:
        return DEFAULT_NEAR_ZOOM
    for limit, zoom in ZOOM_FOR_RADIUS:
        if radius_km <= limit:
            return zoom
    return ZOOM_FOR_RADIUS[-1][1] - 1


@rebuilt_when_public_changes
def popup_vocabulary() -> dict:
    """Need pictograms and language names in the visitor's language, for the popups (one
    dict per language and revision, shared by the requests: read, never changed)."""
    needs = {
        need.slug: {"label": need.label(), "icon": need.pictogram_url}
        for need in Need.objects.filter(parent__isnull=True).prefetch_related("labels")
    }
    languages = {language.code: language.name for language in Language.objects.all()}
    texts = {
        "open": _("Open now"),
        "appointment": _("Now by appointment only"),
        "closed": _("Closed now"),
        "accepting": _("Accepting new clients"),
        "km": _("%(km)s km away"),
        "details": _("Details"),
        "refer": _("Refer a client"),
        "languages": _("Languages:"),
        "interpreter": _("Interpreter available"),
        "zoom": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "close": _("Close"),  # a popup's close button (Wagtail's catalogues translate it too)
        "loading": _("Loading the map…"),
        "failed": _("The map could not load its markers. The list still works."),
        "located": _("Your location"),
        "nolocation": _("We could not get your location. Type a postcode instead."),
        "count": _("Services on the map: %(count)s"),
        "truncated": _("Zoom in to see every service."),
        "area": _("Confidential address: only the municipality is shown."),
    }
    # A cluster's name for screen readers ("5 services here"), in the language's plural forms.
    here = by_plural_category("%(count)s service here", "%(count)s services here")
    # A waiting list's length, worded as on the service page (directory.capacity.label).
    waiting = by_plural_category(
        "Waiting list: about %(weeks)s week", "Waiting list: about %(weeks)s weeks"
    )
    return {
        "needs": needs,
        "languages": languages,
        "texts": texts,
        "services_here": here,
        "waiting": waiting,
    }


def rendered(fmap: folium.Map) -> dict:
    """A folium map as a page embeds it: its name, its container and its script (without
    folium's header, which would load Leaflet from a CDN)."""
    root = fmap.get_root()
    root.render()
    return {"name": fmap.get_name(), "html": root.html.render(), "script": root.script.render()}


def add_tiles(fmap: folium.Map) -> None:
    """The configured tile layer (MAP_TILE_URL, a server of the operator's choosing)."""
    folium.TileLayer(
        tiles=settings.MAP_TILE_URL,
        attr=settings.MAP_TILE_ATTRIBUTION,
        name="tiles",
        max_zoom=19,
    ).add_to(fmap)
