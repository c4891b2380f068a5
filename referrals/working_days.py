"""Working days in Belgium (Monday to Friday, not a public holiday), for "answered within
three working days" and the reminders that follow from it."""

import datetime
from functools import cache

import holidays

from directory.opening_hours import BRUSSELS


@cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("BE", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_before(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The moment `days` working days before `moment` (same time of day, Brussels time):
    something sent before it has waited more than `days` working days."""
    local = moment.astimezone(BRUSSELS)
    day = local.date()
    counted = 0
    while counted < days:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=BRUSSELS)
