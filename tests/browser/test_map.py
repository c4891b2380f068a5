"""The map as a coach uses it, in a real Chromium with the map tiles unreachable: clusters for
the demo network, markers after zooming in, a popup that leads to the service, the place box
re-centring the map, and nothing requested from anywhere but this server (and the tiles)."""

import re
from urllib.parse import urlparse

import pytest
from geopy.distance import geodesic
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture
def map_page(browser):
    """A phone-sized page whose tile requests fail, as when the tile server is unreachable."""
    context = browser.new_context(viewport={"width": 412, "height": 860})
    page = context.new_page()
    page.requested_urls = []
    page.errors = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.route(f"**/{TILE_HOST}/**", lambda route: route.abort())
    yield page
    context.close()


def leaflet_map(page) -> str:
    return "window[document.querySelector('[data-brug-map]').dataset.brugMap]"


def zoom_until_markers(page, attempts=6) -> None:
    """Open the biggest cluster until single markers show."""
    for _ in range(attempts):
        if page.locator(".brug-pin").count():
            return
        sizes = page.locator(".brug-cluster").all_inner_texts()
        biggest = max(range(len(sizes)), key=lambda i: int(sizes[i]))
        page.locator(".brug-cluster").nth(biggest).click()
        page.wait_for_timeout(900)
    assert page.locator(".brug-pin").count(), "no markers after zooming in"


def test_the_map_shows_clusters_then_markers_and_a_popup_leads_to_the_service(
    site_server, demo, map_page
):
    map_page.goto(f"{site_server.url}/nl/map/")
    map_page.locator(".brug-cluster").first.wait_for()
    status = map_page.locator("[data-map-status]")
    expect(status).to_have_text(re.compile(r"^Diensten op de kaart:"))
    assert map_page.locator(".brug-cluster").count() >= 2

    zoom_until_markers(map_page)
    # The list beside the map follows the area shown.
    map_page.wait_for_function("location.search.includes('bbox=')")
    listed = map_page.locator(".results__count").inner_text()
    on_map = status.inner_text().split(":")[-1].strip()
    assert listed.split()[0] == on_map

    pin = map_page.locator(".brug-pin").first
    pin.click()
    popup = map_page.locator(".map-popup")
    popup.wait_for()
    name = popup.locator(".map-popup__title a").inner_text()
    expect(popup.locator(".status")).to_have_text(re.compile(r"^(Nu open|Nu gesloten)$"))
    popup.locator(".map-popup__title a").click()
    # Wait for the service page itself, not the map page that is still showing.
    map_page.wait_for_function("!location.pathname.includes('/map/')")
    map_page.wait_for_load_state()
    expect(map_page.locator("h1")).to_have_text(name)
    assert not map_page.errors


def test_the_place_box_recentres_the_map_and_sorts_by_distance(site_server, demo, map_page):
    map_page.goto(f"{site_server.url}/nl/map/")
    map_page.locator(".brug-cluster, .brug-pin").first.wait_for()
    # The visitor has looked around first: the search is now of the area shown...
    map_page.evaluate(f"{leaflet_map(map_page)}.panBy([120, 80], {{animate: false}})")
    map_page.wait_for_function("location.search.includes('bbox=')")
    # ...until they type a place, which replaces that area.
    map_page.locator("summary").filter(has_text="Resultaten filteren").click()
    map_page.fill("#near", "Kessel-Lo")
    map_page.select_option("#radius", "5")
    map_page.locator("#search-form button[type=submit]").click()
    map_page.wait_for_url("**near=Kessel-Lo**")
    assert "bbox=" not in map_page.url and "radius_km=5" in map_page.url
    map_page.locator(".brug-cluster, .brug-pin").first.wait_for()
    center = map_page.evaluate(
        f"(() => {{ const c = {leaflet_map(map_page)}.getCenter(); return [c.lat, c.lng]; }})()"
    )
    assert geodesic(center, (50.8899, 4.7308)).km < 1.5
    distances = [
        float(text.split()[0].replace(",", "."))
        for text in map_page.locator(".service-card .facts li").all_inner_texts()
        if text.endswith("km hiervandaan")
    ]
    assert distances and distances == sorted(distances)
    assert max(distances) <= 5


def test_nothing_leaves_this_server_but_tile_requests(site_server, demo, map_page):
    map_page.goto(f"{site_server.url}/ar/map/")
    map_page.locator(".brug-cluster, .brug-pin").first.wait_for()
    zoom_until_markers(map_page)
    hosts = {urlparse(url).hostname for url in map_page.requested_urls}
    assert hosts - {TILE_HOST} <= {"localhost", "127.0.0.1"}
    assert TILE_HOST in hosts  # the tiles were asked for, failed, and the markers still show
    assert map_page.evaluate("document.documentElement.dir") == "rtl"


def test_without_javascript_the_list_has_distances_and_map_links(site_server, demo, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site_server.url}/nl/map/?near=3000&radius_km=5")
    cards = page.locator(".service-card")
    assert cards.count() > 0
    first = cards.first
    expect(first).to_contain_text("km hiervandaan")
    link = first.locator(".card__place a")
    assert "openstreetmap.org" in link.get_attribute("href")
    assert page.locator("noscript").count() == 1
    context.close()


def test_resizing_the_window_keeps_the_place_search(site_server, demo, map_page):
    """A phone turned or a toolbar shown resizes the map: not the visitor moving it."""
    map_page.goto(f"{site_server.url}/nl/map/?near=Kessel-Lo&radius_km=5&sort=distance")
    map_page.locator(".brug-cluster, .brug-pin").first.wait_for()
    map_page.set_viewport_size({"width": 700, "height": 700})
    map_page.wait_for_timeout(800)  # Leaflet's moveend follows a resize after 200 ms
    assert "bbox=" not in map_page.url
    expect(map_page.locator("#radius")).to_have_value("5")
    # The visitor's own move still searches the area shown.
    map_page.evaluate(f"{leaflet_map(map_page)}.panBy([120, 80], {{animate: false}})")
    map_page.wait_for_function("location.search.includes('bbox=')")
