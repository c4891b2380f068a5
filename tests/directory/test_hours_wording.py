"""Hours in words a person understands: "Open 24 hours" (never 00:00–23:59), "Open now by
appointment until 17:00" (never "by appointment only · opens tomorrow" while it is open by
appointment), and the last minute of a day still open — in the functions and on the pages."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup

from directory import opening_hours
from directory.factories import (
    LocationPageFactory,
    OpeningHoursFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.opening_hours import (
    BRUSSELS,
    OpenStatus,
    any_location_now,
    opening_status,
    periods,
    status_now,
    week_of,
)
from tests.directory.hours import Hours
from tests.layers import layered


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment in the week of Monday 23 November 2026 (no public holiday)."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=BRUSSELS)


ROUND_THE_CLOCK = [Hours(day, time(0), time(23, 59)) for day in range(7)]
BY_APPOINTMENT = [Hours(0, time(9), time(17), by_appointment_only=True)]


def test_a_place_open_00_00_to_23_59_every_day_is_open_24_hours():
    for moment in (at(23, 0), at(23, 12), at(25, 23, 59), at(25, 23, 59, 59), at(26, 0)):
        now = status_now(ROUND_THE_CLOCK, moment, open_on_holidays=True)
        assert now.status == OpenStatus.OPEN, moment
        assert now.always and now.until is None, moment
    week = week_of(ROUND_THE_CLOCK, date(2026, 11, 23), open_on_holidays=True)
    assert all(day.all_day for day in week)


def test_special_hours_round_the_clock_are_open_24_hours_in_the_coming_list():
    @dataclass
    class Special:
        kind: str = "special"
        starts_on: date = date(2026, 12, 24)
        ends_on: date = date(2026, 12, 24)
        weekday: int | None = None
        opens: time | None = time(0)
        closes: time | None = time(23, 59)
        closes_next_day: bool = False
        by_appointment_only: bool = False
        note: str = "Winterplan"

    coming = opening_hours.upcoming([Special()], date(2026, 12, 20), 7)
    special = [day for _first, _last, day in coming if day.kind == "special"]
    assert len(special) == 1 and special[0].all_day
    assert week_of([], date(2026, 12, 24), [Special()])[3].all_day  # Thursday 24 December


def test_the_last_minute_of_a_day_is_open_when_the_range_closes_at_23_59():
    late = [Hours(0, time(18), time(23, 59))]  # Monday only
    assert opening_status(late, at(23, 23, 58)) == OpenStatus.OPEN
    assert opening_status(late, at(23, 23, 59)) == OpenStatus.OPEN
    assert opening_status(late, at(23, 23, 59, 59)) == OpenStatus.OPEN
    assert opening_status(late, at(24, 0)) == OpenStatus.CLOSED  # Tuesday: no range
    assert status_now(late, at(23, 20)).until == at(24, 0)
    # The index's "open now" periods agree: up to midnight, not 23:59.
    assert periods(late, date(2026, 11, 23), 1) == [(at(23, 18), at(24, 0))]
    assert not week_of(late, date(2026, 11, 23))[0].all_day


def test_a_24_hour_week_has_no_gap_at_midnight_in_the_index_periods():
    found = periods(ROUND_THE_CLOCK, date(2026, 11, 23), 3, open_on_holidays=True)
    for (_opens, closes), (next_opens, _closes) in zip(found, found[1:], strict=False):
        assert closes == next_opens


def test_open_by_appointment_now_says_until_when():
    now = status_now(BY_APPOINTMENT, at(23, 10))
    assert now.status == OpenStatus.BY_APPOINTMENT
    assert now.until == at(23, 17)
    assert status_now(BY_APPOINTMENT, at(23, 17)).status == OpenStatus.CLOSED
    # Two appointment ranges with a lunch break: until the break.
    split = [
        Hours(0, time(9), time(12), by_appointment_only=True),
        Hours(0, time(13), time(17), by_appointment_only=True),
    ]
    assert status_now(split, at(23, 10)).until == at(23, 12)
    # Ranges that follow each other make one stretch.
    follow = [
        Hours(0, time(9), time(12), by_appointment_only=True),
        Hours(0, time(12), time(17), by_appointment_only=True),
    ]
    assert status_now(follow, at(23, 10)).until == at(23, 17)


def test_walk_in_then_appointment_hours_each_say_their_own_end():
    mixed = [Hours(0, time(9), time(12)), Hours(0, time(12), time(17), by_appointment_only=True)]
    assert status_now(mixed, at(23, 10)) == opening_hours.Now(OpenStatus.OPEN, at(23, 12))
    assert status_now(mixed, at(23, 13)) == opening_hours.Now(OpenStatus.BY_APPOINTMENT, at(23, 17))


def test_a_night_shelter_is_open_until_the_next_morning():
    shelter = [Hours(4, time(20), time(8), closes_next_day=True)]
    assert status_now(shelter, at(27, 23)).until == at(28, 8)
    assert status_now(shelter, at(28, 7, 59)).until == at(28, 8)


def test_a_service_is_open_until_the_latest_of_its_open_locations():
    early = opening_hours.Now(OpenStatus.OPEN, at(23, 12))
    late = opening_hours.Now(OpenStatus.OPEN, at(23, 16))
    appointment = opening_hours.Now(OpenStatus.BY_APPOINTMENT, at(23, 17))
    closed = opening_hours.Now(OpenStatus.CLOSED)
    assert any_location_now([early, late, appointment, closed]) == late
    assert any_location_now([appointment, closed]) == appointment
    assert any_location_now([closed]) == closed
    always = opening_hours.Now(OpenStatus.OPEN)
    assert any_location_now([early, always]).always


# Through HTTP, in English (the catalogue's source text).


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime):
        monkeypatch.setattr(opening_hours, "now_in_brussels", lambda: moment)

    return set_to


@layered("organisation_index", "housing")
def hour_places(organisation_index, housing):
    org = alias_everywhere(
        publish(OrganisationPageFactory(parent=organisation_index, slug="uren", title="Uren"))
    )

    def service(slug, hours, holidays_open=False):
        location = LocationPageFactory(
            parent=org,
            slug=f"{slug}-plek",
            title=f"{slug} plek",
            open_on_public_holidays=holidays_open,
        )
        for weekday, opens, closes, appointment in hours:
            OpeningHoursFactory(
                location=location,
                weekday=weekday,
                opens=opens,
                closes=closes,
                by_appointment_only=appointment,
            )
        alias_everywhere(publish(location))
        page = ServicePageFactory(parent=org, slug=slug, title=slug, needs=[housing])
        page.locations.set([location])
        alias_everywhere(publish(page))
        return page

    return {
        "always": service(
            "always", [(day, time(0), time(23, 59), False) for day in range(7)], True
        ),
        "appointment": service("appointment", [(day, time(9), time(17), True) for day in range(5)]),
    }


def text_of(client, url: str, selector: str) -> list[str]:
    page = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    return [" ".join(el.get_text(" ", strip=True).split()) for el in page.select(selector)]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [at(23, 10), at(25, 23, 59, 30), at(26, 0)])
def test_a_24_7_place_says_open_24_hours_on_its_pages(client, hour_places, clock, moment):
    clock(moment)
    service = "/en/organisations/uren/always/"
    location = "/en/organisations/uren/always-plek/"
    for url in (service, location):
        assert text_of(client, url, ".status")[0] == "Open 24 hours", url
        rows = text_of(client, url, ".hours td")
        assert rows == ["Open 24 hours"] * 7, url
        html = client.get(url).content.decode()
        assert "23:59" not in html and "00:00–" not in html, url
    # The result cards say the same.
    cards = text_of(client, "/en/needs/housing/", ".service-card")
    assert any("always" in card and "Open 24 hours" in card for card in cards)


@pytest.mark.django_db
def test_a_place_open_by_appointment_now_says_until_when(client, hour_places, clock):
    clock(at(23, 10))  # Monday 10:00
    for url in ("/en/organisations/uren/appointment/", "/en/organisations/uren/appointment-plek/"):
        status = text_of(client, url, ".status")[0]
        assert status == "Open now by appointment until 17:00", url
        assert "Opens" not in status and "only" not in status
    cards = text_of(client, "/en/needs/housing/", ".service-card")
    assert any("Open now by appointment until 17:00" in card for card in cards)
    assert text_of(client, "/en/organisations/uren/appointment-plek/", ".hours td")[0] == (
        "09:00–17:00 (by appointment)"
    )


@pytest.mark.django_db
def test_after_the_appointment_hours_it_is_closed_and_says_when_it_opens(
    client, hour_places, clock
):
    clock(at(23, 17))  # Monday 17:00: closed, opens again on Tuesday
    status = text_of(client, "/en/organisations/uren/appointment-plek/", ".status")[0]
    assert status == "Closed now · Opens tomorrow at 09:00 (by appointment)"


@pytest.mark.django_db
def test_the_status_in_dutch_keeps_the_translated_wording(client, hour_places, clock):
    clock(at(23, 17) + timedelta(hours=16))  # Tuesday 09:00
    status = text_of(client, "/nl/organisations/uren/appointment-plek/", ".status")[0]
    assert "17:00" in status
    assert "morgen" not in status
