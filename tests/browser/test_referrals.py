"""A warm hand-off as the two workers do it, in a real Chromium: the coach finds the service,
presses "Refer", fills the short form and sends; the intake worker (who reads the admin in
French) finds it in the inbox, accepts it and plans the intake; the coach sees it on the
timeline."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.referrals.conftest import PASSWORD, world  # noqa: F401, F811 - the network fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def test_a_coach_refers_and_the_intake_worker_answers(live_server, world, browser):  # noqa: F811
    coach = sign_in(browser, live_server, "coach")
    coach.goto(f"{live_server.url}{world['service'].url.replace('/nl/', '/en/')}")
    coach.get_by_role("link", name="Refer a client to this service").click()
    coach.wait_for_url("**/admin/referrals/new/**")
    coach.fill("#id_client_reference", "CAR-77")
    coach.fill("#id_client_name", "M.")
    coach.fill("#id_handover_note", "Sleeps badly since the journey.")
    coach.check("input[name=consent_method][value=verbal]")
    coach.get_by_role("button", name="Send the referral").click()
    coach.wait_for_url("**/admin/referrals/*/")
    expect(coach.locator("main")).to_contain_text("Sent, waiting for an answer")
    number = coach.url.rstrip("/").rsplit("/", 1)[-1]

    intake = sign_in(browser, live_server, "intake")
    intake.goto(f"{live_server.url}/admin/referrals/inbox/")
    intake.get_by_role("link", name=f"R-{number}").click()
    intake.get_by_role("button", name="Accepter").click()
    intake.locator("summary").filter(has_text="entretien").first.click()
    when = (datetime.datetime.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    intake.fill("#id_when", when)
    intake.fill("#id_with_whom", "Sarah")
    intake.locator("form[action$='plan_intake/'] button[type=submit]").click()
    intake.wait_for_load_state()
    expect(intake.locator("main")).to_contain_text("Sarah")

    coach.reload()
    timeline = coach.locator("#timeline")
    expect(timeline).to_contain_text("Accepted")
    expect(timeline).to_contain_text("Intake planned")
    expect(coach.locator("main")).to_contain_text("Sarah")
