"""Reminders and escalation for referrals nobody answers: after
`BRUG_REFERRAL_ANSWER_DAYS` working days (default 3) the receiving organisation gets a
reminder and the referring worker is told it is overdue; after twice that the network's
curators are told (their link opens the overdue list, referrals.overdue). Once each per
referral, so
`manage.py referral_reminders` can run as often as wanted (daily is enough).

The same run tells both sides, once per consent, when the client's consent of an open
referral has expired: from then on the receiving side sees no client data
(referrals.consent) and the referring worker should renew it or withdraw the referral."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.roles import CURATORS
from referrals import notifications, workflow
from referrals.models import SENT_OPEN_STATES, Referral, State
from referrals.working_days import working_days_before


def send_reminders(now=None) -> tuple[int, int]:
    """(reminded, escalated) referrals."""
    now = now or timezone.now()
    days = settings.BRUG_REFERRAL_ANSWER_DAYS
    reminded = escalated = 0
    waiting = Referral.objects.filter(state=State.SENT).select_related(
        "service", "receiving_organisation", "referring_user"
    )
    for referral in waiting.filter(
        sent_at__lt=working_days_before(now, days), reminded_at__isnull=True
    ):
        people = notifications.receiving_people(referral)
        if people:
            notifications.send_to(people, referral, "reminder")
        elif referral.receiving_organisation.email:
            notifications.send_to_organisation(referral, "reminder")
        referrer = referral.referring_user
        told = bool(referrer and referrer.is_active and referrer.email)
        workflow.remind(referral, now, referrer_told=told)
        if told:
            notifications.send_to([referrer], referral, "overdue")
        reminded += 1
    curators = get_user_model().objects.filter(groups__name=CURATORS, is_active=True)
    for referral in waiting.filter(
        sent_at__lt=working_days_before(now, 2 * days), escalated_at__isnull=True
    ):
        notifications.send_to(curators, referral, "escalation")
        workflow.escalate(referral, now)
        escalated += 1
    return reminded, escalated


def tell_expired_consents(today=None) -> int:
    """Open referrals whose consent expired: both sides are told once per consent (an event
    on the timeline and in the audit log names the date it expired)."""
    today = today or timezone.localdate()
    expired = (
        Referral.objects.filter(
            state__in=SENT_OPEN_STATES,
            consent_valid_until__lt=today,
            consent_withdrawn_at__isnull=True,
        )
        .select_related("service", "receiving_organisation", "referring_user")
        .order_by("pk")
    )
    told = 0
    for referral in expired:
        until = referral.consent_valid_until.isoformat()
        if referral.events.filter(action="consent_expired", detail__valid_until=until).exists():
            continue
        workflow.note_consent_expired(referral)
        people = notifications.receiving_people(referral)
        if referral.referring_user and referral.referring_user.is_active:
            people.append(referral.referring_user)
        notifications.send_to(people, referral, "consent_expired")
        told += 1
    return told
