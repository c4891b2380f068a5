"""Refer from anywhere, as a coach does it all day, in a real Chromium (issue 17, item 1):
from the search page to a sent referral in at most 4 actions, and choosing another service
with the search-as-you-type field, which shows capacity, languages and interpreting.

Counted actions (each a click or a field the person fills; the coach is already signed in
and has searched): 1. "Refer a client" on the result's card — the form opens with the
service and the need filled in; 2. the client's first name; 3. how consent was given;
4. "Send the referral"."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_referrals import sign_in
from tests.referrals.conftest import world  # noqa: F401 - the network fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_ACTIONS = 4
MAX_SECONDS = 60


@pytest.fixture
def indexed(world):  # noqa: F811
    from search.sync import rebuild_all

    rebuild_all()  # on commit in the product
    return world


def test_from_the_search_page_to_a_sent_referral_in_four_actions(live_server, indexed, browser):
    coach = sign_in(browser, live_server, "coach")
    coach.goto(f"{live_server.url}/en/search/?q=trauma&need=mental-health")
    actions = 0
    started = time.monotonic()

    card = coach.locator(".service-card").filter(has_text="Trauma care")
    card.get_by_role("link", name="Refer a client").click()
    actions += 1
    expect(coach.locator(".brug-picker [role=status]")).to_contain_text("Trauma care")
    expect(coach.locator(f"input[name=needs][value='{indexed['need'].pk}']")).to_be_checked()
    coach.get_by_label("First name or initials").fill("M.")
    actions += 1
    coach.check("input[name=consent_method][value=verbal]")
    actions += 1
    coach.get_by_role("button", name="Send the referral").click()
    actions += 1
    expect(coach.locator("main")).to_contain_text("Sent, waiting for an answer")

    elapsed = time.monotonic() - started
    print(f"refer from the search page: {actions} actions, {elapsed:.1f} s")
    assert actions <= MAX_ACTIONS and elapsed < MAX_SECONDS


def test_choosing_another_service_by_typing(live_server, indexed, browser):
    coach = sign_in(browser, live_server, "coach")
    key = indexed["service"].translation_key
    coach.goto(f"{live_server.url}/admin/referrals/new/?service={key}")
    expect(coach.locator(".brug-picker [role=status]")).to_contain_text("Trauma care")
    field = coach.get_by_placeholder("Search for a service")
    field.fill("listening")
    option = coach.get_by_role("option").filter(has_text="Listening and advice")
    expect(option).to_contain_text("CAW Oost")
    expect(option).to_contain_text("Accepting new clients")
    expect(coach.get_by_role("option").filter(has_text="Sports club")).to_have_count(0)
    option.click()
    expect(coach.locator(".brug-picker [role=status]")).to_contain_text("Listening and advice")
    coach.get_by_label("First name or initials").fill("M.")
    coach.check("input[name=consent_method][value=verbal]")
    coach.get_by_role("button", name="Send the referral").click()
    expect(coach.locator("main")).to_contain_text("Sent, waiting for an answer")
    expect(coach.locator("main")).to_contain_text("Listening and advice")


def test_a_map_popup_refers_with_the_searched_topic(live_server, indexed, browser):
    coach = sign_in(browser, live_server, "coach")
    coach.goto(f"{live_server.url}/en/map/?q=trauma&need=mental-health")
    coach.locator(".brug-pin").first.click()
    refer = coach.locator(".map-popup__refer")
    expect(refer).to_have_attribute("href", re.compile(r"need=mental-health"))
    refer.click()
    expect(coach.locator(".brug-picker [role=status]")).to_contain_text("Trauma care")
