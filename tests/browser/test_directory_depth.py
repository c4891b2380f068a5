"""What a person sees of the directory's depth, in a real Chromium on a phone-sized screen: a
safe house shown by its municipality and front door (and as an area on the map, never a pin),
a coach describing a client once and seeing what was hidden and why, and a client answering
the three feedback questions by tapping pictograms."""

import pytest
from playwright.sync_api import expect

from directory.models import ServiceFeedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SAFE_HOUSE_STREET = "Geheim adres"


def test_safe_house_eligibility_and_feedback_on_a_phone(site_server, demo, phone_page):
    page = phone_page
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The service of the safe house: the municipality and a front door, no address.
    page.goto(f"{site_server.url}/en/organisations/caw-oost-brabant/caw-geweld-in-het-gezin/")
    safe_house = page.locator(".location--confidential")
    expect(safe_house).to_contain_text("Kessel-Lo")
    expect(safe_house.locator(".front-door")).to_contain_text("016 50 40 00")
    assert SAFE_HOUSE_STREET not in page.content()

    # The client answers three questions by tapping pictograms; no cookie is needed.
    page.locator(".feedback-box summary").click()
    for choice in ("got_help", "waited", "recommend"):
        page.locator(f".feedback-box input[name={choice}]").first.locator("xpath=..").click()
    page.locator(".feedback-box button[type=submit]").click()
    page.wait_for_url("**/feedback/")
    expect(page.locator("h1")).to_have_text("Thank you")
    assert ServiceFeedback.objects.filter(service__slug="caw-geweld-in-het-gezin").count() == 1
    assert not page.context.cookies()

    # On the map the safe house is an area around Kessel-Lo, not a pin.
    page.goto(f"{site_server.url}/en/map/?q=geweld&bbox=4.69,50.87,4.76,50.90")
    expect(page.locator("path.brug-area")).to_have_count(1)
    # Public addresses nearby are pins (or clusters of them), never areas.
    expect(page.locator(".brug-pin, .brug-cluster").first).to_be_visible()

    # A coach describes a client once and sees what was hidden, and why.
    page.goto(f"{site_server.url}/en/search/?need=income")
    page.locator(".filters > summary").click()
    page.select_option("#eligible-status", "asylum_seeker")
    page.fill("#eligible-age", "30")
    page.fill("#eligible-municipality", "3010")
    page.locator(".filters__actions button[type=submit]").click()
    page.wait_for_url("**eligible_status=asylum_seeker**")
    note = page.locator(".eligible-note")
    expect(note).to_contain_text("hidden because your client cannot use")
    expect(note).to_contain_text("not for this residence status")
    assert not errors
