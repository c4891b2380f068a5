"""Caseloads (seed 004: the caseload of a social worker decides the quality of guidance) and
waiting times per service.

- A *coach's* caseload: the referrals they sent that are still open (waiting for an answer,
  accepted, intake planned). An *intake worker's*: the open referrals they accepted.
  Referrals waiting for an answer belong to no intake worker yet; they are counted per
  receiving organisation.
- *Over time*: open at the end of each week or month of the period (sent before that moment
  and not yet closed then).
- *Overload*: a caseload at or above the threshold (`BRUG_CASELOAD_THRESHOLD`, 20; a manager
  can set another on the page, never below 5, so a flag cannot reveal a small number).
- A manager sees the people of their own organisations; the network view everyone.
- Each column of people stands beside its total: complementary suppression
  (referrals.privacy.protect_partition) keeps a "< 5" from being worked out by subtraction.
- *Waiting times per service*: what the service declares (capacity, weeks of waiting) beside
  what happened — the median days from sending to the intake for the referrals sent in the
  period that got an intake.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import Page

from directory.models import ServicePage
from directory.models.services import Capacity
from referrals import privacy
from referrals.analytics import Filters, cohort, grouped_medians, periods, person_name
from referrals.models import SENT_OPEN_STATES, State
from referrals.scope import Scope

OPEN_ACCEPTED = (State.ACCEPTED, State.INTAKE_PLANNED)


def default_threshold() -> int:
    return getattr(settings, "BRUG_CASELOAD_THRESHOLD", 20)


@dataclass
class Caseload:
    threshold: int
    period_starts: list  # the periods of the "over time" columns
    coaches: list  # [{"label", "open": Cell, "overloaded": bool | None, "history": [Cell]}]
    intake_workers: list
    unassigned: list  # [{"label": organisation, "open": Cell}]
    totals: dict  # {"coaches": [Cell per period], "intake_workers": [...]}
    services: list  # waiting times


def _period_ends(filters: Filters, now) -> list[datetime.datetime]:
    """The moment each period of the filter ends (the last one: now, if still running)."""
    zone = timezone.get_current_timezone()
    starts = periods(filters)
    ends = []
    for i in range(len(starts)):
        following = starts[i + 1] if i + 1 < len(starts) else filters.end + datetime.timedelta(1)
        moment = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
        ends.append(min(moment, now))
    return ends


def _open_at(moment, since_field: str) -> Q:
    return Q(**{f"{since_field}__lt": moment}) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=moment)
    )


def _people_rows(queryset, person_field, since_field, open_states, ends, threshold):
    aggregates = {"open": Count("pk", filter=Q(state__in=open_states))}
    for i, moment in enumerate(ends):
        aggregates[f"at{i}"] = Count("pk", filter=_open_at(moment, since_field))
    rows = list(
        queryset.exclude(**{f"{person_field}__isnull": True})
        .order_by()
        .values(person_field)
        .annotate(**aggregates)
        .filter(Q(open__gt=0) | Q(**{f"at{len(ends) - 1}__gt": 0}) if ends else Q(open__gt=0))
        .order_by("-open", person_field)
    )
    people = {
        u.pk: person_name(u)
        for u in get_user_model().objects.filter(pk__in=[r[person_field] for r in rows])
    }
    # Each column beside its total is a partition (the "open now" column too: it is the
    # last period's, which has a total): complementary suppression, referrals.privacy.
    columns = ["open", *(f"at{i}" for i in range(len(ends)))]
    protected = {
        name: privacy.protect_partition({i: row[name] for i, row in enumerate(rows)})
        for name in columns
    }
    result = []
    for i, row in enumerate(rows):
        shown = protected["open"][i]
        result.append(
            {
                "label": people.get(row[person_field], "—"),
                "open": shown,
                # Hidden to protect another cell: an overload flag would tell it is ≥ 20.
                "overloaded": None if shown.text == privacy.HIDDEN else row["open"] >= threshold,
                "history": [protected[f"at{n}"][i] for n in range(len(ends))],
            }
        )
    # The order must not tell which of two hidden cells is the larger: hidden ones last,
    # by name.
    result.sort(key=lambda r: (r["open"].suppressed, -(r["open"].value or 0), r["label"]))
    totals = [privacy.count(sum(row[f"at{i}"] for row in rows)) for i in range(len(ends))]
    return result, totals


def caseload(scope: Scope, filters: Filters, threshold: int, now=None) -> Caseload:
    now = now or timezone.now()
    threshold = max(threshold, privacy.THRESHOLD)
    ends = _period_ends(filters, now)
    # Only referrals that can count: open now, or closed after the first period began.
    first = datetime.datetime.combine(
        periods(filters)[0], datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    referrals = scope.referrals().filter(Q(closed_at__isnull=True) | Q(closed_at__gte=first))
    sent_side = (
        referrals
        if scope.network
        else referrals.filter(referring_organisation__in=scope.organisations)
    )
    received_side = (
        referrals
        if scope.network
        else referrals.filter(receiving_organisation__in=scope.organisations)
    )
    coaches, coach_totals = _people_rows(
        sent_side, "referring_user", "sent_at", SENT_OPEN_STATES, ends, threshold
    )
    intake, intake_totals = _people_rows(
        received_side, "accepted_by", "accepted_at", OPEN_ACCEPTED, ends, threshold
    )
    waiting = list(
        received_side.filter(state=State.SENT)
        .order_by()
        .values("receiving_organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    titles = dict(
        Page.objects.filter(pk__in=[r["receiving_organisation"] for r in waiting]).values_list(
            "pk", "title"
        )
    )
    unassigned = [
        {"label": titles.get(r["receiving_organisation"], "—"), "open": privacy.count(r["n"])}
        for r in waiting
    ]
    return Caseload(
        threshold=threshold,
        period_starts=periods(filters),
        coaches=coaches,
        intake_workers=intake,
        unassigned=unassigned,
        totals={"coaches": coach_totals, "intake_workers": intake_totals},
        services=waiting_times(scope, filters),
    )


def waiting_times(scope: Scope, filters: Filters) -> list[dict]:
    """Per service that received referrals in the period (and, for a manager, every service
    of their organisations): declared capacity and waiting weeks, and the actual time from
    sending to the intake."""
    intakes = Q(state__in=(State.INTAKE_PLANNED, State.COMPLETED, State.NO_SHOW))
    per_service = grouped_medians(cohort(scope, filters), "intake_at", "service", intakes)
    service_ids = set(per_service)
    if not scope.network:
        own = ServicePage.objects.originals().filter(accepts_referrals=True)
        for organisation in Page.objects.filter(pk__in=scope.organisations):
            service_ids.update(own.child_of(organisation).values_list("pk", flat=True))
    # Rows, not pages: a network has a thousand services.
    services = list(
        ServicePage.objects.filter(pk__in=service_ids).values_list(
            "pk", "title", "path", "capacity_status", "waiting_weeks"
        )
    )
    paths = {path[: -Page.steplen] for _pk, _title, path, _status, _weeks in services}
    organisations = dict(Page.objects.filter(path__in=paths).values_list("path", "title"))
    rows = []
    for pk, title, path, status, weeks in services:
        received, p50, n = per_service.get(pk, (0, None, 0))
        median = privacy.duration(p50, n)
        rows.append(
            {
                "label": title,
                "organisation": organisations.get(path[: -Page.steplen], ""),
                "capacity": str(Capacity(status).label),
                "waiting_weeks": weeks,
                "received": privacy.count(received),
                "intakes": privacy.count(n),
                "median_days": median,
                "_sort": (median.value is None, -(median.value or 0), title),
            }
        )
    rows.sort(key=lambda row: row.pop("_sort"))
    return rows
