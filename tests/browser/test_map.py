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
    # Playwright polls a waiting function with eval, which the site's policy forbids; the
    # map under the policy itself is tests/security/test_csp.py's.
    context = browser.new_context(viewport={"width": 412, "height": 860}, bypass_csp=True)
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
    pins = page.locator(".brug-pin")
    for _ in range(attempts):
        try:
            expect(pins.first).to_be_visible(timeout=1500)
            return
        except AssertionError:
            pass  # still clusters: open one more
        sizes = [int(size) for size in page.locator(".brug-cluster").all_inner_texts() if size]
        if sizes:
            page.locator(".brug-cluster").nth(sizes.index(max(sizes))).click()
    expect(pins.first).to_be_visible()


def test_the_map_shows_clusters_then_markers_and_a_popup_leads_to_the_service(
    site_server, demo, map_page
):
    map_page.goto(f"{site_server.url}/nl/map/")
    map_page.locator(".brug-cluster").first.wait_for()
    status = map_page.locator("[data-map-status]")
    expect(status).to_have_text(re.compile(r"^Diensten op de kaart:"))
    expect(map_page.locator(".brug-cluster").nth(1)).to_be_visible()  # at least two

    zoom_until_markers(map_page)
    # The list beside the map follows the area shown.
    map_page.wait_for_function("location.search.includes('bbox=')")
    # Both counts change as the map moves: wait until the list and the map agree.
    map_page.wait_for_function(
        """() => {
            const onMap = document.querySelector('[data-map-status]').textContent;
            const listed = document.querySelector('.results__count');
            return /: \\d+$/.test(onMap.trim()) && listed
                && listed.textContent.trim().split(/\\s+/)[0] === onMap.split(':').pop().trim();
        }"""
    )

    pin = map_page.locator(".brug-pin").first
    pin.click()
    popup = map_page.locator(".map-popup")
    title = popup.locator(".map-popup__title a")
    expect(title).to_have_text(re.compile(r"\S"))
    name = title.inner_text()  # a popup's content is fixed once it shows
    expect(popup.locator(".status")).to_have_text(re.compile(r"^(Nu open|Nu gesloten)$"))
    # Followed with the keyboard, as a keyboard user does: a click aims at where the link was
    # drawn, and on a busy machine the popup can still be panning into view.
    title.press("Enter")
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
    facts = map_page.locator(".service-card .facts li").filter(has_text="km hiervandaan")
    expect(facts.first).to_be_visible()
    distances = [
        float(text.split()[0].replace(",", "."))
        for text in facts.all_inner_texts()
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
    expect(map_page.locator("html")).to_have_attribute("dir", "rtl")


def test_without_javascript_the_list_has_distances_and_map_links(site_server, demo, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site_server.url}/nl/map/?near=3000&radius_km=5")
    first = page.locator(".service-card").first
    expect(first).to_contain_text("km hiervandaan")
    expect(first.locator(".card__place a")).to_have_attribute(
        "href", re.compile(r"openstreetmap\.org")
    )
    # The map's note for visitors without JavaScript (the other <noscript> is the stylesheet
    # in <head> that hides script-only controls).
    expect(page.locator("main noscript")).to_have_count(1)
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
