"""Partnerships' rules: who may record, propose and confirm one, and who an organisation
works with (its confirmed partnerships in force, with the partner and the services concerned
in the language version being shown; the public page and the API both ask here).

A curator's partnership is confirmed when it is saved. An organisation's editor proposes one
between their organisation and another (their side confirmed); it is confirmed when an
editor of the other side, or a curator, confirms it. Nobody else may do either."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale

from directory.models import OrganisationPage, Partnership, ServicePage
from directory.roles import edited_organisations, is_curator

SIDES = ("organisation", "partner")


@dataclass
class PartnerLink:
    """One partnership as seen from one organisation."""

    partnership: Partnership
    partner: OrganisationPage
    services: list[ServicePage] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.partnership.kind

    @property
    def kind_label(self) -> str:
        return self.partnership.get_kind_display()

    @property
    def starts_on(self) -> datetime.date | None:
        return self.partnership.starts_on

    @property
    def ends_on(self) -> datetime.date | None:
        return self.partnership.ends_on


def _in_locale(model, originals, locale: Locale) -> dict:
    """The live version of each original page in `locale` (the original where the locale
    has none), by translation key."""
    keys = {page.translation_key for page in originals}
    versions = {page.translation_key: page for page in originals if page.live}
    for page in model.objects.live().filter(translation_key__in=keys, locale=locale):
        versions[page.translation_key] = page
    return versions


def works_with(
    organisation: OrganisationPage, day: datetime.date | None = None
) -> list[PartnerLink]:
    """The partnerships of `organisation` in force on `day` (today) whose partner is live,
    the partner and services in the organisation page's own locale, by partner name."""
    partnerships = list(
        Partnership.objects.involving(organisation)
        .confirmed()
        .current(day)
        .select_related("organisation", "partner")
        .prefetch_related("services")
    )
    key = organisation.translation_key
    others = [
        p.partner if p.organisation.translation_key == key else p.organisation for p in partnerships
    ]
    partners = _in_locale(OrganisationPage, others, organisation.locale)
    services = _in_locale(
        ServicePage, [s for p in partnerships for s in p.services.all()], organisation.locale
    )
    links = [
        PartnerLink(
            partnership,
            partners[other.translation_key],
            [
                services[s.translation_key]
                for s in partnership.services.all()
                if s.translation_key in services
            ],
        )
        for partnership, other in zip(partnerships, others, strict=True)
        if other.translation_key in partners
    ]
    return sorted(links, key=lambda link: (link.partner.title.casefold(), link.kind))


def concerning(service: ServicePage) -> list[PartnerLink]:
    """The confirmed partnerships that concern this service (a project's funders and
    partners, over its whole lifetime), each with the other organisation in the service
    page's locale, by name."""
    own = service.get_parent().translation_key
    partnerships = list(
        Partnership.objects.confirmed()
        .filter(services__translation_key=service.translation_key)
        .select_related("organisation", "partner")
        .distinct()
    )
    others = [
        p.partner if p.organisation.translation_key == own else p.organisation for p in partnerships
    ]
    partners = _in_locale(OrganisationPage, others, service.locale)
    links = [
        PartnerLink(partnership, partners[other.translation_key])
        for partnership, other in zip(partnerships, others, strict=True)
        if other.translation_key in partners
    ]
    return sorted(links, key=lambda link: (link.partner.title.casefold(), link.kind))


def sides_of(user, partnership: Partnership) -> set[str]:
    """The sides ("organisation", "partner") of the partnership this person edits."""
    edited = set(edited_organisations(user).values_list("translation_key", flat=True))
    return {side for side in SIDES if getattr(partnership, side).translation_key in edited}


def record(partnership: Partnership, user) -> Partnership:
    """A curator saves a partnership: it is confirmed (the curators' screen calls this)."""
    if not is_curator(user):
        raise PermissionDenied
    partnership.recorded_by = partnership.recorded_by or user
    partnership.confirmed_at = partnership.confirmed_at or timezone.now()
    partnership.save()  # the curators' screen logs the change itself
    return partnership


@transaction.atomic
def propose(user, services=(), **fields) -> Partnership:
    """An editor of `fields["organisation"]` proposes a partnership with another
    organisation; their side is confirmed, the other side's confirmation is awaited."""
    partnership = Partnership(recorded_by=user, **fields)
    partnership.organisation = partnership.organisation.original()
    partnership.partner = partnership.partner.original()
    if "organisation" not in sides_of(user, partnership):
        raise PermissionDenied
    partnership.organisation_confirmed_at = timezone.now()
    partnership.full_clean()
    partnership.save()
    partnership.services.set(services)
    log(instance=partnership, action="wagtail.create", user=user)
    return partnership


@transaction.atomic
def confirm(user, partnership: Partnership) -> Partnership:
    """Confirm the partnership as a curator, or as an editor of a side that has not yet
    confirmed it. Anyone else is refused."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    now = timezone.now()
    if is_curator(user):
        partnership.confirmed_at = partnership.confirmed_at or now
    else:
        sides = sides_of(user, partnership)
        if not sides:
            raise PermissionDenied
        for side in sides:
            if getattr(partnership, f"{side}_confirmed_at") is None:
                setattr(partnership, f"{side}_confirmed_at", now)
        if partnership.organisation_confirmed_at and partnership.partner_confirmed_at:
            partnership.confirmed_at = partnership.confirmed_at or now
    partnership.save()
    log(instance=partnership, action="wagtail.edit", user=user)
    return partnership


def of_editor(user):
    """The partnerships of the organisations this person edits, either side."""
    keys = list(edited_organisations(user).values_list("translation_key", flat=True))
    return (
        Partnership.objects.filter(organisation__translation_key__in=keys)
        | Partnership.objects.filter(partner__translation_key__in=keys)
    ).select_related("organisation", "partner")


@transaction.atomic
def record_unconfirmed(user, services=(), **fields) -> Partnership:
    """A partnership an import found (an initiatives list's partners): recorded by the
    curator who ran it (or nobody, for the demo data) and confirmed by no one yet, like the
    drafts it came with. It is shown once a curator confirms it (saving it under
    *Partnerships*) or both sides' editors do."""
    partnership = Partnership(recorded_by=user, **fields)
    partnership.organisation = partnership.organisation.original()
    partnership.partner = partnership.partner.original()
    partnership.full_clean()
    partnership.save()
    partnership.services.set(services)
    log(instance=partnership, action="wagtail.create", user=user)
    return partnership
