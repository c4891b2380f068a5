"""Structured eligibility in the admin and on the service page: statuses, an age range, a
gender, a service area typed as postcodes or municipalities, documents to bring with
pictograms; bad input (an age range 40–18, an unknown place) saves nothing."""

import pytest
from bs4 import BeautifulSoup

from directory.eligibility import Client, failing, parse_service_area
from directory.factories import ServicePageFactory, alias_everywhere, publish
from directory.models import ServicePage
from tests.directory import test_admin
from tests.directory.test_admin import add_url, service_data, shown

pytestmark = pytest.mark.django_db
curator_client = test_admin.curator_client  # the admin fixture of that module


def test_a_municipality_brings_its_postcodes_and_unknown_places_are_named():
    assert parse_service_area("Leuven") == ["3000", "3001", "3010", "3012"]
    assert parse_service_area("3010 Kessel-Lo, Herent; 3000") == ["3000", "3010", "3020"]
    assert parse_service_area("") == []
    with pytest.raises(Exception, match="Atlantis"):
        parse_service_area("3000, Atlantis")


def test_an_empty_rule_excludes_no_one():
    nothing = {"statuses": [], "age_min": None, "age_max": None, "gender": None, "service_area": []}
    anyone = Client("undocumented", 0, frozenset({"9999"}), "men")
    assert failing(nothing, anyone) == []
    assert failing({**nothing, "age_min": 0, "age_max": 0}, anyone) == []  # a baby service
    assert failing({**nothing, "age_max": 17}, Client(age=18)) == ["age"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"age_min": "40", "age_max": "18"}, "age_max", "below the lowest age"),
        ({"age_min": "121"}, "age_min", "from 0 to 120"),
        ({"service_area": "3000, Atlantis"}, "service_area", "We do not know “Atlantis”"),
        ({"gender": "other"}, "gender", "Select a valid choice"),
    ],
)
def test_bad_eligibility_is_refused_and_nothing_saved(
    curator_client, organisation, housing, overrides, field, message
):
    response = curator_client.post(
        add_url("servicepage", organisation), service_data([housing], **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in shown(response)
    assert not ServicePage.objects.exists()


def test_eligibility_is_saved_from_the_admin(curator_client, organisation, housing):
    data = service_data([housing], age_min="18", age_max="25", service_area="Leuven, 3020")
    data["residence_statuses"] = ["recognised_refugee", "asylum_seeker"]
    data["documents_to_bring"] = ["residence_card", "proof_of_address"]
    response = curator_client.post(add_url("servicepage", organisation), data)
    assert response.status_code == 302, response.context["form"].errors
    service = ServicePage.objects.get(slug="buddy-voor-een-jaar", alias_of__isnull=True)
    assert service.residence_statuses == ["recognised_refugee", "asylum_seeker"]
    assert service.service_area == ["3000", "3001", "3010", "3012", "3020"]
    assert (service.age_min, service.age_max) == (18, 25)
    edit = curator_client.get(f"/admin/pages/{service.pk}/edit/")
    assert "3010 Kessel-Lo" in shown(edit)  # the area is shown back as postcodes with names


def test_the_service_page_says_who_can_use_it_and_what_to_bring(client, network):
    service = network["service"]
    service.residence_statuses = ["recognised_refugee", "subsidiary_protection"]
    service.age_min, service.age_max = 18, None
    service.gender = "women"
    service.service_area = ["3000", "3010"]
    service.documents_to_bring = ["residence_card", "income_proof"]
    publish(service)
    page = BeautifulSoup(
        client.get("/en/organisations/ocmw-leuven/woonbegeleiding/").content.decode(),
        "html.parser",
    )
    who = page.select_one(".eligibility").get_text(" ", strip=True)
    for expected in (
        "Recognised refugee, Subsidiary protection",
        "18 years or older",
        "Women and girls",
        "3000 Leuven, 3010 Kessel-Lo",
    ):
        assert expected in who
    documents = page.select(".documents li")
    assert [li.get_text(strip=True) for li in documents] == [
        "Residence card",
        "Proof of income (pay slips, benefits)",
    ]
    assert documents[0].img["src"].endswith("/directory/documents/residence_card.svg")
    assert documents[0].img["alt"] == ""  # the label says it; the picture helps


def test_a_service_without_rules_is_for_everyone(client, organisation_index, housing):
    from directory.factories import OrganisationPageFactory

    org = alias_everywhere(publish(OrganisationPageFactory(parent=organisation_index, slug="o")))
    alias_everywhere(publish(ServicePageFactory(parent=org, slug="s", needs=[housing])))
    page = client.get("/en/organisations/o/s/").content.decode()
    assert "Everyone" in page and 'class="eligibility"' not in page
