"""A service page reads its locations' hours, exceptions, target groups and checked dates
once: adding locations or target groups adds no query per hour row, per question about the
hours (open now, the next opening, the week, what is coming up) or per group."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.factories import (
    LocationPageFactory,
    OpeningHoursFactory,
    TargetGroupFactory,
    publish,
)
from directory.models import HoursException

pytestmark = pytest.mark.django_db


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ran:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in ran.captured_queries]


def _about(queries, table) -> int:
    return sum(f'FROM "{table}"' in sql for sql in queries)


def test_hours_and_groups_are_read_once_however_many(client, network):
    service = network["service"]
    url = service.url
    before = _queries(client, url)
    for n in range(3):
        location = LocationPageFactory(parent=network["organisation"], title=f"Antenne {n}")
        OpeningHoursFactory(location=location, weekday=n, opens=time(9), closes=time(17))
        HoursException.objects.create(
            location=location, starts_on="2030-01-02", ends_on="2030-01-02"
        )
        publish(location)
        service.locations.add(location)
    service.target_groups.add(*(TargetGroupFactory(slug=f"group-{n}") for n in range(3)))
    publish(service)
    after = _queries(client, url)
    body = client.get(url).content.decode()
    assert "Antenne 2" in body
    for table in (
        "directory_openinghours",
        "directory_hoursexception",
        "directory_targetgroup",
        "directory_targetgrouplabel",
    ):
        assert _about(after, table) == _about(before, table) <= 1, table
    # Each location's checked dates: one query per page shown, not one per fact.
    assert _about(after, "directory_fieldcheck") <= _about(before, "directory_fieldcheck") + 3
