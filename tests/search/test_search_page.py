"""The public search page: words and filters, facet counts in the visitor's language, links
that keep every filter, an empty state that helps, and bad input answered on the page."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    NeedFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    TargetGroupFactory,
    alias_everywhere,
    publish,
)
from tests.conftest import index_entries, index_for_search
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

LEGAL_TITLES = ["Juridisch spreekuur", "Rechtshulp bij verblijf", "Vrijwillige juristen"]


@layered()
def legal():
    return NeedFactory(
        slug="legal",
        pictogram="legal",
        labels={
            "nl": "Juridische hulp",
            "fr": "Aide juridique",
            "en": "Legal help",
            "ar": "مساعدة قانونية",
        },
    )


@layered(
    "network", "organisation_index", "legal", each_layer=index_entries, each_test=index_for_search
)
def directory(network, organisation_index, legal):
    """The network's housing service in Leuven, plus three Arabic-speaking legal services of
    a CAW in Kessel-Lo (3010) that accept new clients; one is tagged "verblijf"."""
    caw = publish(
        OrganisationPageFactory(
            parent=organisation_index,
            title="CAW Oost-Brabant",
            slug="caw",
            organisation_type="general_welfare",
        )
    )
    alias_everywhere(caw)
    kessel_lo = publish(
        LocationPageFactory(
            parent=caw,
            title="CAW Kessel-Lo",
            slug="caw-kessel-lo",
            postcode="3010",
            municipality="Kessel-Lo",
            latitude="50.888000",
            longitude="4.727000",
        )
    )
    alias_everywhere(kessel_lo)
    arabic = LanguageFactory(code="ar", native_name="العربية")
    for number, title in enumerate(LEGAL_TITLES):
        service = ServicePageFactory(
            parent=caw,
            title=title,
            slug=f"legal-{number}",
            summary="Gratis juridisch advies over verblijf en papieren.",
            needs=[legal],
            capacity_status="accepting",
        )
        service.languages.set([arabic])
        service.locations.set([kessel_lo])
        if number == 1:
            service.tags.add("verblijf")
        publish(service)
        alias_everywhere(service)
    return network


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def titles(response):
    return [a.get_text() for a in soup(response).select(".service-card h3 a")]


def options(response, name):
    """The checkboxes of one parameter: value -> (label, count text or None, checked)."""
    page = soup(response)
    found = {}
    for box in page.select(f'input[type="checkbox"][name="{name}"]'):
        label = page.select_one(f'label[for="{box["id"]}"]')
        count = label.select_one(".option__count")
        found[box["value"]] = (
            label.select_one(".option__label").get_text(),
            count.get_text() if count else None,
            box.has_attr("checked"),
        )
    return found


def params(url):
    return QueryDict(urlsplit(url).query)


def chips(response):
    return {
        a.get_text(" ", strip=True).removesuffix(" ×"): a["href"]
        for a in soup(response).select(".chips--active a:not(.chips__clear)")
    }


def status_text(response):
    return soup(response).select_one('.results [role="status"]').get_text(strip=True)


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


# Filters and facet counts


def test_facet_options_show_counts_and_labels_in_the_visitors_language(client, directory):
    response = client.get("/fr/search/", {"accepting": "true"})
    assert status_text(response) == "3 services trouvés"
    assert options(response, "need") == {"legal": ("Aide juridique", "(3)", False)}
    assert options(response, "org_type") == {
        "general_welfare": ("Centre d'aide sociale générale (CAW)", "(3)", False)
    }
    assert options(response, "language") == {"ar": ("arabe", "(3)", False)}
    assert options(response, "tag") == {"verblijf": ("verblijf", "(1)", False)}
    flags = options(response, "accepting")
    assert flags == {"true": ("Accepte de nouvelles personnes", "(3)", True)}
    # A flag no result has is shown, but cannot be chosen.
    interpreter = soup(response).select_one('input[name="interpreter"]')
    assert interpreter.has_attr("disabled")


def test_sub_needs_sit_under_their_main_need(client, directory):
    response = client.get("/en/search/", {"q": "woning"})
    page = soup(response)
    main = page.select_one('#filter-need input[value="housing"]').find_parent("li")
    nested = [box["value"] for box in main.select(".options--nested input")]
    assert nested == ["social-housing"]
    assert options(response, "need")["housing"] == ("Housing", "(1)", False)
    # A sub-need without a label in English shows its Dutch label.
    assert options(response, "need")["social-housing"] == ("Sociale woning", "(1)", False)


def test_a_checked_filter_narrows_the_results_and_stays_checked(client, directory):
    response = client.get("/en/search/", {"need": "legal"})
    assert titles(response) == LEGAL_TITLES
    assert options(response, "need")["legal"] == ("Legal help", "(3)", True)
    # Topics combine with "or": the other topic still offers its own service.
    assert options(response, "need")["housing"] == ("Housing", "(1)", False)

    both = client.get("/en/search/", {"need": ["legal", "housing"]})
    assert titles(both) == [*LEGAL_TITLES, "Woonbegeleiding"]

    interpreter = client.get("/en/search/", {"need": ["legal", "housing"], "interpreter": "true"})
    assert titles(interpreter) == ["Woonbegeleiding"]
    assert options(interpreter, "interpreter") == {"true": ("Interpreter available", "(1)", True)}


def test_a_target_group_alone_runs_the_search(client, directory):
    response = client.get("/en/search/", {"target_group": "recognised-refugee"})
    assert response.status_code == 200
    assert titles(response) == ["Woonbegeleiding"]
    assert options(response, "target_group") == {
        "recognised-refugee": ("Erkende vluchtelingen", "(1)", True)
    }


def test_a_place_with_a_radius_narrows_and_stays_in_the_form(client, directory):
    response = client.get("/en/search/", {"near": "3010", "radius_km": "1"})
    assert titles(response) == LEGAL_TITLES  # the Leuven office is about 1.8 km away
    page = soup(response)
    assert page.select_one("#near")["value"] == "3010"
    assert page.select_one("#radius option[selected]").get_text() == "1 km"
    assert "Remove filter: Within 1 km of 3010" in chips(response)

    wider = client.get("/en/search/", {"near": "3010", "radius_km": "5", "sort": "distance"})
    assert titles(wider) == [*LEGAL_TITLES, "Woonbegeleiding"]
    assert soup(wider).select_one("#sort option[selected]")["value"] == "distance"


def test_the_filter_form_works_without_javascript(client, directory):
    response = client.get("/en/search/", {"q": "hulp", "page_size": "2"})
    page = soup(response)
    form = page.select_one("form#search-form")
    assert form["method"] == "get"
    controls = page.select(".filters input, .filters select, .filters button, .sort select")
    assert controls
    for control in controls:
        assert control["form"] == "search-form", control
        if control.name != "button":
            assert page.select_one(f'label[for="{control["id"]}"]'), control
    for fieldset in page.select(".filters fieldset"):
        assert fieldset.select_one("legend").get_text(strip=True)
    # A parameter without a control of its own is sent again with the form.
    assert form.select_one('input[type="hidden"][name="page_size"]')["value"] == "2"
    assert page.select_one('.results [role="status"]').get_text(strip=True).endswith("found")


def test_nothing_asked_shows_the_form_and_the_topics(client, directory):
    response = client.get("/nl/search/")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one('.results [role="status"]') is None
    assert titles(response) == []
    tiles = [a["href"] for a in page.select(".tiles a")]
    assert "/nl/needs/housing/" in tiles and "/nl/needs/legal/" in tiles
    # Nothing was searched, so the options have no counts yet.
    assert options(response, "need")["legal"] == ("Juridische hulp", None, False)


def test_filter_labels_take_a_fixed_number_of_queries(client, directory):
    url = "/en/search/"
    query = {"q": "hulp", "need": "legal", "language": "ar"}
    client.get(url, query)  # fills the caches (site root paths) before counting
    with CaptureQueriesContext(connection) as before:
        assert client.get(url, query).status_code == 200
    for number in range(4):
        NeedFactory(slug=f"extra-{number}", labels={"nl": f"Extra {number}", "en": "Extra"})
        TargetGroupFactory(slug=f"group-extra-{number}", labels={"nl": "Groep", "fr": "Groupe"})
    for code in ("ti", "uk", "fa"):
        LanguageFactory(code=code)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url, query).status_code == 200
    assert len(after) == len(before)


# Links keep the filters


def test_pagination_links_keep_every_filter(client, directory):
    query = {"need": "legal", "free": "true", "page_size": "1"}
    first = client.get("/nl/search/", query)
    assert titles(first) == LEGAL_TITLES[:1]
    nav = soup(first).select_one("nav.pagination")
    assert "Pagina 1 van 3" in nav.get_text()
    next_url = nav.select_one('a[rel="next"]')["href"]
    assert params(next_url).dict() == {**query, "page": "2"}
    for link in nav.select("li a"):
        assert params(link["href"]).getlist("need") == ["legal"]
        assert params(link["href"])["free"] == "true"

    second = client.get(next_url)
    assert titles(second) == LEGAL_TITLES[1:2]
    assert options(second, "need")["legal"][2] is True
    assert options(second, "free")["true"][2] is True
    assert soup(second).select_one('nav.pagination a[aria-current="page"]').get_text() == "Pagina 2"


def test_a_page_past_the_end_goes_to_the_last_page(client, directory):
    response = client.get("/en/search/", {"need": "legal", "page_size": "2", "page": "9"})
    assert response.status_code == 302
    assert params(response["Location"]).dict() == {
        "need": "legal",
        "page_size": "2",
        "page": "2",
    }


def test_a_chip_removes_one_filter_and_keeps_the_others(client, directory):
    response = client.get(
        "/en/search/", {"q": "advies", "need": ["legal", "housing"], "language": "ar"}
    )
    assert set(chips(response)) == {
        "Remove filter: Legal help",
        "Remove filter: Housing",
        "Remove filter: Arabic",
    }
    without_housing = params(chips(response)["Remove filter: Housing"])
    assert without_housing.getlist("need") == ["legal"]
    assert without_housing["language"] == "ar"
    assert without_housing["q"] == "advies"

    without_arabic = client.get(chips(response)["Remove filter: Arabic"])
    assert options(without_arabic, "language")["ar"][2] is False
    assert options(without_arabic, "need")["legal"][2] is True

    clear = soup(response).select_one(".chips__clear")["href"]
    assert params(clear).dict() == {"q": "advies"}


def test_removing_the_place_also_drops_sorting_by_distance(client, directory):
    response = client.get("/en/search/", {"near": "3010", "sort": "distance", "free": "true"})
    url = chips(response)["Remove filter: Near 3010"]
    assert params(url).dict() == {"free": "true"}
    assert client.get(url).status_code == 200


# Nothing found


def test_nothing_found_suggests_removing_filters_and_shows_the_topics(client, directory):
    response = client.get("/en/search/", {"need": "housing", "language": "ar"})
    assert response.status_code == 200
    assert status_text(response) == "0 services found"
    empty = soup(response).select_one(".empty-state")
    assert "No services found" in empty.get_text()
    removals = {a.get_text(strip=True): a["href"] for a in empty.select(".chips a")}
    assert set(removals) == {"Without “Housing”", "Without “Arabic”"}
    assert titles(client.get(removals["Without “Housing”"])) == LEGAL_TITLES
    assert titles(client.get(removals["Without “Arabic”"])) == ["Woonbegeleiding"]
    tiles = [a["href"] for a in empty.select(".tiles a")]
    assert "/en/needs/legal/" in tiles


def test_nothing_found_for_words_gives_spelling_advice(client, directory):
    response = client.get("/fr/search/", {"q": "zzyzxqq"})
    assert status_text(response) == "0 service trouvé"
    empty = soup(response).select_one(".empty-state")
    assert "orthographe" in empty.get_text()
    assert "/fr/needs/housing/" in [a["href"] for a in empty.select(".tiles a")]


def test_did_you_mean_links_replace_only_the_words(client, directory):
    response = client.get("/nl/search/", {"q": "woninh", "language": "prs"})
    assert status_text(response) == "0 diensten gevonden"
    link = soup(response).select_one(".suggestions a")
    assert link.get_text() == "woning"
    assert params(link["href"]).dict() == {"q": "woning", "language": "prs"}
    assert titles(client.get(link["href"])) == ["Woonbegeleiding"]


# Bad input


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"near": "3010", "radius_km": "-5"}, "radius_km", "greater than or equal to 0.1"),
        ({"radius_km": "far"}, "radius_km", "Enter a number."),
        ({"need": "nope"}, "need", "nope is not one of the available choices"),
        ({"near": "Atlantis"}, "near", "We do not know “Atlantis”. Try a postcode, such as 3000."),
        ({"sort": "distance", "need": "legal"}, "sort", "Sorting by distance needs a place"),
        ({"q": "hulp", "page": "0"}, "page", "greater than or equal to 1"),
        ({"lat": "95", "lon": "4.7"}, "lat", "less than or equal to 90"),
        ({"bbox": "1,2"}, "bbox", "west,south,east,north"),
        ({"free": "yes"}, "free", "yes is not one of the available choices"),
        ({"tag": "<b>unknown</b>"}, "tag", "is not one of the available choices"),
    ],
)
def test_bad_input_is_explained_on_the_page_with_a_way_out(
    client, directory, query, field, message
):
    response = client.get("/en/search/", query)
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary")
    assert summary["role"] == "alert"
    assert message in summary.get_text()
    assert "<b>unknown</b>" not in response.content.decode()
    way_out = summary.select_one(".error-summary__fix")["href"]
    assert field not in params(way_out)
    assert client.get(way_out).status_code == 200


def test_a_bad_place_is_marked_at_its_field_in_the_visitors_language(client, directory):
    response = client.get("/fr/search/", {"near": "Atlantis", "need": "legal"})
    assert response.status_code == 400
    page = soup(response)
    near = page.select_one("#near")
    assert near["aria-invalid"] == "true"
    assert near["value"] == "Atlantis"
    error = page.select_one(f"#{near['aria-describedby']}").get_text()
    assert error == "Nous ne connaissons pas « Atlantis ». Essayez un code postal, comme 3000."
    # What the visitor chose is kept while they fix the place.
    assert options(response, "need")["legal"] == ("Aide juridique", None, True)
    assert page.select_one('.error-summary a[href="#near"]')


def test_the_arabic_page_is_right_to_left_with_arabic_labels(client, directory):
    response = client.get("/ar/search/", {"q": "سكن"})
    page = soup(response)
    assert page.html["dir"] == "rtl"
    assert page.html["lang"] == "ar"
    assert titles(response) == ["Woonbegeleiding"]
    assert options(response, "need")["housing"] == ("السكن", "(1)", False)


def test_the_filters_labels_are_read_once_per_revision_and_an_admin_edit_shows_at_once(
    client, directory, kept_cards
):
    """search.entries_cache.rebuilt_when_public_changes: the facet panel's and the popups'
    labels are kept per process and language until something public changes (and the
    cards, search.cards, until then too)."""
    from wagtail.log_actions import log

    from directory.models import NeedLabel

    client.get("/fr/map/", {"accepting": "true"})
    with CaptureQueriesContext(connection) as again:
        response = client.get("/fr/map/", {"accepting": "true"})
    assert options(response, "need") == {"legal": ("Aide juridique", "(3)", False)}
    read = [q["sql"] for q in again.captured_queries if '"directory_needlabel"' in q["sql"]]
    assert read == []  # neither the filters nor the popups read the labels again

    label = NeedLabel.objects.get(need__slug="legal", language="fr")
    label.label = "Conseil juridique"
    label.save()
    log(label.need, "wagtail.edit")  # what the admin's snippet editor writes
    edited = client.get("/fr/map/", {"accepting": "true"})
    assert options(edited, "need") == {"legal": ("Conseil juridique", "(3)", False)}
    assert "Conseil juridique" in soup(edited).select_one(".cards").get_text()
