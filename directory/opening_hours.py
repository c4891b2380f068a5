"""Opening hours as plain functions: is a place open at a moment, what does its week look like.

Hours are wall-clock times in Europe/Brussels. Comparing local times (not UTC offsets) keeps
"09:00–12:00" right on both sides of the summer-time switch. A range may run past midnight
when it is marked "closes the next day" (a night shelter open 20:00–08:00).

The functions take any objects with the attributes of directory.models.OpeningHours, so they
work on saved rows, unsaved form data and test doubles alike.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


class HoursRange(Protocol):
    weekday: int  # 0 = Monday
    opens: object  # datetime.time
    closes: object
    closes_next_day: bool
    by_appointment_only: bool
    valid_from: date | None
    valid_until: date | None


class OpenStatus(enum.StrEnum):
    OPEN = "open"
    BY_APPOINTMENT = "by_appointment"
    CLOSED = "closed"


def valid_on(hours: HoursRange, day: date) -> bool:
    """Whether a range applies on a calendar day (its valid-from/valid-until window)."""
    if hours.valid_from and day < hours.valid_from:
        return False
    return not (hours.valid_until and day > hours.valid_until)


def ranges_at(ranges: Iterable[HoursRange], moment: datetime) -> list[HoursRange]:
    """The ranges that cover a moment (an aware datetime; naive ones are taken as Brussels)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    local = moment.astimezone(BRUSSELS)
    today, now = local.date(), local.time()
    yesterday = today - timedelta(days=1)
    hits = []
    for hours in ranges:
        if hours.weekday == today.weekday() and valid_on(hours, today):
            if hours.closes_next_day and now >= hours.opens:
                hits.append(hours)
                continue
            if not hours.closes_next_day and hours.opens <= now < hours.closes:
                hits.append(hours)
                continue
        if (
            hours.closes_next_day
            and hours.weekday == yesterday.weekday()
            and valid_on(hours, yesterday)
            and now < hours.closes
        ):
            hits.append(hours)
    return hits


def opening_status(ranges: Iterable[HoursRange], moment: datetime) -> OpenStatus:
    """Open (walk in), open by appointment only, or closed at a moment."""
    hits = ranges_at(ranges, moment)
    if any(not h.by_appointment_only for h in hits):
        return OpenStatus.OPEN
    if hits:
        return OpenStatus.BY_APPOINTMENT
    return OpenStatus.CLOSED


def week_of(ranges: Iterable[HoursRange], day: date) -> list[tuple[date, list[HoursRange]]]:
    """The seven days from Monday of `day`'s week, each with the ranges valid that day."""
    ranges = list(ranges)
    monday = day - timedelta(days=day.weekday())
    week = []
    for offset in range(7):
        current = monday + timedelta(days=offset)
        todays = [h for h in ranges if h.weekday == current.weekday() and valid_on(h, current)]
        week.append((current, sorted(todays, key=lambda h: h.opens)))
    return week


def now_in_brussels() -> datetime:
    return datetime.now(tz=BRUSSELS)
