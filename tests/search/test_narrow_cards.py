"""A result card built from rows (search.results.present: the needs and languages from the
per-process taxonomy, "open now" from the hours rows) is the same HTML as the card of the
same page read with all its relations (ServiceQuerySet.for_cards, as the directory's lists
do), for every demo service in every page language and in interface-only ones, at the
moments that change "open now"."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale

from directory import opening_hours
from directory.models import ServicePage
from search.backends.base import Hit
from search.results import present
from tests.layers import layered

BRUSSELS = opening_hours.BRUSSELS
MOMENTS = [
    datetime.datetime(2026, 12, 7, 10, 0, tzinfo=BRUSSELS),  # a Monday morning
    datetime.datetime(2026, 12, 6, 23, 30, tzinfo=BRUSSELS),  # Sunday night
    datetime.datetime(2026, 12, 25, 11, 0, tzinfo=BRUSSELS),  # Christmas
]


@layered()
def demo_directory():
    """Eight demo organisations with their services, locations, hours and translations."""
    from django.core.management import call_command

    call_command("load_demo", limit=8)


def render(request, page, location=None) -> str:
    return get_template("includes/service_card.html").render(
        {"request": request, "service": page, "location": location, "distance": None}
    )


@pytest.mark.parametrize("language", ["nl", "en", "fr", "ar", "uk"])
def test_a_card_from_rows_is_the_card_of_the_page(demo_directory, language):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    request.user = AnonymousUser()
    with translation.override(language):
        locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
        keys = list(
            ServicePage.objects.live()
            .filter(locale=locale)
            .order_by("pk")
            .values_list("translation_key", flat=True)
        )
        assert len(keys) >= 8
        hits = [Hit(service_key=str(key), name="") for key in keys]
        for moment in MOMENTS:
            with mock.patch.object(opening_hours, "now_in_brussels", return_value=moment):
                narrow = {
                    str(r.page.translation_key): render(request, r.page)
                    for r in present(hits, locale)
                }
                full = {
                    str(page.translation_key): render(request, page)
                    for page in ServicePage.objects.live()
                    .filter(translation_key__in=keys, locale=locale)
                    .for_cards(language=language)
                }
            assert narrow.keys() == full.keys()
            for key, card in full.items():
                assert narrow[key] == card, key
        statuses = {card.split('class="status ')[1].split('"')[0] for card in full.values()}
        assert len(statuses) >= 2, statuses  # the moments show open and closed cards


def test_rows_not_instances(demo_directory):
    """The cards of a page of results read no label, language or hours instances: a fixed
    handful of queries, however many results."""
    locale = Locale.objects.get(language_code="nl")
    keys = list(
        ServicePage.objects.live().filter(locale=locale).values_list("translation_key", flat=True)
    )
    hits = [Hit(service_key=str(key), name="") for key in keys]
    with translation.override("nl"):
        present(hits[:2], locale)  # the per-process taxonomy, read once
        with CaptureQueriesContext(connection) as few:
            present(hits[:2], locale)
        with CaptureQueriesContext(connection) as many:
            results = present(hits, locale)
    assert len(results) == len(hits) > 10
    # The same queries (one more: the partners' pages, read once some result is reserved).
    assert len(many.captured_queries) <= len(few.captured_queries) + 1 <= 15
    tables = " ".join(q["sql"] for q in many.captured_queries)
    assert "directory_needlabel" not in tables and '"directory_language"' not in tables
