"""A calm timeline: one entry per event, people by name and organisation, and only the
actions that make sense now (from the transition table's guards)."""

import datetime

import pytest
from django.utils import timezone

from referrals.models import Referral
from tests.referrals.conftest import act

pytestmark = pytest.mark.django_db

CONFIRM = "Intake confirmed with the client"


def future(days=7):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")


def plan(client, referral, days=7):
    response = act(
        client,
        referral,
        "plan_intake",
        when=future(days),
        place="Kapucijnenvoer 35, Leuven",
        interpreting="none",
    )
    assert response.status_code == 302


def timeline_of(client, referral) -> str:
    page = client.get(f"/admin/referrals/{referral.pk}/").content.decode()
    return page[page.index('id="timeline"') : page.index("</ol>", page.index('id="timeline"'))]


def confirm_buttons(client, referral) -> int:
    page = client.get(f"/admin/referrals/{referral.pk}/").content.decode()
    return page.count(f"/admin/referrals/{referral.pk}/confirm_intake/")


def test_a_message_is_one_entry_and_people_are_named_with_their_organisation(world, as_user, sent):
    assert act(as_user("intake"), sent, "accept").status_code == 302
    as_user("coach").post(f"/admin/referrals/{sent.pk}/message/", {"text": "She speaks Dari."})
    timeline = timeline_of(as_user("coach"), sent)
    assert timeline.count("She speaks Dari.") == 1
    assert timeline.count("<li") == 4  # created, sent, accepted, the message
    assert "Message" not in timeline  # no second "Message" event beside the text
    assert "@example.org" not in timeline
    assert "coach · Caritas Leuven" in timeline
    assert "intake · CGG Oost" in timeline
    # The "message" event stays in the audit trail.
    assert list(sent.events.values_list("action", flat=True))[-1] == "message"


def test_a_hidden_message_is_one_entry_too(world, as_user, sent):
    as_user("coach").post(f"/admin/referrals/{sent.pk}/message/", {"text": "She speaks Dari."})
    act(as_user("coach"), sent, "withdraw_consent")
    timeline = timeline_of(as_user("intake"), sent)
    assert "She speaks Dari." not in timeline
    assert timeline.count("brug-message") == 1


def test_the_summary_names_the_referring_worker_without_their_address(world, as_user, sent):
    page = as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert "Caritas Leuven · coach" in page
    assert "coach@example.org" not in page


def test_an_intake_is_confirmed_once_until_it_is_moved(world, as_user, sent):
    intake = as_user("intake")
    assert act(intake, sent, "accept").status_code == 302
    plan(intake, sent)
    coach = as_user("coach")
    assert confirm_buttons(coach, sent) == 1
    assert act(coach, sent, "confirm_intake").status_code == 302
    assert confirm_buttons(coach, sent) == 0  # no longer offered
    again = act(coach, sent, "confirm_intake")
    assert again.status_code == 400  # nor taken by a replayed form
    assert sent.events.filter(action="intake_confirmed").count() == 1
    # The intake is moved: the new date is confirmed again.
    plan(as_user("intake"), sent, days=9)
    assert confirm_buttons(as_user("coach"), sent) == 1
    assert CONFIRM in as_user("coach").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert Referral.objects.get(pk=sent.pk).state == "intake_planned"
