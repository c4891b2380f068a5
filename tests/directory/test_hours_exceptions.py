"""Real opening hours: Belgian public holidays (computed for any year), dated closures and
special hours entered by the organisation, the next opening, and the summer-time switches."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset

from directory.models import HoursException, LocationPage
from directory.opening_hours import (
    BRUSSELS,
    DayKind,
    OpenStatus,
    day_of,
    holiday_on,
    next_opening,
    opening_status,
    periods,
    upcoming,
    week_of,
)
from tests.directory import test_admin
from tests.directory.hours import Hours
from tests.directory.test_admin import add_url, location_data, monday_morning, shown

curator_client = test_admin.curator_client  # the admin fixture of that module


@pytest.fixture(autouse=True)
def english():
    """Holiday names come out in the active language; these tests read English whatever an
    earlier test activated."""
    with translation.override("en"):
        yield


@dataclass
class Exception_:
    kind: str
    starts_on: date
    ends_on: date
    weekday: int | None = None
    opens: time | None = None
    closes: time | None = None
    closes_next_day: bool = False
    by_appointment_only: bool = False
    note: str = ""


WEEKDAYS = [Hours(d, time(9), time(12)) for d in range(5)]


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def test_belgian_public_holidays_are_computed_for_this_year_and_the_next():
    assert holiday_on(date(2026, 12, 25)) == "Christmas Day"
    assert holiday_on(date(2026, 7, 21)) == "National Day"
    assert holiday_on(date(2027, 3, 29)) == "Easter Monday"  # moves every year
    assert holiday_on(date(2027, 5, 17)) == "Pentecost Monday"
    assert holiday_on(date(2026, 12, 24)) is None


def test_a_holiday_closes_a_place_unless_it_is_open_on_holidays():
    christmas = at(2026, 12, 25, 10)  # a Friday
    assert opening_status(WEEKDAYS, at(2026, 12, 18, 10)) == OpenStatus.OPEN
    assert opening_status(WEEKDAYS, christmas) == OpenStatus.CLOSED
    assert opening_status(WEEKDAYS, christmas, open_on_holidays=True) == OpenStatus.OPEN
    day = day_of(WEEKDAYS, date(2026, 12, 25))
    assert (day.kind, day.note, day.ranges) == (DayKind.HOLIDAY, "Christmas Day", [])
    # Special hours for the date count even on a holiday.
    special = [
        Exception_("special", date(2026, 12, 25), date(2026, 12, 25), None, time(10), time(12))
    ]
    assert opening_status(WEEKDAYS, at(2026, 12, 25, 11), special) == OpenStatus.OPEN


def test_a_dated_closure_across_a_weekend_and_the_next_opening():
    closure = [Exception_("closed", date(2026, 12, 18), date(2026, 12, 22), note="Verhuis")]
    assert opening_status(WEEKDAYS, at(2026, 12, 17, 10), closure) == OpenStatus.OPEN
    for day in (18, 21, 22):  # Friday, and Monday–Tuesday after the weekend
        assert opening_status(WEEKDAYS, at(2026, 12, day, 10), closure) == OpenStatus.CLOSED
    assert opening_status(WEEKDAYS, at(2026, 12, 23, 10), closure) == OpenStatus.OPEN
    nxt = next_opening(WEEKDAYS, at(2026, 12, 18, 10), closure)
    assert nxt.at == at(2026, 12, 23, 9)
    week = week_of(WEEKDAYS, date(2026, 12, 21), closure)
    assert [d.kind for d in week[:3]] == [DayKind.CLOSURE, DayKind.CLOSURE, DayKind.REGULAR]
    assert week[0].note == "Verhuis"
    # Christmas week: Thursday 24 open, Friday 25 a holiday; next opening Monday 28.
    assert next_opening(WEEKDAYS, at(2026, 12, 24, 13)).at == at(2026, 12, 28, 9)


def test_special_hours_replace_the_week_on_their_days_only():
    school_holidays = [
        Exception_(
            "special",
            date(2026, 7, 1),
            date(2026, 8, 31),
            3,
            time(14),
            time(16),
            note="Schoolvakantie",
        )
    ]
    thursday = date(2026, 7, 9)
    assert opening_status(WEEKDAYS, at(2026, 7, 9, 10), school_holidays) == OpenStatus.CLOSED
    assert opening_status(WEEKDAYS, at(2026, 7, 9, 15), school_holidays) == OpenStatus.OPEN
    assert opening_status(WEEKDAYS, at(2026, 7, 10, 10), school_holidays) == OpenStatus.OPEN
    day = day_of(WEEKDAYS, thursday, school_holidays)
    assert (day.kind, day.note) == (DayKind.SPECIAL, "Schoolvakantie")
    assert [(r.opens, r.closes) for r in day.ranges] == [(time(14), time(16))]
    assert opening_status(WEEKDAYS, at(2026, 9, 3, 10), school_holidays) == OpenStatus.OPEN


def test_a_night_that_began_before_a_closure_ends_as_planned():
    night = [Hours(d, time(20), time(8), closes_next_day=True) for d in range(7)]
    closure = [Exception_("closed", date(2026, 12, 24), date(2026, 12, 24))]
    assert opening_status(night, at(2026, 12, 24, 7), closure, True) == OpenStatus.OPEN
    assert opening_status(night, at(2026, 12, 24, 21), closure, True) == OpenStatus.CLOSED
    assert opening_status(night, at(2026, 12, 25, 7), closure, True) == OpenStatus.CLOSED


def test_summer_time_switches_with_closures_and_special_hours():
    def status(exceptions, *utc):
        return opening_status(WEEKDAYS, datetime(*utc, tzinfo=UTC), exceptions)

    # Summer time starts on Sunday 29 March 2026: Monday 30 March 09:00 is 07:00 UTC.
    closed_to_sunday = [Exception_("closed", date(2026, 3, 26), date(2026, 3, 29))]
    assert status(closed_to_sunday, 2026, 3, 27, 8, 30) == OpenStatus.CLOSED  # Fri 09:30 CET
    assert status(closed_to_sunday, 2026, 3, 30, 6, 59) == OpenStatus.CLOSED  # 08:59 CEST
    assert status(closed_to_sunday, 2026, 3, 30, 7, 0) == OpenStatus.OPEN  # 09:00 CEST
    nxt = next_opening(WEEKDAYS, datetime(2026, 3, 27, 12, tzinfo=UTC), closed_to_sunday)
    assert nxt.at.astimezone(UTC) == datetime(2026, 3, 30, 7, tzinfo=UTC)

    # Winter time from Sunday 25 October 2026: special hours 10–11 on Monday 26 are 09–10 UTC.
    special = [
        Exception_("special", date(2026, 10, 23), date(2026, 10, 26), None, time(10), time(11))
    ]
    assert status(special, 2026, 10, 23, 8, 30) == OpenStatus.OPEN  # Fri 10:30 CEST
    assert status(special, 2026, 10, 26, 8, 30) == OpenStatus.CLOSED  # Mon 09:30 CET
    assert status(special, 2026, 10, 26, 9, 30) == OpenStatus.OPEN  # Mon 10:30 CET

    # The concrete periods a search engine gets move by an hour in UTC, not in local time.
    found = periods(WEEKDAYS, date(2026, 3, 27), 4, closed_to_sunday)
    assert [(o.astimezone(UTC).hour, c.astimezone(UTC).hour) for o, c in found] == [(7, 10)]


def test_coming_up_lists_closures_special_hours_and_holidays():
    closure = [Exception_("closed", date(2026, 12, 24), date(2027, 1, 2), note="Kerst")]
    items = upcoming(closure, date(2026, 12, 1), days=42)
    assert [(first, last, day.kind) for first, last, day in items] == [
        (date(2026, 12, 24), date(2027, 1, 2), DayKind.CLOSURE),
    ]  # Christmas and New Year's Day fall inside the closure
    items = upcoming([], date(2026, 12, 1), days=42)
    assert [day.note for _f, _l, day in items] == ["Christmas Day", "New Year's Day"]
    assert upcoming([], date(2026, 12, 1), days=42, open_on_holidays=True) == []


# In the admin -------------------------------------------------------------------------------


def closure(**overrides):
    return {"kind": "closed", "starts_on": "2026-12-24", "ends_on": "2027-01-02", **overrides}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exception", "message"),
    [
        (closure(ends_on="2026-12-20"), "cannot end before it starts"),
        (closure(ends_on="2028-01-02"), "at most a year"),
        (closure(kind="special"), "Give the opening time"),
        (closure(kind="special", opens="16:00", closes="14:00"), "Closing time must be after"),
        (closure(starts_on="24/12"), "Enter a valid date"),
    ],
)
def test_a_bad_closure_is_refused_and_nothing_saved(
    curator_client, organisation, exception, message
):
    data = location_data([monday_morning()], hours_exceptions=inline_formset([exception]))
    response = curator_client.post(add_url("locationpage", organisation), data)
    assert response.status_code == 200
    assert message in shown(response)
    assert not LocationPage.objects.exists()
    assert not HoursException.objects.exists()


@pytest.mark.django_db
def test_closures_and_special_hours_are_saved_and_shown(curator_client, organisation):
    exceptions = [
        closure(note="Kerstvakantie", opens="10:00"),  # times of a closure do not count
        closure(
            kind="special",
            starts_on="2026-07-01",
            ends_on="2026-08-31",
            weekday="3",
            opens="14:00",
            closes="16:00",
            note="Schoolvakantie",
        ),
    ]
    data = location_data(
        [monday_morning()],
        hours_exceptions=inline_formset(exceptions),
        open_on_public_holidays="on",
    )
    response = curator_client.post(add_url("locationpage", organisation), data)
    assert response.status_code == 302, response.context["form"].errors
    location = LocationPage.objects.get(slug="ontmoetingshuis", alias_of__isnull=True)
    assert location.open_on_public_holidays
    rows = {row.note: row for row in location.hours_exceptions.all()}
    assert rows["Kerstvakantie"].opens is None
    assert (rows["Schoolvakantie"].weekday, rows["Schoolvakantie"].opens) == (3, time(14))
