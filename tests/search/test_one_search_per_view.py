"""A page view runs one search: the search and map pages fill their list, facets and first
map markers from one backend call (map.js asks the map API only when the visitor moves the
map), on both backends; and the embedded backend says when its count is a lower bound."""

import json
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from elasticsearch import Elasticsearch

from search.backends import database
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from tests.search.test_map import spread_network

__all__ = ["spread_network"]  # the map tests' network of 25 services at 7 places

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


@pytest.fixture
def calls(monkeypatch, search_backend):
    """What the backend under test is asked: whole searches, map answers, and (on
    Elasticsearch) the requests that reach the node."""
    counted = Counter()
    backend = DatabaseBackend if search_backend == "database" else ElasticsearchBackend
    for name in ("search", "map"):
        original = getattr(backend, name)

        def counting(self, *args, _original=original, _name=name, **kwargs):
            counted[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(backend, name, counting)
    for name in ("search", "msearch"):
        original = getattr(Elasticsearch, name)

        def request(self, *args, _original=original, **kwargs):
            counted["requests"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Elasticsearch, name, request)
    return counted


def first_map(response) -> dict:
    return json.loads(
        BeautifulSoup(response.content, "html.parser").select_one("#map-features").string
    )


def test_the_search_page_runs_one_search_for_list_facets_and_map(client, network, calls):
    response = client.get("/nl/search/", {"q": "woning"})
    assert response.status_code == 200
    assert calls["search"] == 1 and calls["map"] == 0
    features = first_map(response)
    assert features["services"] == 1 and features["points"] == 1
    assert features["features"][0]["properties"]["name"] == "Woonbegeleiding"
    if calls["requests"]:  # Elasticsearch: the list and the map in one round trip
        assert calls["requests"] == 1


def test_the_map_page_runs_one_search(client, network, calls):
    response = client.get("/nl/map/")
    assert response.status_code == 200
    assert calls["search"] == 1 and calls["map"] == 0
    assert first_map(response)["services"] == 1


def test_the_list_for_a_moved_map_runs_one_search_without_a_map(client, network, calls):
    response = client.get("/nl/map/", {"bbox": "4.0,50.0,5.0,51.0", "partial": "results"})
    assert response.status_code == 200
    assert calls["search"] == 1 and calls["map"] == 0
    assert b"map-features" not in response.content


def test_the_first_map_is_the_map_apis_answer_for_the_same_search(client, network):
    page = first_map(client.get("/nl/search/", {"q": "woning", "near": "3010"}))
    api = client.get(
        "/api/v1/map", {"q": "woning", "near": "3010", "bbox": "2,49,7,52", "zoom": 13}
    )
    assert page["features"] == api.json()["features"]
    assert page["features"][0]["properties"]["km"] is not None


def test_a_capped_count_says_so_on_the_page_and_in_the_api(
    client, spread_network, search_backend, monkeypatch
):
    """The embedded backend reads at most MAX_TEXT_MATCHES text matches; Elasticsearch
    counts them all."""
    answer = client.get("/api/v1/services", {"q": "papieren"}).json()
    assert answer["count"] == 16 and answer["count_capped"] is False
    monkeypatch.setattr(database, "MAX_TEXT_MATCHES", 5)
    answer = client.get("/api/v1/services", {"q": "papieren"}).json()
    page = BeautifulSoup(client.get("/en/search/", {"q": "papieren"}).content, "html.parser")
    count = page.select_one(".results__count").get_text(strip=True)
    if search_backend == "database":
        assert answer["count"] == 5 and answer["count_capped"] is True
        assert count == "5+ services found"
    else:
        assert answer["count"] == 16 and answer["count_capped"] is False
        assert count == "16 services found"


def test_around_a_place_without_a_radius_the_first_map_is_the_area_shown(client, spread_network):
    """The list is the whole network, nearest first; the map shows about the place's
    surroundings, so its first markers are those (not every point of the network)."""
    from geopy.distance import geodesic

    response = client.get("/nl/search/", {"near": "3010"})
    page = first_map(response)
    assert 0 < page["services"] < 25
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert geodesic((50.88992, 4.73076), (lat, lon)).km < 10


def test_a_chosen_topic_keeps_the_other_topics_counts_in_the_same_search(
    client, spread_network, calls
):
    """Topics combine with "or": with one chosen, each topic's count is what it would bring
    (the search without that choice), while the other facets count the current results;
    all of it from the one backend call (on Elasticsearch, one round trip)."""
    everything = client.get("/api/v1/services").json()
    calls.clear()
    chosen = client.get("/api/v1/services", {"need": "mental-health"}).json()
    assert calls["search"] == 1
    if calls["requests"]:
        assert calls["requests"] == 1
    assert chosen["count"] == 8 < everything["count"]
    assert chosen["facets"]["need"] == everything["facets"]["need"]
    # Another list counts the 8 results only (every service here has one organisation type).
    assert sum(chosen["facets"]["org_type"].values()) == 8

    calls.clear()
    page = client.get("/nl/search/", {"need": "mental-health"})
    assert page.status_code == 200
    assert calls["search"] == 1
    if calls["requests"]:
        assert calls["requests"] == 1
    panel = BeautifulSoup(page.content, "html.parser")
    other_topic = panel.select_one('input[name="need"]:not(:checked)')
    assert other_topic is not None
    label = panel.select_one(f'label[for="{other_topic["id"]}"]').get_text(" ", strip=True)
    assert str(everything["facets"]["need"][other_topic["value"]]) in label
