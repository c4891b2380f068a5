"""Merging two listings that are one: the curator keeps one and the other's content moves in.

Merging organisations moves the old organisation's services and locations (in every locale)
under the one that stays, brings its people along (memberships and pending invitations), and
unpublishes the old page without deleting it: its revisions and audit log stay, with a
'merged into' entry. Merging services moves the correction suggestions and client feedback
to the service that stays and unpublishes the old one. Every old URL, in every language,
redirects permanently to the one that stays (Wagtail also redirects the moved pages).

Referrals belong to the referrals app, which this module does not know: it sends
`directory.signals.organisation_merged` / `service_merged` (sender, old, new, user) inside the
merge's transaction, and the referrals app moves its own rows there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.redirects.models import Redirect
from wagtail.log_actions import log
from wagtail.models import Page

from directory import roles
from directory.models import (
    CorrectionSuggestion,
    DuplicateCandidate,
    DuplicateStatus,
    Invitation,
    Membership,
    OrganisationPage,
    OrganisationTeam,
    ServiceFeedback,
    ServicePage,
)
from directory.models.originals import original_of
from directory.signals import organisation_merged, service_merged


@dataclass
class MergeResult:
    kept: Page
    merged: Page
    moved: list[Page] = field(default_factory=list)
    redirects: int = 0


def may_merge(user) -> bool:
    """Merging rewrites two listings and their URLs: curators only."""
    return roles.is_curator(user)


def _check(old, new, model, user):
    if not may_merge(user):
        raise PermissionDenied
    old, new = original_of(old.specific) or old, original_of(new.specific) or new
    if not isinstance(old, model) or not isinstance(new, model):
        raise ValidationError(_("Only two organisations, or two services, can be merged."))
    if old.translation_key == new.translation_key:
        raise ValidationError(_("A listing cannot be merged with itself."))
    return old, new


def _versions(page):
    return type(page).objects.filter(translation_key=page.translation_key)


def _counterpart(new, locale):
    """The kept listing's version in a locale (an alias is made if it has none)."""
    version = _versions(new).filter(locale=locale).first()
    if version is None:
        version = new.copy_for_translation(locale, copy_parents=True, alias=True)
    return version.specific


def _free_slug(parent, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


def _redirect_versions(old, new) -> int:
    """Permanent redirects from every locale's URL of `old` to `new` in that locale."""
    count = 0
    for version in _versions(old):
        parts = version.get_url_parts()
        if not parts:
            continue
        site_id, _root, path = parts
        target = _counterpart(new, version.locale)
        Redirect.objects.update_or_create(
            old_path=Redirect.normalise_path(path),
            site_id=site_id,
            defaults={"redirect_page": target, "is_permanent": True, "redirect_link": ""},
        )
        count += 1
    return count


def _unpublish_versions(page, user) -> None:
    for version in _versions(page).live():
        version.specific.unpublish(user=user)


def _record(old, new, user, kind: str) -> None:
    newer, older = sorted([old, new], key=lambda p: -p.pk)
    candidate, _created = DuplicateCandidate.objects.get_or_create(
        page=newer, other=older, defaults={"kind": kind, "reasons": []}
    )
    candidate.status = DuplicateStatus.MERGED
    candidate.survivor = new
    candidate.handled_by = user
    candidate.handled_at = timezone.now()
    candidate.save()


@transaction.atomic
def merge_organisations(old: OrganisationPage, new: OrganisationPage, user) -> MergeResult:
    """Move everything of `old` into `new`, keep `old` (unpublished) for its history, and
    redirect its URLs. Raises PermissionDenied or ValidationError (nothing is changed then)."""
    old, new = _check(old, new, OrganisationPage, user)
    result = MergeResult(kept=new, merged=old)
    # Old URLs first, while the old pages still have their children and URLs.
    result.redirects = _redirect_versions(old, new)
    for version in _versions(old).order_by("pk"):
        target = _counterpart(new, version.locale)
        for child in version.get_children().specific().order_by("path"):
            slug = _free_slug(target, child.slug)
            if slug != child.slug:
                Page.objects.filter(pk=child.pk).update(slug=slug)
                child.slug = slug
            child.move(target, pos="last-child", user=user)
            result.moved.append(child)
    for membership in Membership.objects.filter(organisation=old).select_related("user"):
        roles.add_member(membership.user, new, membership.role, invited_by=membership.invited_by)
        membership.delete()
    OrganisationTeam.objects.filter(organisation=old).delete()  # its group goes with it
    Invitation.objects.filter(organisation=old, accepted_at__isnull=True).update(organisation=new)
    _unpublish_versions(old, user)
    _record(old, new, user, "organisation")
    log(instance=new, action="brug.merge", user=user,
        data={"merged": old.title, "merged_id": old.pk, "moved": len(result.moved)})  # fmt: skip
    log(instance=old, action="brug.merged_into", user=user,
        data={"kept": new.title, "kept_id": new.pk})  # fmt: skip
    organisation_merged.send(sender=OrganisationPage, old=old, new=new, user=user)
    return result


@transaction.atomic
def merge_services(old: ServicePage, new: ServicePage, user) -> MergeResult:
    """Keep `new`: the suggestions and client feedback of `old` move to it, `old` is
    unpublished (kept for its history) and its URLs redirect to `new`."""
    old, new = _check(old, new, ServicePage, user)
    result = MergeResult(kept=new, merged=old)
    result.redirects = _redirect_versions(old, new)
    CorrectionSuggestion.objects.filter(service__translation_key=old.translation_key).update(
        service=new
    )
    ServiceFeedback.objects.filter(service__translation_key=old.translation_key).update(service=new)
    _unpublish_versions(old, user)
    _record(old, new, user, "service")
    log(instance=new, action="brug.merge", user=user,
        data={"merged": old.title, "merged_id": old.pk, "moved": 0})  # fmt: skip
    log(instance=old, action="brug.merged_into", user=user,
        data={"kept": new.title, "kept_id": new.pk})  # fmt: skip
    service_merged.send(sender=ServicePage, old=old, new=new, user=user)
    return result


def dismiss(candidate: DuplicateCandidate, user) -> None:
    """'Not a duplicate': remembered, so the pair is not flagged again for the same reasons."""
    if not may_merge(user):
        raise PermissionDenied
    candidate.status = DuplicateStatus.NOT_DUPLICATE
    candidate.handled_by = user
    candidate.handled_at = timezone.now()
    candidate.save()
