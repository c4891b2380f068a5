"""What search engines read, through HTTP: a title, the language, a description in the
visitor's language, the canonical URL and the alternates in every UI language; the sitemap
per language on the configured public address; robots.txt."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (our own sitemap, not untrusted input)

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation
from wagtail.models import Site

from directory.templatetags.brug import LISTING_DESCRIPTION, SITE_DESCRIPTION

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in settings.LANGUAGES]
SERVICE = "/organisations/ocmw-leuven/woonbegeleiding/"
PUBLIC_PATHS = [
    "/",
    "/search/?q=woning",
    "/map/",
    "/needs/housing/",
    "/organisations/",
    "/organisations/ocmw-leuven/",
    SERVICE,
    "/organisations/ocmw-leuven/sociaal-huis/",
]
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return soup(response)


def description(page) -> str:
    meta = page.head.find_all("meta", attrs={"name": "description"})
    assert len(meta) == 1
    return meta[0]["content"]


@pytest.mark.parametrize("language", ["nl", "fr", "ar", "uk", "ps"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_public_page_has_what_search_engines_read(client, network, language, path):
    url = f"/{language}{path}"
    page = head_of(client, url)
    assert page.html["lang"] == language
    assert page.title.get_text(strip=True)
    assert description(page).strip()
    canonical = page.head.find_all("link", rel="canonical")
    assert [link["href"] for link in canonical] == [
        settings.WAGTAILADMIN_BASE_URL + url.split("?")[0]
    ]
    alternates = {
        link["hreflang"]: link["href"] for link in page.head.find_all("link", rel="alternate")
    }
    assert set(alternates) == {*CODES, "x-default"}
    for code in CODES:
        assert alternates[code] == f"{settings.WAGTAILADMIN_BASE_URL}/{code}{path.split('?')[0]}"
    assert alternates["x-default"] == alternates[settings.LANGUAGE_CODE]
    # The page's own URL is among its alternates (hreflang links go both ways).
    assert alternates[language] == canonical[0]["href"]


def test_alternates_lead_to_pages_that_exist(client, network):
    page = head_of(client, f"/nl{SERVICE}")
    for link in page.head.find_all("link", rel="alternate"):
        path = link["href"].removeprefix(settings.WAGTAILADMIN_BASE_URL)
        assert client.get(path).status_code == 200, path


def test_a_description_comes_from_the_content_in_the_visitors_language(client, network):
    service = network["service"]
    assert description(head_of(client, f"/nl{SERVICE}")) == service.summary
    assert description(head_of(client, "/fr/organisations/ocmw-leuven/")) == (
        "Service social de la ville de Louvain."
    )
    assert description(head_of(client, "/nl/organisations/ocmw-leuven/")) == (
        "Sociale dienst van de stad Leuven."
    )


@pytest.mark.parametrize("language", ["fr", "ar", "uk", "ti"])
def test_untranslated_content_gets_a_sentence_in_the_visitors_language(client, network, language):
    """The Dutch summary is not a description of a page in another language: a sentence in
    the visitor's language, with the service's name, instead."""
    with translation.override(language):
        expected = LISTING_DESCRIPTION % {"name": "Woonbegeleiding"}
    assert description(head_of(client, f"/{language}{SERVICE}")) == expected
    assert network["service"].summary not in expected


@pytest.mark.parametrize("language", CODES)
def test_pages_without_content_of_their_own_are_described_in_each_language(
    client, network, language
):
    with translation.override(language):
        expected = str(SITE_DESCRIPTION)
    assert description(head_of(client, f"/{language}/search/")) == expected
    assert description(head_of(client, f"/{language}/map/")) == expected
    need = description(head_of(client, f"/{language}/needs/housing/"))
    label = network["need"].label(language)
    # "Logement : …" in French, "Wonen: …" in Dutch: each language's own colon spacing.
    assert re.match(rf"{re.escape(label)}\s?[:：]\s", need), need


def test_the_home_page_is_described_by_its_introduction_per_language(client, network):
    from website.models import HomePage

    for home in HomePage.objects.select_related("locale"):
        code = home.locale.language_code
        assert home.intro
        assert description(head_of(client, f"/{code}/")) == home.intro


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314
    found = {}
    for url in root.findall("s:url", SITEMAP_NS):
        location = url.find("s:loc", SITEMAP_NS).text
        found[location] = {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
        }
    return found


def test_the_sitemap_lists_every_page_in_every_language_on_the_configured_host(
    client, network, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://brug.example.org"
    urls = sitemap(client)
    base = "https://brug.example.org"
    assert all(location.startswith(f"{base}/") for location in urls)
    for path in ("/", "/organisations/", "/organisations/ocmw-leuven/", SERVICE):
        for code in CODES:
            location = f"{base}/{code}{path}"
            assert location in urls, location
            alternates = urls[location]
            assert set(alternates) == {*CODES, "x-default"}
            assert alternates["x-default"] == f"{base}/{settings.LANGUAGE_CODE}{path}"
            assert all(alternates[c] == f"{base}/{c}{path}" for c in CODES)
    # The search and map pages and the need pages too, per language.
    for path in ("/search/", "/map/", "/needs/housing/", "/needs/social-housing/"):
        assert {f"{base}/{code}{path}" for code in CODES} <= set(urls), path
    assert not [location for location in urls if "testserver" in location]


def test_every_sitemap_url_answers(client, network):
    for location in sitemap(client):
        path = location.removeprefix(settings.WAGTAILADMIN_BASE_URL)
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_to_the_sitemap(client, home, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://brug.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://brug.example.org/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /" not in lines


def test_the_wagtail_site_follows_the_configured_address(home, settings):
    from website.setup import ensure_site

    settings.WAGTAILADMIN_BASE_URL = "https://brug.example.org"
    ensure_site()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("brug.example.org", 443)
    assert site.root_url == "https://brug.example.org"


def test_personal_and_form_pages_name_no_canonical_or_alternates(client, network):
    service = network["service"]
    for url in (f"/nl/services/{service.pk}/suggest/", "/nl/invitation/not-a-token/"):
        response = client.get(url)
        page = soup(response)
        assert not page.head.find_all("link", rel=["canonical", "alternate"]), url
        assert description(page), url
