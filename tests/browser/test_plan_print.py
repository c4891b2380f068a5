"""The client's plan prints on one A4 page (issue 17, item 2), as full as a coach makes it:
the planned appointment and the most services a plan holds (plans.MAX_SERVICES), each with
its address, a week of split opening hours and documents to bring — opened by the client
with the link (no account), printed by Chromium with the print stylesheet, in a
left-to-right and a right-to-left language."""

import datetime
import re
from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directory.factories import OpeningHoursFactory
from directory.models import ServicePage
from referrals import plans, workflow
from tests.referrals.conftest import world  # noqa: F401 - the network fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DOCUMENTS = ["identity", "residence_card", "health_insurance", "referral_letter"]
# Mornings every weekday, afternoons but on Wednesday, Saturday morning at one place.
WEEK = [(day, time(9), time(12)) for day in range(5)] + [
    (day, time(13, 30), time(16, 30)) for day in (0, 1, 3, 4)
]


def page_count(pdf: bytes) -> int:
    """The pages of a PDF Chromium wrote (each a `/Type /Page` object; `/Pages` is the tree)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture
def full_plan(world):  # noqa: F811
    """A plan link for the referral to the CGG (intake planned, first name shown) with four
    services, every one with hours and documents."""
    users = world["users"]
    services = [
        world["service"],
        world["caw_service"],
        world["caritas_service"],
        world["closed_service"],
    ]
    assert len(services) == plans.MAX_SERVICES
    for i, service in enumerate(services):
        # Every version: the plan shows the service in the plan's language (an alias here).
        versions = ServicePage.objects.filter(translation_key=service.translation_key)
        versions.update(documents_to_bring=DOCUMENTS)
        location = service.locations.get()
        location.street, location.house_number = "Kapucijnenvoer", str(30 + i)
        location.postcode, location.municipality = "3000", "Leuven"
        location.save()
        for weekday, opens, closes in WEEK + ([(5, time(10), time(12))] if i == 0 else []):
            OpeningHoursFactory(location=location, weekday=weekday, opens=opens, closes=closes)
    referral = workflow.create(
        users["coach"],
        world["caritas"],
        world["service"],
        {"reference": "CAR-1", "name": "Amina", "phone": "0470 12 34 56"},
        [world["need"]],
        consent_method="verbal",
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=90),
    )
    referral = workflow.perform(referral, users["coach"], "send", referral.version)
    referral = workflow.perform(referral, users["intake"], "accept", referral.version)
    referral = workflow.perform(
        referral,
        users["intake"],
        "plan_intake",
        referral.version,
        when=timezone.now() + datetime.timedelta(days=5),
        place="Kapucijnenvoer 35, Leuven, second floor, room 2.14",
        with_whom="Sarah Janssens, psychologist",
        interpreting="interpreter",
    )

    def link(language: str) -> str:
        plan = plans.create(
            users["coach"],
            world["caritas"],
            services,
            language,
            referral=referral,
            shows_first_name=True,
            shows_appointment=True,
        )
        return f"/plan/{plan.token}/"

    return link


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_full_plan_prints_on_one_a4_page(site_server, full_plan, browser, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_server.url + full_plan(language))
    expect(page.locator(".plan-appointment")).to_be_visible()
    expect(page.locator(".plan-service")).to_have_count(plans.MAX_SERVICES)
    expect(page.locator(".plan-service table.hours").first).to_be_visible()
    expect(page.locator(".plan__print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".plan__print")).to_be_hidden()  # the print stylesheet applies
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert page_count(pdf) == 1
    context.close()
