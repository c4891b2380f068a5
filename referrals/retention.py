"""Retention, export and erasure of client data.

Closed referrals keep their client data for `BRUG_REFERRAL_RETENTION_DAYS` (default 365) after
closing; then `manage.py anonymise_referrals` blanks the client record (reference, name,
phone, language) and the referrals' notes, explanations, intake details and messages. What
stays: the states, dates, services, organisations, needs and the timeline's steps — enough
for the managers' figures, nothing about the person. A client record is anonymised only when
all its referrals are closed and old enough. A referral administrator can also export a
client's data (their right of access) and erase it at once (their right to erasure); the
erasing itself is referrals.workflow.erase_client's. To find the client first they give a
referral's number or the exact case reference (`find_clients`): no list, no names, no part
of a word, so nobody can browse the clients. Every lookup is in the audit log
(`record_lookup`): who, what was searched and which client records it found, without names.
"""

import datetime

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.log_actions import log

from referrals import workflow
from referrals.models import OPEN_STATES, ClientRecord


def find_clients(text: str) -> list[ClientRecord]:
    """The client records of a referral number ("R-12" or "12") or of an exact case reference
    (letter case aside); nothing for anything else."""
    text = (text or "").strip()
    if not text:
        return []
    condition = Q(reference__iexact=text, anonymised_at__isnull=True)
    number = _referral_number(text)
    if number is not None:
        condition |= Q(referrals__pk=number)
    found = ClientRecord.objects.filter(condition).distinct().select_related("organisation")
    return list(found.order_by("pk")[:20])


def _referral_number(text: str) -> int | None:
    number = text.strip().upper().removeprefix("R-")
    return int(number) if number.isdecimal() and len(number) <= 18 else None


def record_lookup(user, text: str, found: list[ClientRecord]) -> None:
    """A referral administrator's lookup, in the audit log: who, what was searched and the
    client records it found (their numbers). A referral number is kept as searched; any
    other text only as a keyed digest of it (one typed the reference, another might type a
    name): whoever holds a reference can check that it was looked up, nobody can read it."""
    number = _referral_number(text)
    if number is not None:
        searched = {"referral": f"R-{number}"}
    else:
        digest = salted_hmac("brug.client.lookup", text.strip().casefold(), algorithm="sha256")
        searched = {"reference_digest": digest.hexdigest()}
    log(
        instance=user,
        action="brug.client.looked_up",
        user=user,
        data={**searched, "found": [str(record) for record in found]},
    )


def export_client(record: ClientRecord, user) -> dict:
    """Everything Brug holds about a client, for their request (logged)."""
    log(instance=record, action="brug.client.exported", user=user)
    referrals = record.referrals.select_related("service", "receiving_organisation")
    return {
        "client": {
            "reference": record.reference,
            "name": record.name,
            "phone": record.phone,
            "language": record.language.code if record.language else "",
            "interpreter_needed": record.interpreter_needed,
            "recorded_on": record.created_at,
            "anonymised_on": record.anonymised_at,
        },
        "referrals": [
            {
                "number": str(r),
                "service": r.service.title,
                "organisation": r.receiving_organisation.title,
                "state": r.state,
                "created": r.created_at,
                "sent": r.sent_at,
                "handover_note": r.handover_note,
                "consent": {
                    "method": r.consent_method,
                    "shares": r.consent_shares,
                    "valid_until": r.consent_valid_until,
                },
                "intake": {"at": r.intake_at, "place": r.intake_place, "with": r.intake_with},
                "messages": [{"at": m.at, "text": m.text} for m in r.messages.order_by("at")],
            }
            for r in referrals
        ],
    }


def due_for_anonymising(now=None):
    """Client records whose referrals are all closed, the last one longer ago than the
    retention period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.BRUG_REFERRAL_RETENTION_DAYS)
    return (
        ClientRecord.objects.filter(anonymised_at__isnull=True)
        .exclude(referrals__state__in=OPEN_STATES)
        .annotate(last_closed=Max("referrals__closed_at"))
        .filter(Q(last_closed__lt=cutoff))
    )


def anonymise_due(now=None) -> int:
    count = 0
    for record in due_for_anonymising(now):
        workflow.erase_client(record)
        count += 1
    return count
