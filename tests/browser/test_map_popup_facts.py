"""A map popup says how long a service's waiting list is and that an interpreter can join,
built from text nodes like the rest of the popup (map.js; no markup from the data)."""

import pytest
from playwright.sync_api import expect

from directory.factories import (
    LocationPageFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from search.sync import rebuild_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture
def waiting_service(organisation_index, housing):
    org = publish(
        OrganisationPageFactory(parent=organisation_index, title="Woonhulp", slug="woonhulp")
    )
    alias_everywhere(org)
    office = publish(
        LocationPageFactory(
            parent=org,
            title="Kantoor",
            slug="kantoor",
            postcode="3000",
            municipality="Leuven",
            latitude="50.879000",
            longitude="4.701000",
        )
    )
    alias_everywhere(office)
    service = ServicePageFactory(
        parent=org,
        title="Woonbegeleiding",
        slug="woonbegeleiding",
        needs=[housing],
        capacity_status="waiting_list",
        waiting_weeks=6,
        interpreter_available=True,
    )
    service.locations.set([office])
    publish(service)
    alias_everywhere(service)
    rebuild_all()
    return service


def test_the_popup_says_the_waiting_time_and_the_interpreter(
    site_server,
    waiting_service,
    browser,  # noqa: F811 - the session's Chromium (tests/conftest.py)
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"**/{TILE_HOST}/**", lambda route: route.abort())
    page.goto(f"{site_server.url}/en/map/")
    pin = page.locator(".brug-pin")
    expect(pin).to_have_count(1)
    pin.click()
    popup = page.locator(".map-popup")
    expect(popup.locator(".map-popup__title")).to_have_text("Woonbegeleiding")
    expect(popup.locator(".facts")).to_contain_text("Waiting list: about 6 weeks")
    expect(popup.locator(".facts")).to_contain_text("Interpreter available")
    assert not errors
    context.close()
