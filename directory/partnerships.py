"""Who an organisation works with: its current partnerships, with the partner organisation
and the services concerned in the language version being shown (the public page and the
API both ask here)."""

import datetime
from dataclasses import dataclass, field

from wagtail.models import Locale

from directory.models import OrganisationPage, Partnership, ServicePage


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
