"""Referrals follow a merge of two listings that were one (directory.merging).

A curator merges duplicates: the two pages are the same organisation or service, so the
referrals of the one that goes now belong to the one that stays — the receiving workers of the
survivor answer them, its figures count them, and the client's consent (given to that one
organisation under either name) still holds. Each open or closed referral that moved gets a
line on its timeline; the version bump refuses a form opened before the move. Merging a
service into one of *another* organisation is refused while it has referrals: their consent
names the first organisation, not the second.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from referrals.models import ClientRecord, Referral
from referrals.workflow import record_event


def _note(referrals, user, kind: str, old, new) -> None:
    detail = {"kind": kind, "merged": old.title, "kept": new.title}
    for referral in referrals:
        record_event(referral, user, "listing_merged", referral.state, referral.state, detail)


def move_organisation(old, new, user) -> int:
    """Point every referral and client record of `old` at `new`. Returns the referrals moved."""
    touched = Referral.objects.filter(
        Q(referring_organisation=old) | Q(receiving_organisation=old) | Q(consent_organisation=old)
    )
    moved = list(touched.only("pk", "state"))
    Referral.objects.filter(referring_organisation=old).update(referring_organisation=new)
    Referral.objects.filter(receiving_organisation=old).update(receiving_organisation=new)
    Referral.objects.filter(consent_organisation=old).update(consent_organisation=new)
    Referral.objects.filter(pk__in=[r.pk for r in moved]).update(version=F("version") + 1)
    ClientRecord.objects.filter(organisation=old).update(organisation=new)
    _note(moved, user, "organisation", old, new)
    return len(moved)


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
    moved = list(Referral.objects.filter(service=old).only("pk", "state"))
    Referral.objects.filter(pk__in=[r.pk for r in moved]).update(
        service=new, version=F("version") + 1
    )
    _note(moved, user, "service", old, new)
    return len(moved)


def on_organisation_merged(sender, old, new, user, **kwargs):
    move_organisation(old, new, user)


def on_service_merged(sender, old, new, user, **kwargs):
    move_service(old, new, user)


def connect():
    from directory.signals import organisation_merged, service_merged

    organisation_merged.connect(on_organisation_merged, dispatch_uid="brug_referrals_org_merge")
    service_merged.connect(on_service_merged, dispatch_uid="brug_referrals_service_merge")
