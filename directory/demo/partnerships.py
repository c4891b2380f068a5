"""The demo network's partnerships (`manage.py load_demo`): who works with whom around
Leuven, confirmed as a curator would record them, so the organisations' pages say "Works
with …" and the managers' network map has its dashed lines. One ended before this year
(the 2018 housing project of Vluchtelingenwerk and Fedasil), so the map of a recent period
leaves it out. Idempotent; a partnership whose organisations are not loaded is skipped
(`--limit`)."""

import datetime

from django.utils import timezone

from directory.models import OrganisationPage, Partnership, PartnershipKind

# (organisation, partner, kind, from, until): organisations by slug.
PARTNERSHIPS = [
    (
        "ocmw-leuven",
        "caritas-international-leuven",
        PartnershipKind.REFERRAL_AGREEMENT,
        "2021-01-01",
        None,
    ),
    (
        "ocmw-leuven",
        "cgg-vlaams-brabant-oost",
        PartnershipKind.REFERRAL_AGREEMENT,
        "2020-09-01",
        None,
    ),
    ("caw-oost-brabant", "ocmw-leuven", PartnershipKind.CO_LOCATION, "2019-03-01", None),
    ("huis-van-het-kind-leuven", "ocmw-leuven", PartnershipKind.JOINT_PROJECT, "2022-01-01", None),
    (
        "cgg-vlaams-brabant-oost",
        "caw-oost-brabant",
        PartnershipKind.REFERRAL_AGREEMENT,
        "2023-05-01",
        None,
    ),
    (
        "fedasil-opvangcentrum-tervuren",
        "caritas-international-leuven",
        PartnershipKind.REFERRAL_AGREEMENT,
        "2022-06-01",
        None,
    ),
    ("ocmw-leuven", "loi-leuven", PartnershipKind.FUNDING, "2016-01-01", None),
    (
        "agentschap-integratie-inburgering-leuven",
        "huis-van-het-nederlands-leuven",
        PartnershipKind.CO_LOCATION,
        "2018-01-01",
        None,
    ),
    (
        "agentschap-integratie-inburgering-leuven",
        "vdab-leuven",
        PartnershipKind.JOINT_PROJECT,
        "2024-01-01",
        None,
    ),
    ("ocmw-beersel", "cafe-combinne-beersel", PartnershipKind.JOINT_PROJECT, "2023-09-01", None),
    (
        "vluchtelingenwerk-vlaanderen",
        "fedasil-opvangcentrum-tervuren",
        PartnershipKind.JOINT_PROJECT,
        "2018-02-01",
        "2019-01-31",
    ),
]


def load_partnerships() -> int:
    """Record the demo partnerships that are missing; returns how many were added."""
    organisations = {o.slug: o for o in OrganisationPage.objects.originals()}
    added = 0
    for slug, partner_slug, kind, starts, ends in PARTNERSHIPS:
        organisation, partner = organisations.get(slug), organisations.get(partner_slug)
        if organisation is None or partner is None:
            continue
        _partnership, created = Partnership.objects.get_or_create(
            organisation=organisation,
            partner=partner,
            kind=kind,
            defaults={
                "starts_on": datetime.date.fromisoformat(starts),
                "ends_on": datetime.date.fromisoformat(ends) if ends else None,
                "confirmed_at": timezone.now(),
            },
        )
        added += created
    return added
