"""A full HSDS feed costs a number of queries that does not grow with the number of
services: a service's needs, target groups, languages, keywords, locations and their hours
are fetched for the whole page at once (hsds.mapping.Feed.preload), in their order."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    OpeningHoursFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)

pytestmark = pytest.mark.django_db

CEILING = 30  # 22 to 26 today, with four services as with eight (were 49 → 85 and more)
FEEDS = [
    "/hsds/services?full=true&per_page=100",
    "/hsds/services?per_page=100",
    "/hsds/service_at_locations?full=true&per_page=100",
    "/hsds/organizations?full=true&full_service=true&per_page=100",
]


def add_services(network, count: int, start: int) -> None:
    org, need = network["organisation"], network["need"]
    for number in range(start, start + count):
        location = LocationPageFactory(parent=org, title=f"Plek {number}", slug=f"plek-{number}")
        OpeningHoursFactory(location=location, weekday=1, opens=time(9), closes=time(12))
        OpeningHoursFactory(location=location, weekday=1, opens=time(13), closes=time(17))
        publish(location)
        alias_everywhere(location)
        service = ServicePageFactory(
            parent=org, title=f"Dienst {number}", slug=f"dienst-{number}", needs=[need]
        )
        service.languages.set([LanguageFactory(code=f"x{number}", native_name=f"Taal {number}")])
        service.locations.set([location])
        service.tags.add(f"trefwoord-{number}", "gedeeld")
        publish(service)
        alias_everywhere(service)


def queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{url}&locale=fr")
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize("url", FEEDS)
def test_a_full_feed_costs_the_same_queries_for_more_services(client, hsds_network, url):
    add_services(hsds_network, 2, 1)
    queries(client, url)  # warm the caches that live longer than a request
    few, data = queries(client, url)
    add_services(hsds_network, 4, 3)
    many, more = queries(client, url)
    assert len(str(more)) > len(str(data))  # more services (an organisation's nested ones)
    assert many <= few <= CEILING, (few, many)
