"""Reminders and escalation for referrals nobody answers: after
`BRUG_REFERRAL_ANSWER_DAYS` working days (default 3) the receiving organisation gets a
reminder and the referring worker is told it is overdue; after twice that the network's
curators are told (their link opens the overdue list, referrals.overdue). An accepted
referral whose intake is still not planned that many working days after the acceptance
reminds the receiving side and tells the referring worker in the same way (a "reminded"
event with step "intake"). Once each per referral, so `manage.py referral_reminders` can run
as often as wanted (daily is enough).

The same run tells both sides, once per consent, when the client's consent of an open
referral has expired: from then on the receiving side sees no client data
(referrals.consent) and the referring worker should renew it or withdraw the referral."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from directory.roles import CURATORS
from referrals import consent, notifications, workflow
from referrals.models import SENT_OPEN_STATES, Referral, ReferralEvent, State
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
        _remind(referral, now, "reminder", "overdue")
        reminded += 1
    curators = get_user_model().objects.filter(groups__name=CURATORS, is_active=True)
    for referral in waiting.filter(
        sent_at__lt=working_days_before(now, 2 * days), escalated_at__isnull=True
    ):
        notifications.send_to(curators, referral, "escalation")
        workflow.escalate(referral, now)
        escalated += 1
    return reminded, escalated


def send_intake_reminders(now=None) -> int:
    """Accepted referrals with no intake planned within the agreed working days (the same
    rule as the overdue lists, referrals.lists): the receiving side is reminded and the
    referring worker told, once per referral. Not while the consent does not hold: the
    receiving side could not plan the intake, and the expiry is told on its own."""
    now = now or timezone.now()
    cutoff = working_days_before(now, settings.BRUG_REFERRAL_ANSWER_DAYS)
    reminded_before = ReferralEvent.objects.filter(
        referral=OuterRef("pk"), action="reminded", detail__step=workflow.INTAKE_STEP
    )
    waiting = (
        Referral.objects.filter(state=State.ACCEPTED, answered_at__lt=cutoff)
        .exclude(Exists(reminded_before))
        .select_related("service", "receiving_organisation", "referring_user")
        .order_by("pk")
    )
    reminded = 0
    for referral in waiting:
        if not consent.is_valid(referral, timezone.localdate(now)):
            continue
        _remind(referral, now, "intake_reminder", "intake_overdue", step=workflow.INTAKE_STEP)
        reminded += 1
    return reminded


def _remind(referral, now, receiver_action: str, referrer_action: str, step=None) -> None:
    """Remind the receiving side (its people, else its public address), tell the referring
    worker that the referral is overdue, and write the event (referrals.workflow)."""
    people = notifications.receiving_people(referral)
    if people:
        notifications.send_to(people, referral, receiver_action)
    elif referral.receiving_organisation.email:
        notifications.send_to_organisation(referral, receiver_action)
    referrer = referral.referring_user
    told = bool(referrer and referrer.is_active and referrer.email)
    workflow.remind(referral, now, referrer_told=told, step=step)
    if told:
        notifications.send_to([referrer], referral, referrer_action)


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
