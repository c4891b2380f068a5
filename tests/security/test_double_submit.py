"""Double submits and replayed tokens (issue 13, item 5): a form sent twice — a double click,
a retried POST, a resent public form — makes one record, and the second answer shows the
first one's record; a key copied into another person's POST never shows them the first
person's record; a public form's stamp is accepted once."""

# The fixtures come from the referral and directory suites (imported below), which ruff reads
# as redefinitions in every test's arguments.
# ruff: noqa: F811

import io
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from directory.models import CorrectionSuggestion, Invitation, Role, ServiceFeedback
from referrals.models import ClientRecord, Referral, ReferralMessage, State
from tests.directory.conftest import orgs, people, shown  # noqa: F401 - fixtures
from tests.referrals.conftest import as_user, english, referral_form, world  # noqa: F401

pytestmark = pytest.mark.django_db

NEW = "/admin/referrals/new/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def hidden(response, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', response.content.decode()).group(1)


def new_referral_key(client) -> str:
    """The key of a freshly opened new-referral form, as the person's browser holds it."""
    return hidden(client.get(NEW), "submission_key")


# A new referral ------------------------------------------------------------------------------


def test_the_same_new_referral_sent_twice_makes_one_referral_and_shows_it(world, as_user):
    coach = as_user("coach")
    form = referral_form(world, submission_key=new_referral_key(coach))
    first = coach.post(NEW, form)
    second = coach.post(NEW, form)  # the double click

    referral = Referral.objects.get()
    assert ClientRecord.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/admin/referrals/{referral.pk}/"
    page = shown(coach.get(second["Location"]))
    assert "This form was already sent: here is its referral." in page
    assert f"Referral {referral}" in page
    # Sent once, not refused as "cannot be changed that way" on the second click.
    assert referral.state == State.SENT
    actions = list(referral.events.values_list("action", flat=True))
    assert actions == ["created", "send"]


def test_a_form_corrected_after_an_error_still_counts_once(world, as_user):
    coach = as_user("coach")
    key = new_referral_key(coach)
    wrong = coach.post(NEW, referral_form(world, submission_key=key, client_name=""))
    assert wrong.status_code == 400 and not Referral.objects.exists()
    assert hidden(wrong, "submission_key") == key  # the re-shown form keeps its key
    for _attempt in range(2):
        coach.post(NEW, referral_form(world, submission_key=key))
    assert Referral.objects.count() == 1 and ClientRecord.objects.count() == 1


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# SQLite serialises writers, so the race is played out on PostgreSQL only (the same guard as
# tests/referrals/test_workflow.py); the sequential double POST above covers both.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("not on_postgresql()", reason="needs concurrent connections (PostgreSQL)")
def test_two_identical_posts_at_the_same_moment_make_one_referral(world):
    coach = world["users"]["coach"]
    clients = [Client(), Client()]
    for browser in clients:
        browser.force_login(coach)
    form = referral_form(world, submission_key=new_referral_key(clients[0]))
    start = threading.Barrier(2)
    answers = []

    def post(browser):
        from django.db import connections

        start.wait()
        try:
            answers.append(browser.post(NEW, form))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(browser,)) for browser in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    referral = Referral.objects.get()
    assert ClientRecord.objects.count() == 1
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer["Location"] for answer in answers} == {f"/admin/referrals/{referral.pk}/"}
    assert referral.events.filter(action="created").count() == 1


def test_a_key_copied_into_someone_elses_post_never_shows_them_the_first_referral(world, as_user):
    coach = as_user("coach")
    key = new_referral_key(coach)
    coach.post(NEW, referral_form(world, submission_key=key))
    firsts = Referral.objects.get()

    # A colleague of the same organisation posts with the same key (copied, or guessed).
    colleague = Client()
    colleague.force_login(world["users"]["other_coach"])
    theirs = referral_form(world, submission_key=key, client_reference="CAR-999", client_name="Bo")
    answers = [colleague.post(NEW, theirs) for _click in range(2)]  # and double-clicks

    own = Referral.objects.exclude(pk=firsts.pk).get()  # their own one, made once
    assert own.referring_user == world["users"]["other_coach"]
    assert own.client.reference == "CAR-999"
    assert {answer["Location"] for answer in answers} == {f"/admin/referrals/{own.pk}/"}
    page = shown(colleague.get(answers[1]["Location"]))
    assert "CAR-999" in page and "CAR-117" not in page and "Amina" not in page
    assert ClientRecord.objects.count() == 2


# A message -----------------------------------------------------------------------------------


def test_the_same_message_sent_twice_is_posted_once(
    world, as_user, django_capture_on_commit_callbacks
):
    coach = as_user("coach")
    coach.post(NEW, referral_form(world))
    referral = Referral.objects.get()
    page = coach.get(f"/admin/referrals/{referral.pk}/")
    key = hidden(page, "submission_key")
    text = "She can come on Tuesday mornings."
    with_key = {"text": text, "submission_key": key}
    with django_capture_on_commit_callbacks(execute=True):
        first = coach.post(f"/admin/referrals/{referral.pk}/message/", with_key)
    told = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = coach.post(f"/admin/referrals/{referral.pk}/message/", with_key)

    assert ReferralMessage.objects.count() == 1
    assert referral.events.filter(action="message").count() == 1
    assert first["Location"] == second["Location"] == f"/admin/referrals/{referral.pk}/#timeline"
    page = shown(coach.get(f"/admin/referrals/{referral.pk}/"))
    assert "This message was already sent; it is shown once." in page
    assert page.count(text) == 1
    assert told and len(mail.outbox) == told  # the other side is told once
    # The receiving side writing with the same key posts its own message.
    receiver = Client()
    receiver.force_login(world["users"]["receiver_coordinator"])
    receiver.post(f"/admin/referrals/{referral.pk}/message/", {**with_key, "text": "Fine."})
    assert ReferralMessage.objects.count() == 2


# The public forms' stamps ------------------------------------------------------------------


SUGGEST = "/en/services/{pk}/suggest/"


def test_a_suggestion_stamp_is_used_once(orgs, settings):
    settings.BRUG_SUGGESTION_MIN_SECONDS = 0
    service = orgs["own"]["service"]
    url = SUGGEST.format(pk=service.pk)
    visitor = Client()
    stamp = hidden(visitor.get(url), "stamp")
    payload = {"topic": "hours", "text": "Open on Fridays until 17:00 now.", "stamp": stamp}
    assert visitor.post(url, payload).status_code == 200
    # The same form again (a resend), and replayed from elsewhere within the day.
    again = visitor.post(url, payload)
    replayed = Client(REMOTE_ADDR="192.0.2.9").post(url, payload)

    assert CorrectionSuggestion.objects.count() == 1
    for answer in (again, replayed):
        assert answer.status_code == 409
        page = shown(answer)
        assert "This form was already sent, and that suggestion is with the curators." in page
        assert "Open on Fridays until 17:00 now." in page  # the text is kept
    # A fresh stamp comes with the answer: a second suggestion meant as one can still be sent.
    fresh = {**payload, "stamp": hidden(again, "stamp"), "text": "And closed on Mondays."}
    assert visitor.post(url, fresh).status_code == 200
    assert CorrectionSuggestion.objects.count() == 2


def test_a_feedback_stamp_is_used_once(orgs):
    service = orgs["own"]["service"]
    page = Client().get("/en/organisations/buddy/buddy-housing/")
    stamp = page.context["feedback_form"]["stamp"].value()
    answer = {"got_help": "yes", "waited": "weeks", "recommend": "maybe", "stamp": stamp}
    url = f"/en/services/{service.pk}/feedback/"
    assert Client().post(url, answer, REMOTE_ADDR="10.0.0.1").status_code == 200
    # Replayed from other addresses (the per-address limit would not see it).
    replays = [Client().post(url, answer, REMOTE_ADDR=f"10.0.1.{n}") for n in range(3)]

    assert ServiceFeedback.objects.count() == 1
    for replay in replays:
        assert replay.status_code == 409
        assert "These answers were already received. Thank you!" in shown(replay)


def test_used_stamps_are_forgotten_after_their_lifetime(orgs, settings):
    from directory.models import UsedStamp

    settings.BRUG_SUGGESTION_MIN_SECONDS = 0
    url = SUGGEST.format(pk=orgs["own"]["service"].pk)
    visitor = Client()
    stamp = hidden(visitor.get(url), "stamp")
    visitor.post(
        url, {"topic": "hours", "text": "Open on Fridays until 17:00 now.", "stamp": stamp}
    )
    assert UsedStamp.objects.count() == 1
    call_command("prune_feedback", stdout=io.StringIO())
    assert UsedStamp.objects.count() == 1  # still within its lifetime: still refused
    UsedStamp.objects.update(expires_on=timezone.localdate() - timedelta(days=2))
    call_command("prune_feedback", stdout=io.StringIO())
    assert not UsedStamp.objects.exists()


# An invitation -------------------------------------------------------------------------------


def test_the_same_invitation_sent_twice_invites_and_mails_once(orgs, people):
    curator = Client()
    curator.force_login(people["curator"])
    key = hidden(curator.get("/admin/people/"), "submission_key")
    form = {
        "submission_key": key,
        "email": "new.editor@example.org",
        "organisation": str(orgs["own"]["organisation"].pk),
        "role": Role.EDITOR,
        "language": "en",
    }
    curator.post("/admin/people/", form)
    second = curator.post("/admin/people/", form, follow=True)

    invitation = Invitation.objects.get()
    assert invitation.status() == Invitation.Status.PENDING  # the mailed link still works
    assert len(mail.outbox) == 1
    assert "This form was already sent: new.editor@example.org is invited once." in shown(second)
