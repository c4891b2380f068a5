"""The network as managers see it: its organisations, their confirmed partnerships and the
referral flows between them over a period (referrals/network_maps.py draws them with folium;
the page's table and the exports show the same rows).

- *Organisations* are placed at their first live location with a public point (a
  confidential one at its municipality's centre, directory.confidentiality).
- *Partnerships*: confirmed (a curator, or both sides), in force on some day of the period.
  They are public ("Works with …" on both organisations' pages): not suppressed.
- *Flows*: the referrals sent in the period from one organisation to another, per ordered
  pair (a referral within one organisation is not a flow between organisations). Every
  count passes through referrals.privacy: the pairs are one line of counts that adds up to
  the total shown, so `protect_partition` decides which are hidden; a hidden flow is neither
  drawn nor listed nor exported on its own: it is part of the "other referrals" row.
- *Who sees what* (referrals.scope): the network's view names every pair; a manager sees by
  name the flows their own organisations sent or received, and the rest of the network as
  one aggregated row (how two other organisations work together is not theirs to see, how
  much the network refers beside them is).
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from wagtail.models import Page

from directory.confidentiality import public_point
from directory.models import LocationPage, OrganisationPage, Partnership
from referrals import privacy
from referrals.analytics import Filters, cohort
from referrals.scope import Scope

OTHERS = "others"  # the key of the aggregated row in the partition


@dataclass
class Place:
    """An organisation on the map (point None: it has no located live location)."""

    id: int
    name: str
    point: tuple[float, float] | None
    own: bool = False


@dataclass
class Flow:
    """Referrals sent from one organisation to another in the period (a shown count)."""

    source: Place
    target: Place
    count: privacy.Cell


@dataclass
class PartnershipLine:
    organisation: Place
    partner: Place
    kind: str
    kind_label: str
    starts_on: object = None
    ends_on: object = None


@dataclass
class Network:
    places: dict[int, Place]
    flows: list[Flow]  # shown by name, largest first
    other: privacy.Cell | None  # the referrals not shown as a flow of their own (None: none)
    total: privacy.Cell  # every referral between organisations in scope of the period
    partnerships: list[PartnershipLine] = field(default_factory=list)

    @property
    def drawn_flows(self) -> list[Flow]:
        return [f for f in self.flows if f.source.point and f.target.point]

    @property
    def drawn_partnerships(self) -> list[PartnershipLine]:
        return [p for p in self.partnerships if p.organisation.point and p.partner.point]


def places(ids, own=()) -> dict[int, Place]:
    """The organisations (original pages) with their names and map points."""
    ids = set(ids)
    pages = {
        page.pk: page
        for page in Page.objects.filter(pk__in=ids).only("pk", "title", "path", "depth")
    }
    by_path = {page.path: page.pk for page in pages.values()}
    points: dict[int, tuple[float, float]] = {}
    locations = (
        LocationPage.objects.live()
        .filter(alias_of__isnull=True, depth__in={p.depth + 1 for p in pages.values()})
        .filter(Q(latitude__isnull=False) | Q(confidential=True))
        .only("path", "latitude", "longitude", "confidential", "municipality", "postcode")
        .order_by("path")
    )
    for location in locations:
        organisation = by_path.get(location.path[: -Page.steplen])
        if organisation is None or organisation in points:
            continue
        point = public_point(location)
        if point:
            points[organisation] = (round(point["lat"], 5), round(point["lon"], 5))
    return {pk: Place(pk, page.title, points.get(pk), own=pk in own) for pk, page in pages.items()}


def raw_flows(scope: Scope, filters: Filters) -> dict:
    """{(from, to): referrals} sent between organisations in the period; for a manager the
    pairs that do not involve their organisations are one entry, OTHERS."""
    everywhere = Scope(network=True)
    rows = (
        cohort(everywhere, filters)
        .exclude(referring_organisation=F("receiving_organisation"))
        .order_by()
        .values_list("referring_organisation", "receiving_organisation")
        .annotate(n=Count("pk"))
    )
    own = set(scope.organisations)
    result: dict = {}
    for source, target, n in rows:
        key = (source, target) if scope.network or {source, target} & own else OTHERS
        result[key] = result.get(key, 0) + n
    return result


def flows(scope: Scope, filters: Filters) -> tuple[list, privacy.Cell | None, privacy.Cell]:
    """The flows shown by name, the aggregated rest and the total, all suppressed."""
    raw = raw_flows(scope, filters)
    total = sum(raw.values())
    cells = privacy.protect_partition(raw)
    shown = {key: cell for key, cell in cells.items() if key != OTHERS and not cell.suppressed}
    rest = total - sum(cell.value for cell in shown.values())
    return list(shown.items()), (privacy.count(rest) if rest else None), privacy.count(total)


def partnerships(filters: Filters) -> list[Partnership]:
    """Confirmed partnerships in force on some day of the period."""
    return list(
        Partnership.objects.confirmed()
        .filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=filters.end),
            Q(ends_on__isnull=True) | Q(ends_on__gte=filters.start),
        )
        .select_related("organisation", "partner")
        .order_by("organisation__title", "partner__title", "kind")
    )


def network(scope: Scope, filters: Filters) -> Network:
    named, other, total = flows(scope, filters)
    found = partnerships(filters)
    ids = {pk for (source, target), _cell in named for pk in (source, target)}
    ids |= {pk for p in found for pk in (p.organisation_id, p.partner_id)}
    if not scope.network:
        ids |= set(
            OrganisationPage.objects.filter(pk__in=scope.organisations).values_list("pk", flat=True)
        )
    where = places(ids, own=scope.organisations)
    shown = [Flow(where[s], where[t], cell) for (s, t), cell in named if s in where and t in where]
    shown.sort(key=lambda f: (-f.count.value, f.source.name.casefold(), f.target.name.casefold()))
    return Network(
        places=where,
        flows=shown,
        other=other,
        total=total,
        partnerships=[
            PartnershipLine(
                where[p.organisation_id],
                where[p.partner_id],
                p.kind,
                p.get_kind_display(),
                p.starts_on,
                p.ends_on,
            )
            for p in found
            if p.organisation_id in where and p.partner_id in where
        ],
    )
