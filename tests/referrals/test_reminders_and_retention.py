"""Reminders and escalation with a frozen clock (working days, Belgian holidays); retention,
export and erasure of a client's data."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command

from directory.opening_hours import BRUSSELS
from referrals import reminders, retention, workflow
from referrals.models import ClientRecord, Referral, ReferralMessage, State
from referrals.working_days import working_days_before

pytestmark = pytest.mark.django_db


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def sent_at(world, moment) -> Referral:
    referral = workflow.create(
        world["users"]["coach"],
        world["caritas"],
        world["service"],
        {"reference": "R-9", "name": "Leila", "phone": "0470 11 22 33"},
        [world["need"]],
        handover_note="Private story",
        consent_method="written",
        consent_valid_until=datetime.date(2030, 1, 1),
    )
    referral = workflow.perform(referral, world["users"]["coach"], "send", referral.version)
    Referral.objects.filter(pk=referral.pk).update(sent_at=moment)
    referral.refresh_from_db()
    return referral


def test_working_days_skip_weekends_and_belgian_holidays():
    # Wednesday 8 April 2026, after Easter Monday (6 April): three working days back is
    # Thursday 2 April.
    assert working_days_before(at(2026, 4, 8, 10), 3) == at(2026, 4, 2, 10)
    # Monday 12 January 2026: three working days back is Wednesday 7 January.
    assert working_days_before(at(2026, 1, 12, 9), 3) == at(2026, 1, 7, 9)


def test_a_reminder_after_three_working_days_and_an_escalation_after_six(world):
    mail.outbox.clear()
    referral = sent_at(world, at(2026, 4, 2, 9))  # Thursday before Easter
    # Tuesday 7 April (Easter Monday in between): only two working days have passed.
    assert reminders.send_reminders(at(2026, 4, 7, 10)) == (0, 0)
    # Wednesday 8 April 10:00: three working days.
    assert reminders.send_reminders(at(2026, 4, 8, 10)) == (1, 0)
    reminder = [m for m in mail.outbox if m.to == ["intake@example.org"]]
    assert len(reminder) == 1
    assert "en attente de réponse" in reminder[0].body  # the intake worker reads French
    for secret in ("Leila", "R-9", "0470", "Private story"):
        assert secret not in reminder[0].body
    # Run again the same day: nothing new.
    assert reminders.send_reminders(at(2026, 4, 8, 16)) == (0, 0)
    # Six working days: Friday 10 April is only five; Monday 13 April is six.
    assert reminders.send_reminders(at(2026, 4, 10, 10)) == (0, 0)
    assert reminders.send_reminders(at(2026, 4, 13, 10)) == (0, 1)
    escalation = [m for m in mail.outbox if m.to == ["curator@example.org"]]
    assert len(escalation) == 1 and "too long" in escalation[0].body
    assert reminders.send_reminders(at(2026, 4, 20, 10)) == (0, 0)
    referral.refresh_from_db()
    assert list(referral.events.values_list("action", flat=True))[-2:] == ["reminded", "escalated"]
    assert referral.version == 1  # reminders do not make a worker's open page stale


def test_an_answered_referral_gets_no_reminder(world):
    referral = sent_at(world, at(2026, 4, 2, 9))
    workflow.perform(referral, world["users"]["intake"], "accept", referral.version)
    assert reminders.send_reminders(at(2026, 4, 20, 10)) == (0, 0)


def test_overdue_shows_in_both_lists(world, as_user, settings):
    sent_at(world, at(2020, 1, 6, 9))
    assert "Overdue" in as_user("coach").get("/admin/referrals/?show=overdue").content.decode()
    inbox = as_user("receiver_coordinator").get("/admin/referrals/inbox/?show=overdue")
    assert 'class="brug-overdue"' in inbox.content.decode()


def test_the_command_runs(world):
    sent_at(world, at(2020, 1, 6, 9))
    call_command("referral_reminders")
    assert Referral.objects.get().reminded_at is not None


def closed(world, closed_on) -> Referral:
    referral = sent_at(world, closed_on)
    referral = workflow.perform(
        referral, world["users"]["intake"], "decline", referral.version, reason="full"
    )
    workflow.add_message(referral, world["users"]["coach"], "Leila is sad about it.")
    Referral.objects.filter(pk=referral.pk).update(closed_at=closed_on)
    referral.refresh_from_db()
    return referral


def test_client_data_is_anonymised_after_the_retention_period(world, settings):
    settings.BRUG_REFERRAL_RETENTION_DAYS = 365
    old = closed(world, at(2024, 1, 10, 12))
    recent = closed(world, at(2099, 1, 10, 12))  # closed "later than now": kept
    still_open = sent_at(world, at(2024, 1, 10, 12))
    call_command("anonymise_referrals")
    old.refresh_from_db()
    old.client.refresh_from_db()
    assert old.client.anonymised_at is not None
    assert (old.client.name, old.client.reference, old.client.phone) == ("—", "—", "")
    assert old.handover_note == "" and old.decline_detail == ""
    assert ReferralMessage.objects.get(referral=old).text == "—"
    # The steps and figures remain for the statistics.
    assert old.state == State.DECLINED and old.decline_reason == "full"
    assert old.events.count() >= 4
    for kept in (recent, still_open):
        kept.client.refresh_from_db()
        assert kept.client.name == "Leila"


def test_a_referral_administrator_exports_and_erases_a_clients_data(world, as_user):
    referral = closed(world, at(2026, 5, 1, 12))
    administrator = as_user("administrator")
    export = administrator.get(f"/admin/referrals/clients/{referral.client_id}/export/")
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    data = json.loads(export.content)
    assert data["client"]["name"] == "Leila"
    assert data["referrals"][0]["messages"][0]["text"] == "Leila is sad about it."
    response = administrator.post(f"/admin/referrals/clients/{referral.client_id}/erase/")
    assert response.status_code == 302
    record = ClientRecord.objects.get(pk=referral.client_id)
    assert record.anonymised_at is not None and record.name == "—"
    page = administrator.get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "Leila" not in page


@pytest.mark.parametrize("who", ["coach", "intake", "curator", "receiver_manager"])
def test_only_a_referral_administrator_exports_or_erases(world, client, who):
    referral = closed(world, at(2026, 5, 1, 12))
    client.force_login(world["users"][who])
    export = client.get(f"/admin/referrals/clients/{referral.client_id}/export/")
    erase = client.post(f"/admin/referrals/clients/{referral.client_id}/erase/")
    assert export.status_code == 302 and erase.status_code == 302
    assert ClientRecord.objects.get(pk=referral.client_id).name == "Leila"


def test_exports_and_erasures_are_in_the_audit_log(world, as_user):
    from wagtail.models import ModelLogEntry

    referral = closed(world, at(2026, 5, 1, 12))
    retention.export_client(referral.client, world["users"]["administrator"])
    workflow.erase_client(referral.client, world["users"]["administrator"])
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"brug.client.exported", "brug.client.erased"} <= actions


def logged(referral, action) -> list:
    """The audit log's entries of `action` on this referral, and who made them."""
    from wagtail.models import ModelLogEntry

    return list(
        ModelLogEntry.objects.filter(
            object_id=str(referral.pk), action=f"brug.referral.{action}"
        ).values_list("user", flat=True)
    )


def test_reminders_and_escalations_write_their_event_and_audit_entry(world):
    referral = sent_at(world, at(2026, 4, 2, 9))
    seen = referral.version
    assert reminders.send_reminders(at(2026, 4, 8, 10)) == (1, 0)
    assert reminders.send_reminders(at(2026, 4, 13, 10)) == (0, 1)
    referral.refresh_from_db()
    assert (referral.reminded_at, referral.escalated_at) == (
        at(2026, 4, 8, 10),
        at(2026, 4, 13, 10),
    )
    for action in ("reminded", "escalated"):
        event = referral.events.get(action=action)
        assert (event.actor, event.from_state, event.to_state) == (None, "sent", "sent")
        assert logged(referral, action) == [None]  # Brug itself, once
    # Time stamps only: the page the intake worker has open stays valid.
    assert referral.version == seen
    accepted = workflow.perform(referral, world["users"]["intake"], "accept", seen)
    assert accepted.state == State.ACCEPTED


def test_an_expired_consent_writes_its_event_and_audit_entry_once(world):
    referral = sent_at(world, at(2026, 4, 2, 9))
    Referral.objects.filter(pk=referral.pk).update(consent_valid_until=datetime.date(2026, 5, 1))
    assert reminders.tell_expired_consents(today=datetime.date(2026, 5, 2)) == 1
    assert reminders.tell_expired_consents(today=datetime.date(2026, 5, 3)) == 0
    event = referral.events.get(action="consent_expired")
    assert event.detail == {"valid_until": "2026-05-01"}
    assert logged(referral, "consent_expired") == [None]


def test_anonymising_bumps_the_version_and_writes_an_event_and_audit_entry(
    world, as_user, settings
):
    settings.BRUG_REFERRAL_RETENTION_DAYS = 365
    old = closed(world, at(2024, 1, 10, 12))
    seen = old.version
    call_command("anonymise_referrals")
    old.refresh_from_db()
    assert old.version == seen + 1
    event = old.events.last()
    assert (event.action, event.actor, event.to_state) == ("client_erased", None, State.DECLINED)
    assert logged(old, "client_erased") == [None]
    # A form opened before the erasure is refused, not applied.
    coach = as_user("coach")
    response = coach.post(
        f"/admin/referrals/{old.pk}/withdraw_consent/", {"version": seen}, follow=True
    )
    assert "Someone else changed this referral" in response.content.decode()
    old.refresh_from_db()
    assert old.consent_withdrawn_at is None
    page = coach.get(f"/admin/referrals/{old.pk}/").content.decode()
    assert "Client data erased" in page  # on the timeline


def test_an_erasure_on_request_names_the_administrator(world):
    referral = closed(world, at(2026, 5, 1, 12))
    follow_up = sent_at(world, at(2026, 5, 2, 9))
    Referral.objects.filter(pk=follow_up.pk).update(client=referral.client)
    administrator = world["users"]["administrator"]
    workflow.erase_client(referral.client, administrator)
    for each in (referral, follow_up):
        seen = each.version
        each.refresh_from_db()
        assert each.version == seen + 1
        assert each.events.last().actor == administrator
        assert logged(each, "client_erased") == [administrator.pk]
    assert ReferralMessage.objects.get(referral=referral).text == "—"


# Nobody reaches a dead end ----------------------------------------------------------------

SECRETS = ("Leila", "CAR-555", "0470", "Private story")


def waiting_too_long(world) -> Referral:
    referral = sent_at(world, at(2026, 4, 2, 9))
    ClientRecord.objects.filter(pk=referral.client_id).update(reference="CAR-555")
    return referral


def test_the_escalation_opens_the_overdue_list_a_curator_may_see(world, client):
    referral = waiting_too_long(world)
    mail.outbox.clear()
    reminders.send_reminders(at(2026, 4, 13, 10))
    escalation = [m for m in mail.outbox if m.to == ["curator@example.org"]]
    assert len(escalation) == 1
    assert f"/admin/reports/overdue/#referral-{referral.pk}" in escalation[0].body
    assert f"/admin/referrals/{referral.pk}/" not in escalation[0].body
    client.force_login(world["users"]["curator"])
    response = client.get("/admin/reports/overdue/")
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'id="referral-{referral.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"R-{referral.pk}" in row and "Trauma care" in row and "CGG Oost" in row
    assert "Accept or decline" in row
    # Who to nudge: the CGG's intake worker, coordinator and editor, and its own address.
    for address in (
        "intake@example.org",
        "receiver_coordinator@example.org",
        "receiver_editor@example.org",
        "info@cgg.example.org",
    ):
        assert address in row
    assert "receiver_manager@example.org" not in row
    for secret in SECRETS:
        assert secret not in page
    assert f"/admin/referrals/{referral.pk}/" not in page  # no link a curator cannot open


def test_the_overdue_list_counts_working_days_past_the_agreed_time(world, client):
    waiting_too_long(world)  # sent Thursday 2 April; Easter Monday 6 April
    from referrals import overdue

    [row] = overdue.rows(at(2026, 4, 13, 10))
    # 3, 7, 8, 9, 10, 13 April: six working days, three more than agreed.
    assert row.days_overdue == 3


@pytest.mark.parametrize(
    "who",
    ["coach", "intake", "receiver_coordinator", "receiver_editor", "receiver_manager", "stranger"],
)
def test_others_are_refused_the_overdue_list(world, client, who):
    from tests.referrals.conftest import refused

    waiting_too_long(world)
    client.force_login(world["users"][who])
    assert refused(client.get("/admin/reports/overdue/"))


def test_a_referral_administrator_sees_the_overdue_list(world, as_user):
    waiting_too_long(world)
    assert as_user("administrator").get("/admin/reports/overdue/").status_code == 200


def test_the_menus_lead_to_the_new_screens(world, as_user):
    """Curators find the overdue report under Reports; referral administrators find the
    client lookup under Referrals; nobody else is shown either."""
    assert "/admin/reports/overdue/" in as_user("curator").get("/admin/").content.decode()
    administrator = as_user("administrator").get("/admin/").content.decode()
    assert "/admin/referrals/clients/" in administrator
    coach = as_user("coach").get("/admin/").content.decode()
    assert "/admin/reports/overdue/" not in coach and "/admin/referrals/clients/" not in coach


def test_the_coach_is_told_when_a_referral_is_overdue(world, as_user):
    referral = waiting_too_long(world)
    mail.outbox.clear()
    assert reminders.send_reminders(at(2026, 4, 8, 10)) == (1, 0)
    told = [m for m in mail.outbox if m.to == ["coach@example.org"]]
    assert len(told) == 1
    assert "no answer in time" in told[0].body
    assert f"/admin/referrals/{referral.pk}/" in told[0].body
    for secret in SECRETS:
        assert secret not in told[0].body and secret not in told[0].subject
    event = referral.events.get(action="reminded")
    assert event.detail == {"referrer_told": True}
    assert logged(referral, "reminded") == [None]
    # Once: the next run tells nobody again.
    mail.outbox.clear()
    reminders.send_reminders(at(2026, 4, 9, 10))
    assert not [m for m in mail.outbox if m.to == ["coach@example.org"]]
    # And it is flagged on the coach's own list, on the default tab too.
    mine = as_user("coach").get("/admin/referrals/").content.decode()
    assert 'class="brug-overdue"' in mine and f"R-{referral.pk}" in mine


def test_a_referral_administrator_finds_a_client_only_by_reference_or_number(world, as_user):
    referral = waiting_too_long(world)
    administrator = as_user("administrator")
    for query in ("CAR-555", "car-555", f"R-{referral.pk}", str(referral.pk)):
        page = administrator.get("/admin/referrals/clients/", {"q": query}).content.decode()
        assert f"/admin/referrals/clients/{referral.client_id}/export/" in page, query
        assert f"/admin/referrals/clients/{referral.client_id}/erase/" in page
        assert "Leila" not in page and "0470" not in page  # no names, no phone
    # No browsing: no list without a query, no part of a reference, no name.
    for query in ("", "CAR", "555", "Leila", "lei", "*", "%"):
        page = administrator.get("/admin/referrals/clients/", {"q": query}).content.decode()
        assert "/export/" not in page, query
        assert f"C-{referral.client_id}" not in page
        if query:
            assert "No client has this reference or referral number." in page


@pytest.mark.parametrize(
    "who", ["coach", "intake", "receiver_coordinator", "curator", "receiver_manager", "stranger"]
)
def test_only_a_referral_administrator_finds_clients(world, client, who):
    from tests.referrals.conftest import refused

    waiting_too_long(world)
    client.force_login(world["users"][who])
    response = client.get("/admin/referrals/clients/", {"q": "CAR-555"})
    assert refused(response)
    assert "CAR-555" not in response.content.decode()
