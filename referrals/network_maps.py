"""The managers' two maps, drawn with folium (Leaflet): the network (organisations, confirmed
partnerships, referral flows; referrals.network) and the gaps per municipality
(referrals.gaps.by_municipality).

As on the public map (search/map_widget.py), only folium's map element and script are used:
its page header (CDN scripts and styles) is not, the template loads Leaflet from the
project's static files, and the script carries the request's CSP nonce. Tiles come from
MAP_TILE_URL when it is set; the lines and circles are vector layers, drawn without them.

Names never reach Leaflet as HTML: folium's Tooltip pastes its text into a JavaScript
template string (a backtick or `${…}` in a name would be code), so tooltips here are
DOM text nodes built from JSON (`TextTooltip`).

The gaps map is a choropleth where the operator installed municipality boundaries
(directory.boundaries; none ship with the project): each municipality's area is filled,
darker as more main needs have no service there. A municipality the file lacks, or every
one without a file, is a circle at its centre in the same colours, larger with its gaps.

Each function returns what it drew (`features`), which the page's table and the tests
compare with the rows.
"""

import math

import folium
from branca.element import MacroElement
from django.conf import settings
from django.utils.translation import gettext as _
from folium.template import Template

from directory.boundaries import shapes
from referrals.gaps import MunicipalityGaps
from referrals.network import Network
from search.map_widget import add_tiles, rendered

BELGIUM = (50.85, 4.5)
FLOW_COLOUR = "#0b5cad"
PARTNERSHIP_COLOUR = "#a34700"
OWN_COLOUR = "#1a7f37"
# Light to dark: the share of main needs without a service in a municipality.
GAP_COLOURS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
MIN_WEIGHT, MAX_WEIGHT = 2, 12


class TextTooltip(MacroElement):
    """A tooltip whose text is set as text (JSON-encoded, so no markup and no code)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(function () {
                var tip = document.createElement("span");
                tip.textContent = {{ this.text|tojson }};
                return tip;
            }, {"sticky": true});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "TextTooltip"
        self.text = str(text)


def _base_map(points) -> folium.Map:
    points = list(points)
    fmap = folium.Map(location=list(_centre(points)), zoom_start=10, tiles=None, max_zoom=19)
    if settings.MAP_TILE_URL:
        add_tiles(fmap)
    if points:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return fmap


def _centre(points) -> tuple[float, float]:
    if not points:
        return BELGIUM
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )


def _rendered(fmap: folium.Map, features: list[dict]) -> dict:
    return {
        **rendered(fmap),
        "features": features,
    }


def weight(count: int, largest: int) -> float:
    """A flow's line width in pixels, in proportion to the largest flow shown."""
    if largest <= 0:
        return MIN_WEIGHT
    return round(MIN_WEIGHT + (MAX_WEIGHT - MIN_WEIGHT) * count / largest, 1)


def arc(source, target, bend: float = 0.15, steps: int = 12) -> list[list[float]]:
    """Points along a curve from source to target that bends to the right of the way it
    goes, so that A → B and B → A are two lines, not one drawn twice."""
    (lat1, lon1), (lat2, lon2) = source, target
    mid_lat, mid_lon = (lat1 + lat2) / 2, (lon1 + lon2) / 2
    # The right-hand normal of the direction, in degrees (good enough within a region).
    control = (mid_lat - (lon2 - lon1) * bend, mid_lon + (lat2 - lat1) * bend)
    result = []
    for i in range(steps + 1):
        t = i / steps
        lat = (1 - t) ** 2 * lat1 + 2 * (1 - t) * t * control[0] + t**2 * lat2
        lon = (1 - t) ** 2 * lon1 + 2 * (1 - t) * t * control[1] + t**2 * lon2
        result.append([round(lat, 6), round(lon, 6)])
    return result


def flow_text(flow) -> str:
    return _("%(source)s → %(target)s — referrals: %(count)s") % {
        "source": flow.source.name,
        "target": flow.target.name,
        "count": flow.count,
    }


def partnership_text(line) -> str:
    return _("%(organisation)s and %(partner)s: %(kind)s") % {
        "organisation": line.organisation.name,
        "partner": line.partner.name,
        "kind": line.kind_label,
    }


def network_map(network: Network) -> dict:
    """Organisations as circles (their own organisations green for a manager), partnerships
    as dashed lines, flows as curves as wide as their number of referrals."""
    placed = [p for p in network.places.values() if p.point]
    fmap = _base_map(p.point for p in placed)
    features = []
    for line in network.drawn_partnerships:
        layer = folium.PolyLine(
            [list(line.organisation.point), list(line.partner.point)],
            color=PARTNERSHIP_COLOUR,
            weight=3,
            opacity=0.9,
            dash_array="6 6",
        ).add_to(fmap)
        TextTooltip(partnership_text(line)).add_to(layer)
        features.append(
            {
                "kind": "partnership",
                "organisation": line.organisation.name,
                "partner": line.partner.name,
                "type": line.kind,
            }
        )
    drawn = network.drawn_flows
    largest = max((f.count.value for f in drawn), default=0)
    for flow in drawn:
        width = weight(flow.count.value, largest)
        layer = folium.PolyLine(
            arc(flow.source.point, flow.target.point),
            color=FLOW_COLOUR,
            weight=width,
            opacity=0.6,
        ).add_to(fmap)
        TextTooltip(flow_text(flow)).add_to(layer)
        features.append(
            {
                "kind": "flow",
                "source": flow.source.name,
                "target": flow.target.name,
                "count": flow.count.value,
                "weight": width,
            }
        )
    for place in sorted(placed, key=lambda p: p.name.casefold()):
        marker = folium.CircleMarker(
            list(place.point),
            radius=7,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=OWN_COLOUR if place.own else "#333333",
            fill_opacity=1,
        ).add_to(fmap)
        TextTooltip(place.name).add_to(marker)
        features.append({"kind": "organisation", "name": place.name})
    return _rendered(fmap, features)


def gap_class(uncovered: int, needs: int) -> int:
    """0 (every main need has a service) to 4 (more than three quarters have none)."""
    if uncovered <= 0 or needs <= 0:
        return 0
    return min(len(GAP_COLOURS) - 1, math.ceil(4 * uncovered / needs))


def legend(needs: int) -> list[dict]:
    """The classes of the gaps map, each with its colour and its range of needs."""
    result = [{"colour": GAP_COLOURS[0], "low": 0, "high": 0}]
    for level in range(1, len(GAP_COLOURS)):
        low = max(1, math.floor(needs * (level - 1) / 4) + 1)
        high = math.floor(needs * level / 4) if level < 4 else needs
        if needs and low <= high:
            result.append({"colour": GAP_COLOURS[level], "low": low, "high": high})
    return result


def gaps_text(row: MunicipalityGaps) -> str:
    return _("%(municipality)s — needs without a service: %(uncovered)s, with one: %(few)s") % {
        "municipality": row.name,
        "uncovered": len(row.uncovered),
        "few": len(row.few),
    }


def gaps_map(rows: list[MunicipalityGaps], needs: int) -> dict:
    """Each municipality's area (or a circle at its centre), its colour by the main needs
    without a service there."""
    areas = shapes(rows)
    placed = [row for row in rows if row.point or row.name in areas]
    fmap = _base_map(point for row in placed for point in _extent(row, areas.get(row.name)))
    features = []
    for row in placed:
        level = gap_class(len(row.uncovered), needs)
        area = areas.get(row.name)
        if area is not None:
            layer = folium.GeoJson(
                {"type": "Feature", "properties": {}, "geometry": area.geometry},
                style_function=lambda _feature, colour=GAP_COLOURS[level]: {
                    "color": "#333333",
                    "weight": 1,
                    "fillColor": colour,
                    "fillOpacity": 0.8,
                },
            )
        else:
            layer = folium.CircleMarker(
                list(row.point),
                radius=8 + min(len(row.uncovered), 12) * 1.5,
                color="#333333",
                weight=1,
                fill=True,
                fill_color=GAP_COLOURS[level],
                fill_opacity=0.85,
            )
        layer.add_to(fmap)
        TextTooltip(gaps_text(row)).add_to(layer)
        features.append(
            {
                "municipality": row.name,
                "uncovered": len(row.uncovered),
                "few": len(row.few),
                "colour": GAP_COLOURS[level],
                "shape": "area" if area is not None else "circle",
            }
        )
    return _rendered(fmap, features)


def _extent(row: MunicipalityGaps, area) -> list[tuple[float, float]]:
    """The points the map must show of a municipality: its area's corners, else its centre."""
    if area is None:
        return [row.point]
    west, south, east, north = area.box
    return [(south, west), (north, east)]
