"""/api/v1/map and the map page on both search backends: clusters that add up, markers at
high zoom, the search's filters, and bad areas refused with a clear message."""

import pytest
from geopy.distance import geodesic

from directory.factories import (
    LocationPageFactory,
    NeedFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    publish,
)
from search import clusters
from tests.conftest import index_entries, index_for_search
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

BELGIUM = "2.5,49.5,6.4,51.5"
LEUVEN_CENTRE = "4.690,50.870,4.715,50.890"
# (municipality, postcode, lat, lon): five places, Leuven with three addresses.
PLACES = [
    ("Leuven", "3000", 50.8790, 4.7010),
    ("Leuven", "3000", 50.8800, 4.7050),
    ("Leuven", "3000", 50.8775, 4.6990),
    ("Kessel-Lo", "3010", 50.8890, 4.7300),
    ("Tienen", "3300", 50.8070, 4.9380),
    ("Brussel", "1000", 50.8466, 4.3517),
    ("Antwerpen", "2000", 51.2211, 4.3997),
]


@layered("network", "organisation_index", each_layer=index_entries, each_test=index_for_search)
def spread_network(network, organisation_index):
    """24 more services at 7 places; every third one about mental health, one at two places."""
    mental = NeedFactory(
        slug="mental-health", labels={"nl": "Psychisch welzijn", "fr": "Santé mentale"}
    )
    org = publish(
        OrganisationPageFactory(parent=organisation_index, title="Netwerk", slug="netwerk")
    )
    locations = [
        publish(
            LocationPageFactory(
                parent=org,
                title=f"Plek {i}",
                slug=f"plek-{i}",
                municipality=name,
                postcode=postcode,
                latitude=f"{lat:.6f}",
                longitude=f"{lon:.6f}",
            )
        )
        for i, (name, postcode, lat, lon) in enumerate(PLACES)
    ]
    for i in range(24):
        service = ServicePageFactory(
            parent=org,
            title=f"Dienst {i:02d}",
            slug=f"dienst-{i}",
            summary="Begeleiding bij trauma." if i % 3 == 0 else "Hulp bij papieren.",
            needs=[mental] if i % 3 == 0 else [network["need"].children.get()],
        )
        service.locations.set([locations[i % len(locations)]])
        if i == 0:
            service.locations.add(locations[-1])  # Leuven and Antwerp
        publish(service)
    return network


def features(client, **params):
    response = client.get("/api/v1/map", params)
    assert response.status_code == 200, response.content
    return response.json()


def count_of(feature) -> int:
    return feature["properties"]["count"] if feature["properties"].get("cluster") else 1


def test_at_low_zoom_clusters_add_up_to_every_matching_point(client, spread_network):
    answer = features(client, bbox=BELGIUM, zoom=8)
    assert answer["type"] == "FeatureCollection"
    assert answer["clustered"] is True
    assert any(f["properties"].get("cluster") for f in answer["features"])
    # 24 services + the housing service, one of them at two places: 26 points, 25 services.
    assert answer["points"] == 26
    assert answer["services"] == 25
    assert sum(count_of(f) for f in answer["features"]) == answer["points"]
    # The same search's list counts the same services.
    listed = client.get("/api/v1/services", {"bbox": BELGIUM}).json()["count"]
    assert listed == answer["services"]


def test_a_cluster_holds_its_points_and_says_where_to_zoom(client, spread_network):
    answer = features(client, bbox=BELGIUM, zoom=8)
    biggest = max(answer["features"], key=count_of)
    west, south, east, north = biggest["properties"]["bbox"]
    lon, lat = biggest["geometry"]["coordinates"]
    assert west <= lon <= east and south <= lat <= north
    inside = features(client, bbox=f"{west},{south},{east},{north}", zoom=8)
    assert inside["points"] == biggest["properties"]["count"]


def test_at_high_zoom_few_points_come_as_markers_with_what_the_popup_shows(client, spread_network):
    answer = features(client, bbox=LEUVEN_CENTRE, zoom=15, lang="fr")
    assert answer["clustered"] is False
    assert answer["points"] == len(answer["features"]) > 0
    west, south, east, north = (float(v) for v in LEUVEN_CENTRE.split(","))
    for feature in answer["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert west <= lon <= east and south <= lat <= north
        properties = feature["properties"]
        assert set(properties) == {
            "id",
            "name",
            "org",
            "needs",
            "langs",
            "open",
            "appointment",
            "accepting",
            "interpreter",
            "waiting_weeks",
            "refer",
            "km",
            "area",
            "radius_m",
        }
        assert properties["area"] is False  # a pin at an address
    woonbegeleiding = [
        f for f in answer["features"] if f["properties"]["name"] == "Woonbegeleiding"
    ]
    assert woonbegeleiding[0]["properties"]["org"] == "CPAS Louvain"  # in French
    assert "housing" in woonbegeleiding[0]["properties"]["needs"]


def test_the_map_applies_the_search_and_its_filters(client, spread_network):
    everything = features(client, bbox=BELGIUM, zoom=15)
    mental = features(client, bbox=BELGIUM, zoom=15, need="mental-health")
    trauma = features(client, bbox=BELGIUM, zoom=15, q="trauma")
    assert mental["services"] == 8
    assert trauma["services"] == 8
    assert everything["services"] == 25
    assert all("mental-health" in f["properties"]["needs"] for f in mental["features"])
    assert features(client, bbox=BELGIUM, zoom=15, q="xyzzyq")["features"] == []


def test_distances_are_measured_from_the_place_asked_for(client, spread_network):
    answer = features(client, bbox=LEUVEN_CENTRE, zoom=15, near="3010")
    for feature in answer["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        expected = geodesic((50.88992, 4.73076), (lat, lon)).km
        assert abs(feature["properties"]["km"] - expected) < 0.1


def test_many_points_are_clustered_even_at_high_zoom(client, spread_network, monkeypatch):
    monkeypatch.setattr(clusters, "MAX_POINTS", 5)
    answer = features(client, bbox=BELGIUM, zoom=15)
    assert answer["clustered"] is True
    assert sum(count_of(f) for f in answer["features"]) == answer["points"] == 26


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"bbox": "4.8,50.8,4.6,50.9", "zoom": 10}, "bbox", "West must not be east of east."),
        ({"bbox": "4.6,50.9,4.8,50.8", "zoom": 10}, "bbox", "South must not be above north."),
        ({"bbox": "4.6,50.8,4.8,95", "zoom": 10}, "bbox", "Latitudes must be between -90 and 90."),
        ({"bbox": "4.6,50.8,190,50.9", "zoom": 10}, "bbox", "Longitudes must be between"),
        ({"bbox": "a,b,c,d", "zoom": 10}, "bbox", "west,south,east,north"),
        ({"zoom": 10}, "bbox", "Give the map area as bbox=west,south,east,north."),
        ({"bbox": BELGIUM, "zoom": 99}, "zoom", "a whole number from 0 to 20"),
        ({"bbox": BELGIUM, "zoom": -1}, "zoom", "a whole number from 0 to 20"),
        ({"bbox": BELGIUM, "zoom": "far"}, "zoom", "a whole number from 0 to 20"),
        ({"bbox": BELGIUM}, "zoom", "a whole number from 0 to 20"),
        ({"bbox": BELGIUM, "zoom": 8, "need": "unicorns"}, "need", "unicorns"),
        ({"bbox": BELGIUM, "zoom": 8, "near": "Atlantis"}, "near", "We do not know"),
    ],
)
def test_bad_areas_get_a_400_with_a_clear_message(client, network, params, field, message):
    response = client.get("/api/v1/map", {"lang": "en", **params})
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])


def test_map_errors_are_in_the_visitors_language(client, network):
    response = client.get("/api/v1/map", {"lang": "fr", "bbox": BELGIUM, "zoom": 40})
    assert response.status_code == 400
    assert "zoom" in response.json()["errors"]
    assert "Give the zoom level" not in response.json()["errors"]["zoom"][0]


def test_the_map_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/map"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"bbox", "zoom", "q", "need", "near", "radius_km"} <= names


def test_a_popup_link_leads_to_the_service_in_the_visitors_language(client, network):
    key = network["service"].translation_key
    response = client.get(f"/fr/services/{key}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/")
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/fr/services/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_marker_says_the_waiting_time_and_whether_an_interpreter_can_join(client, spread_network):
    answer = features(client, bbox=LEUVEN_CENTRE, zoom=15)
    by_name = {f["properties"]["name"]: f["properties"] for f in answer["features"]}
    assert by_name["Woonbegeleiding"]["waiting_weeks"] == 6  # a waiting list of six weeks
    assert by_name["Woonbegeleiding"]["interpreter"] is True
    assert by_name["Dienst 01"]["waiting_weeks"] is None
    assert by_name["Dienst 01"]["interpreter"] is False


def test_the_popups_words_for_them_come_with_the_page_in_its_language(client, spread_network):
    import json
    import re

    html = client.get("/fr/map/").content.decode()
    found = re.search(r'<script id="map-vocabulary" type="application/json">(.*?)</script>', html)
    vocabulary = json.loads(found.group(1))
    assert set(vocabulary["waiting"]) >= {"one", "other"}
    assert "%(weeks)s" in vocabulary["waiting"]["other"]
    assert vocabulary["texts"]["interpreter"]
