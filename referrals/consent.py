"""The client's consent as the gate to their data: whether it holds today, and what each
person sees of the client on a referral.

The receiving side sees the client only while the consent holds and the referral is with
them (not after it was withdrawn). Every reader of client data asks
here — the referral page, its messages, the workflow's
receiving-side actions — so an expired or withdrawn consent hides the data from the
receiving organisation everywhere at once, not in one template. The referring side (it is
their client) and a referral administrator (who answers the client's requests for access and
erasure) keep seeing it; e-mails never carry client data at all (referrals.notifications).
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals import access
from referrals.models import Referral, SharedItem, State


class Status(models.TextChoices):
    VALID = "valid", gettext_lazy("Valid")
    EXPIRED = "expired", gettext_lazy("Expired")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn by the client")
    MISSING = "missing", gettext_lazy("Not recorded for this organisation")


def status(referral: Referral, today: datetime.date | None = None) -> str:
    """The consent's state for the receiving organisation, today."""
    today = today or timezone.localdate()
    if referral.consent_withdrawn_at is not None:
        return Status.WITHDRAWN
    if not (
        referral.consent_method
        and referral.consent_valid_until
        and referral.consent_organisation_id == referral.receiving_organisation_id
    ):
        return Status.MISSING
    if referral.consent_valid_until < today:
        return Status.EXPIRED
    return Status.VALID


def is_valid(referral: Referral, today: datetime.date | None = None) -> bool:
    return status(referral, today) == Status.VALID


def sees_everything(user, referral: Referral) -> bool:
    """The referring side and a referral administrator see the client whatever the consent."""
    return access.acts_for_sender(user, referral) or access.is_administrator(user)


def why_hidden(referral: Referral, today: datetime.date | None = None) -> str:
    """What the receiving side reads instead of the client's data, and what can be done."""
    found = status(referral, today)
    if found == Status.WITHDRAWN:
        return _(
            "The client withdrew their consent on %(date)s, so their details, the hand-over "
            "note and the messages are no longer shown to you. The referring worker can record "
            "new consent if the client agrees again."
        ) % {"date": _date(timezone.localtime(referral.consent_withdrawn_at).date())}
    if found == Status.EXPIRED:
        return _(
            "The client's consent to share their data with your organisation expired on "
            "%(date)s, so their details, the hand-over note and the messages are no longer "
            "shown to you. Ask the referring worker to renew the consent with the client."
        ) % {"date": _date(referral.consent_valid_until)}
    return _(
        "No consent of the client to share their data with your organisation is recorded, so "
        "their details are not shown to you."
    )


# Withdrawn: the client is no longer going there, so their data is no longer the receiving
# side's. (After a decline or a redirect the two sides may still need to talk it over.)
GONE_STATES = (State.WITHDRAWN,)


def receiver_refusal(referral: Referral, today: datetime.date | None = None) -> str:
    """Why the receiving side may not see the client now, or "" when it may."""
    if referral.state in GONE_STATES:
        return _(
            "This referral was withdrawn, so the client's details, the hand-over note and the "
            "messages are no longer shown to your organisation."
        )
    if not is_valid(referral, today):
        return why_hidden(referral, today)
    return ""


def _date(value: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class ClientView:
    """What one person may see of the client on one referral: None is "not shown"."""

    name: str | None = None
    reference: str | None = None
    phone: str | None = None
    language: str | None = None
    interpreter_needed: bool | None = None
    note: str | None = None
    shows_language: bool = False
    hidden_reason: str = ""  # set when the consent hides the client from this person
    anonymised: bool = False


def client_view(user, referral: Referral, today: datetime.date | None = None) -> ClientView:
    """The client as `user` may see them on `referral`."""
    client = referral.client
    if client.anonymised_at is not None:
        return ClientView(anonymised=True)
    language = client.language.name if client.language_id else ""
    if sees_everything(user, referral):
        return ClientView(
            name=client.name,
            reference=client.reference,
            phone=client.phone or None,
            language=language,
            interpreter_needed=client.interpreter_needed,
            note=referral.handover_note or None,
            shows_language=True,
        )
    if not access.acts_for_receiver(user, referral):
        return ClientView(hidden_reason=why_hidden(referral, today))
    refusal = receiver_refusal(referral, today)
    if refusal:
        return ClientView(hidden_reason=refusal)
    shares_language = referral.shares(SharedItem.LANGUAGE)
    return ClientView(
        name=client.name,
        phone=(client.phone or None) if referral.shares(SharedItem.PHONE) else None,
        language=language if shares_language else None,
        interpreter_needed=client.interpreter_needed if shares_language else None,
        note=(referral.handover_note or None) if referral.shares(SharedItem.NOTE) else None,
        shows_language=shares_language,
    )


def may_read_messages(user, referral: Referral, today: datetime.date | None = None) -> bool:
    """Messages may name the client: the receiving side reads them only under consent."""
    return sees_everything(user, referral) or (
        access.acts_for_receiver(user, referral) and not receiver_refusal(referral, today)
    )


def messages_refusal(referral: Referral, today: datetime.date | None = None) -> str:
    """Why no message can be written now, or "": writing to the other side makes sense only
    while they may read it (a draft has no other side yet)."""
    if referral.state == State.DRAFT or not receiver_refusal(referral, today):
        return ""
    if referral.state in GONE_STATES:
        return _("This referral was withdrawn: no more messages can be written on it.")
    return _(
        "Messages wait until the referring worker records the client's renewed consent: the "
        "receiving side may not read them now."
    )
