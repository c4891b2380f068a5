"""The HSDS API's behaviour: locales and fallbacks, search through the product's backend,
filters, pagination, and bad input (400) or unknown ids (404), never a 500."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from hsds import ids
from hsds import taxonomy as brug_taxonomy

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(data):
    return [row["name"] for row in data["contents"]]


def test_root_names_the_version_and_the_openapi_document(client, hsds_network):
    data = get(client, "/hsds/")
    assert data == {"version": "3.0", "openapi_url": "http://testserver/hsds/openapi.json"}
    document = get(client, "/hsds/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/hsds"}]
    assert "/services/{id}" in document["paths"]


def test_one_feed_per_locale_with_the_original_as_fallback(client, hsds_network):
    dutch = get(client, "/hsds/services", locale="nl")
    french = get(client, "/hsds/services", locale="fr")
    english = get(client, "/hsds/services", locale="en")
    assert sorted(names(dutch)) == ["Opvang voor vrouwen", "Woonbegeleiding"]
    # The housing service is translated into French; the refuge is not: its Dutch text shows.
    assert sorted(names(french)) == ["Accompagnement au logement", "Opvang voor vrouwen"]
    assert sorted(names(english)) == sorted(names(dutch))
    by_name = {row["name"]: row for row in french["contents"]}
    assert by_name["Accompagnement au logement"]["description"] == (
        "Aide pour trouver un logement abordable."
    )
    assert by_name["Accompagnement au logement"]["organization"]["name"] == "CPAS Louvain"
    # The directory's own labels come out in the feed's language.
    assert by_name["Accompagnement au logement"]["fees_description"] == "Gratuit"
    assert by_name["Accompagnement au logement"]["url"].startswith("http://testserver/fr/")


def test_accept_language_chooses_the_feed_and_locale_wins(client, hsds_network):
    response = client.get("/hsds/organizations", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,nl;q=0.5")
    assert response["Content-Language"] == "fr"
    assert names(response.json()) == ["CPAS Louvain"]
    response = client.get("/hsds/organizations?locale=nl", HTTP_ACCEPT_LANGUAGE="fr")
    assert names(response.json()) == ["OCMW Leuven"]
    # An interface-only language has no content of its own: the default feed answers.
    response = client.get("/hsds/organizations", HTTP_ACCEPT_LANGUAGE="uk")
    assert response["Content-Language"] == "nl"


def test_languages_are_rows_with_codes(client, hsds_network):
    service = hsds_network["service"]
    data = get(client, f"/hsds/services/{service.translation_key}", locale="en")
    assert [(row["code"], row["name"]) for row in data["languages"]] == [("prs", "Dari")]
    assert data["languages"][0]["id"] == ids.child_id(
        str(service.translation_key), "language", "prs"
    )


def test_service_detail_carries_eligibility_capacity_and_interpreter_as_attributes(
    client, hsds_network
):
    refuge = hsds_network["refuge"]
    data = get(client, f"/hsds/services/{refuge.translation_key}", locale="en")
    values = {(row["taxonomy_term"]["code"], row.get("value", "")) for row in data["attributes"]}
    assert {
        ("housing", ""),
        ("residence-status", "recognised_refugee"),
        ("residence-status", "asylum_seeker"),
        ("gender", "women"),
        ("capacity", "closed"),
        ("interpreter", "false"),
        ("access", "phone"),
        ("cost", "conditions"),
        ("keyword", "opvang"),
    } <= values
    assert data["minimum_age"] == 18
    assert [area["extent"] for area in data["service_areas"]] == ["3000", "3010"]
    assert [doc["document"] for doc in data["required_documents"]] == ["Identity card or passport"]
    assert data["phones"][0]["number"] == "+3216998877"  # E.164
    assert data["contacts"][0]["email"] == "opvang@ocmw.example.org"
    housing = get(client, f"/hsds/services/{hsds_network['service'].translation_key}")
    codes = {(row["taxonomy_term"]["code"], row.get("value")) for row in housing["attributes"]}
    assert {("waiting-weeks", "6"), ("capacity", "waiting_list"), ("interpreter", "true")} <= codes


def test_the_brug_taxonomies_are_published(client, hsds_network):
    data = get(client, "/hsds/taxonomies")
    assert names(data) == [
        "Brug needs",
        "Brug target groups",
        "Brug attributes",
        "Brug partnerships",
    ]
    attributes = brug_taxonomy.BY_CODE[brug_taxonomy.ATTRIBUTES].id
    terms = get(client, "/hsds/taxonomy_terms", taxonomy_id=attributes, per_page=100)
    codes = [row["code"] for row in terms["contents"]]
    assert {"residence-status", "capacity", "waiting-weeks", "interpreter"} <= set(codes)
    needs = get(client, "/hsds/taxonomy_terms", locale="fr", top_only="true", per_page=100)
    housing = next(row for row in needs["contents"] if row["code"] == "housing")
    assert (housing["name"], housing["language"]) == ("Logement", "fr")
    children = get(client, "/hsds/taxonomy_terms", parent_id=housing["id"])
    assert [row["code"] for row in children["contents"]] == ["social-housing"]
    # A need without a French label names itself in Dutch, and says so.
    assert (children["contents"][0]["name"], children["contents"][0]["language"]) == (
        "Sociale woning",
        "nl",
    )


def test_taxonomy_term_filter_follows_the_needs_tree(client, hsds_network):
    housing = ids.term_id(brug_taxonomy.NEEDS, "housing")
    social = ids.term_id(brug_taxonomy.NEEDS, "social-housing")
    assert sorted(names(get(client, "/hsds/services", taxonomy_term_id=housing))) == [
        "Opvang voor vrouwen",
        "Woonbegeleiding",
    ]
    assert names(get(client, "/hsds/services", taxonomy_term_id=social)) == ["Woonbegeleiding"]
    refugees = ids.term_id(brug_taxonomy.TARGET_GROUPS, "recognised-refugee")
    assert names(get(client, "/hsds/services", taxonomy_term_id=refugees)) == ["Woonbegeleiding"]
    gender = ids.term_id(brug_taxonomy.ATTRIBUTES, "gender")
    assert names(get(client, "/hsds/services", taxonomy_term_id=gender)) == ["Opvang voor vrouwen"]


def test_organization_and_modified_after_filters(client, hsds_network):
    org = hsds_network["organisation"]
    assert len(get(client, "/hsds/services", organization_id=org.translation_key)["contents"]) == 2
    assert get(client, "/hsds/services", organization_id=uuid.uuid4())["total_items"] == 0
    future = (timezone.now() + timedelta(days=1)).isoformat()
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert get(client, "/hsds/services", modified_after=future)["total_items"] == 0
    assert get(client, "/hsds/services", modified_after=past)["total_items"] == 2


def test_pagination(client, hsds_network):
    first = get(client, "/hsds/services", per_page=1)
    second = get(client, "/hsds/services", per_page=1, page=2)
    beyond = get(client, "/hsds/services", per_page=1, page=3)
    assert (first["total_items"], first["total_pages"], first["size"]) == (2, 2, 1)
    assert (first["first_page"], first["last_page"]) == (True, False)
    assert (second["first_page"], second["last_page"]) == (False, True)
    assert names(first) != names(second)
    assert (beyond["contents"], beyond["empty"], beyond["last_page"]) == ([], False, True)


def test_minimal_gives_ids_and_changes(client, hsds_network):
    data = get(client, "/hsds/services", minimal="true")
    assert {tuple(sorted(row)) for row in data["contents"]} == {
        ("id", "last_modified", "name", "status")
    }


@pytest.mark.usefixtures("search_backend")
@pytest.mark.parametrize("words", ["logement", "housing", "سكن", "vrouwen", "CPAS"])
def test_search_matches_as_the_product_search_does(client, hsds_network, words):
    product = client.get("/api/v1/services", {"q": words, "page_size": 100}).json()
    hsds = get(client, "/hsds/services", search=words, per_page=100)
    assert [row["id"] for row in hsds["contents"]] == [r["id"] for r in product["results"]]
    assert hsds["total_items"] == product["count"] > 0


@pytest.mark.usefixtures("search_backend")
def test_search_combines_with_filters_and_finds_organisations(client, hsds_network):
    social = ids.term_id(brug_taxonomy.NEEDS, "social-housing")
    data = get(client, "/hsds/services", search="logement", taxonomy_term_id=social)
    assert names(data) == ["Woonbegeleiding"]
    assert names(get(client, "/hsds/organizations", search="vrouwen")) == ["OCMW Leuven"]
    assert get(client, "/hsds/organizations", search="zzzqqq")["total_items"] == 0


def test_service_at_locations_by_postcode_and_proximity(client, hsds_network):
    everything = get(client, "/hsds/service_at_locations")
    assert everything["total_items"] == 2
    # The refuge serves only 3000 and 3010: not someone living in 3001 (Heverlee).
    heverlee = get(client, "/hsds/service_at_locations", postcode="3001")
    assert [row["service"]["name"] for row in heverlee["contents"]] == ["Woonbegeleiding"]
    # Within 1 km of Leuven's centre: the Sociaal Huis (50.88, 4.705), not Kessel-Lo's
    # centre, where the confidential shelter is counted.
    near = get(client, "/hsds/service_at_locations", postcode="3000", proximity="1000")
    assert [row["location"]["name"] for row in near["contents"]] == ["Sociaal Huis"]
    wide = get(client, "/hsds/service_at_locations", postcode="3000", proximity="20000")
    assert wide["total_items"] == 2


@pytest.mark.parametrize(
    "url, params, field",
    [
        ("/hsds/services", {"page": "0"}, "page"),
        ("/hsds/services", {"page": "abc"}, "page"),
        ("/hsds/services", {"per_page": "1000"}, "per_page"),
        ("/hsds/services", {"taxonomy_term_id": "housing"}, "taxonomy_term_id"),
        ("/hsds/services", {"taxonomy_term_id": str(uuid.uuid4())}, "taxonomy_term_id"),
        ("/hsds/services", {"taxonomy_id": str(uuid.uuid4())}, "taxonomy_id"),
        ("/hsds/services", {"organization_id": "12"}, "organization_id"),
        ("/hsds/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/hsds/services", {"minimal": "maybe"}, "minimal"),
        ("/hsds/services", {"search": "x" * 201}, "search"),
        ("/hsds/services", {"locale": "xx"}, "locale"),
        ("/hsds/services", {"format": "ndjson"}, "format"),
        ("/hsds/service_at_locations", {"proximity": "100"}, "proximity"),
        ("/hsds/service_at_locations", {"postcode": "0000"}, "postcode"),
        ("/hsds/service_at_locations", {"postcode": "3000", "proximity": "-5"}, "proximity"),
        ("/hsds/taxonomy_terms", {"parent_id": "nope"}, "parent_id"),
    ],
)
def test_bad_parameters_are_400_with_a_clear_error(client, hsds_network, url, params, field):
    data = get(client, url, status=400, **params)
    assert list(data["errors"]) == [field]
    assert all(message for message in data["errors"][field])


def test_errors_speak_the_feeds_language(client, hsds_network):
    data = get(client, "/hsds/services", status=400, page="abc", locale="fr")
    assert data["errors"]["page"] == ["Saisissez un nombre entier."]


@pytest.mark.parametrize(
    "path", ["services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"]
)
@pytest.mark.parametrize("value", [str(uuid.uuid4()), "not-a-uuid", "99999999999999999999"])
def test_unknown_ids_are_404(client, hsds_network, path, value):
    data = get(client, f"/hsds/{path}/{value}", status=404)
    assert list(data["errors"]) == ["id"]


def test_only_live_listings(client, hsds_network):
    refuge = hsds_network["refuge"]
    refuge.unpublish()
    assert names(get(client, "/hsds/services")) == ["Woonbegeleiding"]
    get(client, f"/hsds/services/{refuge.translation_key}", status=404)
    assert get(client, "/hsds/service_at_locations")["total_items"] == 1


def test_only_get(client, hsds_network):
    assert client.post("/hsds/services").status_code == 405


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["/hsds/", "/hsds/openapi.json", "/hsds/services/x"])
def test_other_methods_are_405_in_json_even_without_csrf_token(method, path, hsds_network):
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405  # not CSRF's 403 before the view
    assert response["Allow"] == "GET, HEAD"
    assert list(response.json()["errors"]) == ["method"]


@pytest.mark.parametrize("name", ["page", "per_page", "minimal", "full", "top_only"])
def test_a_typed_parameter_without_a_value_is_400(client, hsds_network, name):
    path = "/hsds/taxonomy_terms" if name == "top_only" else "/hsds/services"
    assert list(get(client, f"{path}?{name}=", status=400)["errors"]) == [name]


ODD_VALUES = [
    "",
    " ",
    "\u200c",
    "٣٠٠٠",
    "<script>alert(1)</script>",
    "🏠" * 50,
    "%00",
    "-1",
    "1e309",
]
ODD_PARAMETERS = [
    "search",
    "page",
    "per_page",
    "locale",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
    "postcode",
    "proximity",
    "parent_id",
    "top_only",
]


@pytest.mark.parametrize(
    "path", ["services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"]
)
def test_odd_input_is_answered_never_a_500(client, hsds_network, path):
    for name in ODD_PARAMETERS:
        for value in ODD_VALUES:
            response = client.get(f"/hsds/{path}", {name: value})
            assert response.status_code in (200, 400), (name, value, response.content)
            body = response.json()
            assert ("contents" in body) if response.status_code == 200 else ("errors" in body)


def test_an_ended_project_is_published_as_inactive(client, hsds_network):
    from directory.models import ServicePage
    from directory.projects import ProjectState

    service = hsds_network["service"]
    key = str(service.translation_key)
    assert get(client, f"/hsds/services/{key}")["status"] == "active"
    ServicePage.objects.filter(translation_key=key).update(project_state=ProjectState.ENDED)
    assert get(client, f"/hsds/services/{key}")["status"] == "inactive"
    listed = {row["id"]: row["status"] for row in get(client, "/hsds/services")["contents"]}
    assert listed[key] == "inactive"
    minimal = get(client, "/hsds/services", minimal="true")["contents"]
    assert {row["id"]: row["status"] for row in minimal}[key] == "inactive"


def test_confirmed_partnerships_in_force_are_organisation_attributes(client, hsds_network):
    from directory.factories import OrganisationPageFactory, alias_everywhere, publish
    from directory.models import Partnership
    from hsds import schemas

    org = hsds_network["organisation"]
    partner = publish(
        OrganisationPageFactory(parent=org.get_parent(), title="CAW Oost-Brabant", slug="caw")
    )
    alias_everywhere(partner)
    now, yesterday = timezone.now(), timezone.localdate() - timedelta(days=1)
    for organisation, other, kind, fields in [
        (org, partner, "referral_agreement", {"confirmed_at": now}),
        (partner, org, "co_location", {"confirmed_at": now}),  # recorded from the other side
        (org, partner, "funding", {}),  # proposed, not confirmed
        (org, partner, "joint_project", {"confirmed_at": now, "ends_on": yesterday}),  # ended
    ]:
        Partnership.objects.create(organisation=organisation, partner=other, kind=kind, **fields)
    taxonomy_id = brug_taxonomy.BY_CODE[brug_taxonomy.PARTNERSHIPS].id
    org_id, partner_id = str(org.translation_key), str(partner.translation_key)

    for locale in ("nl", "fr"):
        for this, that in ((org_id, partner_id), (partner_id, org_id)):
            data = get(client, f"/hsds/organizations/{this}", locale=locale)
            assert schemas.errors(schemas.validator("compiled/organization.json"), data) == []
            rows = [
                row
                for row in data["attributes"]
                if row["taxonomy_term"]["taxonomy_id"] == taxonomy_id
            ]
            assert sorted((row["taxonomy_term"]["code"], row["value"]) for row in rows) == [
                ("co_location", that),
                ("referral_agreement", that),
            ]
            assert {(row["link_id"], row["link_entity"]) for row in rows} == {
                (this, "organization")
            }

    taxonomies = get(client, "/hsds/taxonomies")["contents"]
    assert "Brug partnerships" in {row["name"] for row in taxonomies if row["id"] == taxonomy_id}
    terms = get(client, "/hsds/taxonomy_terms", taxonomy_id=taxonomy_id)["contents"]
    assert sorted(row["code"] for row in terms) == [
        "co_location",
        "funding",
        "joint_project",
        "referral_agreement",
    ]
