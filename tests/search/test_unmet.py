"""Searches that found nothing are counted per day and language, normalised, with nothing
that identifies the searcher; both backends feed the count, from the page and the API."""

import pytest
from django.utils import timezone

from search import unmet
from search.models import UnmetQuery

searching = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


def kept():
    return {(q.language, q.text): q.count for q in UnmetQuery.objects.all()}


@searching[0]
@searching[1]
def test_words_that_find_nothing_are_counted(client, network):
    client.get("/en/search/", {"q": "Kinderopvang  ’s NACHTS!"})
    client.get("/api/v1/services", {"q": "kinderopvang 's nachts", "lang": "en"})
    client.get("/fr/search/", {"q": "Patinoire"})
    assert kept() == {("en", "kinderopvang s nachts"): 2, ("fr", "patinoire"): 1}
    row = UnmetQuery.objects.get(language="fr")
    assert row.day == timezone.localdate()
    # Nothing else is stored: no address, user, session or time of day.
    assert {f.name for f in UnmetQuery._meta.get_fields()} == {
        "id",
        "day",
        "language",
        "text",
        "count",
    }


@searching[0]
@searching[1]
def test_what_is_not_counted(client, network):
    client.get("/en/search/", {"q": "woning"})  # found something
    client.get("/en/search/", {"q": "call 0470 12 34 56 please"})  # a phone number
    client.get("/api/v1/services", {"q": "85.07.30-033.61"})  # a national number
    client.get("/en/search/", {"q": "jan@example.org"})  # an e-mail address
    client.get("/en/search/", {"q": "zwemles", "free": "true"})  # narrowed by a filter
    client.get("/en/search/", {"q": "zwemles", "bbox": "4.6,50.8,4.8,50.9"})  # a map area
    client.get("/en/search/", {"q": "?!"})  # no words
    assert kept() == {}


@searching[0]
@searching[1]
def test_arabic_words_keep_their_letters(client, network):
    client.get("/ar/search/", {"q": "رعاية   الأطفال ليلاً"})
    ((language, text),) = kept()
    assert language == "ar" and text == "رعايه الاطفال ليلا"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  Woning   ZOEKEN ", "woning zoeken"),
        ("3010 woning", "3010 woning"),  # a postcode stays
        ("bel 016/22.33.44", None),
        ("+32 470 123 456", None),
        ("x" * 300, "x" * 100),
        ("<script>", "script"),
    ],
)
def test_normalisation(text, expected):
    assert unmet.normalised(text) == expected
