"""'Eligible for' and pathways reserved for partners, on both search backends: a signed-in
coach who describes a client does not get services that take referrals only through other
organisations (counted as hidden, reason "pathway"); the partners' and the service's own
coaches get them; anyone else still finds them, with the organisations they go through. A
project's focus regions are words of its document and shown in the API."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from directory.factories import (
    LocationPageFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import Role
from directory.roles import add_member
from tests.conftest import index_entries, index_for_search
from tests.directory.conftest import make_user
from tests.layers import layered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

REFUGEE = {"need": "housing", "eligible_status": "recognised_refugee"}


def organisation(index, slug, title):
    return alias_everywhere(publish(OrganisationPageFactory(parent=index, slug=slug, title=title)))


def service(org, slug, title, need, **fields):
    place = alias_everywhere(publish(LocationPageFactory(parent=org, slug=f"{slug}-plek")))
    page = ServicePageFactory(
        parent=org, slug=slug, title=title, needs=[need], accepts_referrals=True, **fields
    )
    page.locations.set([place])
    return page


@layered("organisation_index", "housing", each_layer=index_entries, each_test=index_for_search)
def pathways_network(organisation_index, housing):
    """Caritas' guidance only through the OCMW; the CAW's housing help open to all; a
    housing project focusing on Gent and Liège; a coach of each organisation."""
    ocmw = organisation(organisation_index, "ocmw", "OCMW Leuven")
    caritas = organisation(organisation_index, "caritas", "Caritas Leuven")
    caw = organisation(organisation_index, "caw", "CAW Oost")
    guidance = service(caritas, "begeleiding", "Integrale begeleiding", housing)
    guidance.referral_partners.set([ocmw])
    alias_everywhere(publish(guidance))
    alias_everywhere(publish(service(caw, "woonhulp", "Woonhulp", housing)))
    alias_everywhere(
        publish(
            service(caw, "woonproject", "Woonproject", housing, focus_regions=["Gent", "Liège"])
        )
    )
    coaches = {}
    for name, org in (("ocmw", ocmw), ("caritas", caritas), ("caw", caw)):
        coaches[name] = make_user(f"{name}_coach")
        add_member(coaches[name], org, Role.COACH)
    return {"ocmw": ocmw, "coaches": coaches}


def signed_in(network, name) -> Client:
    client = Client()
    client.force_login(network["coaches"][name])
    return client


def names(answer) -> set[str]:
    return {result["name"] for result in answer["results"]}


ALL = {"Integrale begeleiding", "Woonhulp", "Woonproject"}


def test_a_coach_describing_a_client_gets_only_what_their_organisation_can_refer_to(
    pathways_network,
):
    answer = signed_in(pathways_network, "caw").get("/api/v1/services", REFUGEE).json()
    assert names(answer) == ALL - {"Integrale begeleiding"}
    assert answer["hidden"]["total"] == 1 and answer["hidden"]["pathway"] == 1
    # The partner's coach and the service's own organisation's coach get it.
    for name in ("ocmw", "caritas"):
        answer = signed_in(pathways_network, name).get("/api/v1/services", REFUGEE).json()
        assert names(answer) == ALL
        assert answer["hidden"] == {}


def test_without_a_client_or_signed_out_the_service_is_found_with_whom_it_goes_through(
    pathways_network,
):
    coach = signed_in(pathways_network, "caw").get("/api/v1/services", {"need": "housing"})
    visitor = Client().get("/api/v1/services", REFUGEE).json()
    assert names(coach.json()) == ALL and names(visitor) == ALL
    assert "pathway" not in visitor["hidden"]
    guidance = next(r for r in coach.json()["results"] if r["name"] == "Integrale begeleiding")
    assert guidance["referrable"] is False  # not for this coach's organisation
    ocmw = pathways_network["ocmw"]
    assert guidance["referral_from"] == [{"id": str(ocmw.translation_key), "name": "OCMW Leuven"}]


def test_the_search_page_says_why_it_was_hidden(pathways_network):
    response = signed_in(pathways_network, "caw").get("/en/search/", REFUGEE)
    page = BeautifulSoup(response.content.decode(), "html.parser")
    note = page.select_one(".eligible-note").get_text(" ", strip=True)
    assert "1 only through a referral from partner organisations" in note
    cards = " ".join(t.get_text() for t in page.select(".card__title"))
    assert "Integrale begeleiding" not in cards and "Woonhulp" in cards


def test_a_projects_focus_regions_are_found_by_name_and_shown(pathways_network):
    answer = Client().get("/api/v1/services", {"q": "Gent"}).json()
    assert names(answer) == {"Woonproject"}
    [project] = answer["results"]
    assert project["focus_regions"] == ["Gent", "Liège"]
    woonhulp = Client().get("/api/v1/services", {"q": "Woonhulp"}).json()["results"][0]
    assert woonhulp["focus_regions"] == [] and woonhulp["referral_from"] == []


def test_a_result_card_says_through_whom_and_offers_refer_only_where_open(pathways_network):
    def card(name):
        response = signed_in(pathways_network, name).get("/en/search/", {"need": "housing"})
        page = BeautifulSoup(response.content.decode(), "html.parser")
        return next(
            c for c in page.select(".service-card") if "Integrale begeleiding" in c.get_text()
        )

    outside = card("caw")
    assert "Only through a referral from: OCMW Leuven" in outside.get_text(" ", strip=True)
    assert outside.select_one(".card__refer") is None
    assert card("ocmw").select_one(".card__refer") is not None
