"""A confidential location (a shelter) on both search backends: its street address and its
exact point are absent from every public HTML page in every language, every JSON answer,
every GeoJSON feature, the search entries, the Elasticsearch documents and the sitemap; the
public sees the municipality (as an area on the map) and a front-door contact instead. A
signed-in coach sees the same; only a role explicitly granted more sees the address."""

import json
from datetime import time

import pytest
from django.contrib.auth.models import Group, Permission
from geopy.distance import geodesic

from directory.confidentiality import AREA_RADIUS_M, municipality_centre
from directory.factories import (
    LocationPageFactory,
    OpeningHoursFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import LocationPage, Role
from directory.roles import add_member
from search.models import SearchEntry
from tests.conftest import index_entries, index_for_search
from tests.directory.conftest import make_user
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

STREET = "Verborgenstraat"
EXACT = ("50.893456", "4.741234")  # the building, as an editor might have typed it
SECRETS = (STREET, "verborgen", "50.8934", "4.7412")
LANGUAGES = ("nl", "fr", "en", "ar")


@layered("network", "organisation_index", each_layer=index_entries, each_test=index_for_search)
def shelter(network, organisation_index):
    org = publish(
        OrganisationPageFactory(
            parent=organisation_index,
            title="Vluchthuis Oost",
            slug="vluchthuis",
            organisation_type="general_welfare",
        )
    )
    alias_everywhere(org)
    intake = publish(
        LocationPageFactory(
            parent=org,
            title="Onthaal CAW",
            slug="onthaal",
            street="Vaartstraat",
            house_number="5",
            postcode="3000",
            municipality="Leuven",
        )
    )
    alias_everywhere(intake)
    house = LocationPageFactory(
        parent=org,
        title="Opvanghuis",
        slug="opvanghuis",
        street=STREET,
        house_number="17",
        postcode="3010",
        municipality="Kessel-Lo",
        latitude=EXACT[0],
        longitude=EXACT[1],
        confidential=True,
        front_door_phone="016 11 22 33",
        front_door_location=intake,
        front_door_note="Bel eerst: we halen je af aan het onthaal.",
    )
    OpeningHoursFactory(location=house, weekday=0, opens=time(0), closes=time(23, 59))
    publish(house)
    alias_everywhere(house)
    service = ServicePageFactory(
        parent=org,
        title="Opvang bij partnergeweld",
        slug="opvang",
        summary="Een veilige plek om te wonen na geweld.",
        needs=[network["need"]],
    )
    service.locations.set([house])
    publish(service)
    alias_everywhere(service)
    return {"organisation": org, "house": house, "intake": intake, "service": service}


def assert_secret_absent(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} in {where}"


def public_urls(shelter) -> list[str]:
    urls = []
    for language in LANGUAGES:
        base = f"/{language}/organisations/vluchthuis/"
        urls += [
            base,
            f"{base}opvanghuis/",
            f"{base}opvang/",
            f"/{language}/search/?q=opvang",
            f"/{language}/search/?near=3010&radius_km=5",
            f"/{language}/search/?need=housing&sort=name",
            f"/{language}/map/",
            f"/{language}/map/?q=opvang&partial=results",
        ]
    return urls + ["/sitemap.xml"]


def test_the_address_is_stored_but_the_exact_point_is_never(shelter):
    for version in LocationPage.objects.filter(translation_key=shelter["house"].translation_key):
        assert version.street == STREET  # the organisation needs it
        assert version.confidential
        assert version.coordinate_precision == "municipality"
        centre = municipality_centre("Kessel-Lo", "3010", "BE")
        assert (float(version.latitude), float(version.longitude)) == centre


def test_no_public_page_json_or_geojson_holds_the_address(client, shelter):
    for url in public_urls(shelter):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secret_absent(response.content.decode(), url)
    location_page = client.get("/nl/organisations/vluchthuis/opvanghuis/").content.decode()
    # The municipality and the front door instead.
    for expected in ("Kessel-Lo", "016 11 22 33", "Vaartstraat 5", "Bel eerst", "noindex"):
        assert expected in location_page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/opvanghuis/" not in sitemap and "/onthaal/" in sitemap

    for language in LANGUAGES:
        answer = client.get("/api/v1/services", {"q": "opvang", "lang": language}).json()
        assert_secret_absent(json.dumps(answer), f"/api/v1/services ({language})")
        result = next(r for r in answer["results"] if r["name"] == "Opvang bij partnergeweld")
        assert result["area"] is True
        centre = municipality_centre("Kessel-Lo", "3010", "BE")
        assert (result["point"]["lat"], result["point"]["lon"]) == centre


@pytest.mark.parametrize("zoom", [8, 16])
def test_the_map_shows_an_area_at_the_municipality_centre(client, shelter, zoom):
    answer = client.get("/api/v1/map", {"bbox": "4.5,50.7,4.9,51.0", "zoom": zoom}).json()
    assert_secret_absent(json.dumps(answer), f"/api/v1/map zoom {zoom}")
    if zoom == 16:
        area = [f for f in answer["features"] if f["properties"].get("area")]
        assert len(area) == 1
        assert area[0]["properties"]["radius_m"] == AREA_RADIUS_M
        lon, lat = area[0]["geometry"]["coordinates"]
        centre = municipality_centre("Kessel-Lo", "3010", "BE")
        assert geodesic((lat, lon), centre).km < 0.01
        pins = [f for f in answer["features"] if not f["properties"].get("area")]
        assert pins and all(f["properties"]["radius_m"] is None for f in pins)


def test_search_entries_and_elasticsearch_documents_hold_no_address(shelter, search_backend):
    for entry in SearchEntry.objects.filter(service_key=shelter["service"].translation_key):
        assert_secret_absent(json.dumps(entry.to_document()), "search entry")
        assert entry.data["area"] is True
        assert "3010" not in entry.terms.split()  # only the municipality, not the postcode
    if search_backend == "elasticsearch":
        from search.backends.elasticsearch import alias_name, client

        hits = client().search(index=alias_name(), size=100)["hits"]["hits"]
        assert len(hits) >= 2
        for hit in hits:
            assert_secret_absent(json.dumps(hit["_source"]), "Elasticsearch document")


def test_wagtails_own_index_does_not_find_the_street(wagtail_admin_search, shelter):
    assert not LocationPage.objects.live().search(STREET)
    assert LocationPage.objects.live().search("Vaartstraat")  # an ordinary address is found


def test_a_coach_sees_the_same_and_a_granted_role_sees_the_address(client, shelter):
    url = "/nl/organisations/vluchthuis/opvanghuis/"
    coach = make_user("coach")
    add_member(coach, shelter["organisation"], Role.COACH)
    client.force_login(coach)
    assert_secret_absent(client.get(url).content.decode(), "the coach's view")
    assert_secret_absent(client.get("/nl/organisations/vluchthuis/opvang/").content.decode(), "")

    trusted = Group.objects.create(name="Shelter intake")
    trusted.permissions.add(Permission.objects.get(codename="see_confidential_addresses"))
    intake_worker = make_user("intake")
    intake_worker.groups.add(trusted)
    client.force_login(intake_worker)
    page = client.get(url).content.decode()
    assert f"{STREET} 17" in page
    assert "Do not share it" in client.get(f"/en{url[3:]}").content.decode()
