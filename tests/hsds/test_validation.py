"""Every HSDS endpoint's answer, in every content locale, validates against the official HSDS
3.0 schemas (the OpenAPI document's response schemas and the compiled table schemas), with
the uuid, email, uri and date-time formats checked: 0 errors. On the HSDS test network (a
translation, a confidential shelter, eligibility, closures) and on the demo network."""

import pytest
from django.conf import settings

from hsds import schemas
from hsds import taxonomy as brug_taxonomy
from tests.browser.conftest import demo  # noqa: F401

pytestmark = pytest.mark.django_db

LOCALES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
# The spec's response schema of /service_at_locations/{id} is compiled/service.json (which
# requires a service's name and status); a service_at_location is validated against its own
# compiled schema instead.
DETAIL_SCHEMAS = {"service_at_locations": "compiled/service_at_location.json"}


def fetch(client, url: str, locale: str, **params):
    response = client.get(url, {"locale": locale, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Language"] == locale
    return response.json()


def assert_valid(validator, data, where: str):
    found = schemas.errors(validator, data)
    assert found == [], f"{where}: {len(found)} errors: {found[:10]}"


def check_list(client, path: str, items: str, locale: str, **params) -> list[dict]:
    """A list endpoint's answer: the OpenAPI response schema, the Page's counts and the
    rows' own schema; returns the rows (every page)."""
    rows, page = [], 1
    while True:
        data = fetch(client, f"/hsds{path}", locale, page=page, per_page=100, **params)
        assert_valid(schemas.response_validator(path), data, f"{path} {params} {locale}")
        assert_valid(schemas.page_validator(items), data, f"{path} {params} {locale} (Page)")
        assert data["size"] == len(data["contents"])
        rows += data["contents"]
        if data["last_page"]:
            break
        page += 1
    assert len(rows) == data["total_items"]
    return rows


def check_everything(client, locale: str, details: int | None = None) -> dict:
    """Every endpoint and variant, and the detail of every id (or of the first `details` of
    each list: the full lists hold every row nested already); returns the lists' sizes."""
    counts = {}
    root = fetch(client, "/hsds/", locale)
    assert_valid(schemas.response_validator("/"), root, "/")
    assert root["version"] == "3.0"

    services = check_list(client, "/services", "compiled/service_list.json", locale)
    check_list(client, "/services", "compiled/service.json", locale, full="true")
    check_list(client, "/services", "compiled/service_list.json", locale, minimal="true")
    for row in services[:details]:
        data = fetch(client, f"/hsds/services/{row['id']}", locale)
        assert_valid(schemas.response_validator("/services/{id}"), data, row["id"])
        assert_valid(schemas.validator("compiled/service.json"), data, row["id"])
    counts["services"] = len(services)

    organisations = check_list(client, "/organizations", "compiled/organization_list.json", locale)
    check_list(client, "/organizations", "compiled/organization.json", locale, full="true")
    check_list(
        client,
        "/organizations",
        "compiled/organization.json",
        locale,
        full="true",
        full_service="true",
    )
    for row in organisations[:details]:
        data = fetch(client, f"/hsds/organizations/{row['id']}", locale)
        assert_valid(schemas.response_validator("/organizations/{id}"), data, row["id"])
    counts["organizations"] = len(organisations)

    taxonomies = check_list(client, "/taxonomies", "taxonomy.json", locale)
    for row in taxonomies[:details]:
        data = fetch(client, f"/hsds/taxonomies/{row['id']}", locale)
        assert_valid(schemas.response_validator("/taxonomies/{id}"), data, row["id"])
    terms = check_list(client, "/taxonomy_terms", "taxonomy_term.json", locale)
    for row in terms[:details]:
        data = fetch(client, f"/hsds/taxonomy_terms/{row['id']}", locale)
        assert_valid(schemas.response_validator("/taxonomy_terms/{id}"), data, row["id"])
    counts["taxonomy_terms"] = len(terms)

    at_locations = check_list(
        client, "/service_at_locations", "compiled/service_at_location_list.json", locale
    )
    check_list(
        client,
        "/service_at_locations",
        "compiled/service_at_location.json",
        locale,
        full="true",
    )
    for row in at_locations[:details]:
        data = fetch(client, f"/hsds/service_at_locations/{row['id']}", locale)
        assert_valid(schemas.validator(DETAIL_SCHEMAS["service_at_locations"]), data, row["id"])
    counts["service_at_locations"] = len(at_locations)
    return counts


@pytest.mark.parametrize("locale", LOCALES)
def test_every_endpoint_validates_on_the_hsds_network(client, hsds_network, locale):
    counts = check_everything(client, locale)
    assert counts["services"] == 2
    assert counts["organizations"] == 1
    assert counts["service_at_locations"] == 2


# Every locale is validated on the network above; on the demo network (slow to serve whole)
# its original language and a right-to-left translation.
@pytest.mark.parametrize("locale", ["nl", "ar"])
def test_every_endpoint_validates_on_the_demo_network(client, demo, locale):  # noqa: F811
    counts = check_everything(client, locale, details=5)
    assert counts["services"] > 20
    assert counts["organizations"] == 14
    # The demo's partnerships are among what was validated (brug-partnerships attributes).
    partnerships = brug_taxonomy.BY_CODE[brug_taxonomy.PARTNERSHIPS].id
    organisations = fetch(client, "/hsds/organizations", locale, full="true", per_page=100)
    assert any(
        row["taxonomy_term"]["taxonomy_id"] == partnerships
        for organisation in organisations["contents"]
        for row in organisation["attributes"]
    )
