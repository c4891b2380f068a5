"""Freshness: 'last verified on' in public, the curators' report (CSV/XLSX), reminders that a
daily run sends once per period, and the one-click 'still correct'."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile

from directory import verification
from directory.models import (
    LocationPage,
    OpeningHours,
    OrganisationPage,
    ServicePage,
    VerificationReminder,
)
from directory.roles import remove_member

from .conftest import service_form, shown

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def set_verified(organisation, day):
    OrganisationPage.objects.filter(translation_key=organisation.translation_key).update(
        last_verified=day
    )
    ServicePage.objects.descendant_of(organisation).update(last_verified=day)


@pytest.fixture
def stale(orgs):
    """Our organisation was last verified 200 days ago, the other one last week."""
    set_verified(orgs["own"]["organisation"], days_ago(200))
    set_verified(orgs["other"]["organisation"], days_ago(7))
    return orgs


def test_every_listing_page_shows_when_it_was_verified(client, stale):
    day = days_ago(200)
    for path in ["/en/organisations/buddy/", "/en/organisations/buddy/buddy-housing/",
                 "/en/organisations/buddy/office/"]:  # fmt: skip
        text = shown(client.get(path))
        assert "Last verified on" in text, path
        assert str(day.year) in text
    OrganisationPage.objects.update(last_verified=None)
    ServicePage.objects.update(last_verified=None)
    assert "Not yet verified" in shown(client.get("/en/organisations/buddy/buddy-housing/"))


def test_stale_listings_are_the_ones_past_the_period(stale, settings):
    assert [s.organisation.slug for s in verification.stale_listings()] == ["buddy"]
    settings.BRUG_VERIFICATION_PERIOD_DAYS = 5
    assert {s.organisation.slug for s in verification.stale_listings()} == {"buddy", "caw"}


@pytest.fixture
def curator(people):
    client = Client()
    client.force_login(people["curator"])
    return client


def test_report_lists_what_to_check_and_exports_it(curator, stale):
    location = stale["other"]["location"]
    LocationPage.objects.filter(translation_key=location.translation_key).update(
        latitude=None, longitude=None
    )
    OpeningHours.objects.filter(location=location).delete()
    OrganisationPage.objects.filter(slug="caw").update(email="info(at)caw", phone="call us")

    report = curator.get("/admin/reports/listings/")
    assert report.status_code == 200
    text = shown(report)
    assert "Listings to check" in text
    assert "Buddy Leuven" in text and "Not verified recently" in text
    assert "No point on the map" in text and "No opening hours" in text
    assert "Broken contact field" in text and "e-mail" in text and "phone" in text

    export = curator.get("/admin/reports/listings/?export=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:4] == ["Page", "Type", "Organisation", "What to check"]
    by_title = {row[0]: row for row in rows[1:]}
    assert "Not verified recently" in by_title["Buddy Leuven housing help"][3]
    assert "No point on the map" in by_title["CAW Oost office"][3]
    xlsx = curator.get("/admin/reports/listings/?export=xlsx")
    assert xlsx.status_code == 200
    assert "spreadsheetml" in xlsx["Content-Type"]

    only = shown(curator.get("/admin/reports/listings/?issue=no_hours"))
    assert "CAW Oost office" in only and "Buddy Leuven housing help" not in only


@pytest.mark.parametrize("role", ["editor", "coach"])
def test_report_is_for_curators(client, people, stale, role):
    client.force_login(people[role])
    assert client.get("/admin/reports/listings/").status_code in (302, 403)
    assert client.get("/admin/reports/listings/?export=csv").status_code in (302, 403)
    for url in ("/admin/reports/listings/", "/admin/reports/listings/?export=csv"):
        response = client.get(url, follow=True)
        # Sent back to their dashboard, with nothing of the report: neither its column nor
        # another organisation's problem.
        assert response.redirect_chain == [("/admin/", 302)]
        page = shown(response)
        assert "What to check" not in page and "No point on the map" not in page


def test_reminders_go_once_a_period_with_a_still_correct_link(client, people, stale):
    UserProfile.objects.filter(user=people["editor"]).update(preferred_language="nl")
    out = io.StringIO()
    call_command("send_verification_reminders", stdout=out)
    assert "1 organisation(s) reminded" in out.getvalue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@example.org"]
    assert "Buddy Leuven" in message.subject
    assert "nog juist" in message.body  # Dutch, the editor's language

    # A second run the same day (or any day this period) sends nothing.
    call_command("send_verification_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert VerificationReminder.objects.count() == 1

    # The link shows the listing with one button; opening it records nothing.
    path = re.search(r"http://testserver(/nl/verify/\S+/)", message.body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert "Buddy Leuven" in shown(page)
    assert OrganisationPage.objects.get(slug="buddy", locale__language_code="nl").last_verified == (
        days_ago(200)
    )
    done = client.post(path)
    assert done.status_code == 200
    today = timezone.localdate()
    for page in OrganisationPage.objects.filter(slug="buddy"):
        assert page.last_verified == today
    for service in ServicePage.objects.filter(slug="buddy-housing"):
        assert service.last_verified == today
    entry = PageLogEntry.objects.get(action="brug.verify")
    assert entry.user == people["editor"]
    assert verification.stale_listings() == []

    # Next period, stale again: a new reminder.
    later = today + timedelta(days=200)
    run = verification.send_reminders(today=later)
    assert {o.slug for o, _n in run.reminded} == {"buddy", "caw"}
    assert len(mail.outbox) == 3


def test_reminder_run_skips_listings_without_editors(people, stale):
    remove_member(people["editor"].memberships.get(role="editor"))
    run = verification.send_reminders()
    assert [o.slug for o in run.without_editors] == ["buddy"]
    assert not mail.outbox


@pytest.mark.parametrize("token", ["garbage", "eyJvIjoxfQ:1tZ:bad"])
def test_a_bad_still_correct_link_is_refused(client, stale, token):
    response = client.post(f"/en/verify/{token}/")
    assert response.status_code == 410
    assert "This link does not work any more" in shown(response)


def test_a_still_correct_link_stops_working_when_access_is_revoked(client, people, stale):
    organisation = stale["own"]["organisation"]
    path = f"/en/verify/{verification.make_token(organisation, people['editor'])}/"
    assert client.get(path).status_code == 200
    remove_member(people["editor"].memberships.get(role="editor"))
    assert client.post(path).status_code == 410
    assert OrganisationPage.objects.get(pk=organisation.pk).last_verified == days_ago(200)


def test_an_old_still_correct_link_is_refused(client, people, stale, settings):
    organisation = stale["own"]["organisation"]
    path = f"/en/verify/{verification.make_token(organisation, people['editor'])}/"
    settings.BRUG_VERIFICATION_LINK_DAYS = -1
    response = client.post(path)
    assert response.status_code == 410
    assert "This link does not work any more" in shown(response)
    assert OrganisationPage.objects.get(pk=organisation.pk).last_verified == days_ago(200)


def test_still_correct_from_the_dashboard(people, stale):
    editor = Client()
    editor.force_login(people["editor"])
    own, other = stale["own"]["organisation"], stale["other"]["organisation"]
    assert "Please check your listing." in shown(editor.get("/admin/"))
    assert editor.post(f"/admin/listing/verify/{own.pk}/").status_code == 302
    assert OrganisationPage.objects.get(pk=own.pk).last_verified == timezone.localdate()
    response = editor.post(f"/admin/listing/verify/{other.pk}/")
    assert response.status_code in (302, 403)
    assert OrganisationPage.objects.get(pk=other.pk).last_verified == days_ago(7)


def test_verification_survives_the_approval_of_an_older_draft(people, stale):
    editor, curator = Client(), Client()
    editor.force_login(people["editor"])
    curator.force_login(people["curator"])
    service = stale["own"]["service"]
    data = service_form(service, summary="Nieuwe tekst.", **{"action-submit": "submit"})
    editor.post(f"/admin/pages/{service.pk}/edit/", data)
    editor.post(f"/admin/listing/verify/{stale['own']['organisation'].pk}/")
    service = ServicePage.objects.get(pk=service.pk)
    curator.post(
        f"/admin/pages/workflow/action/{service.pk}/approve/"
        f"{service.current_workflow_task_state.pk}/",
        {"comment": ""},
    )
    live = ServicePage.objects.get(pk=service.pk)
    assert live.summary == "Nieuwe tekst."
    assert live.last_verified == timezone.localdate()


def test_curator_dashboard_counts_what_waits(curator, stale):
    text = shown(curator.get("/admin/"))
    assert "1 listing not verified recently" in text
    assert "0 correction suggestions to handle" in text


def test_a_listing_without_editors_goes_to_the_curators_with_a_one_click_invitation(people, stale):
    from directory.models import Invitation

    remove_member(people["editor"].memberships.get(role="editor"))
    out = io.StringIO()
    call_command("send_verification_reminders", stdout=out)
    assert "the curators were asked to invite one" in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["curator@example.org"]
    assert "Buddy Leuven" in message.body and "no editor" in message.body
    link = re.search(r"http://testserver(/admin/people/\S+)", message.body).group(1)
    # Once a period.
    call_command("send_verification_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1

    # The link opens the invitation form, filled in; one click sends it.
    curator = Client()
    curator.force_login(people["curator"])
    form = shown(curator.get(link.split("#")[0]))
    assert 'value="info@buddy.example.org"' in form
    organisation = stale["own"]["organisation"]
    assert f'<option value="{organisation.pk}" selected>' in form
    key = re.search(r'name="submission_key" value="([^"]+)"', form).group(1)
    mail.outbox.clear()
    response = curator.post(
        "/admin/people/",
        {
            "submission_key": key,
            "email": "info@buddy.example.org",
            "organisation": organisation.pk,
            "role": "editor",
            "language": "en",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.role) == (
        "info@buddy.example.org",
        organisation,
        "editor",
    )
    assert [m.to for m in mail.outbox] == [["info@buddy.example.org"]]


@pytest.mark.parametrize("role", ["editor", "coach"])
def test_only_curators_open_the_invitation_link(client, people, stale, role):
    organisation = stale["own"]["organisation"]
    client.force_login(people[role])
    response = client.get(verification.invite_url(organisation).split("testserver")[1])
    assert response.status_code in (302, 403)
    assert "info@buddy.example.org" not in shown(response)
