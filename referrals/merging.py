"""Referrals follow a merge of two listings that were one (directory.merging).

A curator merges duplicates: the two pages are the same organisation or service, so the
referrals of the one that goes now belong to the one that stays — the receiving workers of the
survivor answer them, its figures count them, and the client's consent (given to that one
organisation under either name) still holds. referrals.workflow moves them, each with a
line on its timeline, an audit entry and a version bump that refuses a form opened before the
move. Merging a service into one of *another* organisation is refused while it has referrals:
their consent names the first organisation, not the second.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from referrals import workflow
from referrals.models import Referral


def move_service(old, new, user) -> int:
    """Point the referrals to `old` at `new`. Both must belong to the same organisation: the
    client agreed to share with that organisation, not with whichever one lists a look-alike
    service (a ValidationError rolls the whole merge back)."""
    from directory.models.originals import original_of

    organisation = original_of(new.get_parent().specific) or new.get_parent().specific
    elsewhere = Referral.objects.filter(service=old).exclude(receiving_organisation=organisation)
    if elsewhere.exists():
        raise ValidationError(
            _(
                "Clients were referred to “%(service)s” with their consent for %(organisation)s. "
                "Merge the two organisations first if they are one, or keep both services."
            )
            % {"service": old.title, "organisation": elsewhere.first().receiving_organisation.title}
        )
    return workflow.follow_service_merge(old, new, user)


def on_organisation_merged(sender, old, new, user, **kwargs):
    workflow.follow_organisation_merge(old, new, user)


def on_service_merged(sender, old, new, user, **kwargs):
    move_service(old, new, user)


def connect():
    from directory.signals import organisation_merged, service_merged

    organisation_merged.connect(on_organisation_merged, dispatch_uid="brug_referrals_org_merge")
    service_merged.connect(on_service_merged, dispatch_uid="brug_referrals_service_merge")
