"""The gaps in the network: needs with few or no services per municipality, the services that
decline most because they are full, and the words people searched for that found nothing.

- *Coverage* counts live services (one per service, whatever its translations) by the main
  need they serve (a sub-need counts for its main need) and the municipalities of their
  locations; every municipality where the network has a location is listed against every
  main need, and the pairs with 0 or 1 services are the gaps. These are directory facts, not
  referrals: no suppression.
- *Full*: per service, referrals received in the period and how many were declined as
  "full or waiting list" (counts suppressed below 5, referrals.privacy); the services with
  suppressed counts come after the others, in alphabetical order, so the order does not
  tell their numbers.
- *Per municipality* (the gaps map, referrals/network_maps.py): how many main needs have no
  service there and how many only one, at the municipality's centre from the offline
  gazetteer (directory.confidentiality.municipality_centre).
- *Searches that found nothing* (read from search.models.UnmetQuery): summed over the
  period; a text seen fewer than `BRUG_UNMET_QUERY_MIN_COUNT` times (2) is left out, so a
  one-off — which might be a name — is never shown.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from wagtail.models import Page

from directory.confidentiality import municipality_centre, public_point
from directory.models import LocationPage, Need, ServicePage
from referrals import privacy
from referrals.analytics import Filters, cohort
from referrals.models import DeclineReason, State
from referrals.scope import Scope
from search.models import UnmetQuery

FEW = 1  # a need with at most this many services in a municipality is a gap
FULL_ROWS = 50
QUERY_ROWS = 100


@dataclass
class Gaps:
    municipalities: list[str]
    needs: list[str]
    coverage: list  # [{"need", "municipality", "services": int}] with 0 or 1
    matrix: list  # [(municipality, [{"services": int, "gap": bool} per need])]
    full: list  # [{"label", "organisation", "capacity", "received": Cell, "full": Cell}]
    queries: list  # [{"text", "language", "count": int}]
    min_count: int


def coverage() -> tuple[list[str], list[str], list[dict], list]:
    services = ServicePage.objects.live().originals().values_list("pk", flat=True)
    service_ids = set(services)
    main_need = {
        need.pk: need.parent_id or need.pk for need in Need.objects.only("pk", "parent_id")
    }
    needs_of: dict[int, set[int]] = {}
    for service_id, need_id in ServicePage.needs.through.objects.filter(
        servicepage_id__in=service_ids
    ).values_list("servicepage_id", "need_id"):
        needs_of.setdefault(service_id, set()).add(main_need.get(need_id, need_id))
    places_of: dict[int, set[str]] = {}
    for service_id, municipality in ServicePage.locations.through.objects.filter(
        servicepage_id__in=service_ids
    ).values_list("servicepage_id", "locationpage__municipality"):
        if municipality:
            places_of.setdefault(service_id, set()).add(_place(municipality))
    municipalities = sorted(
        {_place(m) for m in LocationPage.objects.live().values_list("municipality", flat=True)}
        - {""}
    )
    counts: dict[tuple[int, str], int] = {}
    for service_id, needs in needs_of.items():
        for need in needs:
            for place in places_of.get(service_id, ()):
                counts[(need, place)] = counts.get((need, place), 0) + 1
    main_needs = list(Need.objects.filter(parent__isnull=True).prefetch_related("labels"))
    rows = []
    matrix = []
    for place in municipalities:
        cells = []
        for need in main_needs:
            n = counts.get((need.pk, place), 0)
            cells.append({"services": n, "gap": n <= FEW})
            if n <= FEW:
                rows.append({"need": need.label(), "municipality": place, "services": n})
        matrix.append((place, cells))
    rows.sort(key=lambda row: (row["services"], row["municipality"], row["need"]))
    return municipalities, [need.label() for need in main_needs], rows, matrix


@dataclass
class MunicipalityGaps:
    """One municipality of the gaps map: the main needs without a service there and those
    with only one (point None: the gazetteer does not know it and no location has one)."""

    name: str
    point: tuple[float, float] | None
    uncovered: list[str]
    few: list[str]


def by_municipality(needs: list[str], matrix: list) -> list[MunicipalityGaps]:
    """The coverage matrix per municipality, most uncovered needs first, then by name."""
    result = [
        MunicipalityGaps(
            name=place,
            point=None,
            uncovered=[
                need for need, cell in zip(needs, cells, strict=True) if not cell["services"]
            ],
            few=[need for need, cell in zip(needs, cells, strict=True) if cell["services"] == 1],
        )
        for place, cells in matrix
    ]
    points = municipality_points({row.name for row in result})
    for row in result:
        row.point = points.get(row.name)
    result.sort(key=lambda row: (-len(row.uncovered), -len(row.few), row.name))
    return result


def municipality_points(names: set[str]) -> dict[str, tuple[float, float]]:
    """The centre of each municipality (as `_place` writes it): the gazetteer's place near
    a location's postcode there, else that location's public point."""
    points: dict[str, tuple[float, float]] = {}
    locations = (
        LocationPage.objects.live()
        .filter(alias_of__isnull=True)
        .only("municipality", "postcode", "country", "latitude", "longitude", "confidential")
        .order_by("pk")
    )
    for location in locations:
        name = _place(location.municipality)
        if name not in names or name in points:
            continue
        centre = municipality_centre(
            location.municipality or "", location.postcode or "", location.country or ""
        )
        if centre is None:
            point = public_point(location)
            centre = (point["lat"], point["lon"]) if point else None
        if centre is not None:
            points[name] = (round(centre[0], 5), round(centre[1], 5))
    return points


def _place(name: str) -> str:
    return " ".join((name or "").split()).title()


def full_services(scope: Scope, filters: Filters) -> list[dict]:
    rows = list(
        cohort(scope, filters)
        .order_by()
        .values("service")
        .annotate(
            received=Count("pk"),
            full=Count("pk", filter=Q(state=State.DECLINED, decline_reason=DeclineReason.FULL)),
        )
        .filter(full__gt=0)
    )
    services = {
        s.pk: s
        for s in ServicePage.objects.filter(pk__in=[r["service"] for r in rows]).only(
            "pk", "title", "path", "depth", "capacity_status"
        )
    }
    parents = dict(
        Page.objects.filter(
            path__in=[s.path[: -Page.steplen] for s in services.values()]
        ).values_list("path", "title")
    )
    result = []
    for row in rows:
        service = services.get(row["service"])
        if service is None:
            continue
        full = privacy.count(row["full"])
        result.append(
            {
                "label": service.title,
                "organisation": parents.get(service.path[: -Page.steplen], ""),
                "capacity": service.get_capacity_status_display(),
                "received": privacy.count(row["received"]),
                "full": full,
                "share": privacy.rate(row["full"], row["received"]),
                "_sort": (full.suppressed, -(full.value or 0), service.title),
            }
        )
    result.sort(key=lambda row: row.pop("_sort"))
    return result


def unmet_queries(filters: Filters) -> tuple[list[dict], int]:
    minimum = getattr(settings, "BRUG_UNMET_QUERY_MIN_COUNT", 2)
    rows = (
        UnmetQuery.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .values("text", "language")
        .annotate(total=Sum("count"))
        .filter(total__gte=minimum)
        .order_by("-total", "text")
    )
    return [
        {"text": row["text"], "language": row["language"], "count": row["total"]} for row in rows
    ], minimum


def gaps(scope: Scope, filters: Filters) -> Gaps:
    municipalities, needs, rows, matrix = coverage()
    queries, minimum = unmet_queries(filters)
    return Gaps(
        municipalities=municipalities,
        needs=needs,
        coverage=rows,
        matrix=matrix,
        full=full_services(scope, filters),
        queries=queries,
        min_count=minimum,
    )
