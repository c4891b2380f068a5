"""The public directory through HTTP: content, languages, right-to-left, fallbacks, no CDN."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_root_redirects_to_a_language(client, home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.parametrize("language", ["nl", "fr", "en", "ar"])
def test_home_page_in_every_language_has_search_and_need_tiles(client, network, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == language
    assert page.html["dir"] == ("rtl" if language == "ar" else "ltr")
    assert page.find("form", attrs={"role": "search"})
    tiles = page.select(".tiles a")
    assert [a["href"] for a in tiles] == [f"/{language}/needs/housing/"]
    expected = {"nl": "Wonen", "fr": "Logement", "en": "Housing", "ar": "السكن"}[language]
    assert expected in tiles[0].get_text()


def test_language_switcher_links_to_the_same_page_in_each_language(client, network):
    page = soup(client.get("/nl/organisations/ocmw-leuven/woonbegeleiding/"))
    links = {a["hreflang"]: a["href"] for a in page.select(".languages a")}
    assert set(links) == {code for code, _name in settings.LANGUAGES}
    assert len(links) >= 11
    for language, href in links.items():
        assert href.startswith(f"/{language}/")
        assert href.endswith("/ocmw-leuven/woonbegeleiding/")
        assert client.get(href).status_code == 200


@pytest.mark.parametrize(("language", "direction"), [("uk", "ltr"), ("ps", "rtl"), ("fa", "rtl")])
def test_an_interface_only_language_shows_the_original_under_its_own_prefix(
    client, network, language, direction
):
    response = client.get(f"/{language}/organisations/ocmw-leuven/woonbegeleiding/")
    assert response.status_code == 200
    page = soup(response)
    assert (page.html["lang"], page.html["dir"]) == (language, direction)
    # The content is the Dutch original, marked as such so that it reads left to right.
    title = page.find("h1")
    assert title.get_text(strip=True) == "Woonbegeleiding"
    assert title.find_parent(attrs={"lang": "nl"}) or title.get("lang") == "nl"
    assert page.select_one(".note--translation")
    # Links to other pages keep the visitor's language.
    # The organisation list and the home page's introduction are content too.
    listing = soup(client.get(f"/{language}/organisations/"))
    assert (listing.find("h1")["lang"], listing.find("h1")["dir"]) == ("nl", "ltr")
    home = soup(client.get(f"/{language}/"))
    assert home.select_one(".lead")["lang"] == "nl"
    organisation = page.select_one(f'a[href="/{language}/organisations/ocmw-leuven/"]')
    assert organisation is not None
    assert client.get(organisation["href"]).status_code == 200


def test_service_page_shows_what_a_client_needs(client, network):
    response = client.get("/nl/organisations/ocmw-leuven/woonbegeleiding/")
    assert response.status_code == 200
    text = soup(response).get_text(" ", strip=True)
    for expected in [
        "Woonbegeleiding",
        "OCMW Leuven",
        "Hulp bij het zoeken naar een betaalbare woning.",
        "Sociale woning",  # need
        "Erkende vluchtelingen",  # for whom
        "Diestsestraat 1",
        "3000 Leuven",
        "09:00–12:00, 13:30–16:00",  # two ranges on Monday
        "info@ocmw.example.org",  # contact falls back to the organisation's
        "دری",  # Dari, in its own script
    ]:
        assert expected in text, expected


def test_arabic_service_page_is_rtl_and_marks_untranslated_content(client, network):
    response = client.get("/ar/organisations/ocmw-leuven/woonbegeleiding/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"
    note = page.select_one(".note--translation")
    assert note is not None  # shown in Dutch, with a note instead of a 404
    assert (page.h1["lang"], page.h1["dir"]) == ("nl", "ltr")  # the content, not the UI
    assert page.select_one(".lead")["lang"] == "nl"
    assert "Woonbegeleiding" in page.get_text()


def test_translated_organisation_shows_its_french_content(client, network):
    page = soup(client.get("/fr/organisations/ocmw-leuven/"))
    assert page.h1.get_text(strip=True) == "CPAS Louvain"
    assert page.select_one(".note--translation") is None
    assert "Service social de la ville de Louvain." in page.get_text()


def test_organisation_page_lists_services_and_locations(client, network):
    page = soup(client.get("/nl/organisations/ocmw-leuven/"))
    assert [a.get_text() for a in page.select(".service-card h3 a")] == ["Woonbegeleiding"]
    assert "Sociaal Huis" in page.select_one(".location h3").get_text()


def test_need_page_lists_services_of_the_need_and_its_children(client, network):
    page = soup(client.get("/en/needs/housing/"))
    assert "Housing" in page.h1.get_text()
    cards = page.select(".service-card h3 a")
    assert [a.get_text() for a in cards] == ["Woonbegeleiding"]
    assert cards[0]["href"].startswith("/en/")


def test_unknown_need_is_a_translated_404(client, network):
    response = client.get("/fr/needs/does-not-exist/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_capacity_and_waiting_list_are_shown(client, network):
    text = soup(client.get("/en/organisations/ocmw-leuven/woonbegeleiding/")).get_text()
    assert "Waiting list: about 6 weeks" in text


def test_organisation_list_filters_by_type(client, network):
    page = soup(client.get("/nl/organisations/?type=library"))
    assert page.select(".org-list .card") == []
    page = soup(client.get("/nl/organisations/?type=public_social_service"))
    assert [a.get_text() for a in page.select(".org-list h2 a")] == ["OCMW Leuven"]
    # An unknown type is ignored, not an error.
    assert client.get("/nl/organisations/?type=<script>").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/nl/",
        "/ar/",
        "/nl/organisations/",
        "/nl/organisations/ocmw-leuven/",
        "/nl/organisations/ocmw-leuven/woonbegeleiding/",
        "/nl/organisations/ocmw-leuven/sociaal-huis/",
        "/nl/search/?q=woning",
    ],
)
def test_pages_load_nothing_from_another_host(client, network, url):
    html = client.get(url).content.decode()
    page = BeautifulSoup(html, "html.parser")
    # The canonical and alternate links name this page's addresses (absolute, as search
    # engines ask); they load nothing, and they name only the site's own public address.
    addresses = page.find_all("link", rel=["canonical", "alternate"])
    assert addresses
    assert all(el["href"].startswith(f"{settings.WAGTAILADMIN_BASE_URL}/") for el in addresses)
    external = [
        el.get("src") or el.get("href")
        for el in page.find_all(["script", "link", "img", "iframe", "source"])
        if el not in addresses
        and (el.get("src") or el.get("href") or "").startswith(("http:", "https:", "//"))
    ]
    assert external == []


def test_service_page_has_a_print_stylesheet(client, network):
    page = soup(client.get("/nl/organisations/ocmw-leuven/woonbegeleiding/"))
    assert page.find("link", attrs={"media": "print"})


def test_result_cards_cost_the_same_queries_for_one_or_many_services(
    client, network, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.factories import ServicePageFactory, alias_everywhere, publish

    with CaptureQueriesContext(connection) as one:
        client.get("/ar/needs/housing/")
    for number in range(4):
        service = ServicePageFactory(
            parent=network["organisation"],
            slug=f"extra-{number}",
            needs=[network["need"]],
        )
        service.locations.set([network["location"]])
        publish(service)
        alias_everywhere(service)
    with django_assert_max_num_queries(len(one)):
        response = client.get("/ar/needs/housing/")
    assert response.content.decode().count('class="card service-card"') == 5
