"""The only code that changes a referral: the transitions a person takes
(referrals.transitions holds the table and the rules on their data), and the changes Brug makes
by itself — reminders, escalation, an expired consent, a merge of listings, erasure.

A transition is refused with a clear message when it does not start from the referral's
state, when the person does not act for the side it belongs to, or when its data is wrong.
Accepting and planning the intake need the client's valid consent (referrals.consent); declining
or redirecting stays possible. Two people acting at once cannot both win: each action names the
version it was based on, and the update only happens if that is still the current one (a stale
action is refused, never applied twice). Every change is an event on the timeline and an entry
in Wagtail's audit log, written in the same transaction; the people on the other side are told
after it commits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from directory import pathways, submissions
from referrals import access, consent
from referrals.models import (
    FIGURE_SOURCES,
    ClientRecord,
    Referral,
    ReferralEvent,
    ReferralMessage,
    State,
    figure_columns,
)
from referrals.transitions import (
    EITHER,
    RECEIVER,
    SENDER,
    TRANSITIONS,
    Invalid,
    StaleReferral,
    Transition,
    TransitionError,
    check_message,
    check_referral,
)

__all__ = [
    "INTAKE_STEP",
    "TRANSITIONS",
    "Invalid",
    "StaleReferral",
    "Transition",
    "TransitionError",
    "add_message",
    "available",
    "create",
    "erase_client",
    "escalate",
    "follow_organisation_merge",
    "follow_service_merge",
    "note_consent_expired",
    "perform",
    "record_view",
    "remind",
]

# What an erased text reads.
ERASED = "—"


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
        and t.allows(referral)
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


def check_service(service, organisation) -> None:
    """The service takes referrals from this organisation now: it is live, accepts
    referrals, is no ended project and, when reserved for partners, the organisation is one
    of them or its own (directory.pathways)."""
    if not service.live or not service.referrable:
        raise TransitionError(
            _("%(service)s does not accept referrals through Brug. Contact them directly.")
            % {"service": service.title}
        )
    if not pathways.open_to(service, [organisation]):
        raise TransitionError(pathways.refusal(service))


def create(user, organisation, service, client: dict, needs, key=None, **details) -> Referral:
    """A new referral as a draft (send it with `perform(..., "send")`). `client` holds the
    client record's fields; `details` the referral's (urgency, note, consent…). `key` is the
    form's submission key: the same key from the same person again (a double click, a retry)
    makes nothing and returns the first referral, with `replayed` set."""
    if organisation.pk not in access.sending_organisations(user):
        raise PermissionDenied
    service = service.original()
    check_service(service, organisation)
    checked = check_referral(details)
    receiving = service.get_parent().specific.original()
    consent_columns = _consent_columns(checked, receiving) if checked.get("consent_method") else {}

    def make():
        record = ClientRecord.objects.create(organisation=organisation, **client)
        referral = Referral.objects.create(
            client=record,
            referring_user=user,
            referring_organisation=organisation,
            service=service,
            receiving_organisation=receiving,
            urgency=checked["urgency"],
            handover_note=checked["handover_note"],
            previous=details.get("previous"),
            submission_key=key,
            **consent_columns,
        )
        referral.needs.set(needs)
        _record_event(referral, user, "created", "", State.DRAFT)
        return referral

    return _once(Referral, key, {"referring_user": user}, make)


def _once(model, key, owner: dict, make):
    """`make()` in one transaction, once per submission key and person: a replay gets the
    first one's row back, marked `replayed` (directory/submissions.py)."""
    row, made = submissions.create_once(model, key, owner, make)
    row.replayed = not made
    return row


def _consent_columns(checked: dict, receiving) -> dict:
    """The consent as recorded now, for the receiving organisation (checked by
    transitions.check_consent)."""
    return {
        "consent_method": checked["consent_method"],
        "consent_shares": checked["consent_shares"],
        "consent_valid_until": checked["consent_valid_until"],
        "consent_organisation": receiving,
        "consent_recorded_at": timezone.now(),
        "consent_withdrawn_at": None,
    }


# A person's transitions ------------------------------------------------------------------


def perform(referral: Referral, user, action: str, version: int, **data) -> Referral:
    """Take transition `action` on a referral, based on the version the person saw."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    if not acts_for(user, referral, transition.side):
        raise PermissionDenied
    if version != referral.version:
        raise _stale(referral)
    if not transition.allows(referral):
        raise TransitionError(
            _("A referral that is “%(state)s” cannot be changed that way (%(action)s).")
            % {"state": referral.get_state_display(), "action": transition.label}
        )
    refusal = _consent_refusal(referral, transition, timezone.localdate())
    if refusal is not None:
        raise TransitionError(refusal)
    now = timezone.now()
    fields, detail = _fields_for(referral, transition, transition.clean(data), now, user)
    with transaction.atomic():
        _write(
            referral,
            user,
            transition.event_name,
            fields,
            detail=detail,
            target=transition.target,
            version=version,
            now=now,
        )
        follow_up = None
        if action == "redirect":
            follow_up = _follow_up(referral, user, data["service"])
        if transition.notify:
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


def _fields_for(referral: Referral, transition: Transition, data: dict, now, user) -> tuple:
    """The columns a transition writes from its checked data, and the timeline detail (never
    client data)."""
    fields: dict = {}
    detail: dict = {}
    receiving = referral.receiving_organisation
    if transition.name == "send":
        if data:
            fields.update(_consent_columns(data, receiving))
        elif not consent.is_valid(referral):
            raise TransitionError(
                _("Record the client's consent to share with %(organisation)s before sending.")
                % {"organisation": receiving.title}
            )
        check_service(referral.service, referral.referring_organisation)
        fields["sent_at"] = now
    elif transition.name == "accept":
        fields.update(answered_at=now, accepted_at=now, accepted_by=user)
    elif transition.name == "decline":
        fields.update(
            decline_reason=data["reason"],
            decline_detail=data["explanation"],
            answered_at=referral.answered_at or now,
            closed_at=now,
        )
        detail["reason"] = data["reason"]
    elif transition.name == "plan_intake":
        fields.update(
            intake_at=data["when"],
            intake_place=data["place"],
            intake_with=data["with_whom"],
            intake_interpreting=data["interpreting"],
        )
        detail.update(when=data["when"].isoformat(), interpreting=data["interpreting"])
    elif transition.name in ("complete", "no_show", "withdraw"):
        fields["closed_at"] = now
    elif transition.name == "withdraw_consent":
        fields["consent_withdrawn_at"] = now
    elif transition.name == "renew_consent":
        fields.update(_consent_columns(data, receiving))
        detail["valid_until"] = fields["consent_valid_until"].isoformat()
    elif transition.name == "redirect":
        service = data["service"].original()
        if service.pk == referral.service_id:
            raise TransitionError(_("Choose another service than this one."))
        # The follow-up is the referring organisation's draft: the pathway is theirs.
        check_service(service, referral.referring_organisation)
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
    _record_event(follow_up, user, "created", "", State.DRAFT, {"follows": referral.pk})
    return follow_up


def add_message(referral: Referral, user, text: str, key=None) -> ReferralMessage:
    """A short message to the other side of the referral. `key` is the form's submission
    key: the same key from the same person again returns the first message (`replayed`)."""
    if not (access.acts_for_sender(user, referral) or access.acts_for_receiver(user, referral)):
        raise PermissionDenied
    refusal = consent.messages_refusal(referral)
    if refusal:
        raise TransitionError(refusal)
    text = check_message(text)

    def make():
        message = ReferralMessage.objects.create(
            referral=referral, author=user, text=text, submission_key=key
        )
        _record_event(referral, user, "message", referral.state, referral.state)
        transaction.on_commit(lambda: _notify(referral.pk, "message", user.pk))
        return message

    return _once(ReferralMessage, key, {"author": user}, make)


def record_view(referral: Referral, user) -> None:
    """Every view of a referral's client data, in the audit log (who, when)."""
    log(instance=referral, action="brug.referral.viewed", user=user)


# Changes Brug makes by itself -----------------------------------------------------------
# No person saw a version, so none is checked. Time stamps and timeline notes keep the
# version (a worker's open page stays valid); a change to what the referral names or holds
# bumps it, so a form opened before it is refused.


# The step a reminder is about when it is not the answer: an accepted referral whose intake
# is not planned in time (its reminder keeps `reminded_at`, the answer's, as it was).
INTAKE_STEP = "intake"


def remind(referral: Referral, now, referrer_told: bool = False, step: str | None = None) -> None:
    """The receiving side was reminded of a referral waiting for an answer, or with `step`
    INTAKE_STEP for its intake to be planned (and the referring worker told that it is
    overdue)."""
    detail = {"step": step} if step else {}
    if referrer_told:
        detail["referrer_told"] = True
    fields = {} if step else {"reminded_at": now}
    _write(referral, None, "reminded", fields, detail=detail or None, bump=False)


def escalate(referral: Referral, now) -> None:
    """The network's curators were told that a referral has had no answer for too long."""
    _write(referral, None, "escalated", {"escalated_at": now}, bump=False)


def note_consent_expired(referral: Referral) -> None:
    """The client's consent ran out while the referral was open (the date is in the detail,
    so each consent is noted once)."""
    until = referral.consent_valid_until.isoformat()
    _write(referral, None, "consent_expired", {}, detail={"valid_until": until}, bump=False)


ORGANISATION_COLUMNS = ("referring_organisation", "receiving_organisation", "consent_organisation")


@transaction.atomic
def follow_organisation_merge(old, new, user) -> int:
    """Point every referral and client record of organisation `old` at `new`, which stays
    after a merge of duplicates. Returns the referrals moved."""
    touched = Q()
    for column in ORGANISATION_COLUMNS:
        touched |= Q(**{column: old})
    moved = list(Referral.objects.filter(touched).only("pk", "state", *ORGANISATION_COLUMNS))
    for referral in moved:
        columns = {c: new for c in ORGANISATION_COLUMNS if getattr(referral, f"{c}_id") == old.pk}
        _moved(referral, user, columns, "organisation", old, new)
    ClientRecord.objects.filter(organisation=old).update(organisation=new)
    return len(moved)


@transaction.atomic
def follow_service_merge(old, new, user) -> int:
    """Point the referrals to service `old` at `new`, which stays after a merge of duplicates
    (referrals.merging checks that both belong to one organisation). Returns the referrals
    moved."""
    moved = list(Referral.objects.filter(service=old).only("pk", "state"))
    for referral in moved:
        _moved(referral, user, {"service": new}, "service", old, new)
    return len(moved)


def _moved(referral, user, columns: dict, kind: str, old, new) -> None:
    detail = {"kind": kind, "merged": old.title, "kept": new.title}
    _write(referral, user, "listing_merged", columns, detail=detail)


@transaction.atomic
def erase_client(record: ClientRecord, user=None) -> None:
    """Blank the client's data and what was written about them on every referral (after the
    retention period, or on the client's request); keep the steps for the figures."""
    ClientRecord.objects.filter(pk=record.pk).update(
        reference=ERASED, name=ERASED, phone="", language=None, anonymised_at=timezone.now()
    )
    blank = {"handover_note": "", "decline_detail": "", "intake_place": "", "intake_with": ""}
    for referral in Referral.objects.filter(client=record).only("pk", "state"):
        ReferralMessage.objects.filter(referral=referral).update(text=ERASED)
        _write(referral, user, "client_erased", blank)
    log(instance=record, action="brug.client.erased", user=user)


# Writing --------------------------------------------------------------------------------


def _write(
    referral, user, action, fields, *, detail=None, target=None, version=None, bump=True, now=None
) -> None:
    """Write `fields` (and the `target` state) and the event with its audit entry, in one
    transaction. With `version`, only while the referral is still at that version and state
    (else StaleReferral). `referral` is read again afterwards."""
    changes = dict(fields)
    if set(changes) & set(FIGURE_SOURCES):
        times = {name: changes.get(name, getattr(referral, name)) for name in FIGURE_SOURCES}
        changes.update(figure_columns(**times))
    if target:
        changes["state"] = target
    if bump:
        changes.update(version=F("version") + 1, updated_at=now or timezone.now())
    rows = Referral.objects.filter(pk=referral.pk)
    if version is not None:
        rows = rows.filter(version=version, state=referral.state)
    previous = referral.state
    with transaction.atomic():
        if changes and not rows.update(**changes):
            referral.refresh_from_db()
            raise _stale(referral)
        if changes:
            referral.refresh_from_db()
        _record_event(referral, user, action, previous, target or previous, detail)


def _record_event(referral, user, action, from_state, to_state, detail=None) -> None:
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
