"""The managers' figures: what happens after a referral, computed in the database.

A figure is about the referrals *sent* in a period (a cohort): of the referrals sent in the
first quarter, how many were accepted, declined (and why), completed … whatever happened to
them since. "Overdue now" and the caseloads describe the present.

Definitions (the same in the tables, charts and exports):
- *sent*: referrals sent in the period (drafts never count);
- *accepted*: of those, accepted by the receiving service (also when later declined,
  withdrawn or redirected); *answered*: accepted or declined by the receiving side;
- *declined* (by reason), *completed*, *no-show*, *withdrawn*, *redirected*: the referral's
  outcome; *open*: still waiting for an answer, an intake or its outcome;
- *acceptance rate* = accepted ÷ answered; *completion rate* = completed ÷ accepted referrals
  that have an outcome (accepted ones still open are left out); *no-show rate* = no-show ÷
  (completed + no-show);
- *time to acceptance* = accepted − sent, *time to intake* = the intake's date − sent (intakes
  planned, done or missed), in days, counted in whole hours: median and 90th percentile
  (linear interpolation, as PostgreSQL's percentile_cont); per service (waiting times) the
  median with percentile_cont itself on PostgreSQL;
- *overdue now* (referrals.lists): no answer, or no intake planned, within the agreed working
  days, or an intake over a day ago without an outcome.

Every number passes through referrals.privacy before anyone sees it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from directory.models import Need
from referrals import need_sets, privacy
from referrals.lists import overdue_condition
from referrals.models import OPEN_STATES, DeclineReason, Referral, State
from referrals.scope import Scope

WEEK, MONTH = "week", "month"
DIMENSIONS = ("receiving_organisation", "referring_organisation", "service", "need", "coach")
# Dimensions whose rows add up to the total (a referral has one service but several needs).
PARTITIONING = {"receiving_organisation", "referring_organisation", "service", "coach"}
BREAKDOWN_ROWS_SHOWN = 100


# Durations and percentiles in the database --------------------------------------------


class Seconds(Func):
    """end − start in seconds, as a float, on PostgreSQL and SQLite (date_part, not EXTRACT:
    EXTRACT answers in numeric, whose arithmetic is many times slower)."""

    output_field = FloatField()
    unit = 1.0

    def __init__(self, end, start):
        super().__init__(F(end), F(start))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"(date_part('epoch', %(expressions)s) / {self.unit})",
            arg_joiner=" - ",
            **extra,
        )

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault("template", f"((julianday(%(expressions)s)) * {86400.0 / self.unit})")
        extra.setdefault("arg_joiner", ") - julianday(")
        return super().as_sql(compiler, connection, **extra)


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont (linear interpolation between the two nearest values)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """The same interpolation as percentile_cont, for SQLite."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def grouped_medians(queryset, end: str, group: str, condition: Q | None = None) -> dict:
    """Per value of `group`, in one query: (how many referrals, the median of end − sent_at
    in days over those matching `condition` that have `end`, how many durations that is)."""
    counted = Q(**{f"{end}__isnull": False}) & (condition or Q())
    seconds = Seconds(end, "sent_at")
    day = 86400.0
    rows = queryset.order_by()
    if connection.vendor == "postgresql":
        found = rows.values(group).annotate(
            total=Count("pk"),
            p50=Percentile(seconds, 0.5, filter=counted),
            n=Count("pk", filter=counted),
        )
        return {
            row[group]: (row["total"], None if row["p50"] is None else row["p50"] / day, row["n"])
            for row in found
        }
    totals: dict = {}
    values: dict = {}
    duration = Case(When(counted, then=seconds), output_field=FloatField())
    for key, value in rows.annotate(s=duration).values_list(group, "s"):
        totals[key] = totals.get(key, 0) + 1
        if value is not None:
            values.setdefault(key, []).append(value)
    result = {}
    for key, total in totals.items():
        durations = sorted(values.get(key, ()))
        p50 = percentile(durations, 0.5)
        result[key] = (total, None if p50 is None else p50 / day, len(durations))
    return result


# Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a manager chose: the period (dates, both included) and what to narrow to."""

    start: datetime.date
    end: datetime.date
    receiving_organisation: int | None = None
    service: int | None = None
    need: int | None = None
    referring_organisation: int | None = None
    coach: int | None = None
    interval: str = MONTH

    @property
    def key(self) -> str:
        return "|".join(str(v) for v in self.__dict__.values())

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end


def default_filters(today: datetime.date | None = None) -> Filters:
    """The last twelve months, month by month."""
    today = today or timezone.localdate()
    return Filters(start=today - datetime.timedelta(days=364), end=today)


def narrowed(queryset, filters: Filters):
    """The referrals matching every filter but the period."""
    if filters.receiving_organisation:
        queryset = queryset.filter(receiving_organisation_id=filters.receiving_organisation)
    if filters.referring_organisation:
        queryset = queryset.filter(referring_organisation_id=filters.referring_organisation)
    if filters.service:
        queryset = queryset.filter(service_id=filters.service)
    if filters.coach:
        queryset = queryset.filter(referring_user_id=filters.coach)
    if filters.need:
        needs = Need.objects.filter(Q(pk=filters.need) | Q(parent_id=filters.need))
        through = Referral.needs.through.objects.filter(referral_id=OuterRef("pk"), need__in=needs)
        queryset = queryset.filter(Exists(through))
    return queryset


def cohort(scope: Scope, filters: Filters):
    """The referrals sent in the period, in scope, matching the filters."""
    start, end = filters.bounds()
    return narrowed(scope.referrals(), filters).filter(sent_at__gte=start, sent_at__lt=end)


# Outcomes --------------------------------------------------------------------------------

# The definitions (see the module docstring) as predicates over one group of referrals
# (state, decline reason, accepted?, answered?): the database groups the cohort by these
# four columns (a handful of groups) and the counts are added up here — one scan serves
# every count.
OUTCOME_TESTS = {
    "sent": lambda state, reason, accepted, answered: True,
    "accepted": lambda state, reason, accepted, answered: accepted,
    "answered": lambda state, reason, accepted, answered: answered,
    "declined": lambda state, reason, accepted, answered: state == State.DECLINED,
    "completed": lambda state, reason, accepted, answered: state == State.COMPLETED,
    "no_show": lambda state, reason, accepted, answered: state == State.NO_SHOW,
    "withdrawn": lambda state, reason, accepted, answered: state == State.WITHDRAWN,
    "redirected": lambda state, reason, accepted, answered: state == State.REDIRECTED,
    "open": lambda state, reason, accepted, answered: state in OPEN_STATES,
    "accepted_closed": lambda state, reason, accepted, answered: (
        accepted and state not in OPEN_STATES
    ),
    **{
        f"declined_{r}": (
            lambda state, reason, accepted, answered, r=r: state == State.DECLINED and reason == r
        )
        for r in DeclineReason.values
    },
}
_KEYS = ("state", "decline_reason", "is_accepted", "is_answered")


def grouped_counts(queryset, group: str | None = None, group_expression=None) -> dict:
    """{group value: {outcome: count}} (one key, None, without a group), in one query."""
    queryset = queryset.order_by().annotate(
        is_accepted=ExpressionWrapper(Q(accepted_at__isnull=False), output_field=BooleanField()),
        is_answered=ExpressionWrapper(Q(answered_at__isnull=False), output_field=BooleanField()),
    )
    if group_expression is not None:
        queryset = queryset.annotate(**{group: group_expression})
    fields = (group, *_KEYS) if group else _KEYS
    rows = queryset.values(*fields).annotate(n=Count("pk")).values_list(*fields, "n")
    return add_up(rows, grouped=bool(group))


def add_up(rows, grouped: bool) -> dict:
    """{group: {outcome: count}} from rows of ([group,] state, reason, accepted, answered, n).
    The outcomes of each (state, reason, accepted, answered) are worked out once: a page
    by service has thousands of rows but only a dozen such combinations."""
    result: dict = {}
    outcomes_of: dict = {}
    for row in rows:
        key = row[0] if grouped else None
        combination = row[-5:-1]
        names = outcomes_of.get(combination)
        if names is None:
            state, reason, accepted, answered = combination
            names = outcomes_of[combination] = [
                name
                for name, test in OUTCOME_TESTS.items()
                if test(state, reason, bool(accepted), bool(answered))
            ]
        counts = result.get(key)
        if counts is None:
            counts = result[key] = dict.fromkeys(OUTCOME_TESTS, 0)
        n = row[-1]
        for name in names:
            counts[name] += n
    return result


def _empty_counts() -> dict:
    return dict.fromkeys(OUTCOME_TESTS, 0)


# The outcomes that add up to "sent": one suppressed cell among them would be given away.
PARTITION = ("open", "declined", "completed", "no_show", "withdrawn", "redirected")


INTAKE_STATES = (State.INTAKE_PLANNED, State.COMPLETED, State.NO_SHOW)
# name → (the referral's column of whole hours since sending, which referrals count).
# Durations are counted in whole hours: the database returns how many referrals took each
# number of hours (a few hundred rows at most, cheaper than sorting every duration), and the
# percentiles are interpolated from that histogram as percentile_cont would over the hours —
# the same on PostgreSQL and SQLite. An hour is well below the tenth of a day shown.
TIMES = {
    "to_acceptance": ("hours_to_acceptance", Q()),
    "to_intake": ("hours_to_intake", Q(state__in=INTAKE_STATES)),
}


def durations_from(histograms: dict) -> dict:
    """name → (p50 days, p90 days, n) from each time's histogram [(hours, how many)]."""
    result = {}
    for name in TIMES:
        counts = sorted((float(h), n) for h, n in histograms[name])
        total = sum(n for _h, n in counts)
        result[name] = (
            _histogram_percentile(counts, total, 0.5) / 24 if total else None,
            _histogram_percentile(counts, total, 0.9) / 24 if total else None,
            total,
        )
    return result


def _histogram_percentile(counts: list[tuple[float, int]], total: int, fraction: float):
    """percentile_cont over the values of a histogram [(value, how many)], sorted."""
    position = (total - 1) * fraction
    lower_rank = int(position)

    def value_at(rank):
        seen = 0
        for value, n in counts:
            seen += n
            if rank < seen:
                return value
        return counts[-1][0]

    lower = value_at(lower_rank)
    upper = value_at(min(lower_rank + 1, total - 1))
    return lower + (upper - lower) * (position - lower_rank)


@dataclass
class Outcomes:
    too_few: bool
    counts: dict  # name → Cell
    declines: dict  # reason → Cell
    rates: dict  # name → Cell
    times: dict  # name → {"p50": Cell, "p90": Cell}
    overdue: privacy.Cell
    trend: list = field(default_factory=list)  # [{"period": date, name: Cell}]
    breakdown: list = field(default_factory=list)  # [{"label": str, name: Cell}]
    breakdown_total: int = 0
    dimension: str = "receiving_organisation"


def outcomes(scope: Scope, filters: Filters, dimension: str, now=None) -> Outcomes:
    now = now or timezone.now()
    queryset = cohort(scope, filters)
    group = _breakdown_group(dimension, scope)
    summary = CohortSummary.of(queryset, filters, group)
    per_period = summary.per_period
    raw = _empty_counts()
    for counts in per_period.values():
        for name, n in counts.items():
            raw[name] += n
    overdue = narrowed(scope.referrals(), filters).filter(overdue_condition(now)).count()
    if privacy.is_small(raw["sent"]):
        # Too few referrals to show anything about them: not even how they split.
        hidden = privacy.count(raw["sent"])
        return Outcomes(
            too_few=True,
            counts={name: hidden for name in OUTCOME_TESTS},
            declines={},
            rates={},
            times={},
            overdue=privacy.count(overdue),
            dimension=dimension,
        )
    counts = {name: privacy.count(raw[name]) for name in OUTCOME_TESTS}
    counts.update(privacy.protect_partition({name: raw[name] for name in PARTITION}))
    declines = privacy.protect_partition(
        {reason: raw[f"declined_{reason}"] for reason in DeclineReason.values},
        total_shown=not counts["declined"].suppressed,
    )
    rates = {
        "acceptance": privacy.rate(raw["accepted"], raw["answered"]),
        "completion": privacy.rate(raw["completed"], raw["accepted_closed"]),
        "no_show": privacy.rate(raw["no_show"], raw["completed"] + raw["no_show"]),
    }
    times = {
        name: {
            "p50": privacy.duration(p50, n),
            "p90": privacy.duration(p90, n),
            "n": privacy.count(n),
        }
        for name, (p50, p90, n) in durations_from(summary.histograms).items()
    }
    breakdown, total = breakdown_rows(queryset, dimension, scope, grouped=summary.grouped)
    return Outcomes(
        too_few=False,
        counts=counts,
        declines=declines,
        rates=rates,
        times=times,
        overdue=privacy.count(overdue),
        trend=trend_rows(per_period, filters),
        breakdown=breakdown,
        breakdown_total=total,
        dimension=dimension,
    )


TREND_SERIES = ("sent", "accepted", "declined", "completed", "no_show")


def periods(filters: Filters) -> list[datetime.date]:
    """The first day of every week (Monday) or month in the period."""
    if filters.interval == WEEK:
        day = filters.start - datetime.timedelta(days=filters.start.weekday())
        step = datetime.timedelta(days=7)
        result = []
        while day <= filters.end:
            result.append(day)
            day += step
        return result
    day = filters.start.replace(day=1)
    result = []
    while day <= filters.end:
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


def _period_expression(filters: Filters):
    """The first day of the referral's week or month (its column: no time zone to convert)."""
    return F("sent_week" if filters.interval == WEEK else "sent_month")


def trend_counts(queryset, filters: Filters) -> dict:
    """{first day of the week or month: {outcome: count}} for the cohort, in one query."""
    return grouped_counts(queryset, "period", _period_expression(filters))


@dataclass
class CohortSummary:
    """What the outcomes page counts of a cohort: per period, per row of the breakdown, and
    the histograms of the two times. On PostgreSQL one scan of the cohort serves all four
    (GROUPING SETS; each was a scan of every referral of the period), elsewhere one query
    each. `grouped` is None when the breakdown is not one column of the referral (a
    manager's coaches: two groups)."""

    per_period: dict
    grouped: dict | None
    histograms: dict

    @classmethod
    def of(cls, queryset, filters: Filters, group: str | None) -> "CohortSummary":
        if connection.vendor == "postgresql":
            return cls._one_scan(queryset, filters, group)
        histograms = {
            name: list(
                queryset.filter(condition)
                .exclude(**{f"{column}__isnull": True})
                .order_by()
                .values(column)
                .annotate(n=Count("pk"))
                .values_list(column, "n")
            )
            for name, (column, condition) in TIMES.items()
        }
        return cls(
            per_period=trend_counts(queryset, filters),
            grouped=grouped_counts(queryset, group) if group else None,
            histograms=histograms,
        )

    @classmethod
    def _one_scan(cls, queryset, filters: Filters, group: str | None) -> "CohortSummary":
        columns = {
            "f_period": _period_expression(filters),
            "f_accepted": ExpressionWrapper(
                Q(accepted_at__isnull=False), output_field=BooleanField()
            ),
            "f_answered": ExpressionWrapper(
                Q(answered_at__isnull=False), output_field=BooleanField()
            ),
        }
        for name, (column, condition) in TIMES.items():
            columns[f"f_{name}"] = Case(When(condition, then=F(column))) if condition else F(column)
        if group:
            columns["f_group"] = F(group)
        inner = queryset.order_by().annotate(**columns).values("state", "decline_reason", *columns)
        sql, params = inner.query.sql_with_params()
        keys = "state, decline_reason, f_accepted, f_answered"
        sets = [f"(f_period, {keys})", *(f"(f_{name})" for name in TIMES)]
        markers = ["f_period", *(f"f_{name}" for name in TIMES)]
        if group:
            sets.append(f"(f_group, {keys})")
            markers.append("f_group")
        selected = ", ".join([*(f"GROUPING({m})" for m in markers), *markers, keys, "COUNT(*)"])
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner expects far more groups than there are (a few thousand) and, with
            # the default work_mem, sorts the cohort once per set instead of hashing every
            # set in one pass (3× slower): room for the hash tables, for this query only.
            cursor.execute("SET LOCAL work_mem = '32MB'")
            cursor.execute(
                f"SELECT {selected} FROM ({sql}) AS cohort "  # noqa: S608 (our own SQL)
                f"GROUP BY GROUPING SETS ({', '.join(sets)})",
                params,
            )
            rows = cursor.fetchall()
        width = len(markers)
        by_set: dict = {marker: [] for marker in markers}
        for row in rows:
            flags, values, rest = row[:width], row[width : 2 * width], row[2 * width :]
            marker = markers[flags.index(0)]  # the set this row belongs to
            by_set[marker].append((values[markers.index(marker)], *rest))
        histograms = {
            name: [(hours, n) for hours, *_keys, n in by_set[f"f_{name}"] if hours is not None]
            for name in TIMES
        }
        return cls(
            per_period=add_up(by_set["f_period"], grouped=True),
            grouped=add_up(by_set["f_group"], grouped=True) if group else None,
            histograms=histograms,
        )


def trend_rows(per_period: dict, filters: Filters) -> list[dict]:
    raw = [{"period": p, **per_period.get(p, _empty_counts())} for p in periods(filters)]
    return [
        {"period": row["period"], **{name: row[name] for name in TREND_SERIES}}
        for row in protect_columns(raw, TREND_SERIES, key="period")
    ]


def protect_columns(rows: list[dict], names, key: str) -> list[dict]:
    """Rows of counts whose columns add up to a total shown elsewhere: each column is
    protected as a partition (referrals.privacy.protect_partition)."""
    result = [{key: row[key]} for row in rows]
    for name in names:
        cells = privacy.protect_partition({i: row[name] for i, row in enumerate(rows)})
        for i, out in enumerate(result):
            out[name] = cells[i]
    for source, out in zip(rows, result, strict=True):
        for extra in source:
            out.setdefault(extra, source[extra])
    return result


BREAKDOWN_SERIES = ("sent", "accepted", "declined", "declined_full", "completed", "no_show")
_GROUP_FIELDS = {
    "receiving_organisation": "receiving_organisation_id",
    "referring_organisation": "referring_organisation_id",
    "service": "service_id",
    "coach": "referring_user_id",
    "need": "need_set",  # counted per set of needs, then per need (_per_need)
}


def _breakdown_group(dimension: str, scope: Scope) -> str | None:
    """The referral's column the breakdown groups by, when one query can count it with the
    other figures (not a manager's coaches: two groups)."""
    if dimension == "coach" and not scope.network:
        return None
    return _GROUP_FIELDS[dimension]


def _per_need(per_set: dict) -> dict:
    """{need: counts} from {set of needs: counts}: a referral counts once in the row of each
    of its needs (so these rows do not add up to the total), and once in a row of its own
    when it has none."""
    result: dict = {}
    for need_set, counts in per_set.items():
        for need in need_sets.ids(need_set or ""):
            into = result.get(need)
            if into is None:
                into = result[need] = _empty_counts()
            for name, n in counts.items():
                into[name] += n
    return result


def breakdown_rows(
    queryset, dimension: str, scope: Scope | None = None, grouped: dict | None = None
) -> tuple[list[dict], int]:
    """Per receiving organisation, referring organisation, service, need or coach.

    By coach, a manager sees by name only the people of their own organisations (the
    referrals their organisations sent); what other organisations' coaches sent them is one
    row per such organisation: how a person of another organisation works is not theirs to
    see."""
    group = _GROUP_FIELDS[dimension]
    names = (*BREAKDOWN_SERIES, "answered", "accepted_closed")
    if dimension == "coach" and scope is not None and not scope.network:
        own = Q(referring_organisation__in=scope.organisations)
        people = grouped_counts(queryset.filter(own), group)
        others = grouped_counts(queryset.exclude(own), "referring_organisation_id")
        grouped = {("person", k): v for k, v in people.items()}
        grouped.update({("organisation", k): v for k, v in others.items()})
        person_labels = _labels("coach", list(people))
        organisation_labels = _labels("referring_organisation", list(others))
        labels = {("person", k): v for k, v in person_labels.items()}
        labels.update(
            {
                ("organisation", k): _("Other organisation: %(name)s") % {"name": v}
                for k, v in organisation_labels.items()
            }
        )
    else:
        if grouped is None:
            grouped = grouped_counts(queryset, group)
        if dimension == "need":
            grouped = _per_need(grouped)
        labels = _labels(dimension, list(grouped))
    order = sorted(grouped, key=lambda key: (-grouped[key]["sent"], str(labels.get(key, ""))))
    raw = []
    for key in order:
        row = grouped[key]
        raw.append(
            {
                "label": str(labels.get(key, "—")),
                **{name: row[name] for name in names},
                "acceptance": privacy.rate(row["accepted"], row["answered"]),
                "completion": privacy.rate(row["completed"], row["accepted_closed"]),
            }
        )
    if dimension in PARTITIONING:
        protected = protect_columns(raw, BREAKDOWN_SERIES, key="label")
    else:
        protected = [
            {**row, **{name: privacy.count(row[name]) for name in BREAKDOWN_SERIES}} for row in raw
        ]
    for row in protected:
        row.pop("answered", None)
        row.pop("accepted_closed", None)
    # The order must not tell which of two hidden numbers is the larger: hidden ones last,
    # by name.
    protected.sort(key=lambda r: (r["sent"].suppressed, -(r["sent"].value or 0), r["label"]))
    return protected, len(protected)


def _labels(dimension: str, ids) -> dict:
    ids = [i for i in ids if i is not None]
    if dimension == "need":
        needs = Need.objects.filter(pk__in=ids).prefetch_related("labels")
        return {need.pk: need.label() for need in needs}
    if dimension == "coach":
        return {user.pk: person_name(user) for user in get_user_model().objects.filter(pk__in=ids)}
    return dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


# Caching ---------------------------------------------------------------------------------


def cached(kind: str, scope: Scope, key: str, compute):
    """Figures are recomputed at most every BRUG_FIGURES_CACHE_SECONDS (0: never cached).
    The key holds the scope, every filter and the language of the labels, so two people see
    the same cached figures only when they may see the same figures."""
    seconds = getattr(settings, "BRUG_FIGURES_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    from django.utils.translation import get_language

    cache_key = f"brug-figures:{kind}:{scope.key}:{get_language()}:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value
