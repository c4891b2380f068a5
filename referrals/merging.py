"""Referrals follow a merge of two listings that were one (directory.merging).

A curator merges duplicates: the two pages are the same organisation or service, so the
referrals of the one that goes now belong to the one that stays — the receiving workers of the
survivor answer them, its figures count them, and the client's consent (given to that one
organisation under either name) still holds. Each open or closed referral that moved gets a
line on its timeline; the version bump refuses a form opened before the move.
"""

from django.db.models import F, Q

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
    """Point the referrals to `old` at `new` (and at its organisation, which answers them)."""
    from directory.models.originals import original_of

    organisation = original_of(new.get_parent().specific) or new.get_parent().specific
    moved = list(
        Referral.objects.filter(service=old).only(
            "pk", "state", "receiving_organisation", "consent_organisation"
        )
    )
    for referral in moved:
        changes = {
            "service": new,
            "receiving_organisation": organisation,
            "version": F("version") + 1,
        }
        if referral.consent_organisation_id == referral.receiving_organisation_id:
            changes["consent_organisation"] = organisation
        Referral.objects.filter(pk=referral.pk).update(**changes)
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
