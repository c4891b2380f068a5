"""The referral's life as an explicit state machine. Every screen, command and test changes a
referral through these functions only.

    draft → sent → accepted | declined
                   accepted → intake planned (again, to move it) → completed | no-show
    draft, sent, accepted, intake planned → withdrawn (the referring side)
    sent, accepted, intake planned → redirected (either side; makes a linked follow-up draft)
    any state: the client withdraws consent; sent, accepted, intake planned: consent renewed
    (the referring side; the state stays, the receiving side is told)

Accepting and planning the intake need the client's valid consent (referrals.consent): after
it expired or was withdrawn the receiving side sees no client data and cannot go on until
the referring side renews it; declining or redirecting stays possible.

A transition is refused with a clear message when it does not start from the referral's
state, when the person does not act for the side it belongs to, or when its data is wrong.
Two people acting at once cannot both win: each action names the version it was based on,
and the update only happens if that is still the current one (a stale action is refused,
never applied twice). Every change is an event on the referral's timeline and an entry in
Wagtail's audit log; the people on the other side are told after the transaction commits.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from directory import submissions
from referrals import access, consent
from referrals.models import (
    MESSAGE_MAX,
    NOTE_MAX,
    ClientRecord,
    DeclineReason,
    Interpreting,
    Referral,
    ReferralEvent,
    ReferralMessage,
    SharedItem,
    State,
    Urgency,
)

SENDER, RECEIVER, EITHER = "sender", "receiver", "either"


class TransitionError(Exception):
    """A change that cannot be made; the message says why, in the user's language."""


class StaleReferral(TransitionError):
    """Someone else changed the referral since this person's page was loaded."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays (a change to the consent)
    side: str
    label: str  # the button
    needs_consent: bool = False  # the receiving side works with the client's data


ALL_STATES = tuple(State.values)


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("send", (State.DRAFT,), State.SENT, SENDER, gettext_lazy("Send")),
        Transition(
            "accept",
            (State.SENT,),
            State.ACCEPTED,
            RECEIVER,
            gettext_lazy("Accept"),
            needs_consent=True,
        ),
        Transition(
            "decline",
            (State.SENT, State.ACCEPTED),
            State.DECLINED,
            RECEIVER,
            gettext_lazy("Decline"),
        ),
        Transition(
            "plan_intake",
            (State.ACCEPTED, State.INTAKE_PLANNED),
            State.INTAKE_PLANNED,
            RECEIVER,
            gettext_lazy("Plan the intake"),
            needs_consent=True,
        ),
        Transition(
            "complete",
            (State.INTAKE_PLANNED,),
            State.COMPLETED,
            RECEIVER,
            gettext_lazy("Intake done"),
        ),
        Transition(
            "no_show",
            (State.INTAKE_PLANNED,),
            State.NO_SHOW,
            RECEIVER,
            gettext_lazy("Client did not come"),
        ),
        Transition(
            "withdraw",
            (State.DRAFT, State.SENT, State.ACCEPTED, State.INTAKE_PLANNED),
            State.WITHDRAWN,
            SENDER,
            gettext_lazy("Withdraw"),
        ),
        Transition(
            "redirect",
            (State.SENT, State.ACCEPTED, State.INTAKE_PLANNED),
            State.REDIRECTED,
            EITHER,
            gettext_lazy("Redirect to another service"),
        ),
        Transition(
            "withdraw_consent",
            ALL_STATES,
            None,
            SENDER,
            gettext_lazy("The client withdraws consent"),
        ),
        Transition(
            "renew_consent",
            (State.SENT, State.ACCEPTED, State.INTAKE_PLANNED),
            None,
            SENDER,
            gettext_lazy("Record renewed consent"),
        ),
    )
}


def acts_for(user, referral: Referral, side: str) -> bool:
    sender = access.acts_for_sender(user, referral)
    receiver = access.acts_for_receiver(user, referral)
    return {SENDER: sender, RECEIVER: receiver, EITHER: sender or receiver}[side]


def available(user, referral: Referral) -> list[Transition]:
    """The transitions this person can take now (the referral page's next actions)."""
    today = timezone.localdate()
    return [
        t
        for t in TRANSITIONS.values()
        if referral.state in t.sources
        and acts_for(user, referral, t.side)
        and _consent_refusal(referral, t, today) is None
    ]


def _consent_refusal(referral: Referral, transition: Transition, today) -> str | None:
    """Why the consent does not allow this transition now, or None."""
    found = consent.status(referral, today)
    if transition.needs_consent and found != consent.Status.VALID:
        return _(
            "The client's consent is not valid now (%(status)s): this waits until the "
            "referring worker records renewed consent."
        ) % {"status": consent.Status(found).label}
    if transition.name == "withdraw_consent" and found not in (
        consent.Status.VALID,
        consent.Status.EXPIRED,
    ):
        return _("There is no consent to withdraw.")
    return None


# Creating -------------------------------------------------------------------------------


def check_service(service) -> None:
    if not service.live or not service.accepts_referrals:
        raise TransitionError(
            _("%(service)s does not accept referrals through Brug. Contact them directly.")
            % {"service": service.title}
        )


def create(user, organisation, service, client: dict, needs, key=None, **details) -> Referral:
    """A new referral as a draft (send it with `perform(..., "send")`). `client` holds the
    client record's fields; `details` the referral's (urgency, note, consent…). `key` is the
    form's submission key: the same key from the same person again (a double click, a retry)
    makes nothing and returns the first referral, with `replayed` set."""
    if organisation.pk not in access.sending_organisations(user):
        raise PermissionDenied
    service = service.original()
    check_service(service)
    _check_text(details.get("handover_note", ""), NOTE_MAX, _("The hand-over note"))
    if details.get("urgency", Urgency.ROUTINE) not in Urgency.values:
        raise TransitionError(_("Choose how urgent the referral is."))
    receiving = service.get_parent().specific.original()
    consent_columns = _consent_fields(details, receiving) if details.get("consent_method") else {}

    def make():
        record = ClientRecord.objects.create(organisation=organisation, **client)
        referral = Referral.objects.create(
            client=record,
            referring_user=user,
            referring_organisation=organisation,
            service=service,
            receiving_organisation=receiving,
            urgency=details.get("urgency", Urgency.ROUTINE),
            handover_note=details.get("handover_note", ""),
            previous=details.get("previous"),
            submission_key=key,
            **consent_columns,
        )
        referral.needs.set(needs)
        record_event(referral, user, "created", "", State.DRAFT)
        return referral

    return _once(Referral, key, {"referring_user": user}, make)


def _once(model, key, owner: dict, make):
    """`make()` in one transaction, once per submission key and person: a replay gets the
    first one's row back, marked `replayed` (directory/submissions.py)."""
    row, made = submissions.create_once(model, key, owner, make)
    row.replayed = not made
    return row


def _consent_fields(data: dict, receiving) -> dict:
    method = data.get("consent_method")
    until = data.get("consent_valid_until")
    shares = list(data.get("consent_shares") or [])
    if method not in ("verbal", "written"):
        raise TransitionError(_("Record how the client gave consent."))
    if not until or until < timezone.localdate():
        raise TransitionError(_("The consent must be valid until today or later."))
    if any(item not in SharedItem.values for item in shares):
        raise TransitionError(_("Choose what may be shared from the list."))
    return {
        "consent_method": method,
        "consent_shares": shares,
        "consent_valid_until": until,
        "consent_organisation": receiving,
        "consent_recorded_at": timezone.now(),
        "consent_withdrawn_at": None,
    }


def _check_text(text: str, limit: int, what: str) -> None:
    if len(text or "") > limit:
        raise TransitionError(
            _("%(what)s may be at most %(limit)s characters.") % {"what": what, "limit": limit}
        )


# Changing -------------------------------------------------------------------------------


def perform(referral: Referral, user, action: str, version: int, **data) -> Referral:
    """Take transition `action` on a referral, based on the version the person saw."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    if not acts_for(user, referral, transition.side):
        raise PermissionDenied
    if version != referral.version:
        raise _stale(referral)
    if referral.state not in transition.sources:
        raise TransitionError(
            _("A referral that is “%(state)s” cannot be changed that way (%(action)s).")
            % {"state": referral.get_state_display(), "action": transition.label}
        )
    refusal = _consent_refusal(referral, transition, timezone.localdate())
    if refusal is not None:
        raise TransitionError(refusal)
    now = timezone.now()
    fields, detail = _fields_for(referral, transition, data, now, user)
    target = transition.target or referral.state
    with transaction.atomic():
        updated = Referral.objects.filter(
            pk=referral.pk, version=version, state=referral.state
        ).update(state=target, version=F("version") + 1, updated_at=now, **fields)
        if not updated:
            referral.refresh_from_db()
            raise _stale(referral)
        previous_state = referral.state
        referral.refresh_from_db()
        record_event(referral, user, action, previous_state, referral.state, detail)
        follow_up = None
        if action == "redirect":
            follow_up = _follow_up(referral, user, data["service"])
        transaction.on_commit(lambda: _notify(referral.pk, action, user.pk))
    if follow_up is not None:
        referral.follow_up = follow_up
    return referral


def _stale(referral: Referral) -> StaleReferral:
    return StaleReferral(
        _(
            "Someone else changed this referral while you were looking at it (it is now "
            "“%(state)s”). Nothing was done; check the timeline and try again if needed."
        )
        % {"state": referral.get_state_display()}
    )


def _fields_for(referral: Referral, transition: Transition, data: dict, now, user=None) -> tuple:
    """The columns a transition writes, and the timeline detail (never client data)."""
    fields: dict = {}
    detail: dict = {}
    if transition.name == "send":
        if data.get("consent_method"):
            fields.update(_consent_fields(data, referral.receiving_organisation))
        elif not consent.is_valid(referral):
            raise TransitionError(
                _("Record the client's consent to share with %(organisation)s before sending.")
                % {"organisation": referral.receiving_organisation.title}
            )
        check_service(referral.service)
        fields["sent_at"] = now
    elif transition.name == "accept":
        fields.update(answered_at=now, accepted_at=now, accepted_by=user)
    elif transition.name == "decline":
        reason = data.get("reason")
        explanation = (data.get("explanation") or "").strip()
        if reason not in DeclineReason.values:
            raise TransitionError(_("Choose why the referral is declined."))
        if reason == DeclineReason.OTHER and not explanation:
            raise TransitionError(_("Explain the reason in a few words."))
        _check_text(explanation, 500, _("The explanation"))
        fields.update(
            decline_reason=reason,
            decline_detail=explanation,
            answered_at=referral.answered_at or now,
            closed_at=now,
        )
        detail["reason"] = reason
    elif transition.name == "plan_intake":
        when = data.get("when")
        if not isinstance(when, datetime.datetime):
            raise TransitionError(_("Give the date and time of the intake."))
        if when < now:
            raise TransitionError(_("The intake cannot be in the past."))
        interpreting = data.get("interpreting") or Interpreting.NONE
        if interpreting not in Interpreting.values:
            raise TransitionError(_("Choose who interprets, or 'not needed'."))
        place = (data.get("place") or "").strip()
        if not place:
            raise TransitionError(_("Say where the intake takes place."))
        _check_text(place, 200, _("The place"))
        _check_text(data.get("with_whom", ""), 100, _("The name"))
        fields.update(
            intake_at=when,
            intake_place=place,
            intake_with=(data.get("with_whom") or "").strip(),
            intake_interpreting=interpreting,
        )
        detail.update(when=when.isoformat(), interpreting=interpreting)
    elif transition.name in ("complete", "no_show", "withdraw"):
        fields["closed_at"] = now
    elif transition.name == "withdraw_consent":
        fields["consent_withdrawn_at"] = now
    elif transition.name == "renew_consent":
        fields.update(_consent_fields(data, referral.receiving_organisation))
        detail["valid_until"] = fields["consent_valid_until"].isoformat()
    elif transition.name == "redirect":
        service = data.get("service")
        if service is None:
            raise TransitionError(_("Choose the service to redirect to."))
        service = service.original()
        if service.pk == referral.service_id:
            raise TransitionError(_("Choose another service than this one."))
        check_service(service)
        fields["closed_at"] = now
        detail["service"] = service.pk
    return fields, detail


def _follow_up(referral: Referral, user, service) -> Referral:
    """The linked draft for the new service, owned by the referring worker. It carries the
    client, needs, urgency and note, but not the consent: that was for another organisation."""
    service = service.original()
    follow_up = Referral.objects.create(
        client=referral.client,
        referring_user=referral.referring_user,
        referring_organisation=referral.referring_organisation,
        service=service,
        receiving_organisation=service.get_parent().specific.original(),
        urgency=referral.urgency,
        handover_note=referral.handover_note,
        previous=referral,
    )
    follow_up.needs.set(referral.needs.all())
    record_event(follow_up, user, "created", "", State.DRAFT, {"follows": referral.pk})
    return follow_up


def confirm_intake(referral: Referral, user, version: int) -> None:
    """The coach confirms the planned intake with the client: a step on the timeline."""
    if not access.acts_for_sender(user, referral):
        raise PermissionDenied
    if referral.state != State.INTAKE_PLANNED:
        raise TransitionError(_("There is no planned intake to confirm."))
    if version != referral.version:
        raise _stale(referral)
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now()
        ):
            referral.refresh_from_db()
            raise _stale(referral)
        referral.refresh_from_db()
        record_event(referral, user, "intake_confirmed", referral.state, referral.state)


def add_message(referral: Referral, user, text: str, key=None) -> ReferralMessage:
    """A short message to the other side of the referral. `key` is the form's submission
    key: the same key from the same person again returns the first message (`replayed`)."""
    if not (access.acts_for_sender(user, referral) or access.acts_for_receiver(user, referral)):
        raise PermissionDenied
    refusal = consent.messages_refusal(referral)
    if refusal:
        raise TransitionError(refusal)
    text = (text or "").strip()
    if not text:
        raise TransitionError(_("Write a message first."))
    _check_text(text, MESSAGE_MAX, _("A message"))

    def make():
        message = ReferralMessage.objects.create(
            referral=referral, author=user, text=text, submission_key=key
        )
        record_event(referral, user, "message", referral.state, referral.state)
        transaction.on_commit(lambda: _notify(referral.pk, "message", user.pk))
        return message

    return _once(ReferralMessage, key, {"author": user}, make)


def record_view(referral: Referral, user) -> None:
    """Every view of a referral's client data, in the audit log (who, when)."""
    log(instance=referral, action="brug.referral.viewed", user=user)


def record_event(referral, user, action, from_state, to_state, detail=None) -> None:
    """A line on the referral's timeline and the same in Wagtail's audit log."""
    ReferralEvent.objects.create(
        referral=referral,
        actor=user,
        action=action,
        from_state=from_state,
        to_state=to_state,
        detail=detail or {},
    )
    log(
        instance=referral,
        action=f"brug.referral.{action}",
        user=user,
        data={"from": from_state, "to": to_state, **(detail or {})},
    )


def _notify(referral_pk: int, action: str, actor_pk: int) -> None:
    from referrals import notifications

    notifications.after(referral_pk, action, actor_pk)
