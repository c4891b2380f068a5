"""Working days in Belgium (Monday to Friday, not a public holiday), for "answered within
three working days" and the reminders that follow from it. The public holidays are the
directory's (directory.opening_hours), the same that close a place."""

import datetime

from directory.opening_hours import BRUSSELS, holiday_on


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and holiday_on(day) is None


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


def working_days_since(moment: datetime.datetime, now: datetime.datetime) -> int:
    """Whole working days that have passed since `moment` (the days after it, up to `now`)."""
    day = moment.astimezone(BRUSSELS).date()
    until = now.astimezone(BRUSSELS).date()
    counted = 0
    while day < until:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return counted
