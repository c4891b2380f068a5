"""The managers' network map in a real Chromium with no network beyond this server (tiles
and any other host refused): the map draws its organisations, the partnership and the
referral flows from the project's own Leaflet under the site's CSP, and the table beside it
lists the same flows."""

import pytest
from playwright.sync_api import expect

from tests.referrals.conftest import PASSWORD, world  # noqa: F401 - the network fixture
from tests.referrals.figures_data import Q1
from tests.referrals.test_network_maps import boundaries, data, tervuren  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def offline_page(browser, site_server):
    """A curator's page that reaches only this server, collecting script and CSP errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    outside = []

    def only_this_server(route):
        if route.request.url.startswith(site_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{site_server.url}/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site_server.url}/admin/")
    return context, page, outside


def test_the_network_map_draws_its_lines_offline(site_server, world, data, browser):  # noqa: F811
    context, page, outside = offline_page(browser, site_server)
    page.goto(f"{site_server.url}/admin/figures/network/?start={Q1['start']}&end={Q1['end']}")

    overlay = page.locator(".brug-map .leaflet-overlay-pane path")
    # One partnership, two flows and three organisations, drawn as SVG paths.
    expect(overlay).to_have_count(6)
    expect(page.locator(".brug-map .leaflet-tile-loaded")).to_have_count(0)
    rows = page.locator("#table-flows tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Caritas Leuven")
    expect(rows.first).to_contain_text("28")
    # The pointer over a flow (Leaflet listens for mouseover; a hover waits for the map's
    # zoom animation to settle, which a busy machine may not give it in time).
    overlay.nth(1).dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Caritas Leuven → CGG Oost")
    assert page.problems == []
    assert all("tile" in url for url in outside), outside  # only the tiles were asked for
    context.close()


def test_the_gaps_map_fills_a_municipality_within_its_boundaries(
    site_server,
    world,  # noqa: F811
    data,  # noqa: F811
    tervuren,  # noqa: F811
    boundaries,  # noqa: F811
    browser,
):
    context, page, outside = offline_page(browser, site_server)
    page.goto(f"{site_server.url}/admin/figures/gaps/map/?start={Q1['start']}&end={Q1['end']}")
    # Leuven's area from the boundaries file and Tervuren's circle, as SVG paths.
    overlay = page.locator(".brug-map .leaflet-overlay-pane path")
    expect(overlay).to_have_count(2)
    # The area, not a circle in its colour: folium's GeoJSON style (circles are 0.85).
    area = page.locator('.brug-map .leaflet-overlay-pane path[fill="#fb6a4a"][fill-opacity="0.8"]')
    expect(area).to_have_count(1)
    area.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Leuven — needs without a service: 1")
    expect(page.locator("#table-gaps-map tbody tr")).to_have_count(2)
    assert page.problems == []
    assert all("tile" in url for url in outside), outside
    context.close()
