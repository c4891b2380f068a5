"""'Open now' in Europe/Brussels time: two ranges a day, across midnight, validity dates, DST."""

from datetime import UTC, date, datetime, time

from directory.opening_hours import BRUSSELS, OpenStatus, opening_status, week_of
from tests.directory.hours import Hours


# 2026-11-23 is a Monday.
def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


TWO_RANGES = [Hours(0, time(9), time(12)), Hours(0, time(13, 30), time(16, 30))]


def test_open_in_each_of_two_ranges_and_closed_at_lunch():
    assert opening_status(TWO_RANGES, at(23, 9)) == OpenStatus.OPEN
    assert opening_status(TWO_RANGES, at(23, 11, 59)) == OpenStatus.OPEN
    assert opening_status(TWO_RANGES, at(23, 12)) == OpenStatus.CLOSED  # closing time excluded
    assert opening_status(TWO_RANGES, at(23, 13)) == OpenStatus.CLOSED
    assert opening_status(TWO_RANGES, at(23, 14)) == OpenStatus.OPEN
    assert opening_status(TWO_RANGES, at(24, 10)) == OpenStatus.CLOSED  # Tuesday


def test_night_shelter_open_across_midnight():
    shelter = [Hours(4, time(20), time(8), closes_next_day=True)]  # Friday 20:00 – Sat 08:00
    assert opening_status(shelter, at(27, 19, 59)) == OpenStatus.CLOSED
    assert opening_status(shelter, at(27, 23, 30)) == OpenStatus.OPEN
    assert opening_status(shelter, at(28, 0, 15)) == OpenStatus.OPEN  # Saturday after midnight
    assert opening_status(shelter, at(28, 7, 59)) == OpenStatus.OPEN
    assert opening_status(shelter, at(28, 8)) == OpenStatus.CLOSED
    assert opening_status(shelter, at(29, 1)) == OpenStatus.CLOSED  # Sunday night: no range


def test_validity_dates_bound_a_range():
    summer = [
        Hours(0, time(9), time(12), valid_from=date(2026, 7, 1), valid_until=date(2026, 8, 31))
    ]
    assert opening_status(summer, datetime(2026, 7, 6, 10, tzinfo=BRUSSELS)) == OpenStatus.OPEN
    assert opening_status(summer, datetime(2026, 8, 31, 10, tzinfo=BRUSSELS)) == OpenStatus.OPEN
    assert opening_status(summer, datetime(2026, 9, 7, 10, tzinfo=BRUSSELS)) == OpenStatus.CLOSED
    assert opening_status(summer, datetime(2026, 6, 29, 10, tzinfo=BRUSSELS)) == OpenStatus.CLOSED


def test_overnight_range_uses_the_validity_of_the_day_it_started():
    last_night = [Hours(0, time(20), time(8), closes_next_day=True, valid_until=date(2026, 11, 23))]
    # Opened Monday 23 Nov (valid), so still open early Tuesday.
    assert opening_status(last_night, at(24, 6)) == OpenStatus.OPEN


def test_by_appointment_only_is_not_open_for_walk_in():
    hours = [Hours(0, time(9), time(12), by_appointment_only=True)]
    assert opening_status(hours, at(23, 10)) == OpenStatus.BY_APPOINTMENT


def test_wall_clock_time_across_summer_time_switches():
    sunday = [Hours(6, time(9), time(12))]

    # 29 March 2026 (summer time starts, UTC+2) and 25 October 2026 (ends, UTC+1) are Sundays.
    def status(*args):
        return opening_status(sunday, datetime(*args, tzinfo=UTC))

    assert status(2026, 3, 29, 6, 59) == OpenStatus.CLOSED  # 08:59 local
    assert status(2026, 3, 29, 7, 0) == OpenStatus.OPEN  # 09:00 local
    assert status(2026, 3, 29, 10, 0) == OpenStatus.CLOSED  # 12:00 local
    assert status(2026, 10, 25, 7, 30) == OpenStatus.CLOSED  # 08:30 local
    assert status(2026, 10, 25, 8, 0) == OpenStatus.OPEN  # 09:00 local
    assert status(2026, 10, 25, 10, 59) == OpenStatus.OPEN  # 11:59 local
    assert status(2026, 10, 25, 11, 0) == OpenStatus.CLOSED  # 12:00 local


def test_week_lists_each_day_with_its_sorted_ranges():
    week = week_of(list(reversed(TWO_RANGES)), date(2026, 11, 25))
    assert week[0].date == date(2026, 11, 23)
    assert [r.opens for r in week[0].ranges] == [time(9), time(13, 30)]
    assert all(day.ranges == [] for day in week[1:])
