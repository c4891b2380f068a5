"""The public search page (database search until the search issue lands)."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def titles(response):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return [a.get_text() for a in page.select(".service-card h3 a")]


def test_search_finds_a_service_by_its_words(client, network):
    assert titles(client.get("/nl/search/", {"q": "betaalbare woning"})) == ["Woonbegeleiding"]


def test_search_shows_the_service_once_in_the_visitors_locale(client, network):
    response = client.get("/ar/search/", {"q": "woning"})
    page = BeautifulSoup(response.content.decode(), "html.parser")
    links = [a["href"] for a in page.select(".service-card h3 a")]
    assert links == ["/ar/organisations/ocmw-leuven/woonbegeleiding/"]


def test_search_by_need_label_in_another_language(client, network):
    # The need's French label is indexed with the service.
    assert titles(client.get("/fr/search/", {"q": "logement"})) == ["Woonbegeleiding"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "\u200f\u200e", "?&<>"])
def test_empty_or_punctuation_only_queries_give_a_hint_not_an_error(client, network, query):
    response = client.get("/nl/search/", {"q": query})
    assert response.status_code == 200
    assert titles(response) == []


def test_a_huge_query_gets_a_clear_translated_error(client, network):
    response = client.get("/fr/search/", {"q": "a" * 2000})
    assert response.status_code == 400
    assert "200" in response.content.decode()
    assert "caractères" in response.content.decode()


def test_script_in_the_query_is_escaped(client, network):
    response = client.get("/nl/search/", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_unknown_need_filter_is_a_clear_error(client, network):
    response = client.get("/en/search/", {"need": "nope"})
    assert response.status_code == 400
    assert "nope is not one of the available choices" in response.content.decode()
