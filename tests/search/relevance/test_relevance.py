"""The relevance set (queries.json: queries in every UI language, typos and synonyms, each with
the demo services that must come up) on both backends, with a floor (search.relevance)."""

import pytest

from search import relevance
from search.backends import get_backend

pytestmark = [pytest.mark.django_db]

FLOOR = 0.95


def test_the_set_covers_every_ui_language(settings):
    entries = relevance.load()
    assert len(entries) >= 80
    assert {e["lang"] for e in entries} == {code for code, _name in settings.LANGUAGES}
    assert {"typo", "synonym"} <= {e["kind"] for e in entries}


def test_relevance_floor(search_backend, relevance_network):
    judged = relevance.judge(get_backend(), relevance.load())
    empty = [j.describe() for j in judged if j.count == 0]
    missed = [j.describe() for j in judged if not j.passed]
    assert not empty, "nothing found where the answer exists:\n" + "\n".join(empty)
    assert len(missed) <= (1 - FLOOR) * len(judged), "below the floor:\n" + "\n".join(missed)


@pytest.mark.parametrize(
    ("typed", "language", "need"),
    [
        ("жытло", "uk", "housing"),  # Ukrainian, one letter wrong
        ("qareeen", "so", "legal"),
        ("psicollogo", "es", "mental-health"),
        ("huisvestign", "nl", "housing"),  # through the synonym group huisvesting ⇄ wonen
    ],
)
def test_a_query_that_finds_nothing_offers_the_needs_close_to_it(
    client, search_backend, relevance_network, typed, language, need
):
    answer = client.get("/api/v1/services", {"q": typed, "lang": language}).json()
    assert answer["count"] == 0
    assert need in answer["close_needs"]


def test_the_search_page_shows_the_close_needs_as_topics(client, search_backend, relevance_network):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/nl/search/", {"q": "huisvestign"}).content, "html.parser")
    close, every_topic = page.select(".empty-state .tiles")
    assert "/nl/needs/housing/" in [a["href"] for a in close.select("a")]
    assert len(close.select("a")) < len(every_topic.select("a"))
    assert client.get("/api/v1/services", {"q": "woning"}).json()["close_needs"] == []
