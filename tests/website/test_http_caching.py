"""Compressed answers and HTTP caching: HTML and JSON go out gzipped; anonymous public pages
and the API carry an ETag and must be revalidated, answer 304 to a browser that has them, and
change their ETag when anything is published; nothing personal is cached or compressed."""

import gzip
import re

import pytest

from directory.factories import publish

pytestmark = pytest.mark.django_db

# In more than one language: a prefix resolves only in its own language.
PUBLIC = ["/nl/search/?q=woning", "/ar/map/", "/api/v1/services?q=woning", "/nl/", "/fr/"]


@pytest.fixture
def service_url(network):
    return network["service"].url


@pytest.mark.parametrize("url", PUBLIC)
def test_html_and_json_are_gzipped(client, network, url):
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) < len(plain.content)
    text = gzip.decompress(packed.content).decode()
    assert "Woonbegeleiding" in text or url in ("/nl/", "/fr/")  # home pages: no service
    assert text.startswith(plain.content.decode()[:15])


@pytest.mark.parametrize("url", PUBLIC)
def test_anonymous_public_answers_have_an_etag_and_are_revalidated(client, network, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    # Kept, but asked for again every time: a publish shows at once.
    assert {"public", "max-age=0", "must-revalidate"} <= directives


@pytest.fixture
def organisation_url(network):
    return network["organisation"].url


def test_a_service_page_is_asked_for_afresh_every_time(client, service_url):
    """Its feedback form carries a single-use stamp: no copy is served again, and without a
    validator there is no 304 of an old stamp."""
    first = client.get(service_url)
    assert "ETag" not in first and "Last-Modified" not in first
    assert "no-cache" in {part.strip() for part in first["Cache-Control"].split(",")}
    assert "public" not in first["Cache-Control"]
    stamp = re.search(r'name="stamp" value="([^"]+)"', first.content.decode())
    again = re.search(r'name="stamp" value="([^"]+)"', client.get(service_url).content.decode())
    assert stamp and again and stamp.group(1) != again.group(1)


def test_a_browser_that_has_the_page_gets_a_304(client, organisation_url):
    service_url = organisation_url  # a page without a single-use form
    first = client.get(service_url)
    again = client.get(service_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "Content-Security-Policy" not in again  # the kept page's own policy stays
    # The gzipped copy's weak ETag matches too.
    packed = client.get(service_url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["ETag"] == f"W/{first['ETag']}"
    assert client.get(service_url, HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    assert client.get(f"{service_url}?x=1", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_publish_changes_the_etag(client, network, organisation_url):
    page_tag = client.get(organisation_url)["ETag"]
    api_tag = client.get("/api/v1/services", {"q": "woning"})["ETag"]
    service = network["service"]
    service.summary = "Hulp bij het vinden van een woning."
    publish(service)
    # The organisation's page lists its services: the publish shows there at once.
    changed = client.get(organisation_url, HTTP_IF_NONE_MATCH=page_tag)
    assert changed.status_code == 200 and b"Hulp bij het vinden" in changed.content
    assert changed["ETag"] != page_tag
    assert client.get("/api/v1/services", {"q": "woning"})["ETag"] != api_tag


def test_the_api_etag_follows_the_answers_language(client, network):
    dutch = client.get("/api/v1/services", {"q": "woning"}, HTTP_ACCEPT_LANGUAGE="nl")
    french = client.get("/api/v1/services", {"q": "woning"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert dutch["ETag"] != french["ETag"]
    assert "Accept-Language" in dutch["Vary"]


def test_nothing_is_cached_or_compressed_for_a_person_signed_in(
    client, network, service_url, django_user_model
):
    person = django_user_model.objects.create_user("coach", "coach@example.org", "x")
    client.force_login(person)
    for url in [service_url, *PUBLIC]:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert "ETag" not in response
        assert "public" not in response.get("Cache-Control", "")
        assert "Content-Encoding" not in response
    tag = client.get(service_url)
    assert client.get(service_url, HTTP_IF_NONE_MATCH='"anything"').status_code == 200
    assert "ETag" not in tag


def test_forms_and_the_admin_are_not_cached(client, network):
    service = network["service"]
    for url in [f"/nl/services/{service.pk}/suggest/", "/admin/login/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ETag" not in response and "public" not in response.get("Cache-Control", "")
