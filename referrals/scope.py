"""Who may see the managers' figures, and of which referrals.

- A *manager* (a `Role.MANAGER` membership) of an organisation sees the figures of the
  referrals that organisation sent or received; of several organisations, all of them.
- The network's view — every referral — belongs to the network's curators and to anyone
  holding `referrals.view_network_figures` (a network coordinator; a superuser grants it).
- Nobody else: coaches, intake workers, referral coordinators and organisation editors work
  with referrals, not with figures.

The figures are aggregates only. Holding this right never opens a referral or a client
record: that is referrals.access, which gives managers nothing.
"""

from dataclasses import dataclass

from django.db.models import Q

from directory.models import Membership, Role
from directory.roles import is_curator
from referrals.models import Referral

NETWORK_FIGURES = "referrals.view_network_figures"


@dataclass(frozen=True)
class Scope:
    """The referrals a person's figures are made of: the network, or some organisations."""

    network: bool
    organisations: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return "network" if self.network else "orgs-" + "-".join(map(str, self.organisations))

    def referrals(self):
        queryset = Referral.objects.exclude(sent_at=None)
        if self.network:
            return queryset
        return queryset.filter(
            Q(referring_organisation__in=self.organisations)
            | Q(receiving_organisation__in=self.organisations)
        )


def managed_organisations(user) -> tuple[int, ...]:
    return tuple(
        sorted(
            Membership.objects.filter(user=user, role=Role.MANAGER).values_list(
                "organisation_id", flat=True
            )
        )
    )


def sees_network(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (is_curator(user) or user.has_perm(NETWORK_FIGURES))
    )


def scope_for(user) -> Scope | None:
    """The figures this person may see, or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    if sees_network(user):
        return Scope(network=True)
    organisations = managed_organisations(user)
    if organisations:
        return Scope(network=False, organisations=organisations)
    return None


def can_see_figures(user) -> bool:
    return scope_for(user) is not None
