"""The referral's transitions and the rules on the data a person gives for them.

    draft → sent → accepted | declined
                   accepted → intake planned (again, to move it) → completed | no-show
    draft, sent, accepted, intake planned → withdrawn (the referring side)
    sent, accepted, intake planned → redirected (either side; makes a linked follow-up draft)
    any state: the client withdraws consent; sent, accepted, intake planned: consent renewed
    (the referring side; the state stays, the receiving side is told)
    intake planned: the coach confirms the intake with the client (the state stays; once per
    planned intake)

A transition is offered and taken only from its `sources` and while its `guard` (a rule on
the referral itself) allows it, so the referral page offers exactly what can be done.

Each rule (`check_…`) takes the submitted values and returns them cleaned, or raises
`Invalid` naming the field that is wrong. The forms (referrals.forms) show its messages at
their fields; referrals.workflow applies the same rule again before it writes, so a rule and
its numbers are written once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import (
    DECLINE_DETAIL_MAX,
    INTAKE_PLACE_MAX,
    INTAKE_WITH_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    OPEN_STATES,
    SENT_OPEN_STATES,
    ConsentMethod,
    DeclineReason,
    Interpreting,
    SharedItem,
    State,
    Urgency,
)

SENDER, RECEIVER, EITHER = "sender", "receiver", "either"

# Messages a form field gives for a missing value too (its `error_messages`).
NO_CONSENT_METHOD = gettext_lazy("Record how the client gave consent.")
NO_DECLINE_REASON = gettext_lazy("Choose why the referral is declined.")
NO_INTAKE_TIME = gettext_lazy("Give the date and time of the intake.")
NO_MESSAGE = gettext_lazy("Write a message first.")
CONSENT_FIELDS = ("consent_method", "consent_shares", "consent_valid_until")


class TransitionError(Exception):
    """A change that cannot be made; the message says why, in the user's language."""


class StaleReferral(TransitionError):
    """Someone else changed the referral since this person's page was loaded."""


class Invalid(TransitionError):
    """Data a rule refuses: `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(next(iter(errors.values())))


def _refuse_if(errors: dict) -> None:
    if errors:
        raise Invalid(errors)


def _too_long(text: str, limit: int, what: str) -> str | None:
    if len(text or "") > limit:
        return _("%(what)s may be at most %(limit)s characters.") % {"what": what, "limit": limit}
    return None


def check_text(text: str, limit: int, what: str, field: str) -> str:
    problem = _too_long(text, limit, what)
    _refuse_if({field: problem} if problem else {})
    return text


# The rules ------------------------------------------------------------------------------


def check_consent(data: dict) -> dict:
    """How the client agreed, what may be shared, until when (today or later)."""
    errors = {}
    method = data.get("consent_method")
    until = data.get("consent_valid_until")
    shares = list(data.get("consent_shares") or [])
    if method not in ConsentMethod.values:
        errors["consent_method"] = str(NO_CONSENT_METHOD)
    if not until or until < timezone.localdate():
        errors["consent_valid_until"] = _("The consent must be valid until today or later.")
    if any(item not in SharedItem.values for item in shares):
        errors["consent_shares"] = _("Choose what may be shared from the list.")
    _refuse_if(errors)
    return {"consent_method": method, "consent_shares": shares, "consent_valid_until": until}


def check_referral(data: dict) -> dict:
    """A new referral's details: urgency, hand-over note and, when given, the consent."""
    errors = {}
    note = (data.get("handover_note") or "").strip()
    if problem := _too_long(note, NOTE_MAX, _("The hand-over note")):
        errors["handover_note"] = problem
    if data.get("urgency", Urgency.ROUTINE) not in Urgency.values:
        errors["urgency"] = _("Choose how urgent the referral is.")
    consent = {}
    if _gives_consent(data):
        try:
            consent = check_consent(data)
        except Invalid as invalid:
            errors.update(invalid.errors)
    _refuse_if(errors)
    return {"urgency": data.get("urgency", Urgency.ROUTINE), "handover_note": note, **consent}


def check_send(data: dict) -> dict:
    """A draft without consent (a follow-up after a redirect) records it when it is sent."""
    return check_consent(data) if _gives_consent(data) else {}


def _gives_consent(data: dict) -> bool:
    return any(data.get(name) for name in CONSENT_FIELDS)


def check_decline(data: dict) -> dict:
    errors = {}
    reason = data.get("reason")
    explanation = (data.get("explanation") or "").strip()
    if reason not in DeclineReason.values:
        errors["reason"] = str(NO_DECLINE_REASON)
    elif reason == DeclineReason.OTHER and not explanation:
        errors["explanation"] = _("Explain the reason in a few words.")
    if problem := _too_long(explanation, DECLINE_DETAIL_MAX, _("The explanation")):
        errors.setdefault("explanation", problem)
    _refuse_if(errors)
    return {"reason": reason, "explanation": explanation}


def check_intake(data: dict) -> dict:
    errors = {}
    when = data.get("when")
    if not isinstance(when, datetime.datetime):
        errors["when"] = str(NO_INTAKE_TIME)
    elif when < timezone.now():
        errors["when"] = _("The intake cannot be in the past.")
    interpreting = data.get("interpreting") or Interpreting.NONE
    if interpreting not in Interpreting.values:
        errors["interpreting"] = _("Choose who interprets, or 'not needed'.")
    place = (data.get("place") or "").strip()
    if not place:
        errors["place"] = _("Say where the intake takes place.")
    elif problem := _too_long(place, INTAKE_PLACE_MAX, _("The place")):
        errors["place"] = problem
    with_whom = (data.get("with_whom") or "").strip()
    if problem := _too_long(with_whom, INTAKE_WITH_MAX, _("The name")):
        errors["with_whom"] = problem
    _refuse_if(errors)
    return {"when": when, "place": place, "with_whom": with_whom, "interpreting": interpreting}


def check_redirect(data: dict) -> dict:
    service = data.get("service")
    _refuse_if({} if service else {"service": _("Choose the service to redirect to.")})
    return {"service": service}


def check_message(text: str) -> str:
    text = (text or "").strip()
    _refuse_if({} if text else {"text": str(NO_MESSAGE)})
    return check_text(text, MESSAGE_MAX, _("A message"), "text")


# Guards ---------------------------------------------------------------------------------


def intake_unconfirmed(referral) -> bool:
    """The planned intake (the last one, when it was moved) is not yet confirmed."""
    events = referral.events.filter(action__in=("plan_intake", "intake_confirmed"))
    last = events.order_by("-at", "-pk").values_list("action", flat=True).first()
    return last != "intake_confirmed"


# The table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    side: str
    label: str  # the button
    needs_consent: bool = False  # the receiving side works with the client's data
    simple: bool = False  # one button, nothing to fill in
    check: Callable[[dict], dict] | None = None  # the rule on its data
    event: str = ""  # its name on the timeline and in the audit log, when not `name`
    done: str = ""  # what the person is told after it, when not "Done: <label>"
    notify: bool = True  # the other side is told by e-mail
    guard: Callable | None = None  # guard(referral): may it be taken now (besides the state)

    def allows(self, referral) -> bool:
        return referral.state in self.sources and (self.guard is None or self.guard(referral))

    @property
    def event_name(self) -> str:
        return self.event or self.name

    def clean(self, data: dict) -> dict:
        """The data, checked by this transition's rule (Invalid when it is wrong)."""
        return self.check(data) if self.check else {}


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "send", (State.DRAFT,), State.SENT, SENDER, gettext_lazy("Send"), check=check_send
        ),
        Transition(
            "accept",
            (State.SENT,),
            State.ACCEPTED,
            RECEIVER,
            gettext_lazy("Accept"),
            needs_consent=True,
            simple=True,
        ),
        Transition(
            "decline",
            (State.SENT, State.ACCEPTED),
            State.DECLINED,
            RECEIVER,
            gettext_lazy("Decline"),
            check=check_decline,
        ),
        Transition(
            "plan_intake",
            (State.ACCEPTED, State.INTAKE_PLANNED),
            State.INTAKE_PLANNED,
            RECEIVER,
            gettext_lazy("Plan the intake"),
            needs_consent=True,
            check=check_intake,
        ),
        Transition(
            "complete",
            (State.INTAKE_PLANNED,),
            State.COMPLETED,
            RECEIVER,
            gettext_lazy("Intake done"),
            simple=True,
        ),
        Transition(
            "no_show",
            (State.INTAKE_PLANNED,),
            State.NO_SHOW,
            RECEIVER,
            gettext_lazy("Client did not come"),
            simple=True,
        ),
        Transition(
            "withdraw",
            OPEN_STATES,
            State.WITHDRAWN,
            SENDER,
            gettext_lazy("Withdraw"),
            simple=True,
        ),
        Transition(
            "redirect",
            SENT_OPEN_STATES,
            State.REDIRECTED,
            EITHER,
            gettext_lazy("Redirect to another service"),
            check=check_redirect,
        ),
        Transition(
            "withdraw_consent",
            tuple(State.values),
            None,
            SENDER,
            gettext_lazy("The client withdraws consent"),
            simple=True,
        ),
        Transition(
            "renew_consent",
            SENT_OPEN_STATES,
            None,
            SENDER,
            gettext_lazy("Record renewed consent"),
            check=check_consent,
        ),
        Transition(
            "confirm_intake",
            (State.INTAKE_PLANNED,),
            None,
            SENDER,
            gettext_lazy("Intake confirmed with the client"),
            simple=True,
            event="intake_confirmed",
            done=gettext_lazy("The intake is confirmed with the client."),
            notify=False,
            guard=intake_unconfirmed,
        ),
    )
}
