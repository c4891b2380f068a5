"""The managers' maps (referrals/network_views.py): the network of partnerships and referral
flows, and the gaps per municipality. Who may see them, the suppression of small flows on
the map, in the table and in the exports alike, the table equal to what folium drew, no
outside host, and the exports' content.

The data: tests/referrals/figures_data.py (Caritas → CGG 28 referrals in the first quarter
of 2026, Caritas → CAW 6), the three organisations moved apart so the lines have a length."""

import csv
import datetime
import html as html_lib
import io
import json
import re

import openpyxl
import pytest
from django.test import override_settings
from django.utils import timezone

from directory import boundaries as boundaries_module
from directory.factories import LocationPageFactory, publish
from directory.models import LocationPage, Partnership, PartnershipKind
from referrals import gaps, network
from referrals.models import State
from referrals.scope import Scope
from tests.referrals.conftest import refused
from tests.referrals.figures_data import Q1, build, make_referral

NETWORK = "/admin/figures/network/"
GAPS_MAP = "/admin/figures/gaps/map/"
POINTS = {"caritas": (50.879, 4.700), "cgg": (50.870, 4.690), "caw": (50.890, 4.720)}

# The admin puts page scripts in the head: the map script waits for its container.
ONCE_LOADED = re.escape('document.addEventListener("DOMContentLoaded", function () {')


@pytest.fixture
def data(world):
    built = build(world)
    for name, (lat, lon) in POINTS.items():
        LocationPage.objects.filter(path__startswith=world[name].path).update(
            latitude=lat, longitude=lon
        )
    Partnership.objects.create(
        organisation=world["caritas"],
        partner=world["cgg"],
        kind=PartnershipKind.REFERRAL_AGREEMENT,
        starts_on=datetime.date(2025, 1, 1),
        confirmed_at=timezone.now(),
    )
    # Proposed, not confirmed: not on the map.
    Partnership.objects.create(
        organisation=world["caritas"], partner=world["caw"], kind=PartnershipKind.FUNDING
    )
    # Ended before the period: not on the map.
    Partnership.objects.create(
        organisation=world["cgg"],
        partner=world["caw"],
        kind=PartnershipKind.CO_LOCATION,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        confirmed_at=timezone.now(),
    )
    return built


@pytest.fixture
def small_flow(world, data):
    """Three referrals from the CAW's coach to the CGG in March: below the threshold."""
    users = world["users"]
    for n in range(3):
        referral = make_referral(
            world,
            (f"s{n}", f"2026-03-1{n}", State.COMPLETED, 1, 3, ""),
            users["caw_coach"],
            world["service"],
            world["cgg"],
            [world["need"]],
            users["intake"],
        )
        referral.referring_organisation = world["caw"]
        referral.save()


# What the page shows -------------------------------------------------------------------

FLOW_ROW = re.compile(
    r'<tr class="brug-flow"><th scope="row">(.*?)</th><td>(.*?)</td>'
    r'<td class="brug-num">(.*?)</td></tr>'
)
LAYER = re.compile(
    r"var (\w+) = L\.(polyline|circleMarker)\(\s*(\[.*?\]),\s*(\{.*?\})\s*\)\.addTo", re.S
)
TOOLTIP = re.compile(r"(\w+)\.bindTooltip\(function \(\) \{.*?textContent = (\".*?\");", re.S)


def table_flows(page: str) -> list[tuple[str, str, str]]:
    return [tuple(html_lib.unescape(cell) for cell in row) for row in FLOW_ROW.findall(page)]


def drawn(page: str) -> dict:
    """What folium's script draws: {layer name: (kind, points, options, tooltip)}."""
    tips = {name: json.loads(text) for name, text in TOOLTIP.findall(page)}
    return {
        name: (kind, json.loads(points), json.loads(options), tips.get(name))
        for name, kind, points, options in LAYER.findall(page)
    }


def drawn_flows(page: str) -> list:
    return [
        (tip, options["weight"])
        for kind, _points, options, tip in drawn(page).values()
        if kind == "polyline" and options.get("dashArray") is None
    ]


def drawn_partnerships(page: str) -> list:
    return [
        tip
        for kind, _points, options, tip in drawn(page).values()
        if kind == "polyline" and options.get("dashArray")
    ]


def export(client, path, kind):
    response = client.get(path, {**Q1, "export": kind})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
    else:
        rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(body)).active.values]
    assert rows[0] == ["Table", "Row", "Figure", "Value"]
    return rows[1:]


# Who may see them --------------------------------------------------------------------


@pytest.mark.parametrize("person", ["coach", "receiver_editor", "intake", "stranger"])
def test_others_are_refused_the_maps_and_their_exports(world, data, as_user, person):
    client = as_user(person)
    for path in (NETWORK, GAPS_MAP):
        for kind in ("", "csv", "xlsx"):
            response = client.get(path, {**Q1, **({"export": kind} if kind else {})})
            assert refused(response), (person, path, kind, response.status_code)
            assert b"CGG Oost" not in response.content


def test_anonymous_is_sent_to_the_login(world, data, client):
    for path in (NETWORK, GAPS_MAP, f"{NETWORK}?export=csv"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_figures_pages_link_to_the_maps(world, data, as_user):
    page = as_user("receiver_manager").get("/admin/figures/", Q1).content.decode()
    assert f'href="{NETWORK}?' in page and f'href="{GAPS_MAP}?' in page


# The network map ------------------------------------------------------------------------


def test_a_curator_sees_every_flow_by_name_and_the_confirmed_partnerships(world, data, as_user):
    response = as_user("curator").get(NETWORK, Q1)
    assert response.status_code == 200
    page = response.content.decode()
    assert table_flows(page) == [
        ("Caritas Leuven", "CGG Oost", "28"),
        ("Caritas Leuven", "CAW Oost", "6"),
    ]
    assert drawn_partnerships(page) == ["Caritas Leuven and CGG Oost: Referral agreement"]
    assert 'id="table-partnerships"' in page and "Funding" not in page
    assert "Co-location" not in page
    assert "All referrals between organisations" in page


def test_a_manager_sees_their_own_flows_by_name_and_the_rest_aggregated(world, data, as_user):
    page = as_user("receiver_manager").get(NETWORK, Q1).content.decode()
    # The CGG's manager: Caritas → CGG by name; Caritas → CAW (not theirs) only in the sum.
    assert table_flows(page) == [("Caritas Leuven", "CGG Oost", "28")]
    assert [tip for tip, _w in drawn_flows(page)] == ["Caritas Leuven → CGG Oost — referrals: 28"]
    other = re.search(
        r'Other referrals between organisations</th><td class="brug-num">(.*?)</td>', page
    )
    assert other and other.group(1) == "6"
    assert re.search(r'All referrals between organisations</th><td class="brug-num">34<', page)
    # Their own organisation is on the map, green.
    assert '"fillColor": "#1a7f37"' in page


def test_a_small_flow_is_neither_drawn_nor_listed_nor_exported(world, data, small_flow, as_user):
    client = as_user("curator")
    page = client.get(NETWORK, Q1).content.decode()
    # CAW → CGG (3) is below 5; Caritas → CAW (6) is hidden too, or 37 − 28 − 6 would give
    # the 3 away. Both are only in "other referrals" (9).
    assert table_flows(page) == [("Caritas Leuven", "CGG Oost", "28")]
    assert [tip for tip, _w in drawn_flows(page)] == ["Caritas Leuven → CGG Oost — referrals: 28"]
    assert "CAW Oost → CGG Oost" not in page and "Caritas Leuven → CAW Oost" not in page
    assert re.search(r'Other referrals between organisations</th><td class="brug-num">9<', page)
    for kind in ("csv", "xlsx"):
        rows = export(client, NETWORK, kind)
        flows = {row[1]: row[3] for row in rows if row[0] == "Referral flows"}
        assert flows == {
            "Caritas Leuven → CGG Oost": 28 if kind == "xlsx" else "28",
            "Other referrals between organisations": 9 if kind == "xlsx" else "9",
            "All referrals between organisations": 37 if kind == "xlsx" else "37",
        }
        assert not any("CAW Oost →" in str(row[1]) for row in rows)


def test_the_table_holds_what_the_map_draws(world, data, as_user):
    page = as_user("curator").get(NETWORK, Q1).content.decode()
    flows = drawn_flows(page)
    rows = table_flows(page)
    assert sorted(tip for tip, _w in flows) == sorted(
        f"{source} → {target} — referrals: {count}" for source, target, count in rows
    )
    # Width by count: the largest flow is the widest.
    weights = dict(flows)
    assert weights["Caritas Leuven → CGG Oost — referrals: 28"] == 12
    assert 2 < weights["Caritas Leuven → CAW Oost — referrals: 6"] < 12
    # Every organisation of a line is a circle with its name.
    circles = [tip for kind, *_rest, tip in drawn(page).values() if kind == "circleMarker"]
    assert circles == ["Caritas Leuven", "CAW Oost", "CGG Oost"]
    # The same rows as the functions give folium.
    found = network.network(Scope(network=True), _q1())
    assert [(f.source.name, f.target.name, str(f.count)) for f in found.flows] == rows


def _q1():
    from referrals.analytics import Filters

    return Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def test_a_name_is_text_on_the_map_never_code(world, data, as_user):
    world["cgg"].title = "CGG `${alert(1)}` </script><b>Oost</b>"
    world["cgg"].save()
    page = as_user("curator").get(NETWORK, Q1).content.decode()
    script = re.search(
        rf'<script nonce="[^"]+">{ONCE_LOADED}(\s*var map_.*?)\}}\);</script>', page, re.S
    ).group(1)
    assert "<b>" not in script and "</script" not in script
    assert "bindTooltip(`" not in script  # folium's template-string tooltip is not used
    tips = [tip for *_rest, tip in drawn(page).values()]
    assert any(tip and "<b>Oost</b>" in tip for tip in tips)  # shown as text


def test_the_network_export(world, data, as_user):
    rows = export(as_user("receiver_manager"), NETWORK, "csv")
    table = {(r[0], r[1], r[2]): r[3] for r in rows}
    assert table[("Filters", "", "From")] == "2026-01-01"
    assert table[("Filters", "", "Until")] == "2026-03-31"
    assert table[("Referral flows", "Caritas Leuven → CGG Oost", "Referrals")] == "28"
    assert table[("Referral flows", "Other referrals between organisations", "Referrals")] == "6"
    partnership = "Caritas Leuven – CGG Oost"
    assert table[("Partnerships", partnership, "Kind")] == "Referral agreement"
    assert table[("Partnerships", partnership, "From")] == "2025-01-01"
    assert table[("Partnerships", partnership, "Until")] == ""
    assert not any("CAW Oost" in row[1] for row in rows if row[0] == "Referral flows")


# Both maps: no outside host, tiles optional, bad periods -------------------------------


@pytest.mark.parametrize("path", [NETWORK, GAPS_MAP])
def test_the_maps_load_nothing_from_another_host(world, data, as_user, path):
    response = as_user("curator").get(path, Q1)
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<script[^>]*\ssrc="([^"]*)"', page)
    sources += re.findall(r'<link[^>]*\shref="([^"]*)"', page)
    assert any("vendor/leaflet/leaflet.js" in s for s in sources)
    assert any("vendor/leaflet/leaflet.css" in s for s in sources)
    outside = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert outside == []
    # folium's default header names its CDNs (jsdelivr, cdnjs, …) and "leaflet@1.x".
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "leaflet@", "googleapis"):
        assert cdn not in page.lower(), cdn
    # folium's script runs under the page's CSP nonce.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(
        rf'<script nonce="{re.escape(nonce)}">{ONCE_LOADED}\s*var map_\w+ = L\.map\(', page
    )


@pytest.mark.parametrize("path", [NETWORK, GAPS_MAP])
def test_tiles_are_optional(world, data, as_user, path):
    client = as_user("curator")
    with override_settings(MAP_TILE_URL=""):
        page = client.get(path, Q1).content.decode()
    assert "L.tileLayer" not in page and "L.circleMarker" in page
    with override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png"):
        page = client.get(path, Q1).content.decode()
    assert "L.tileLayer" in page and "tiles.example.org" in page


@pytest.mark.parametrize("path", [NETWORK, GAPS_MAP])
def test_a_bad_period_gets_a_message_not_a_500(world, data, as_user, path):
    client = as_user("receiver_manager")
    for params in (
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"start": "yesterday"},
        {"end": "2026-13-45"},
        {"start": "2020-01-01", "end": "2026-01-01"},
    ):
        response = client.get(path, params)
        assert response.status_code == 400, params
        assert b"help-critical" in response.content, params
        assert b"L.map(" not in response.content


# The gaps map ---------------------------------------------------------------------------


@pytest.fixture
def tervuren(world, data):
    """A location in Tervuren where no service is offered: every main need uncovered."""
    return publish(
        LocationPageFactory(
            parent=world["caw"],
            title="CAW Tervuren",
            slug="caw-tervuren",
            postcode="3080",
            municipality="Tervuren",
            latitude="50.8234",
            longitude="4.5142",
        )
    )


GAPS_ROW = re.compile(
    r'<tr class="brug-municipality"><th scope="row">(.*?)</th><td class="brug-num">(\d+)</td>'
    r'<td class="brug-num">(\d+)</td><td>(.*?)</td></tr>'
)


def test_the_gaps_map_and_its_table_say_the_same(world, data, tervuren, as_user):
    client = as_user("receiver_manager")
    response = client.get(GAPS_MAP, Q1)
    assert response.status_code == 200
    page = response.content.decode()
    rows = [tuple(html_lib.unescape(c) for c in row) for row in GAPS_ROW.findall(page)]
    # Main needs: mental health (four services in Leuven) and housing (none anywhere).
    assert rows == [
        ("Tervuren", "2", "0", "Housing, Mental health"),
        ("Leuven", "1", "0", "Housing"),
    ]
    circles = {
        tip: options
        for kind, _points, options, tip in drawn(page).values()
        if kind == "circleMarker"
    }
    assert set(circles) == {
        f"{name} — needs without a service: {uncovered}, with one: {few}"
        for name, uncovered, few, _needs in rows
    }
    tervuren_circle = circles["Tervuren — needs without a service: 2, with one: 0"]
    leuven_circle = circles["Leuven — needs without a service: 1, with one: 0"]
    # Uncovered needs darker (and larger): every need of Tervuren, half of Leuven's.
    assert tervuren_circle["fillColor"] == "#a50f15"
    assert leuven_circle["fillColor"] == "#fb6a4a"
    assert tervuren_circle["radius"] > leuven_circle["radius"]
    # The legend beside the map has the map's colours.
    assert 'fill="#a50f15"' in page and 'fill="#fee5d9"' in page
    assert "No municipality boundaries are available offline" in page


def test_the_gaps_map_export(world, data, tervuren, as_user):
    for kind in ("csv", "xlsx"):
        rows = export(as_user("curator"), GAPS_MAP, kind)
        table = {(r[0], r[1], r[2]): r[3] for r in rows}
        key = "Main needs per municipality"
        assert str(table[(key, "Tervuren", "Needs without a service")]) == "2"
        assert str(table[(key, "Leuven", "Needs with one service")]) == "0"
        assert table[(key, "Leuven", "Needs")] == "Housing"


def test_an_export_is_in_the_audit_log(world, data, as_user):
    from wagtail.models import ModelLogEntry

    export(as_user("curator"), NETWORK, "xlsx")
    entry = ModelLogEntry.objects.filter(action="brug.figures.exported").latest("timestamp")
    assert entry.data["figures"] == "network"


def test_cached_maps_are_kept_per_scope(world, data, as_user):
    from django.core.cache import cache

    cache.clear()
    with override_settings(BRUG_FIGURES_CACHE_SECONDS=60):
        curator = as_user("curator").get(NETWORK, Q1).content.decode()
        manager = as_user("receiver_manager").get(NETWORK, Q1).content.decode()
        again = as_user("receiver_manager").get(NETWORK, Q1).content.decode()
        gaps_page = as_user("receiver_manager").get(GAPS_MAP, Q1)
    cache.clear()
    assert len(table_flows(curator)) == 2
    assert table_flows(manager) == table_flows(again) == [("Caritas Leuven", "CGG Oost", "28")]
    assert gaps_page.status_code == 200 and b"L.circleMarker" in gaps_page.content


def square(west, south, east, north, steps=50):
    """A closed ring with many points along each straight side (all but the corners go)."""
    side = [(west + (east - west) * i / steps, south) for i in range(steps)]
    side += [(east, south + (north - south) * i / steps) for i in range(steps)]
    side += [(east - (east - west) * i / steps, north) for i in range(steps)]
    side += [(west, north - (north - south) * i / steps) for i in range(steps)]
    return [list(p) for p in [*side, side[0]]]


@pytest.fixture
def boundaries(tmp_path, settings):
    """An operator's boundaries file naming Leuven (by its French name too), not Tervuren."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"T_MUN_NL": "LEUVEN", "T_MUN_FR": "Louvain"},
                "geometry": {"type": "Polygon", "coordinates": [square(4.62, 50.83, 4.78, 50.93)]},
            },
            {"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": None},
        ],
    }
    path = tmp_path / "municipalities.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    settings.BRUG_MUNICIPALITY_BOUNDARIES = str(path)
    return path


GEOJSON_DATA = re.compile(r"(geo_json_\w+)_add\((\{.*?\})\);", re.S)
GEOJSON_STYLE = re.compile(
    r"function (geo_json_\w+)_styler\(feature\) \{.*?return (\{.*?\});", re.S
)


def test_with_boundaries_the_gaps_map_fills_each_municipality_it_has(
    world, data, tervuren, boundaries, as_user
):
    response = as_user("receiver_manager").get(GAPS_MAP, Q1)
    page = response.content.decode()
    areas = {name: json.loads(data) for name, data in GEOJSON_DATA.findall(page)}
    styles = {name: json.loads(style) for name, style in GEOJSON_STYLE.findall(page)}
    tips = {name: json.loads(text) for name, text in TOOLTIP.findall(page)}
    # Leuven is filled within its boundary (found by its folded Dutch name), in Leuven's
    # colour; the file's straight sides come out as their four corners.
    [(leuven, collection)] = areas.items()
    assert tips[leuven] == "Leuven — needs without a service: 1, with one: 0"
    assert styles[leuven]["fillColor"] == "#fb6a4a"
    [feature] = collection["features"]
    assert feature["properties"] == {}  # no name reaches Leaflet but as text
    assert feature["geometry"]["coordinates"] == [
        [[4.62, 50.83], [4.78, 50.83], [4.78, 50.93], [4.62, 50.93], [4.62, 50.83]]
    ]
    # Tervuren, which the file lacks, is still a circle; the table lists both.
    circles = [tip for kind, _p, _o, tip in drawn(page).values() if kind == "circleMarker"]
    assert circles == ["Tervuren — needs without a service: 2, with one: 0"]
    assert [row[0] for row in GAPS_ROW.findall(page)] == ["Tervuren", "Leuven"]
    assert response.context["map"]["features"] == [
        {
            "municipality": "Tervuren",
            "uncovered": 2,
            "few": 0,
            "colour": "#a50f15",
            "shape": "circle",
        },
        {"municipality": "Leuven", "uncovered": 1, "few": 0, "colour": "#fb6a4a", "shape": "area"},
    ]
    assert "filled within its boundaries" in page
    assert "cdn." not in page.lower()


def test_an_unusable_boundaries_file_leaves_circles_and_a_warning(
    world, data, tervuren, as_user, settings, tmp_path
):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    for path in (tmp_path / "missing.geojson", broken):
        settings.BRUG_MUNICIPALITY_BOUNDARIES = str(path)
        response = as_user("receiver_manager").get(GAPS_MAP, Q1)
        assert response.status_code == 200
        assert [f["shape"] for f in response.context["map"]["features"]] == ["circle", "circle"]
        [warning] = boundaries_module.check_boundaries()
        assert warning.id == "brug.W001" and str(path) in warning.msg
    settings.BRUG_MUNICIPALITY_BOUNDARIES = ""
    assert boundaries_module.check_boundaries() == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "not JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"name": "X"}}]}',
            "no polygon in longitude/latitude",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "properties": {"name": "Speck"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [square(4.5, 50.5, 4.50001, 50.50001, steps=3)],
                            },
                        }
                    ],
                }
            ),
            "no polygon in longitude/latitude",
        ),
    ],
)
def test_a_boundaries_file_that_cannot_be_used_says_why(text, message):
    with pytest.raises(boundaries_module.BoundariesError, match=message):
        boundaries_module.parse(text)


def collection(*features) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": properties, "geometry": geometry}
                for properties, geometry in features
            ],
        }
    )


def polygon(west, south, east, north) -> dict:
    return {"type": "Polygon", "coordinates": [square(west, south, east, north, steps=2)]}


@pytest.mark.parametrize(
    "features",
    [
        [{"features": {}}],  # not a list: below
        ["a string", None, 7],
        [{"properties": ["name"], "geometry": polygon(4, 50, 4.1, 50.1)}],
        [{"properties": {"name": "X"}, "geometry": "Polygon"}],
        [{"properties": {"name": "X"}, "geometry": {"type": "Polygon"}}],
        [{"properties": {"name": "X"}, "geometry": {"type": "Polygon", "coordinates": "abc"}}],
        [{"properties": {"name": "X"}, "geometry": {"type": "Polygon", "coordinates": [[1, 2]]}}],
        # A file left in Belgian Lambert 72 (metres), and NaN.
        [{"properties": {"name": "X"}, "geometry": polygon(150000, 170000, 160000, 180000)}],
        [{"properties": {"name": "X"}, "geometry": polygon(float("nan"), 50, 4.1, 50.1)}],
    ],
)
def test_a_malformed_file_is_refused_with_a_reason_never_a_crash(features):
    if features == [{"features": {}}]:
        text = '{"type": "FeatureCollection", "features": {}}'
    else:
        text = json.dumps({"type": "FeatureCollection", "features": features})
    with pytest.raises(boundaries_module.BoundariesError):
        boundaries_module.parse(text)


def test_a_municipality_is_found_by_any_of_its_names_in_any_case():
    parsed = boundaries_module.parse(
        "\ufeff"  # a byte-order mark, as some tools write
        + collection(
            ({"NAME_NL": "Brussel", "Name_FR": "Bruxelles"}, polygon(4.3, 50.8, 4.4, 50.9)),
            ({"name": "Sint-Gillis - Saint-Gilles"}, polygon(4.33, 50.82, 4.35, 50.83)),
        )
    )
    assert {"brussel", "bruxelles", "sint gillis", "saint gilles"} <= set(parsed)
    [brussels] = parsed["bruxelles"]
    assert brussels.geometry["type"] == "Polygon"
    assert brussels.box == (4.3, 50.8, 4.4, 50.9)


def test_the_parts_of_a_municipality_make_one_area():
    [area] = boundaries_module.parse(
        collection(
            ({"name": "Baarle-Hertog"}, polygon(4.9, 51.4, 5.0, 51.5)),
            ({"name": "Baarle-Hertog"}, polygon(4.93, 51.44, 4.94, 51.45)),  # an enclave
        )
    )["baarle hertog"]
    assert area.geometry["type"] == "MultiPolygon" and len(area.geometry["coordinates"]) == 2


def test_a_name_two_municipalities_share_goes_to_the_one_around_its_centre(settings, tmp_path):
    # "Saint-Nicolas" is Sint-Niklaas in French, and a municipality near Liège.
    path = tmp_path / "boundaries.geojson"
    path.write_text(
        collection(
            (
                {"T_MUN_NL": "Sint-Niklaas", "T_MUN_FR": "Saint-Nicolas"},
                polygon(4.1, 51.1, 4.2, 51.2),
            ),
            (
                {"T_MUN_NL": "Saint-Nicolas", "T_MUN_FR": "Saint-Nicolas"},
                polygon(5.5, 50.6, 5.6, 50.7),
            ),
            ({"name": "Liège"}, polygon(5.5, 50.55, 5.7, 50.7)),
        ),
        encoding="utf-8",
    )
    settings.BRUG_MUNICIPALITY_BOUNDARIES = str(path)
    near_liege = gaps.MunicipalityGaps("Saint-Nicolas", (50.63, 5.53), [], [])
    near_ghent = gaps.MunicipalityGaps("Saint-Nicolas", (51.16, 4.14), [], [])
    unplaced = gaps.MunicipalityGaps("Saint-Nicolas", None, [], [])
    assert boundaries_module.shapes([near_liege])["Saint-Nicolas"].geometry["coordinates"][0][
        0
    ] == [
        5.5,
        50.6,
    ]
    assert boundaries_module.shapes([near_ghent])["Saint-Nicolas"].geometry["coordinates"][0][
        0
    ] == [
        4.1,
        51.1,
    ]
    assert boundaries_module.shapes([unplaced]) == {}  # which one is not known: a circle
    # A name the file does not have, found through the gazetteer ("Luik" is Liège).
    liege = gaps.MunicipalityGaps("Luik", (50.64, 5.57), [], [])
    assert set(boundaries_module.shapes([liege])) == {"Luik"}
