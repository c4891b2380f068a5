"""Result cards kept in the shared cache (search/cards.py), on both backends: a search whose
cards were shown before builds no page for them and shows the same cards; a publish shows at
once; the API's kept result gets this request's distance and host."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.factories import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend", "kept_cards")]

CARDS = re.compile(r'<div class="cards">(.*?)</div>\s*(?:<nav|\n)', re.S)


def cards_of(response) -> str:
    assert response.status_code == 200
    found = CARDS.search(response.content.decode())
    assert found, "no result cards"
    return found.group(1)


def page_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "directory_servicepage"' in q["sql"]]


def test_a_card_shown_before_builds_no_page_and_looks_the_same(client, network, settings):
    first = cards_of(client.get("/nl/search/", {"q": "woning"}))
    assert "Woonbegeleiding" in first and "Hulp bij het zoeken" in first
    # Another search that finds the same service: its card comes from the cache.
    with CaptureQueriesContext(connection) as kept:
        second = cards_of(client.get("/nl/search/", {"need": "social-housing"}))
    assert second == first
    assert page_reads(kept.captured_queries) == []

    settings.BRUG_CARD_CACHE_SECONDS = 0  # the same view building every card
    with CaptureQueriesContext(connection) as built:
        third = cards_of(client.get("/nl/search/", {"need": "social-housing"}))
    assert third == first
    assert page_reads(built.captured_queries)
    assert len(kept.captured_queries) < len(built.captured_queries)


def test_a_card_follows_the_language(client, network):
    dutch = cards_of(client.get("/nl/search/", {"q": "woning"}))
    english = cards_of(client.get("/en/search/", {"q": "woning"}))
    assert "Wachtlijst" in dutch and "Waiting list" in english
    assert "/nl/" in dutch and "/en/" in english
    # Ukrainian has no page tree: the same Dutch pages, in a Ukrainian interface.
    ukrainian = cards_of(client.get("/uk/search/", {"q": "woning"}))
    assert "Woonbegeleiding" in ukrainian and "Wachtlijst" not in ukrainian
    assert 'lang="nl"' in ukrainian and 'lang="nl"' not in dutch


def test_a_publish_shows_on_the_card_at_once(client, network):
    assert "betaalbare woning" in cards_of(client.get("/nl/search/", {"q": "woning"}))
    service = network["service"]
    service.summary = "Begeleiding naar een eigen woning."
    publish(service)
    from search.sync import rebuild_all

    rebuild_all()  # on commit in the product, which a test's transaction never reaches
    shown = cards_of(client.get("/nl/search/", {"q": "woning"}))
    assert "eigen woning" in shown and "betaalbare woning" not in shown


def test_the_apis_kept_result_gets_this_requests_distance_and_host(client, network):
    near = {"q": "woning", "lat": "50.8798", "lon": "4.7005"}
    far = {"q": "woning", "lat": "51.2194", "lon": "4.4025"}  # Antwerp
    first = client.get("/api/v1/services", near).json()["results"][0]
    with CaptureQueriesContext(connection) as kept:
        second = client.get("/api/v1/services", far, HTTP_HOST="localhost").json()
    (result,) = second["results"]
    assert page_reads(kept.captured_queries) == []
    assert result["name"] == first["name"] == "Woonbegeleiding"
    assert result["url"].startswith("http://localhost/nl/")
    assert first["url"].startswith("http://testserver/nl/")
    assert result["distance_km"] > first["distance_km"] + 30


def test_a_kept_card_shows_the_distance_from_this_searchs_place(client, network):
    near = cards_of(client.get("/en/search/", {"q": "woning", "lat": "50.8798", "lon": "4.7005"}))
    far = cards_of(client.get("/en/search/", {"q": "woning", "lat": "51.2194", "lon": "4.4025"}))
    away = re.compile(r"([\d.]+) km away")
    assert float(away.search(far).group(1)) > float(away.search(near).group(1)) + 30


def test_a_search_page_reads_the_public_revision_once(client, network):
    """The ETag, the kept cards, the filters' and popups' labels and the cards' taxonomy all
    key on the public revision: one read of the logs per request, not one each."""
    client.get("/nl/search/", {"q": "woning"})
    with CaptureQueriesContext(connection) as queries:
        cards_of(client.get("/nl/search/", {"q": "hulp"}))
    log_reads = [q for q in queries.captured_queries if "wagtailcore_pagelogentry" in q["sql"]]
    assert len(log_reads) == 1
    # Outside a request (a task, a shell) it is read afresh each time.
    from search.entries_cache import public_revision

    with CaptureQueriesContext(connection) as outside:
        public_revision()
        public_revision()
    assert sum("wagtailcore_pagelogentry" in q["sql"] for q in outside.captured_queries) == 2
