"""The specification's own example files (hsds/examples/, see its README) through
manage.py hsds_import: a dry run and a real import do not crash, report what Brug cannot
store by name, and what was imported, once approved, exports as valid HSDS."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from directory.models import LocationPage, OrganisationPage, ServicePage
from hsds import export, schemas

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "hsds" / "examples"
# Fields the examples fill that Brug has no place for: each must be named in the report.
NOT_STORED = {
    "organization_full.json": [
        "organization.alternate_name",
        "organization.additional_websites",
        "organization.tax_status",
        "organization.year_incorporated",
        "organization.legal_status",
        "organization.parent_organization_id",
        "organization.funding",
        "organization.programs",
        "location.url",
        "location.alternate_name",
        "location.transportation",
        "location.external_identifier",
        "service.alternate_name",
        "service.additional_urls",
        "service.fees",
        "service.accreditations",
        "service.licenses",
        "service.alert",
        "service.funding",
        "service.cost_options",
        "service.program",
        "service.metadata",
    ],
    "service_full.json": [
        "organization.funding",
        "organization.tax_status",
        "service.alert",
        "service.fees",
        "service.funding",
        "service.cost_options",
        "service.program",
    ],
}


@pytest.fixture
def curator(home):
    from directory.roles import ensure_roles

    ensure_roles()
    return get_user_model().objects.create_user("curator", password="x")


def hsds_import(path: Path, *options) -> str:
    out = StringIO()
    call_command("hsds_import", str(path), "--curator", "curator", *options, stdout=out)
    return out.getvalue()


def pages() -> tuple[int, int, int]:
    return tuple(model.objects.count() for model in (OrganisationPage, LocationPage, ServicePage))


@pytest.mark.parametrize("name", sorted(NOT_STORED))
def test_an_official_example_imports_and_reports_what_brug_cannot_store(
    name, tmp_path, home, organisation_index, housing, curator
):
    before = pages()
    dry = hsds_import(EXAMPLES / name, "--dry-run")
    assert "Dry run: would create 1," in dry
    assert pages() == before
    for field in NOT_STORED[name]:
        assert f"not stored: {field} (" in dry, (field, dry)
    # Refused, with the reason: a postal address only; a term no need stands for.
    assert "error: location MyCity Civic Center: addresses: a location needs a street" in dry
    assert "error: service Community Counselling: attributes: no taxonomy term maps" in dry
    assert "unmapped term: code (1)" in dry

    # With the example's term mapped to a need, its service is imported too.
    crosswalk = tmp_path / "crosswalk.json"
    crosswalk.write_text('{"code": "housing"}', encoding="utf-8")
    output = hsds_import(EXAMPLES / name, "--crosswalk", str(crosswalk))
    assert "created: organization Example Organization Inc." in output
    assert "created: service Community Counselling" in output, output
    assert OrganisationPage.objects.filter(title="Example Organization Inc.", live=False).exists()

    # Approved, what was imported exports as valid HSDS.
    for model in (OrganisationPage, LocationPage, ServicePage):
        for page in model.objects.filter(live=False):
            page.get_latest_revision().publish()
    package = export.package("en", today=date(2026, 12, 1))
    assert [row["name"] for row in package["organizations"]] == ["Example Organization Inc."]
    assert [row["name"] for row in package["services"]] == ["Community Counselling"]
    for row in package["organizations"]:
        assert schemas.errors(schemas.validator("compiled/organization.json"), row) == []
    for row in package["services"]:
        assert schemas.errors(schemas.validator("compiled/service.json"), row) == []

    assert "unchanged (already imported): organization" in hsds_import(EXAMPLES / name)


def test_the_official_csv_example_imports_and_reports_what_brug_cannot_store(
    home, organisation_index, curator
):
    """The spec's tabular example (its core tables): one organisation, one service, and a
    location and a service-at-location whose ids name records the example does not hold
    (its files disagree with each other): reported, not lost unseen."""
    before = pages()
    dry = hsds_import(EXAMPLES / "csv", "--dry-run")
    assert pages() == before
    for field in [
        "organization.tax_id",
        "organization.tax_status",
        "organization.year_incorporated",
        "organization.parent_organization_id",
        "service.alert",
        "service.fees",
        "service.licenses",
        "service.program_id",
    ]:
        assert f"not stored: {field} (1)" in dry, (field, dry)
    assert (
        "error: location MyCity Civic Center: organization_id: "
        "985e4a42-bd9f-4edc-911d-0243a4640aca: no such record in the package"
    ) in dry
    assert "error: service_at_location e94c9f38-1e8f-4564-91d4-d53501ab1765: service_id: " in dry

    # Its service has no taxonomy term (the example's attributes are not among its tables).
    assert "error: service Community Counselling: attributes: no taxonomy term maps" in dry

    output = hsds_import(EXAMPLES / "csv")
    assert "created: organization Example Organization Inc." in output
    for page in OrganisationPage.objects.filter(live=False):
        page.get_latest_revision().publish()
    package = export.package("en", today=date(2026, 12, 1))
    assert [row["name"] for row in package["organizations"]] == ["Example Organization Inc."]
    for row in package["organizations"]:
        assert schemas.errors(schemas.validator("compiled/organization.json"), row) == []
