"""'Open now' on both search backends respects public holidays, dated closures, special hours
and the summer-time switch, and agrees with the service page (which shows the next opening
when closed)."""

from datetime import UTC, date, datetime, time

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
from directory.models import HoursException
from search.sync import rebuild_all
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment every "open now" asks (both backends, the pages, the index window)."""

    def set_to(moment: datetime):
        monkeypatch.setattr(opening_hours, "now_in_brussels", lambda: moment)
        rebuild_all()  # Elasticsearch's periods are computed for the coming days at indexing

    return set_to


@layered("organisation_index", "housing")  # the index: per test, at its moment (clock)
def places(organisation_index, housing):
    org = alias_everywhere(
        publish(OrganisationPageFactory(parent=organisation_index, slug="open", title="Open"))
    )

    def service(title, slug, hours, exceptions=(), holidays_open=False):
        location = LocationPageFactory(
            parent=org,
            slug=f"{slug}-plek",
            title=f"{title} plek",
            open_on_public_holidays=holidays_open,
        )
        for weekday in range(7):
            OpeningHoursFactory(location=location, weekday=weekday, **hours)
        for exception in exceptions:
            HoursException.objects.create(location=location, **exception)
        alias_everywhere(publish(location))
        page = ServicePageFactory(parent=org, title=title, slug=slug, needs=[housing])
        page.locations.set([location])
        alias_everywhere(publish(page))

    day = {"opens": time(9), "closes": time(17)}
    service(
        "Kerstsluiting",
        "kerst",
        day,
        [
            {
                "kind": "closed",
                "starts_on": date(2026, 12, 24),
                "ends_on": date(2026, 12, 26),
                "note": "Kerstvakantie",
            },
        ],
    )
    service("Gewone dienst", "gewoon", day)
    service(
        "Nachtopvang",
        "nacht",
        {"opens": time(20), "closes": time(8), "closes_next_day": True},
        holidays_open=True,
    )
    service(
        "Zomeruren",
        "zomer",
        day,
        [
            {
                "kind": "special",
                "starts_on": date(2026, 3, 27),
                "ends_on": date(2026, 3, 30),
                "opens": time(10),
                "closes": time(11),
                "note": "Paasvakantie",
            },
        ],
    )
    return org


def open_now(client) -> set[str]:
    answer = client.get("/api/v1/services", {"open_now": "true", "page_size": 50}).json()
    names = {r["name"] for r in answer["results"]}
    assert answer["count"] == len(names)
    every = client.get("/api/v1/services", {"need": "housing", "page_size": 50}).json()
    assert every["facets"]["open_now"]["true"] == len(names)  # the facet agrees
    return names


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # An ordinary Wednesday morning.
        (
            datetime(2026, 12, 23, 10, tzinfo=opening_hours.BRUSSELS),
            {"Kerstsluiting", "Gewone dienst", "Zomeruren"},
        ),
        # Christmas Eve: only the closure applies (not a public holiday).
        (datetime(2026, 12, 24, 10, tzinfo=opening_hours.BRUSSELS), {"Gewone dienst", "Zomeruren"}),
        # Christmas Day, a public holiday; the night shelter opens on holidays.
        (datetime(2026, 12, 25, 22, tzinfo=opening_hours.BRUSSELS), {"Nachtopvang"}),
        # Sunday 29 March 2026, summer time since 02:00: 10:30 local is 08:30 UTC; the
        # special hours (10–11) replace 9–17.
        (datetime(2026, 3, 29, 8, 30, tzinfo=UTC), {"Kerstsluiting", "Gewone dienst", "Zomeruren"}),
        (datetime(2026, 3, 29, 7, 30, tzinfo=UTC), {"Kerstsluiting", "Gewone dienst"}),
    ],
    ids=["wednesday", "closure", "holiday", "summer-time-special", "summer-time-09h30"],
)
def test_open_now_agrees_on_both_backends(client, places, clock, moment, expected):
    clock(moment)
    assert open_now(client) == expected
    features = client.get(
        "/api/v1/map", {"bbox": "4.5,50.7,4.9,51.0", "zoom": 16, "page_size": 50}
    ).json()["features"]
    assert {f["properties"]["name"] for f in features if f["properties"]["open"]} == expected


def test_the_service_page_shows_the_closure_the_holiday_and_the_next_opening(client, places, clock):
    clock(datetime(2026, 12, 24, 10, tzinfo=opening_hours.BRUSSELS))
    page = BeautifulSoup(
        client.get("/en/organisations/open/kerst/").content.decode(), "html.parser"
    )
    status = page.select_one(".facts--key .status").get_text(" ", strip=True)
    assert "Closed now" in status
    assert "Opens again on Sunday 27 December at 09:00" in status
    week = page.select_one("table.hours").get_text(" ", strip=True)
    assert "Closed — Kerstvakantie" in week
    coming = page.select_one(".hours__coming").get_text(" ", strip=True)
    assert "24 December – 26 December 2026" in coming

    ordinary = BeautifulSoup(
        client.get("/en/organisations/open/gewoon/").content.decode(), "html.parser"
    )
    assert "public holiday: Christmas Day" in ordinary.select_one("table.hours").get_text(" ")
    assert "Open now" in ordinary.select_one(".facts--key .status").get_text()


@layered("organisation_index", "housing")
def appointment_and_round_the_clock(organisation_index, housing):
    org = alias_everywhere(
        publish(OrganisationPageFactory(parent=organisation_index, slug="uren", title="Uren"))
    )
    for title, slug, hours in (
        ("Op afspraak", "afspraak", {"opens": time(9), "closes": time(17)}),
        ("Dag en nacht", "altijd", {"opens": time(0), "closes": time(23, 59)}),
    ):
        location = LocationPageFactory(
            parent=org, slug=f"{slug}-plek", title=f"{title} plek", open_on_public_holidays=True
        )
        for weekday in range(7):
            OpeningHoursFactory(
                location=location,
                weekday=weekday,
                by_appointment_only=slug == "afspraak",
                **hours,
            )
        alias_everywhere(publish(location))
        page = ServicePageFactory(parent=org, title=title, slug=slug, needs=[housing])
        page.locations.set([location])
        alias_everywhere(publish(page))
    return org


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 23, 10, tzinfo=opening_hours.BRUSSELS),
        datetime(2026, 12, 23, 23, 59, 30, tzinfo=opening_hours.BRUSSELS),
    ],
    ids=["morning", "last-minute"],
)
def test_map_popups_say_open_by_appointment_and_open_at_the_last_minute(
    client, appointment_and_round_the_clock, clock, moment
):
    clock(moment)
    features = client.get("/api/v1/map", {"bbox": "4.5,50.7,4.9,51.0", "zoom": 16}).json()[
        "features"
    ]
    by_name = {f["properties"]["name"]: f["properties"] for f in features}
    assert by_name["Dag en nacht"]["open"] is True  # 23:59 included: open round the clock
    assert by_name["Dag en nacht"]["appointment"] is False
    appointment = by_name["Op afspraak"]
    assert appointment["open"] is False
    assert appointment["appointment"] is (moment.hour == 10)
    assert {r["name"] for r in open_now_results(client)} == {"Dag en nacht"}


def open_now_results(client) -> list[dict]:
    return client.get("/api/v1/services", {"open_now": "true"}).json()["results"]
