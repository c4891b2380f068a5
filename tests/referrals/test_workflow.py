"""The state machine: every transition that does not start from the referral's state is
refused with a clear message and changes nothing; each side may take only its own steps; two
people acting on the same version cannot both win."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from referrals import workflow
from referrals.models import Referral, State
from tests.referrals.conftest import act

pytestmark = pytest.mark.django_db

STATES_BEFORE = {
    State.DRAFT: [],
    State.SENT: ["send"],
    State.ACCEPTED: ["send", "accept"],
    State.INTAKE_PLANNED: ["send", "accept", "plan_intake"],
    State.DECLINED: ["send", "decline"],
    State.COMPLETED: ["send", "accept", "plan_intake", "complete"],
    State.NO_SHOW: ["send", "accept", "plan_intake", "no_show"],
    State.WITHDRAWN: ["withdraw"],
    State.REDIRECTED: ["send", "redirect"],
}


def data_for(action, world):
    return {
        "decline": {"reason": "not_eligible"},
        "plan_intake": {
            "when": timezone.now() + datetime.timedelta(days=3),
            "place": "Office",
            "interpreting": "none",
        },
        "redirect": {"service": world["caw_service"]},
        "renew_consent": {
            "consent_method": "written",
            "consent_valid_until": timezone.localdate() + datetime.timedelta(days=60),
        },
    }.get(action, {})


def actor_for(action, world):
    side = workflow.TRANSITIONS[action].side
    return world["users"]["coach" if side in ("sender", "either") else "intake"]


def make(world, state) -> Referral:
    referral = workflow.create(
        world["users"]["coach"],
        world["caritas"],
        world["service"],
        {"reference": "X-1", "name": "B."},
        [world["need"]],
        consent_method="verbal",
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    for action in STATES_BEFORE[state]:
        referral = workflow.perform(
            referral,
            actor_for(action, world),
            action,
            referral.version,
            **data_for(action, world),
        )
    assert referral.state == state
    return referral


def test_every_transition_from_every_state(world):
    """9 states × 11 transitions, in one network (the pages are the slow part to make)."""
    for state in STATES_BEFORE:
        for action, transition in workflow.TRANSITIONS.items():
            case = f"{action} from {state}"
            referral = make(world, state)
            before = (referral.state, referral.version, referral.events.count())
            user = actor_for(action, world)
            data = data_for(action, world)
            if state not in transition.sources:
                # The receiving side does not see drafts at all: refused as not theirs.
                expected = (
                    PermissionDenied
                    if state == State.DRAFT and transition.side == "receiver"
                    else workflow.TransitionError
                )
                with pytest.raises(expected) as error:
                    workflow.perform(referral, user, action, referral.version, **data)
                if expected is workflow.TransitionError:
                    assert "cannot be changed that way" in str(error.value), case
                referral.refresh_from_db()
                assert (referral.state, referral.version, referral.events.count()) == before, case
                continue
            done = workflow.perform(referral, user, action, referral.version, **data)
            assert done.state == (transition.target or state), case
            assert done.version == before[1] + 1, case
            assert done.events.last().action == transition.event_name, case


@pytest.mark.parametrize("action", ["accept", "decline", "plan_intake", "complete", "no_show"])
def test_the_referring_side_cannot_take_the_receivers_steps(world, action):
    referral = make(world, State.SENT if action in ("accept", "decline") else State.INTAKE_PLANNED)
    if action == "plan_intake":
        referral = make(world, State.ACCEPTED)
    with pytest.raises(PermissionDenied):
        workflow.perform(
            referral, world["users"]["coach"], action, referral.version, **data_for(action, world)
        )


@pytest.mark.parametrize("who", ["intake", "caw_intake", "other_coach", "receiver_manager"])
def test_only_the_referring_side_may_withdraw(world, who):
    referral = make(world, State.SENT)
    with pytest.raises(PermissionDenied):
        workflow.perform(referral, world["users"][who], "withdraw", referral.version)


def test_a_coordinator_acts_for_their_organisation(world):
    referral = make(world, State.SENT)
    receiver, sender = world["users"]["receiver_coordinator"], world["users"]["sender_coordinator"]
    referral = workflow.perform(referral, receiver, "accept", referral.version)
    assert (referral.state, referral.accepted_by) == (State.ACCEPTED, receiver)
    referral = workflow.perform(referral, sender, "withdraw", referral.version)
    assert referral.state == State.WITHDRAWN and referral.closed_at is not None
    steps = [(e.action, e.actor) for e in referral.events.all()][-2:]
    assert steps == [("accept", receiver), ("withdraw", sender)]


def test_the_forms_and_the_workflow_apply_the_same_rules(world):
    """Each transition's rule is written once (referrals.transitions): the form shows its
    message at the field, the workflow refuses the same data with the same message."""
    from referrals.forms import DeclineForm, IntakeForm

    referral = make(world, State.SENT)
    intake = world["users"]["intake"]
    form = DeclineForm({"version": referral.version, "reason": "other", "explanation": " "})
    assert form.errors["explanation"] == ["Explain the reason in a few words."]
    with pytest.raises(workflow.TransitionError, match="Explain the reason in a few words."):
        workflow.perform(referral, intake, "decline", referral.version, reason="other")
    referral = workflow.perform(referral, intake, "accept", referral.version)
    past = timezone.localtime() - datetime.timedelta(hours=1)
    form = IntakeForm(
        {"version": referral.version, "when": past.strftime("%Y-%m-%dT%H:%M"), "place": "Office"}
    )
    assert form.errors["when"] == ["The intake cannot be in the past."]
    with pytest.raises(workflow.TransitionError, match="The intake cannot be in the past."):
        workflow.perform(
            referral, intake, "plan_intake", referral.version, when=past, place="Office"
        )
    referral.refresh_from_db()
    assert (referral.state, referral.intake_at) == (State.ACCEPTED, None)


def test_a_stale_action_is_refused_not_applied_twice(world, as_user):
    referral = make(world, State.SENT)
    seen = referral.version
    first = as_user("intake").post(f"/admin/referrals/{referral.pk}/accept/", {"version": seen})
    assert first.status_code == 302
    # A colleague still has the page of before and declines.
    colleague = as_user("receiver_coordinator")
    second = colleague.post(
        f"/admin/referrals/{referral.pk}/decline/", {"version": seen, "reason": "full"}, follow=True
    )
    assert "Someone else changed this referral" in second.content.decode()
    assert "it is now “Accepted”" in second.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED
    assert list(referral.events.values_list("action", flat=True)).count("accept") == 1
    assert "decline" not in referral.events.values_list("action", flat=True)
    # The same accept sent twice (a double click) is applied once.
    again = as_user("receiver_coordinator").post(
        f"/admin/referrals/{referral.pk}/accept/", {"version": seen}, follow=True
    )
    assert "Someone else changed this referral" in again.content.decode()
    assert referral.events.filter(action="accept").count() == 1


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# SQLite serialises writers, so the race is played out on PostgreSQL only; the stale-version
# test above covers the same rule on both.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("not on_postgresql()", reason="needs concurrent connections (PostgreSQL)")
def test_two_people_accepting_at_the_same_moment_one_wins(world):
    referral = make(world, State.SENT)
    users = [world["users"]["intake"], world["users"]["receiver_coordinator"]]
    start = threading.Barrier(2)
    outcomes = []

    def accept(user):
        from django.db import connections

        start.wait()
        try:
            workflow.perform(Referral.objects.get(pk=referral.pk), user, "accept", referral.version)
            outcomes.append("won")
        except workflow.StaleReferral:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale", "won"]
    assert Referral.objects.get(pk=referral.pk).events.filter(action="accept").count() == 1


def test_invalid_transition_through_http_says_why(world, as_user):
    referral = make(world, State.COMPLETED)
    response = act(as_user("receiver_coordinator"), referral, "accept")
    assert response.status_code == 400
    assert "cannot be changed that way" in response.content.decode()
    page = as_user("receiver_coordinator").get(f"/admin/referrals/{referral.pk}/").content.decode()
    assert "Accept</button>" not in page  # the page offers only what can be done
    referral.refresh_from_db()
    assert referral.state == State.COMPLETED


def test_unknown_actions_change_nothing(world, as_user):
    referral = make(world, State.SENT)
    response = as_user("receiver_coordinator").post(
        f"/admin/referrals/{referral.pk}/explode/", {"version": referral.version}, follow=True
    )
    assert "Unknown action." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.SENT
