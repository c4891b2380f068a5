"""Bad input is refused with a clear message, and nothing is saved."""

import datetime

import pytest
from django.utils import timezone

from referrals.models import ClientRecord, Referral, ReferralEvent, ReferralMessage
from tests.referrals.conftest import act, referral_form

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent_method": None}, "Record how the client gave consent."),
        ({"consent_valid_until": YESTERDAY}, "The consent must be valid until today or later."),
        ({"consent_valid_until": None}, "Give the date until which the consent is valid."),
        ({"handover_note": "x" * 20_000}, "at most 2000 characters"),
        ({"client_name": ""}, "This field is required."),
        ({"needs": None}, "Choose at least one need."),
        ({"client_phone": "call me maybe"}, "phone"),
        ({"consent_shares": ["everything"]}, "Select a valid choice"),
        ({"urgency": "yesterday"}, "Select a valid choice"),
    ],
)
def test_a_bad_referral_is_refused_and_nothing_saved(world, as_user, overrides, message):
    response = as_user("coach").post("/admin/referrals/new/", referral_form(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists() and not ClientRecord.objects.exists()


def test_a_service_that_does_not_accept_referrals_is_refused(world, as_user):
    response = as_user("coach").post(
        "/admin/referrals/new/", referral_form(world, service=world["closed_service"].pk)
    )
    assert response.status_code == 400
    assert "This service does not accept referrals through Brug." in response.content.decode()
    assert not Referral.objects.exists()
    # Nor through a made-up link.
    form = as_user("coach").get(f"/admin/referrals/new/?service={world['closed_service'].pk}")
    assert form.status_code == 200
    choices = form.content.decode().split('name="service"')[1].split("</select>")[0]
    assert f'value="{world["closed_service"].pk}"' not in choices
    assert 'value="" selected' in choices


def test_a_service_that_stops_accepting_cannot_receive_the_draft(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world, action="draft"))
    referral = Referral.objects.get()
    world["service"].accepts_referrals = False
    world["service"].save_revision().publish()
    response = act(as_user("coach"), referral, "send")
    assert response.status_code == 400
    assert "does not accept referrals" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == "draft"


def test_script_tags_in_notes_and_messages_are_shown_as_text(world, as_user):
    script = "<script>alert('x')</script>"
    as_user("coach").post("/admin/referrals/new/", referral_form(world, handover_note=script))
    referral = Referral.objects.get()
    as_user("coach").post(f"/admin/referrals/{referral.pk}/message/", {"text": script})
    page = as_user("receiver_coordinator").get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert referral.handover_note == script  # stored as written, escaped on display


def test_an_intake_in_the_past_or_without_a_place_is_refused(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    coordinator = as_user("receiver_coordinator")
    act(coordinator, referral, "accept")
    events = ReferralEvent.objects.count()
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = act(coordinator, referral, "plan_intake", when=past, place="Office")
    assert response.status_code == 400
    assert "The intake cannot be in the past." in response.content.decode()
    soon = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = act(coordinator, referral, "plan_intake", when=soon, place="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = act(coordinator, referral, "plan_intake", when="someday", place="Office")
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.state == "accepted" and referral.intake_at is None
    assert ReferralEvent.objects.count() == events


def test_empty_and_huge_messages_are_refused(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    coach = as_user("coach")
    empty = coach.post(f"/admin/referrals/{referral.pk}/message/", {"text": "   "})
    assert empty.status_code == 400 and "Write a message first." in empty.content.decode()
    huge = coach.post(f"/admin/referrals/{referral.pk}/message/", {"text": "y" * 5000})
    assert huge.status_code == 400 and "at most 1000 characters" in huge.content.decode()
    assert not ReferralMessage.objects.exists()


def test_a_decline_without_a_reason_or_a_redirect_to_the_same_service_is_refused(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    coordinator = as_user("receiver_coordinator")
    assert act(coordinator, referral, "decline").status_code == 400
    same = act(coordinator, referral, "redirect", service=world["service"].pk)
    assert same.status_code == 400
    closed = act(coordinator, referral, "redirect", service=world["closed_service"].pk)
    assert closed.status_code == 400
    assert "does not accept referrals" in closed.content.decode()
    referral.refresh_from_db()
    assert referral.state == "sent"
    assert not referral.follow_ups.exists()


@pytest.mark.parametrize("service", ["not-a-key", "99999999", "<script>", "0" * 40])
def test_a_malformed_refer_link_just_chooses_no_service(world, as_user, service):
    response = as_user("coach").get("/admin/referrals/new/", {"service": service})
    assert response.status_code == 200
    assert 'value="" selected' in response.content.decode()


# Characters Python calls digits that are no number ("²"), and numbers no database holds.
ODD_NUMBERS = ["²", "R-²", "99999999999999999999", "R-99999999999999999999"]


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_an_odd_number_for_a_service_or_a_referral_is_refused_never_a_500(world, as_user, odd):
    coach = as_user("coach")
    coach.raise_request_exception = False
    assert coach.get("/admin/referrals/new/", {"service": odd}).status_code == 200
    response = coach.post("/admin/referrals/new/", referral_form(world, service=odd))
    assert response.status_code == 400
    assert 'id="id_service"' in response.content.decode()  # the form again, to choose anew
    assert not Referral.objects.exists()
    assert coach.get("/admin/referrals/", {"q": odd}).status_code == 200
    administrator = as_user("administrator")
    administrator.raise_request_exception = False
    assert administrator.get("/admin/referrals/clients/", {"q": odd}).status_code == 200
