"""A service name on the public map is text, never markup: a service at a confidential
location whose title carries an HTML tag shows that title literally in the area's tooltip,
and the tag's script does not run in the visitor's browser."""

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

TITLE = 'Geweld <img src=x onerror="window.__xss=1">'
TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture
def shelter_service(organisation_index, housing):
    """A service whose editor typed markup into its title, at a confidential location."""
    org = publish(
        OrganisationPageFactory(parent=organisation_index, title="Vluchthuis", slug="vluchthuis")
    )
    alias_everywhere(org)
    house = publish(
        LocationPageFactory(
            parent=org,
            title="Opvanghuis",
            slug="opvanghuis",
            street="Verborgenstraat",
            house_number="17",
            postcode="3010",
            municipality="Kessel-Lo",
            latitude="50.893456",
            longitude="4.741234",
            confidential=True,
            front_door_phone="016 11 22 33",
        )
    )
    alias_everywhere(house)
    service = ServicePageFactory(parent=org, title=TITLE, slug="opvang", needs=[housing])
    service.locations.set([house])
    publish(service)
    alias_everywhere(service)
    rebuild_all()
    return service


def test_a_title_with_markup_shows_as_text_in_the_map_tooltip(
    site_server,
    shelter_service,
    browser,  # noqa: F811 - the fixture imported above
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.route(f"**/{TILE_HOST}/**", lambda route: route.abort())
    page.goto(f"{site_server.url}/nl/map/")
    area = page.locator("path.brug-area")
    expect(area).to_have_count(1)
    area.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(TITLE)
    expect(tooltip.locator("img")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"
    context.close()
