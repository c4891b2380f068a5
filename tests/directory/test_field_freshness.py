"""Field-level freshness: when the phone, e-mail, address, hours and capacity of a listing
last changed or were confirmed — recorded on publish, on the one-click capacity and on 'still
correct', shown in the curators' report, the editor's reminder and the public pages."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone

from directory import capacity, field_freshness, verification
from directory.factories import publish
from directory.models import FieldCheck, HoursException, OrganisationPage, ServicePage

from .conftest import shown

pytestmark = pytest.mark.django_db

LONG_AGO = date(2025, 1, 6)


def checks(page) -> dict[str, FieldCheck]:
    return {c.field: c for c in FieldCheck.objects.filter(page=page)}


def age(page):
    """Pretend every recorded date of the page is from long ago."""
    FieldCheck.objects.filter(page=page).update(changed_on=LONG_AGO, confirmed_on=None)


def test_a_new_listing_records_each_fact_as_changed_today(orgs):
    today = timezone.localdate()
    own = orgs["own"]
    assert {f: c.changed_on for f, c in checks(own["organisation"]).items()} == {
        "phone": today, "email": today,
    }  # fmt: skip
    assert set(checks(own["service"])) == {"phone", "email", "capacity"}
    assert set(checks(own["location"])) == {"address", "hours"}
    # Only originals are tracked: aliases and translations share their facts.
    versions = OrganisationPage.objects.filter(translation_key=own["organisation"].translation_key)
    assert FieldCheck.objects.filter(page__in=versions).values("page").distinct().count() == 1


def test_publishing_a_change_marks_only_that_fact(orgs):
    organisation, location = orgs["own"]["organisation"], orgs["own"]["location"]
    age(organisation)
    age(location)
    organisation.phone = "016 99 88 77"
    publish(organisation)
    mine = checks(organisation)
    assert mine["phone"].changed_on == timezone.localdate()
    assert mine["email"].changed_on == LONG_AGO  # re-published, not changed

    HoursException.objects.create(
        location=location, kind="closed", starts_on=date(2026, 12, 24), ends_on=date(2027, 1, 2)
    )
    location.refresh_from_db()
    publish(location)
    assert checks(location)["hours"].changed_on == timezone.localdate()
    assert checks(location)["address"].changed_on == LONG_AGO


def test_one_click_capacity_and_still_correct(orgs, people):
    service = orgs["own"]["service"]
    age(service)
    capacity.set_capacity(service, "waiting_list", 4, people["editor"])
    assert checks(service)["capacity"].changed_on == timezone.localdate()
    assert checks(service)["phone"].changed_on == LONG_AGO

    for page in (orgs["own"]["organisation"], orgs["own"]["location"]):
        age(page)
    verification.verify_listing(orgs["own"]["organisation"], people["editor"])
    today = timezone.localdate()
    for page in (orgs["own"]["organisation"], service, orgs["own"]["location"]):
        assert {c.confirmed_on for c in checks(page).values()} == {today}, page


def test_the_report_and_the_reminder_say_which_facts_changed_when(orgs, people):
    organisation = orgs["own"]["organisation"]
    for page in OrganisationPage.objects.filter(translation_key=organisation.translation_key):
        page.last_verified = timezone.localdate() - timedelta(days=300)
        OrganisationPage.objects.filter(pk=page.pk).update(last_verified=page.last_verified)
    ServicePage.objects.descendant_of(organisation).update(last_verified=None)
    FieldCheck.objects.filter(page=organisation, field="phone").update(changed_on=LONG_AGO)
    FieldCheck.objects.filter(page=orgs["own"]["location"], field="hours").update(
        changed_on=None, confirmed_on=date(2025, 6, 2)
    )
    curator = Client()
    curator.force_login(people["curator"])
    report = shown(curator.get("/admin/reports/listings/"))
    assert "Facts checked" in report
    assert "phone: changed 6 Jan 2025" in report
    assert "opening hours: confirmed 2 Jun 2025" in report

    verification.send_reminders()
    body = next(m for m in mail.outbox if m.to == ["editor@example.org"]).body
    assert "phone: changed 6 Jan 2025" in body
    assert "Buddy Leuven office: address: changed" in body
    assert "opening hours: confirmed 2 Jun 2025" in body


def test_the_public_pages_say_when_hours_and_phone_were_checked(client, orgs):
    FieldCheck.objects.filter(page=orgs["own"]["location"], field="hours").update(
        changed_on=date(2026, 3, 2), confirmed_on=date(2026, 10, 14)
    )
    FieldCheck.objects.filter(page=orgs["own"]["organisation"], field="phone").update(
        changed_on=date(2026, 5, 4), confirmed_on=None
    )
    page = shown(client.get("/en/organisations/buddy/buddy-housing/"))
    assert "Opening hours checked on 14 October 2026" in page
    assert "Phone number checked on 4 May 2026" in page  # the organisation's phone


def test_existing_listings_are_backfilled_with_their_verified_date(orgs):
    organisation = orgs["own"]["organisation"]
    OrganisationPage.objects.filter(translation_key=organisation.translation_key).update(
        last_verified=date(2026, 2, 1)
    )
    FieldCheck.objects.all().delete()
    field_freshness.backfill(apps, None)
    phone = FieldCheck.objects.get(page=organisation, field="phone")
    assert (phone.changed_on, phone.confirmed_on) == (None, date(2026, 2, 1))
    hours = FieldCheck.objects.get(page=orgs["own"]["location"], field="hours")
    assert hours.confirmed_on == date(2026, 2, 1)  # a location: its organisation's date
    assert hours.fingerprint == field_freshness.fingerprint(orgs["own"]["location"], "hours")
    # A later change is seen against the backfilled fingerprint.
    organisation.phone = "016 99 88 77"
    publish(organisation)
    assert FieldCheck.objects.get(page=organisation, field="phone").changed_on == (
        timezone.localdate()
    )
