"""The network's overdue referrals, for the curators the escalation e-mail goes to: which
referral waits on which organisation, for how long, and whom to nudge there. No client
details and no link into a referral (a curator may not see one): the number, the service, the
receiving organisation, the step that waits, the working days past the agreed time, and the
organisation's people who work with referrals or edit its listing, with their addresses.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from directory.models import Membership, Role
from directory.roles import REVIEW_LISTINGS
from referrals import access, lists
from referrals.models import Referral, State
from referrals.timeline import display_name
from referrals.working_days import working_days_since

# Who at the receiving organisation can move a waiting referral, first to last.
NUDGE_ROLES = (Role.INTAKE_WORKER, Role.COORDINATOR, Role.EDITOR)


def may_see(user) -> bool:
    """Curators (the escalation's readers) and referral administrators."""
    return user.is_active and (user.has_perm(REVIEW_LISTINGS) or access.is_administrator(user))


@dataclass
class Contact:
    name: str
    role: str
    email: str


@dataclass
class Row:
    number: str
    anchor: str
    service: str
    organisation: str
    organisation_email: str
    organisation_phone: str
    waiting_for: str
    since: datetime.datetime
    days_overdue: int
    contacts: list = field(default_factory=list)


def _late_since(referral: Referral) -> tuple[datetime.datetime, int]:
    """When the waiting step started, and the working days it may take."""
    if referral.state == State.SENT:
        return referral.sent_at, settings.BRUG_REFERRAL_ANSWER_DAYS
    if referral.state == State.ACCEPTED:
        return referral.answered_at, settings.BRUG_REFERRAL_ANSWER_DAYS
    return referral.intake_at, 1


def rows(now) -> list[Row]:
    overdue = (
        Referral.objects.filter(lists.overdue_condition(now))
        .select_related("service", "receiving_organisation")
        .order_by("sent_at", "pk")
    )
    overdue = list(overdue)
    contacts = _contacts({r.receiving_organisation_id for r in overdue})
    found = []
    for referral in overdue:
        since, allowed = _late_since(referral)
        organisation = referral.receiving_organisation
        found.append(
            Row(
                number=str(referral),
                anchor=f"referral-{referral.pk}",
                service=referral.service.title,
                organisation=organisation.title,
                organisation_email=organisation.email,
                organisation_phone=organisation.phone,
                waiting_for=str(lists.next_step(referral, lists.RECEIVED)),
                since=since,
                days_overdue=max(1, working_days_since(since, now) - allowed),
                contacts=contacts.get(organisation.pk, []),
            )
        )
    return sorted(found, key=lambda row: -row.days_overdue)


def _contacts(organisation_ids) -> dict[int, list[Contact]]:
    memberships = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids, role__in=NUDGE_ROLES, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
    )
    order = {role: i for i, role in enumerate(NUDGE_ROLES)}
    found: dict[int, list[Contact]] = {}
    for membership in sorted(memberships, key=lambda m: (order[m.role], m.user.email)):
        user = membership.user
        found.setdefault(membership.organisation_id, []).append(
            Contact(display_name(user), Role(membership.role).label, user.email)
        )
    return found
