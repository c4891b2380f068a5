"""What a new organisation editor does: follow the invitation, choose a password, edit their
listing in the Wagtail admin and submit it for the curators' review."""

import pytest
from playwright.sync_api import expect

from directory import invitations
from directory.models import ServicePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitation_to_moderation(live_server, people, orgs, browser):
    _invitation, link, _sent = invitations.invite(
        email="amina@example.org",
        organisation=orgs["own"]["organisation"],
        invited_by=people["curator"],
        language="en",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(link.replace("http://testserver", live_server.url))
    expect(page.locator("h1")).to_contain_text("Join Buddy Leuven on Brug")
    page.fill("#id_first_name", "Amina")
    page.fill("#id_password1", "Brug-is-a-bridge-2026")
    page.fill("#id_password2", "Brug-is-a-bridge-2026")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    panel = page.locator("#brug-listing-buddy-section, section").filter(has_text="Buddy Leuven")
    expect(panel.first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("CAW Oost")

    service = orgs["own"]["service"]
    page.get_by_role("link", name="Buddy Leuven housing help").first.click()
    page.wait_for_url(f"**/admin/pages/{service.pk}/edit/")
    page.fill("#id_summary", "Together we look for a home in Leuven.")
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="Submit to Curator review").click()
    expect(page.locator("body")).to_contain_text("submitted for moderation")
    context.close()

    service = ServicePage.objects.get(pk=service.pk)
    assert service.workflow_in_progress
    assert service.summary == "Help to find a home."  # live only after a curator's approval
    assert service.get_latest_revision_as_object().summary.startswith("Together we look")
