"""The shared copy of a public page (website/http_caching.py): a second anonymous visitor of
the same address gets the kept answer without the view running, with a script nonce and a
feedback stamp of their own; a publish shows at once; nothing personal is ever kept."""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core import response_holes
from directory import feedback, submissions
from directory.factories import publish
from website import http_caching

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<script nonce="([^"]+)"')
STAMP = re.compile(r'name="stamp" value="([^"]+)"')


@pytest.fixture(autouse=True)
def shared_copies(settings, empty_cache):
    settings.BRUG_PUBLIC_CACHE_SECONDS = 300


def test_a_second_visitor_gets_the_kept_page_with_a_nonce_of_their_own(client, network):
    url = "/nl/map/?q=woning"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    old, new = NONCE.search(first.content.decode()), NONCE.search(second.content.decode())
    assert old and new and old.group(1) != new.group(1)
    # The header allows the new page's script, not the old one's.
    assert f"'nonce-{new.group(1)}'" in second["Content-Security-Policy"]
    assert old.group(1) not in second["Content-Security-Policy"]
    assert second.content.decode().replace(new.group(1), old.group(1)) == first.content.decode()
    assert second["ETag"] == first["ETag"]


def test_the_kept_page_runs_no_search_and_almost_no_queries(
    client, network, django_assert_max_num_queries
):
    url = "/nl/search/?q=woning"
    first = client.get(url)
    assert "Woonbegeleiding" in first.content.decode()
    with django_assert_max_num_queries(4):  # the revision (two logs, the entries' state)
        again = client.get(url)
    assert again.content.decode().count("Woonbegeleiding") == first.content.decode().count(
        "Woonbegeleiding"
    )


def test_each_visitor_of_a_service_page_gets_a_fresh_stamp_that_works(client, network):
    url = network["service"].url
    stamps = [STAMP.search(client.get(url).content.decode()).group(1) for _ in range(3)]
    assert len(set(stamps)) == 3
    for stamp in stamps:  # each a valid signed stamp of its own
        assert submissions.read_stamp(stamp, feedback.STAMP_SALT) > 0
    again = client.get(url)
    assert "no-cache" in again["Cache-Control"] and "ETag" not in again


def test_a_publish_shows_at_once(client, network):
    url = network["organisation"].url
    assert b"Hulp bij het vinden" not in client.get(url).content
    service = network["service"]
    service.summary = "Hulp bij het vinden van een woning."
    publish(service)
    assert b"Hulp bij het vinden" in client.get(url).content


def test_the_api_copy_follows_the_language(client, network):
    dutch = client.get("/api/v1/services", {"q": "woning"}, HTTP_ACCEPT_LANGUAGE="nl")
    french = client.get("/api/v1/services", {"q": "woning"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert dutch["Content-Language"] == "nl" and french["Content-Language"] == "fr"
    again = client.get("/api/v1/services", {"q": "woning"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert again.content == dutch.content


def test_a_person_signed_in_never_gets_or_leaves_a_copy(client, network, django_user_model):
    url = "/nl/search/?q=woning"
    person = django_user_model.objects.create_user("coach", "coach@example.org", "x")
    client.force_login(person)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ran:
            signed_in = client.get(url)
        assert len(ran) > 10  # the view ran, both times
        assert "ETag" not in signed_in and "public" not in signed_in.get("Cache-Control", "")
    client.logout()
    # Nothing the signed-in person saw was kept: the first anonymous view runs the view too.
    with CaptureQueriesContext(connection) as ran:
        assert "ETag" in client.get(url)
    assert len(ran) > 10


def test_a_visitor_with_a_message_waiting_gets_their_own_page(client, network):
    url = "/nl/search/?q=woning"
    client.get(url)  # a copy is kept
    client.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as ran:
        own = client.get(url)
    assert len(ran) > 10 and "ETag" not in own


def _response(control=None):
    response = HttpResponse("<p>page</p>")
    if control:
        response["Cache-Control"] = control
    return response


def test_private_no_store_and_unmarked_holes_are_never_shared():
    request = RequestFactory().get("/nl/")
    assert http_caching._shareable(request, _response(), None)
    assert http_caching._shareable(request, _response("no-cache"), "no-cache")
    assert not http_caching._shareable(request, _response("private"), "private")
    assert not http_caching._shareable(request, _response("no-store"), "no-cache, no-store")
    response_holes.mark(request, "something-unknown", "abc")
    assert not http_caching._shareable(request, _response(), None)


def test_a_page_that_sets_a_cookie_is_not_kept():
    calls = []

    def view(request):
        calls.append(request)
        response = _response()
        response.set_cookie("visitor", "1")
        return response

    handler = http_caching.PublicCachingMiddleware(view)
    for _ in range(2):
        request = RequestFactory().get("/nl/")
        request.resolver_match = None
        assert handler(request).cookies
    assert len(calls) == 2  # made again: nothing was kept
