"""Opening hours as plain functions: is a place open at a moment, what does a day or a week look
like, when does it open next.

Hours are wall-clock times in Europe/Brussels. Comparing local times (not UTC offsets) keeps
"09:00–12:00" right on both sides of the summer-time switch. A range may run past midnight
when it is marked "closes the next day" (a night shelter open 20:00–08:00); it belongs to the
day it opened (its validity, closures and holidays are those of that day).

What a day holds, most specific first:
1. a dated *closure* covering the day (e.g. "closed 24 Dec–2 Jan") — closed;
2. dated *special hours* covering the day (e.g. "Thursday 14–16 during the school holidays") —
   those ranges replace the weekly ones;
3. a Belgian *public holiday* — closed, unless the place is open on public holidays;
4. the weekly ranges valid that day.

The functions take any objects with the attributes of directory.models.OpeningHours and
directory.models.HoursException, so they work on saved rows, unsaved form data, search
documents and test doubles alike. Both search backends call them (search.documents builds the
Elasticsearch "open now" periods with `day_of`; the database backend asks `opening_status`),
so they cannot disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext_lazy as _

BRUSSELS = ZoneInfo("Europe/Brussels")
# How far ahead "opens again on …" looks.
NEXT_OPENING_DAYS = 60
# A time field has no 24:00: a range closing at 23:59 lasts until midnight, so a place open
# 00:00–23:59 every day is open around the clock, its last minute included.
END_OF_DAY = time(23, 59)
# A place open without a break for this long is "open 24 hours" (no "until" to show).
ALWAYS_DAYS = 7


class HoursRange(Protocol):
    weekday: int  # 0 = Monday
    opens: time
    closes: time
    closes_next_day: bool
    by_appointment_only: bool
    valid_from: date | None
    valid_until: date | None


class DatedException(Protocol):
    kind: str  # "closed" or "special"
    starts_on: date
    ends_on: date
    weekday: int | None  # only on this weekday; None: every day of the period
    opens: time | None
    closes: time | None
    closes_next_day: bool
    by_appointment_only: bool
    note: str


class OpenStatus(enum.StrEnum):
    OPEN = "open"
    BY_APPOINTMENT = "by_appointment"
    CLOSED = "closed"


class DayKind(enum.StrEnum):
    REGULAR = "regular"
    CLOSURE = "closed"
    SPECIAL = "special"
    HOLIDAY = "holiday"


CLOSED = "closed"
SPECIAL = "special"

# Belgian public holidays (names as the `holidays` package gives them in English), in the UI's
# languages; a name not listed here is shown as the package gives it.
HOLIDAY_LABELS = {
    "New Year's Day": _("New Year's Day"),
    "Easter Sunday": _("Easter Sunday"),
    "Easter Monday": _("Easter Monday"),
    "Labor Day": _("Labour Day"),
    "Ascension Day": _("Ascension Day"),
    "Pentecost": _("Whit Sunday"),
    "Whit Sunday": _("Whit Sunday"),
    "Pentecost Monday": _("Whit Monday"),
    "Whit Monday": _("Whit Monday"),
    "National Day": _("Belgian National Day"),
    "Assumption Day": _("Assumption Day"),
    "All Saints' Day": _("All Saints' Day"),
    "Armistice Day": _("Armistice Day"),
    "Christmas Day": _("Christmas Day"),
}


@lru_cache(maxsize=16)
def _belgian_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("BE", years=year, language="en_US").items())


def holiday_on(day: date) -> str | None:
    """The Belgian public holiday on this day (its English name), computed for any year."""
    return _belgian_holidays(day.year).get(day)


def holiday_label(name: str) -> str:
    return str(HOLIDAY_LABELS.get(name, name))


@dataclass
class Day:
    """What one calendar day holds: its ranges (sorted), why, and a note to show."""

    date: date
    ranges: list = field(default_factory=list)
    kind: DayKind = DayKind.REGULAR
    note: str = ""

    @property
    def is_exception(self) -> bool:
        return self.kind != DayKind.REGULAR

    @property
    def all_day(self) -> bool:
        """Open from midnight to midnight, in ranges of one kind (walk-in or by appointment):
        shown as "Open 24 hours" rather than 00:00–23:59."""
        if not self.ranges or len({h.by_appointment_only for h in self.ranges}) > 1:
            return False
        reached = wall_clock(self.date, time(0))
        for starts, ends in sorted(span(self.date, h) for h in self.ranges):
            if starts > reached:
                return False
            reached = max(reached, ends)
        return reached >= wall_clock(self.date + timedelta(days=1), time(0))


def ends_at_midnight(hours) -> bool:
    """Whether a range closes at the end of its day (written 23:59, see END_OF_DAY)."""
    return not hours.closes_next_day and hours.closes == END_OF_DAY


def span(day: date, hours) -> tuple[datetime, datetime]:
    """The concrete opening and closing moments of a range on the day it opens."""
    if ends_at_midnight(hours):
        return wall_clock(day, hours.opens), wall_clock(day + timedelta(days=1), time(0))
    end_day = day + timedelta(days=1) if hours.closes_next_day else day
    return wall_clock(day, hours.opens), wall_clock(end_day, hours.closes)


def valid_on(hours: HoursRange, day: date) -> bool:
    """Whether a weekly range applies on a calendar day (its valid-from/valid-until window)."""
    if hours.valid_from and day < hours.valid_from:
        return False
    return not (hours.valid_until and day > hours.valid_until)


def applies_on(exception: DatedException, day: date) -> bool:
    """Whether a dated exception covers a calendar day (both ends included)."""
    if not exception.starts_on <= day <= exception.ends_on:
        return False
    return exception.weekday is None or exception.weekday == day.weekday()


def day_of(
    ranges: Iterable[HoursRange],
    day: date,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
) -> Day:
    """The hours of one calendar day, exceptions and holidays applied (see the module doc)."""
    todays = [e for e in exceptions if applies_on(e, day)]
    closures = [e for e in todays if e.kind == CLOSED]
    if closures:
        return Day(day, [], DayKind.CLOSURE, closures[0].note)
    specials = [e for e in todays if e.kind == SPECIAL and e.opens and e.closes]
    if specials:
        notes = dict.fromkeys(e.note for e in specials if e.note)
        return Day(day, _sorted(specials), DayKind.SPECIAL, "; ".join(notes))
    if not open_on_holidays:
        name = holiday_on(day)
        if name:
            return Day(day, [], DayKind.HOLIDAY, holiday_label(name))
    regular = [h for h in ranges if h.weekday == day.weekday() and valid_on(h, day)]
    return Day(day, _sorted(regular))


def _sorted(ranges) -> list:
    return sorted(ranges, key=lambda h: h.opens)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BRUSSELS)
    return moment.astimezone(BRUSSELS)


def ranges_at(
    ranges: Iterable[HoursRange],
    moment: datetime,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
) -> list:
    """The ranges that cover a moment (an aware datetime; naive ones are taken as Brussels)."""
    ranges, exceptions = list(ranges), list(exceptions)
    local = _local(moment)
    now = local.time()
    today = day_of(ranges, local.date(), exceptions, open_on_holidays)
    hits = [
        h
        for h in today.ranges
        if ((h.closes_next_day or ends_at_midnight(h)) and now >= h.opens)
        or (not h.closes_next_day and h.opens <= now < h.closes)
    ]
    # Yesterday matters only for a range past midnight (most places have none: skip it).
    if any(h.closes_next_day for h in ranges) or any(e.closes_next_day for e in exceptions):
        yesterday = day_of(ranges, local.date() - timedelta(days=1), exceptions, open_on_holidays)
        hits += [h for h in yesterday.ranges if h.closes_next_day and now < h.closes]
    return hits


def opening_status(
    ranges: Iterable[HoursRange],
    moment: datetime,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
) -> OpenStatus:
    """Open (walk in), open by appointment only, or closed at a moment."""
    hits = ranges_at(ranges, moment, exceptions, open_on_holidays)
    if any(not h.by_appointment_only for h in hits):
        return OpenStatus.OPEN
    if hits:
        return OpenStatus.BY_APPOINTMENT
    return OpenStatus.CLOSED


def week_of(
    ranges: Iterable[HoursRange],
    day: date,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
) -> list[Day]:
    """The seven days from Monday of `day`'s week, exceptions and holidays applied."""
    ranges, exceptions = list(ranges), list(exceptions)
    monday = day - timedelta(days=day.weekday())
    return [
        day_of(ranges, monday + timedelta(days=offset), exceptions, open_on_holidays)
        for offset in range(7)
    ]


@dataclass
class Opening:
    """The next time a place opens."""

    at: datetime  # aware, Europe/Brussels
    by_appointment_only: bool

    @property
    def date(self) -> date:
        return self.at.date()


def next_opening(
    ranges: Iterable[HoursRange],
    moment: datetime,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
    days: int = NEXT_OPENING_DAYS,
) -> Opening | None:
    """The first range that starts after `moment`, within `days` days (None if none)."""
    ranges, exceptions = list(ranges), list(exceptions)
    local = _local(moment)
    for offset in range(days + 1):
        current = local.date() + timedelta(days=offset)
        for hours in day_of(ranges, current, exceptions, open_on_holidays).ranges:
            starts = wall_clock(current, hours.opens)
            if starts > local:
                return Opening(starts, hours.by_appointment_only)
    return None


def wall_clock(day: date, at: time) -> datetime:
    """A local time on a day, in Brussels (a time skipped by the summer-time switch, such as
    02:30 on the last Sunday of March, comes out as the same wall-clock reading)."""
    return datetime.combine(day, at, tzinfo=BRUSSELS)


def periods(
    ranges: Iterable[HoursRange],
    start: date,
    days: int,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
    walk_in_only: bool = True,
    appointment_only: bool = False,
) -> list[tuple[datetime, datetime]]:
    """Concrete (opens, closes) moments for the days from the day before `start` on, as aware
    Brussels datetimes: what a search engine needs to answer "open now" with a range query
    (walk-in hours; or, with `appointment_only`, the hours by appointment)."""
    ranges, exceptions = list(ranges), list(exceptions)
    found = []
    for offset in range(-1, days):
        current = start + timedelta(days=offset)
        for hours in day_of(ranges, current, exceptions, open_on_holidays).ranges:
            if appointment_only and not hours.by_appointment_only:
                continue
            if walk_in_only and not appointment_only and hours.by_appointment_only:
                continue
            found.append(span(current, hours))
    return found


@dataclass
class Now:
    """A place's status at a moment, and until when it holds: `until` is when the walk-in
    hours (or, by appointment, the appointment hours) stop, over breaks of no length and
    across midnight; None when closed, or when open without a break for ALWAYS_DAYS."""

    status: OpenStatus
    until: datetime | None = None

    @property
    def always(self) -> bool:
        return self.status != OpenStatus.CLOSED and self.until is None


def status_now(
    ranges: Iterable[HoursRange],
    moment: datetime,
    exceptions: Iterable[DatedException] = (),
    open_on_holidays: bool = False,
) -> Now:
    """Open, by appointment or closed now, with until when (see Now)."""
    ranges, exceptions = list(ranges), list(exceptions)
    status = opening_status(ranges, moment, exceptions, open_on_holidays)
    if status == OpenStatus.CLOSED:
        return Now(status)
    appointment = status == OpenStatus.BY_APPOINTMENT
    local = _local(moment)
    spans = sorted(
        span(current, hours)
        for offset in range(-1, ALWAYS_DAYS + 1)
        for current in [local.date() + timedelta(days=offset)]
        for hours in day_of(ranges, current, exceptions, open_on_holidays).ranges
        if hours.by_appointment_only == appointment
    )
    until = local
    for starts, ends in spans:
        if starts <= until < ends:
            until = ends
    if until - local >= timedelta(days=ALWAYS_DAYS):
        return Now(status)
    return Now(status, until)


def any_location_now(nows: Iterable[Now]) -> Now:
    """The status of a service with several locations: open if one is (until the latest
    of those), else by appointment if one is, else closed."""
    nows = list(nows)
    for status in (OpenStatus.OPEN, OpenStatus.BY_APPOINTMENT):
        matching = [now for now in nows if now.status == status]
        if matching:
            if any(now.always for now in matching):
                return Now(status)
            return Now(status, max(now.until for now in matching))
    return Now(OpenStatus.CLOSED)


def upcoming(
    exceptions: Iterable[DatedException],
    today: date,
    days: int = 42,
    open_on_holidays: bool = False,
) -> list[tuple[date, date, Day]]:
    """Dated exceptions and public holidays in the coming `days` days, as (first day, last
    day, what the first day holds), for "coming up: closed 24 Dec – 2 Jan"."""
    exceptions = list(exceptions)
    found: list[tuple[date, date, Day]] = []
    end = today + timedelta(days=days)
    for exception in sorted(exceptions, key=lambda e: e.starts_on):
        if exception.ends_on < today or exception.starts_on > end:
            continue
        first = max(exception.starts_on, today)
        kind = DayKind.CLOSURE if exception.kind == CLOSED else DayKind.SPECIAL
        ranges = [exception] if kind == DayKind.SPECIAL else []
        found.append((first, exception.ends_on, Day(first, ranges, kind, exception.note)))
    if not open_on_holidays:
        current = today
        while current <= end:
            name = holiday_on(current)
            covered = any(applies_on(e, current) for e in exceptions)
            if name and not covered and current.weekday() < 6:
                found.append(
                    (current, current, Day(current, [], DayKind.HOLIDAY, holiday_label(name)))
                )
            current += timedelta(days=1)
    return sorted(found, key=lambda item: item[0])


def now_in_brussels() -> datetime:
    return datetime.now(tz=BRUSSELS)
