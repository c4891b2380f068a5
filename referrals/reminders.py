"""Reminders and escalation for referrals nobody answers: after
`BRUG_REFERRAL_ANSWER_DAYS` working days (default 3) the receiving organisation gets a
reminder; after twice that the network's curators are told. Once each per referral, so
`manage.py referral_reminders` can run as often as wanted (daily is enough)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directory.roles import CURATORS
from referrals import notifications
from referrals.models import Referral, ReferralEvent, State
from referrals.working_days import working_days_before


def send_reminders(now=None) -> tuple[int, int]:
    """(reminded, escalated) referrals."""
    now = now or timezone.now()
    days = settings.BRUG_REFERRAL_ANSWER_DAYS
    reminded = escalated = 0
    waiting = Referral.objects.filter(state=State.SENT).select_related(
        "service", "receiving_organisation"
    )
    for referral in waiting.filter(
        sent_at__lt=working_days_before(now, days), reminded_at__isnull=True
    ):
        people = notifications.receiving_people(referral)
        if people:
            notifications.send_to(people, referral, "reminder")
        elif referral.receiving_organisation.email:
            notifications._send(
                referral.receiving_organisation.email, settings.LANGUAGE_CODE, referral, "reminder"
            )
        _mark(referral, "reminded", reminded_at=now)
        reminded += 1
    curators = get_user_model().objects.filter(groups__name=CURATORS, is_active=True)
    for referral in waiting.filter(
        sent_at__lt=working_days_before(now, 2 * days), escalated_at__isnull=True
    ):
        notifications.send_to(curators, referral, "escalation")
        _mark(referral, "escalated", escalated_at=now)
        escalated += 1
    return reminded, escalated


@transaction.atomic
def _mark(referral: Referral, action: str, **fields) -> None:
    # The time stamps only: the version stays, so a worker's open page is not made stale.
    Referral.objects.filter(pk=referral.pk).update(**fields)
    ReferralEvent.objects.create(
        referral=referral,
        actor=None,
        action=action,
        from_state=referral.state,
        to_state=referral.state,
    )
