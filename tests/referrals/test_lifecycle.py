"""A referral's whole life through HTTP, as the real roles: the coach refers, the intake
worker accepts and plans, the coach confirms, the outcome closes the loop; messages in between;
every step on the timeline, in the audit log, and told to the other side by e-mail."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from referrals.models import ClientRecord, Referral, ReferralMessage, State
from tests.referrals.conftest import act, referral_form, refused

pytestmark = pytest.mark.django_db


def future(days=7, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_the_whole_loop(world, as_user, django_capture_on_commit_callbacks):
    coach = as_user("coach")
    with django_capture_on_commit_callbacks(execute=True):
        response = coach.post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    assert response["Location"] == f"/admin/referrals/{referral.pk}/"
    assert referral.state == State.SENT
    assert referral.receiving_organisation == world["cgg"]
    assert referral.client.name == "Amina"
    # The receiving side is told, in the intake worker's language, without client details.
    new = [m for m in mail.outbox if "intake@example.org" in m.to]
    assert len(new) == 1
    assert "Trauma care" in new[0].body and "Une nouvelle" in new[0].body
    for secret in ("Amina", "CAR-117", "0470", "Nightmares"):
        assert secret not in new[0].body and secret not in new[0].subject
    assert f"/admin/referrals/{referral.pk}/" in new[0].body

    intake = as_user("intake")
    inbox = intake.get("/admin/referrals/inbox/").content.decode()
    assert f"R-{referral.pk}" in inbox
    assert "Amina" not in inbox  # lists show no client details
    page = intake.get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "Amina" in page and "Nightmares" in page  # shared with consent
    assert "0470" not in page  # the phone was not among what may be shared

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(intake, referral, "accept").status_code == 302
        assert (
            act(
                intake,
                referral,
                "plan_intake",
                when=future(),
                place="Kapucijnenvoer 35, Leuven",
                with_whom="Sarah",
                interpreting="interpreter",
            ).status_code
            == 302
        )
    referral.refresh_from_db()
    assert referral.state == State.INTAKE_PLANNED
    assert referral.intake_with == "Sarah"
    assert [m.to for m in mail.outbox] == [["coach@example.org"], ["coach@example.org"]]
    assert "accepted" in mail.outbox[0].body and "intake was planned" in mail.outbox[1].body

    coach = as_user("coach")
    assert act(coach, referral, "confirm_intake").status_code == 302
    coach.post(
        f"/admin/referrals/{referral.pk}/message/", {"text": "She will come with her sister."}
    )
    intake = as_user("intake")
    with django_capture_on_commit_callbacks(execute=True):
        assert act(intake, referral, "complete").status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED
    assert referral.closed_at is not None

    actions = list(referral.events.values_list("action", flat=True))
    assert actions == [
        "created",
        "send",
        "accept",
        "plan_intake",
        "intake_confirmed",
        "message",
        "complete",
    ]
    logged = set(
        ModelLogEntry.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {f"brug.referral.{a}" for a in actions} <= logged
    assert "brug.referral.viewed" in logged  # the intake worker opened the client's data
    assert ReferralMessage.objects.get().text == "She will come with her sister."
    # The outcome comes back to the coach.
    assert mail.outbox[-1].to == ["coach@example.org"]
    page = as_user("coach").get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "Intake done" in page and "She will come with her sister." in page


def test_a_decline_with_its_reason_and_a_referral_elsewhere(world, as_user):
    response = as_user("coach").post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    intake = as_user("receiver_coordinator")
    missing = act(intake, referral, "decline", reason="other", explanation="")
    assert missing.status_code == 400
    assert "Explain the reason in a few words." in missing.content.decode()
    # The intake worker reads the admin in French.
    french = act(as_user("intake"), referral, "decline", reason="other", explanation="")
    assert "Expliquez" in french.content.decode()
    assert act(intake, referral, "decline", reason="full").status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.decline_reason) == (State.DECLINED, "full")
    mine = as_user("coach").get("/admin/referrals/?show=closed").content.decode()
    assert f"R-{referral.pk}" in mine and "Refer elsewhere if needed" in mine
    assert response.status_code == 302


def test_a_redirect_makes_a_linked_draft_that_needs_new_consent(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world))
    referral = Referral.objects.get()
    intake = as_user("intake")
    assert act(intake, referral, "accept").status_code == 302
    response = act(intake, referral, "redirect", service=world["caw_service"].pk)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.REDIRECTED
    follow_up = referral.follow_ups.get()
    assert (follow_up.state, follow_up.service, follow_up.client) == (
        State.DRAFT,
        world["caw_service"],
        referral.client,
    )
    assert follow_up.referring_user == world["users"]["coach"]
    assert not follow_up.consent_method  # consent was for the CGG, not the CAW
    # The CAW does not see the draft; the coach sends it with the client's consent.
    assert refused(as_user("caw_intake").get(f"/admin/referrals/{follow_up.pk}/"))
    coach = as_user("coach")
    without_consent = act(coach, follow_up, "send")
    assert without_consent.status_code == 400
    assert "Record how the client gave consent." in without_consent.content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert (
        act(
            coach, follow_up, "send", consent_method="written", consent_valid_until=until
        ).status_code
        == 302
    )
    follow_up.refresh_from_db()
    assert follow_up.state == State.SENT
    assert follow_up.consent_organisation == world["caw"]
    page = as_user("caw_intake").get(f"/admin/referrals/{follow_up.pk}/").content.decode()
    assert f"R-{referral.pk}" in page  # the link back to the first referral
    assert ClientRecord.objects.count() == 1


def test_a_draft_can_be_saved_then_sent(world, as_user):
    coach = as_user("coach")
    coach.post("/admin/referrals/new/", referral_form(world, action="draft"))
    referral = Referral.objects.get()
    assert referral.state == State.DRAFT
    assert refused(as_user("intake").get(f"/admin/referrals/{referral.pk}/"))
    drafts = as_user("coach").get("/admin/referrals/?show=drafts").content.decode()
    assert f"R-{referral.pk}" in drafts
    assert act(as_user("coach"), referral, "send").status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.SENT


def test_the_refer_button_appears_for_coaches_only(client, world, as_user):
    service = world["service"]
    url = service.url
    assert "Refer a client" not in client.get(url).content.decode()
    page = as_user("coach").get(url).content.decode()
    assert f"/admin/referrals/new/?service={service.translation_key}" in page
    form = as_user("coach").get(f"/admin/referrals/new/?service={service.translation_key}")
    selected = re.search(r'<option value="(\d+)" selected>', form.content.decode())
    assert selected and int(selected.group(1)) == service.pk
    assert "Refer a client" not in as_user("receiver_editor").get(url).content.decode()
    closed = world["closed_service"].url
    assert "Refer a client" not in as_user("coach").get(closed).content.decode()


def test_map_popups_offer_refer_to_coaches_only(client, world, as_user):
    from search.sync import rebuild_all

    rebuild_all()
    assert "data-refer-url" not in client.get("/en/map/").content.decode()
    coach_map = as_user("coach").get("/en/map/").content.decode()
    assert 'data-refer-url="/admin/referrals/new/"' in coach_map
    features = client.get(
        "/api/v1/map", {"bbox": "2.5,49.5,6.4,51.6", "zoom": 15, "lang": "en"}
    ).json()["features"]
    refer = {f["properties"]["name"]: f["properties"]["refer"] for f in features}
    assert refer["Trauma care"] is True and refer["Sports club support"] is False
