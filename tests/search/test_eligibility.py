"""'Eligible for' on both search backends: a coach describes the client once (status, age,
where they live, gender) and sees only services the client can use, with a count of what was
left out and why — in the API, on the search page and on the map."""

import pytest
from bs4 import BeautifulSoup

from directory.factories import (
    LocationPageFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from tests.conftest import index_entries, index_for_search
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

SERVICES = {
    "Leefloon": {
        "residence_statuses": ["recognised_refugee", "subsidiary_protection", "national"],
        "age_min": 18,
        "service_area": ["3000", "3001", "3010", "3012"],
    },
    "Medische hulp zonder papieren": {"residence_statuses": ["undocumented"]},
    "Jongerenbegeleiding": {"age_min": 16, "age_max": 25},
    "Vrouwenopvang": {"gender": "women"},
    "Open inloop": {},
    "Huiswerkklas Herent": {"age_min": 6, "age_max": 18, "service_area": ["3020"]},
}
REFUGEE_34_KESSEL_LO = {
    "eligible_status": "recognised_refugee",
    "eligible_age": "34",
    "eligible_municipality": "3010",
}


@layered("organisation_index", "housing", each_layer=index_entries, each_test=index_for_search)
def rules_network(organisation_index, housing):
    org = alias_everywhere(
        publish(OrganisationPageFactory(parent=organisation_index, slug="regels", title="Regels"))
    )
    place = alias_everywhere(publish(LocationPageFactory(parent=org, slug="plek")))
    for index, (title, rules) in enumerate(SERVICES.items()):
        service = ServicePageFactory(
            parent=org, title=title, slug=f"dienst-{index}", needs=[housing], **rules
        )
        service.locations.set([place])
        alias_everywhere(publish(service))
    return org


def names(answer) -> set[str]:
    return {result["name"] for result in answer["results"]}


def test_only_services_the_client_can_use_with_what_was_hidden_and_why(client, rules_network):
    answer = client.get("/api/v1/services", {"need": "housing", **REFUGEE_34_KESSEL_LO}).json()
    assert names(answer) == {"Leefloon", "Vrouwenopvang", "Open inloop"}
    assert answer["count"] == 3
    assert answer["hidden"] == {"total": 3, "status": 1, "age": 2, "area": 1, "gender": 0}
    leefloon = next(r for r in answer["results"] if r["name"] == "Leefloon")
    assert leefloon["eligibility"]["age_min"] == 18
    assert "3010" in leefloon["eligibility"]["service_area"]
    # Without a description, nothing is hidden.
    everyone = client.get("/api/v1/services", {"need": "housing"}).json()
    assert everyone["count"] == len(SERVICES) and everyone["hidden"] == {}


@pytest.mark.parametrize(
    ("client_params", "expected"),
    [
        (
            {"eligible_status": "undocumented"},
            {
                "Medische hulp zonder papieren",
                "Jongerenbegeleiding",
                "Vrouwenopvang",
                "Open inloop",
                "Huiswerkklas Herent",
            },
        ),
        (
            {"eligible_age": "10", "eligible_municipality": "Herent"},
            {
                "Medische hulp zonder papieren",
                "Vrouwenopvang",
                "Open inloop",
                "Huiswerkklas Herent",
            },
        ),
        (
            {"eligible_gender": "men", "eligible_age": "18", "eligible_municipality": "Louvain"},
            {"Leefloon", "Medische hulp zonder papieren", "Jongerenbegeleiding", "Open inloop"},
        ),
    ],
    ids=["undocumented", "child-in-herent", "young-man-in-leuven"],
)
def test_each_rule_on_both_backends(client, rules_network, client_params, expected):
    answer = client.get("/api/v1/services", {"need": "housing", **client_params}).json()
    assert names(answer) == expected
    assert answer["hidden"].get("total", 0) == len(SERVICES) - len(expected)


def test_the_search_page_keeps_the_client_and_says_what_was_hidden(client, rules_network):
    response = client.get("/en/search/", {"need": "housing", **REFUGEE_34_KESSEL_LO})
    page = BeautifulSoup(response.content.decode(), "html.parser")
    note = page.select_one(".eligible-note").get_text(" ", strip=True)
    assert note.startswith(
        "3 services are hidden because your client cannot use them: 1 not for this residence "
        "status, 2 not for this age, 1 outside the service area."
    )
    chips = [a.get_text(" ", strip=True) for a in page.select(".chips--active a")]
    assert any("Client: Recognised refugee" in chip for chip in chips)
    assert any("Client aged 34" in chip for chip in chips)
    assert page.select_one("#eligible-municipality")["value"] == "3010"
    # Links keep the client: the next page, a topic, another sort.
    sort_option = page.select_one("#eligible-status option[selected]")
    assert sort_option["value"] == "recognised_refugee"
    show_all = page.select_one(".eligible-note a")["href"]
    assert "eligible_" not in show_all and "need=housing" in show_all


def test_the_map_shows_only_what_the_client_can_use(client, rules_network):
    answer = client.get(
        "/api/v1/map", {"bbox": "4.5,50.7,4.9,51.0", "zoom": 8, **REFUGEE_34_KESSEL_LO}
    ).json()
    assert answer["services"] == 3


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"eligible_age": "200"}, "eligible_age", "less than or equal to 120"),
        ({"eligible_age": "-1"}, "eligible_age", "greater than or equal to 0"),
        ({"eligible_municipality": "Atlantis"}, "eligible_municipality", "We do not know"),
        ({"eligible_status": "martian"}, "eligible_status", "valid choice"),
        ({"eligible_gender": "x"}, "eligible_gender", "valid choice"),
    ],
)
def test_bad_client_descriptions_get_a_clear_error(client, rules_network, params, field, message):
    response = client.get("/api/v1/services", {**params, "lang": "en"})
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    page = client.get("/en/search/", params)
    assert page.status_code == 400
    assert message in page.content.decode()
