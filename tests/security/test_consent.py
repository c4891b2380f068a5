"""Consent gates the client's data (issue 13, item 1): once it expired or was withdrawn — or
the referral was withdrawn — the receiving organisation no longer sees the client's details,
the hand-over note or the messages, anywhere, and cannot go on with the intake. Written from
the side of the intake worker who must be refused, and of the client who must be protected."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from referrals import workflow
from referrals.models import Referral, State
from tests.referrals.conftest import act, referral_form

pytestmark = pytest.mark.django_db

PHONE = "0470 12 34 56"
NOTE = "Nightmares since the journey"
NAME = "Amina"


@pytest.fixture
def shared(world, as_user):
    """A referral sent to the CGG with the phone, the note and the language shared, and a
    message from the coach that names the client."""
    response = as_user("coach").post(
        "/admin/referrals/new/",
        referral_form(world, consent_shares=["note", "phone", "language"]),
    )
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    workflow.add_message(referral, world["users"]["coach"], f"{NAME} prefers mornings.")
    return referral


def page(client, referral) -> str:
    response = client.get(f"/admin/referrals/{referral.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def expire(referral, days_ago=14):
    Referral.objects.filter(pk=referral.pk).update(
        consent_valid_until=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    referral.refresh_from_db()


def shows_client(html: str) -> bool:
    return any(secret in html for secret in (PHONE, NOTE, NAME, "prefers mornings"))


def test_with_valid_consent_the_receiver_sees_what_was_shared(shared, as_user):
    html = page(as_user("receiver_coordinator"), shared)
    assert PHONE in html and NOTE in html and "prefers mornings" in html


def test_expired_consent_hides_the_client_from_the_receiving_side(shared, as_user):
    expire(shared)
    html = page(as_user("receiver_coordinator"), shared)
    assert not shows_client(html)
    assert "consent to share their data with your organisation expired on" in html
    assert "Ask the referring worker to renew the consent" in html
    assert "A message (not shown without the client" in html


def test_the_hidden_reason_reads_in_the_intake_workers_language(shared, as_user):
    expire(shared)
    html = page(as_user("intake"), shared)  # the intake worker reads the admin in French
    assert not shows_client(html)
    assert "a expiré le" in html


def test_expired_consent_stops_accepting_and_planning(shared, as_user):
    expire(shared)
    intake = as_user("receiver_coordinator")
    html = page(intake, shared)
    assert f"/admin/referrals/{shared.pk}/accept/" not in html
    response = act(intake, shared, "accept")
    assert response.status_code == 400
    assert "consent is not valid now" in response.content.decode()
    shared.refresh_from_db()
    assert shared.state == State.SENT


def test_planning_the_intake_is_refused_after_expiry(shared, world, as_user):
    workflow.perform(shared, world["users"]["intake"], "accept", shared.version)
    expire(shared)
    when = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = act(
        as_user("receiver_coordinator"),
        shared,
        "plan_intake",
        when=when,
        place="Office",
        interpreting="none",
    )
    assert response.status_code == 400
    shared.refresh_from_db()
    assert shared.state == State.ACCEPTED and shared.intake_at is None


def test_the_receiver_can_still_decline_without_the_data(shared, as_user):
    expire(shared)
    response = act(as_user("receiver_coordinator"), shared, "decline", reason="full")
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.state == State.DECLINED


def test_no_message_can_be_written_or_read_without_consent(shared, world, as_user):
    expire(shared)
    response = as_user("receiver_coordinator").post(
        f"/admin/referrals/{shared.pk}/message/", {"text": "Who is this about?"}
    )
    assert response.status_code == 400
    assert "renewed consent" in response.content.decode()
    assert shared.messages.count() == 1
    with pytest.raises(workflow.TransitionError):
        workflow.add_message(shared, world["users"]["coach"], f"{NAME} again")


def test_the_referring_side_keeps_seeing_its_client_and_is_told_what_to_do(shared, as_user):
    expire(shared)
    html = page(as_user("coach"), shared)
    assert PHONE in html and NOTE in html
    assert "record the renewed consent below" in html
    assert f"/admin/referrals/{shared.pk}/renew_consent/" in html


def test_the_coach_withdraws_consent_and_the_other_side_is_told(
    shared, world, as_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    coach = as_user("coach")
    with django_capture_on_commit_callbacks(execute=True):
        response = act(coach, shared, "withdraw_consent")
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.consent_withdrawn_at is not None and shared.state == State.SENT
    assert shared.events.last().action == "withdraw_consent"
    assert ModelLogEntry.objects.filter(
        action="brug.referral.withdraw_consent", object_id=str(shared.pk)
    ).exists()
    # The receiving side hears of it, without any client data in the e-mail.
    told = {address for message in mail.outbox for address in message.to}
    assert world["users"]["intake"].email in told
    for message in mail.outbox:
        assert not shows_client(message.subject + message.body)
    html = page(as_user("receiver_coordinator"), shared)
    assert not shows_client(html)
    assert "The client withdrew their consent on" in html


def test_withdrawing_twice_is_refused(shared, world):
    coach = world["users"]["coach"]
    shared = workflow.perform(shared, coach, "withdraw_consent", shared.version)
    # Read in English whatever language the fixture's request left active.
    with translation.override("en"), pytest.raises(workflow.TransitionError) as error:
        workflow.perform(shared, coach, "withdraw_consent", shared.version)
    assert "no consent to withdraw" in str(error.value)


def test_only_the_referring_side_withdraws_or_renews_consent(shared, world):
    for who in ("intake", "receiver_coordinator", "caw_intake", "other_coach"):
        for action, data in (
            ("withdraw_consent", {}),
            ("renew_consent", {"consent_method": "verbal"}),
        ):
            with pytest.raises(Exception) as error:
                workflow.perform(shared, world["users"][who], action, shared.version, **data)
            assert error.type.__name__ in ("PermissionDenied", "TransitionError")
    shared.refresh_from_db()
    assert shared.consent_withdrawn_at is None


def test_renewed_consent_shows_the_data_again(shared, world, as_user):
    expire(shared)
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = act(
        as_user("coach"),
        shared,
        "renew_consent",
        consent_method="written",
        consent_shares=["phone"],
        consent_valid_until=until,
    )
    assert response.status_code == 302, response.content
    shared.refresh_from_db()
    assert shared.events.last().action == "renew_consent"
    assert ModelLogEntry.objects.filter(
        action="brug.referral.renew_consent", object_id=str(shared.pk)
    ).exists()
    html = page(as_user("receiver_coordinator"), shared)
    assert PHONE in html
    assert NOTE not in html  # the renewed consent shares the phone only
    assert act(as_user("receiver_coordinator"), shared, "accept").status_code == 302


def test_renewal_after_withdrawal_clears_it(shared, world):
    coach = world["users"]["coach"]
    shared = workflow.perform(shared, coach, "withdraw_consent", shared.version)
    shared = workflow.perform(
        shared,
        coach,
        "renew_consent",
        shared.version,
        consent_method="verbal",
        consent_shares=["note"],
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert shared.consent_withdrawn_at is None


def test_renewal_in_the_past_is_refused(shared, as_user):
    expire(shared)
    response = act(
        as_user("coach"),
        shared,
        "renew_consent",
        consent_method="verbal",
        consent_valid_until=(timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
    )
    assert response.status_code == 400
    assert "The consent must be valid until today or later." in response.content.decode()


def test_a_withdrawn_referral_stops_showing_the_client(shared, world, as_user):
    workflow.perform(shared, world["users"]["coach"], "withdraw", shared.version)
    html = page(as_user("receiver_coordinator"), shared)
    assert not shows_client(html)
    assert "This referral was withdrawn" in html


def test_a_client_export_is_never_the_receiving_sides(shared, as_user):
    for who in ("intake", "receiver_coordinator"):
        response = as_user(who).get(f"/admin/referrals/clients/{shared.client_id}/export/")
        assert response.status_code in (302, 403)
        assert PHONE not in response.content.decode()


def test_no_public_api_serves_referrals(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert not [path for path in schema["paths"] if "referral" in path or "client" in path]


def test_both_sides_are_told_once_when_consent_expires(shared, world):
    from django.core.management import call_command

    expire(shared, days_ago=1)
    mail.outbox.clear()
    call_command("referral_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("referral_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    told = sorted(address for message in mail.outbox for address in message.to)
    users = world["users"]
    assert told == sorted(
        [users["coach"].email, users["intake"].email, users["receiver_coordinator"].email]
    )
    for message in mail.outbox:
        assert not shows_client(message.subject + message.body)
    assert shared.events.filter(action="consent_expired").count() == 1
    assert ModelLogEntry.objects.filter(
        action="brug.referral.consent_expired", object_id=str(shared.pk)
    ).exists()


def test_the_lists_say_what_waits_for_consent(shared, as_user):
    expire(shared)
    inbox = as_user("receiver_coordinator").get("/admin/referrals/inbox/").content.decode()
    assert "renewed consent" in inbox and not shows_client(inbox)
    mine = as_user("coach").get("/admin/referrals/").content.decode()
    assert "Renew the client" in mine
