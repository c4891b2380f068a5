"""Who may see a referral, and who may act on it. Least privilege, from memberships:

- the referring worker sees the referrals they made, and acts for the referring side;
- a referral coordinator of an organisation sees (and acts on) every referral the organisation
  sent or received;
- intake workers of the receiving organisation see the referrals sent to its services (never
  drafts) and act for the receiving side;
- a curator holding the explicit "referral administrator" permission sees every referral
  (to export or erase a client's data); without it a curator sees none;
- managers and organisation editors see no referral (managers get aggregates elsewhere).

Refusals look like absence: a referral someone may not see is "not found" for them, and it is
left out of every list and count.
"""

from django.db.models import Q

from directory.models import Membership, Role
from referrals.models import Referral, State

SEE_REFERRALS = "referrals.see_referrals"
ADMINISTER = "referrals.administer_referrals"


def can_see_referrals(user) -> bool:
    """The referral screens check this (referrals/roles.py gives it to the referral roles);
    organisation editors and curators never pass."""
    return user.is_active and user.has_perm(SEE_REFERRALS)


def organisations_with_roles(user, *roles) -> list[int]:
    return list(
        Membership.objects.filter(user=user, role__in=roles).values_list(
            "organisation_id", flat=True
        )
    )


def is_administrator(user) -> bool:
    return user.is_active and user.has_perm(ADMINISTER)


def visible_referrals(user):
    """Every referral this person may see."""
    if not (user.is_authenticated and user.is_active):
        return Referral.objects.none()
    if is_administrator(user):
        return Referral.objects.all()
    coordinated = organisations_with_roles(user, Role.COORDINATOR)
    intake = organisations_with_roles(user, Role.INTAKE_WORKER, Role.COORDINATOR)
    condition = (
        Q(referring_user=user)
        | Q(referring_organisation__in=coordinated)
        | (Q(receiving_organisation__in=intake) & ~Q(state=State.DRAFT))
    )
    return Referral.objects.filter(condition)


def sending_organisations(user) -> list[int]:
    """The organisations a person may refer from (as coach or coordinator)."""
    return organisations_with_roles(user, Role.COACH, Role.COORDINATOR)


def can_refer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and sending_organisations(user))


def acts_for_sender(user, referral: Referral) -> bool:
    return referral.referring_user_id == user.pk or (
        referral.referring_organisation_id in organisations_with_roles(user, Role.COORDINATOR)
    )


def acts_for_receiver(user, referral: Referral) -> bool:
    return (
        referral.state != State.DRAFT
        and referral.receiving_organisation_id
        in organisations_with_roles(user, Role.INTAKE_WORKER, Role.COORDINATOR)
    )


def inbox_organisations(user) -> list[int]:
    return organisations_with_roles(user, Role.INTAKE_WORKER, Role.COORDINATOR)
