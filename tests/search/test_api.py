"""/api/v1/services on the embedded (database) backend: multilingual matching, filters,
facets, distance, pagination and bad input."""

import pytest

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    NeedFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from search.sync import rebuild_all
from tests.conftest import index_entries, index_for_search
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


@layered("network", "organisation_index", each_layer=index_entries, each_test=index_for_search)
def bigger_network(network, organisation_index):
    """Adds a mental-health centre in Kessel-Lo with a Dari-speaking trauma service."""
    mental = NeedFactory(
        slug="mental-health",
        pictogram="mental-health",
        labels={
            "nl": ("Psychisch welzijn", "trauma, psycholoog"),
            "fr": "Santé mentale",
            "en": ("Mental health", "trauma, therapy"),
            "ar": "الصحة النفسية",
        },
    )
    cgg = publish(
        OrganisationPageFactory(
            parent=organisation_index,
            title="CGG Vlaams-Brabant Oost",
            slug="cgg",
            organisation_type="mental_health",
        )
    )
    alias_everywhere(cgg)
    kessel_lo = publish(
        LocationPageFactory(
            parent=cgg,
            title="CGG Kessel-Lo",
            slug="cgg-kessel-lo",
            postcode="3010",
            municipality="Kessel-Lo",
            latitude="50.888000",
            longitude="4.727000",
        )
    )
    alias_everywhere(kessel_lo)
    service = ServicePageFactory(
        parent=cgg,
        title="Traumazorg voor vluchtelingen",
        slug="traumazorg",
        summary="Gesprekken na oorlog of vlucht.",
        needs=[mental],
    )
    service.languages.set([LanguageFactory(code="prs", native_name="دری")])
    service.locations.set([kessel_lo])
    publish(service)
    alias_everywhere(service)
    return network


def names(response):
    assert response.status_code == 200, response.content
    return [r["name"] for r in response.json()["results"]]


@pytest.mark.parametrize("query", ["logement", "housing", "سكن", "woningen", "Logement"])
def test_a_query_in_any_language_finds_the_dutch_only_housing_service(
    client, bigger_network, query
):
    response = client.get("/api/v1/services", {"q": query})
    assert names(response) == ["Woonbegeleiding"]


def test_trauma_finds_the_mental_health_centre(client, bigger_network):
    assert names(client.get("/api/v1/services", {"q": "trauma"})) == [
        "Traumazorg voor vluchtelingen"
    ]


def test_cpas_louvain_finds_ocmw_leuven(client, bigger_network):
    results = client.get("/api/v1/services", {"q": "CPAS Louvain", "lang": "fr"}).json()
    assert [r["organisation"] for r in results["results"]] == ["CPAS Louvain"]


def test_results_come_in_the_visitors_language_once_per_service(client, bigger_network):
    results = client.get("/api/v1/services", {"q": "woning", "lang": "ar"}).json()["results"]
    assert len(results) == 1
    assert "/ar/" in results[0]["url"]
    assert results[0]["content_language"] == "nl"


def test_need_filter_includes_sub_needs_and_facets_count(client, bigger_network):
    answer = client.get("/api/v1/services", {"need": "housing"}).json()
    assert [r["name"] for r in answer["results"]] == ["Woonbegeleiding"]
    # No service has both words: the answer falls back to services with any of them.
    either = client.get("/api/v1/services", {"q": "trauma woning"}).json()
    assert sorted(r["name"] for r in either["results"]) == [
        "Traumazorg voor vluchtelingen",
        "Woonbegeleiding",
    ]
    facets = client.get("/api/v1/services", {"near": "3000", "radius_km": 50}).json()["facets"]
    assert facets["need"]["mental-health"] == 1
    assert facets["need"]["social-housing"] == 1
    assert facets["language"]["prs"] == 2
    assert facets["interpreter"]["true"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"language": "prs", "org_type": "mental_health"}, ["Traumazorg voor vluchtelingen"]),
        ({"interpreter": "true", "need": "housing"}, ["Woonbegeleiding"]),
        ({"accepting": "true", "need": "housing"}, []),  # it has a waiting list
        (
            {"bbox": "4.72,50.88,4.74,50.90", "need": "mental-health"},
            ["Traumazorg voor vluchtelingen"],
        ),
        ({"bbox": "3.0,51.0,3.1,51.1", "need": "mental-health"}, []),
    ],
)
def test_filters(client, bigger_network, params, expected):
    assert names(client.get("/api/v1/services", params)) == expected


def test_distance_sort_and_radius(client, bigger_network):
    near_kessel_lo = {"lat": "50.889", "lon": "4.728", "sort": "distance"}
    results = client.get("/api/v1/services", {**near_kessel_lo, "radius_km": 20}).json()
    assert [r["name"] for r in results["results"]] == [
        "Traumazorg voor vluchtelingen",
        "Woonbegeleiding",
    ]
    assert results["results"][0]["distance_km"] < results["results"][1]["distance_km"]
    close = client.get("/api/v1/services", {**near_kessel_lo, "radius_km": 1}).json()
    assert [r["name"] for r in close["results"]] == ["Traumazorg voor vluchtelingen"]


def test_pagination(client, bigger_network):
    first = client.get("/api/v1/services", {"near": "3000", "page_size": 1}).json()
    second = client.get("/api/v1/services", {"near": "3000", "page_size": 1, "page": 2}).json()
    assert first["count"] == second["count"] == 2
    assert first["results"][0]["id"] != second["results"][0]["id"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"radius_km": "-5", "lat": "50.8", "lon": "4.7"}, "radius_km"),
        ({"lat": "123", "lon": "4"}, "lat"),
        ({"lat": "50"}, "lon"),
        ({"q": "x" * 2000}, "q"),
        ({"need": "no-such-need"}, "need"),
        ({"page_size": "500"}, "page_size"),
        ({"bbox": "5,51,4,50"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"sort": "random"}, "sort"),
        ({"near": "Atlantis"}, "near"),
        ({"page": "abc"}, "page"),
    ],
)
def test_bad_parameters_get_a_400_with_a_json_error(client, bigger_network, params, field):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_errors_are_in_the_requested_language(client, bigger_network):
    response = client.get("/api/v1/services", {"lat": "123", "lon": "4", "lang": "fr"})
    assert "90" in response.json()["errors"]["lat"][0]
    assert "Assurez-vous" in response.json()["errors"]["lat"][0]


@pytest.mark.parametrize("query", ["", "!!!", "\u200f\u200e", "?&<>"])
def test_queries_without_words_are_not_errors(client, bigger_network, query):
    response = client.get("/api/v1/services", {"q": query})
    assert response.status_code == 200
    # No words to look for: the whole directory, as without a query.
    found = names(response)
    assert found and sorted(found) == sorted(names(client.get("/api/v1/services")))


def test_the_answer_says_which_backend_answered(client, bigger_network, search_backend):
    assert client.get("/api/v1/services", {"q": "woning"}).json()["backend"] == search_backend


def test_openapi_schema_documents_the_search(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/services"]["get"]
    documented = {p["name"] for p in operation["parameters"]}
    assert {"q", "need", "bbox", "radius_km", "sort", "page_size"} <= documented


def test_a_word_in_the_name_ranks_above_a_word_in_the_text(client, bigger_network):
    cgg = bigger_network["organisation"].get_parent().get_children().get(slug="cgg")
    other = ServicePageFactory(
        parent=cgg,
        title="Praatgroep",
        slug="praatgroep",
        summary="Samen praten na een trauma, in een kleine groep.",
        needs=[],
    )
    publish(other)
    alias_everywhere(other)
    rebuild_all()
    assert names(client.get("/api/v1/services", {"q": "trauma"})) == [
        "Traumazorg voor vluchtelingen",
        "Praatgroep",
    ]


def test_did_you_mean_offers_a_correction_that_finds_something(client, bigger_network):
    answer = client.get("/api/v1/services", {"q": "woonbegleiding"}).json()
    assert answer["count"] == 0
    assert answer["suggestions"] == ["woonbegeleiding"]
    assert client.get("/api/v1/services", {"q": "woning"}).json()["suggestions"] == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("woon", "Woonbegeleiding"),  # a service name
        ("trau", "Traumazorg voor vluchtelingen"),
        ("vluch", "Traumazorg voor vluchtelingen"),  # a later word of the name
        ("sante", "Santé mentale"),  # a need label, typed without its accent
        ("الصحة", "الصحة النفسية"),
    ],
)
def test_suggest_completes_names_and_need_labels(client, bigger_network, typed, expected):
    answer = client.get("/api/v1/suggest", {"q": typed})
    assert answer.status_code == 200
    assert expected in answer.json()["suggestions"]


def test_suggest_with_nothing_typed_or_bad_limits(client, bigger_network):
    assert client.get("/api/v1/suggest", {"q": "  "}).json() == {"suggestions": []}
    bad = client.get("/api/v1/suggest", {"q": "woon", "limit": "0", "lang": "fr"})
    assert bad.status_code == 400
    assert "limit" in bad.json()["errors"]
    assert "supérieure ou égale à 1" in bad.json()["errors"]["limit"][0]
    assert client.get("/api/v1/suggest", {"q": "x" * 2000}).status_code == 400


@pytest.fixture
def two_locations(bigger_network):
    """The trauma service also works from a wheelchair-accessible office in Tienen."""
    trauma = bigger_network["organisation"].get_parent().get_children().get(slug="cgg")
    tienen = publish(
        LocationPageFactory(
            parent=trauma,
            title="CGG Tienen",
            slug="cgg-tienen",
            postcode="3300",
            municipality="Tienen",
            latitude="50.807000",
            longitude="4.938000",
            wheelchair_access="yes",
        )
    )
    alias_everywhere(tienen)
    service = ServicePageFactory._meta.model.objects.get(slug="traumazorg", alias_of=None)
    service.locations.add(tienen)
    publish(service)
    rebuild_all()
    return bigger_network


def test_a_service_at_two_locations_counts_once(client, two_locations):
    answer = client.get("/api/v1/services", {"q": "trauma"}).json()
    assert answer["count"] == 1
    assert [r["name"] for r in answer["results"]] == ["Traumazorg voor vluchtelingen"]
    assert answer["facets"]["need"]["mental-health"] == 1
    assert answer["facets"]["wheelchair"]["true"] == 1  # one of its locations
    # Either place finds it: where a service works belongs to the service.
    assert names(client.get("/api/v1/services", {"q": "trauma Tienen"})) == [
        "Traumazorg voor vluchtelingen"
    ]
    wheelchair = client.get("/api/v1/services", {"wheelchair": "true", "near": "3000"}).json()
    assert [r["name"] for r in wheelchair["results"]] == ["Traumazorg voor vluchtelingen"]
    assert wheelchair["results"][0]["distance_km"] > 10  # the Tienen office, not Kessel-Lo
    assert wheelchair["facets"]["need"] == {"mental-health": 1}
    near_tienen = client.get("/api/v1/services", {"lat": "50.80", "lon": "4.94"}).json()
    trauma = next(r for r in near_tienen["results"] if r["name"].startswith("Trauma"))
    assert trauma["distance_km"] < 2  # the nearest of its locations
