"""An accepted referral whose intake is not planned within the agreed working days is overdue
too: the receiving side is reminded once, the coach is told, the step is on the timeline and
in the audit log (referrals.workflow), and the curators' overdue list shows it. Frozen clock:
accepted Thursday 2 April 2026, Easter Monday 6 April is no working day."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from directory.opening_hours import BRUSSELS
from referrals import reminders, workflow
from referrals.models import ClientRecord, Referral, State

pytestmark = pytest.mark.django_db

SECRETS = ("Leila", "CAR-555", "0470", "Private story")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def accepted_on(world, moment) -> Referral:
    users = world["users"]
    referral = workflow.create(
        users["coach"],
        world["caritas"],
        world["service"],
        {"reference": "CAR-555", "name": "Leila", "phone": "0470 11 22 33"},
        [world["need"]],
        handover_note="Private story",
        consent_method="written",
        consent_valid_until=datetime.date(2030, 1, 1),
    )
    referral = workflow.perform(referral, users["coach"], "send", referral.version)
    referral = workflow.perform(referral, users["intake"], "accept", referral.version)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=moment, answered_at=moment, accepted_at=moment
    )
    referral.refresh_from_db()
    ClientRecord.objects.filter(pk=referral.client_id).update(reference="CAR-555")
    return referral


def logged(referral) -> list:
    from wagtail.models import ModelLogEntry

    return list(
        ModelLogEntry.objects.filter(
            object_id=str(referral.pk), action="brug.referral.reminded"
        ).values_list("user", "data")
    )


def test_no_intake_planned_in_time_reminds_the_receiver_and_tells_the_coach(world):
    referral = accepted_on(world, at(2026, 4, 2, 9))
    version = referral.version
    mail.outbox.clear()
    # Tuesday 7 April: only two working days since the acceptance.
    assert reminders.send_intake_reminders(at(2026, 4, 7, 10)) == 0
    assert reminders.send_intake_reminders(at(2026, 4, 8, 10)) == 1
    receivers = sorted(a for m in mail.outbox for a in m.to if a != "coach@example.org")
    assert receivers == ["intake@example.org", "receiver_coordinator@example.org"]
    [told] = [m for m in mail.outbox if m.to == ["coach@example.org"]]
    assert "no intake was planned in time" in told.body
    assert f"/admin/referrals/{referral.pk}/" in told.body
    for message in mail.outbox:
        for secret in SECRETS:
            assert secret not in message.subject + message.body
    # Through the workflow: an event and its audit entry, by Brug itself; the answer's
    # reminder column and the version stay as they were.
    referral.refresh_from_db()
    event = referral.events.get(action="reminded")
    assert event.detail == {"step": "intake", "referrer_told": True}
    assert event.actor is None
    assert logged(referral) == [(None, {"from": "accepted", "to": "accepted", **event.detail})]
    assert referral.reminded_at is None and referral.version == version
    # Once: later runs remind nobody again.
    mail.outbox.clear()
    assert reminders.send_intake_reminders(at(2026, 4, 20, 10)) == 0
    assert mail.outbox == []


def test_a_planned_intake_or_a_fresh_acceptance_gets_no_reminder(world):
    planned = accepted_on(world, at(2026, 4, 2, 9))
    workflow.perform(
        planned,
        world["users"]["intake"],
        "plan_intake",
        planned.version,
        when=timezone.now() + datetime.timedelta(days=3),  # a plan is checked on today's clock
        place="Office",
        interpreting="none",
    )
    accepted_on(world, at(2026, 4, 7, 9))  # two working days before 9 April
    assert reminders.send_intake_reminders(at(2026, 4, 9, 10)) == 0


def test_no_intake_reminder_while_the_consent_does_not_hold(world):
    referral = accepted_on(world, at(2026, 4, 2, 9))
    Referral.objects.filter(pk=referral.pk).update(consent_valid_until=datetime.date(2026, 4, 3))
    assert reminders.send_intake_reminders(at(2026, 4, 8, 10)) == 0


def test_the_answer_reminders_leave_accepted_referrals_alone(world):
    accepted_on(world, at(2026, 4, 2, 9))
    assert reminders.send_reminders(at(2026, 4, 20, 10)) == (0, 0)


def test_an_intake_waiting_too_long_shows_on_the_overdue_list_and_the_coachs_list(
    world, client, as_user
):
    referral = accepted_on(world, at(2026, 4, 2, 9))
    from referrals import overdue

    [row] = overdue.rows(at(2026, 4, 13, 10))
    assert row.number == f"R-{referral.pk}" and row.days_overdue == 3
    client.force_login(world["users"]["curator"])
    page = client.get("/admin/reports/overdue/").content.decode()
    found = page[page.index(f'id="referral-{referral.pk}"') :]
    found = found[: found.index("</tr>")]
    assert "Plan the intake" in found and "intake@example.org" in found
    for secret in SECRETS:
        assert secret not in page
    mine = as_user("coach").get("/admin/referrals/?show=overdue").content.decode()
    assert 'class="brug-overdue"' in mine and f"R-{referral.pk}" in mine


def test_the_command_sends_the_intake_reminders(world):
    referral = accepted_on(world, at(2020, 1, 6, 9))
    out = io.StringIO()
    call_command("referral_reminders", stdout=out)
    assert "1 intake reminder(s) sent" in out.getvalue()
    assert referral.events.filter(action="reminded", detail__step="intake").exists()
    assert Referral.objects.get().state == State.ACCEPTED
