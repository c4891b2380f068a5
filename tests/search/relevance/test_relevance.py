"""The relevance set (queries.json: queries in every UI language, typos and synonyms, each with
the demo services that must come up) on both backends, with a floor (search.relevance)."""

import pytest

from search import relevance
from search.backends import get_backend
from tests.browser.conftest import demo  # noqa: F401  (the demo network, a shared layer)
from tests.conftest import index_for_search
from tests.layers import layered

pytestmark = [pytest.mark.django_db]

FLOOR = 0.95


@layered("demo", each_test=index_for_search)
def relevance_network(demo):  # noqa: F811
    """The demo network's first 14 organisations, indexed for the test's backend."""
    return demo


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
