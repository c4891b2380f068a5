"""manage.py hsds_import: draft pages under curator review, idempotent, no duplicates of
existing listings, taxonomy terms through the crosswalk (unmapped ones listed), schedules,
phones in E.164, a per-record report of errors and of the fields Brug does not store."""

import json
import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import WorkflowState

from directory.models import LocationPage, OrganisationPage, ServicePage
from directory.roles import ensure_roles
from hsds import export, importing

pytestmark = pytest.mark.django_db

OTHER_TAXONOMY = str(uuid.uuid4())


def outside_package(**service_changes) -> dict:
    """A directory elsewhere, as an HSDS 3.0 package of its own (its own taxonomy)."""
    org, location = str(uuid.uuid4()), str(uuid.uuid4())

    def service(name, phone, **changes):
        return {
            "id": str(uuid.uuid4()),
            "organization_id": org,
            "name": name,
            "status": "active",
            "description": "Taalcafé voor nieuwkomers.\n\nElke week.\nGratis.",
            "alert": "Closed in August",
            "phones": [{"id": str(uuid.uuid4()), "number": phone}],
            "languages": [{"id": str(uuid.uuid4()), "code": "uk", "name": "Українська"}],
            "service_at_locations": [{"id": str(uuid.uuid4()), "location_id": location}],
            "attributes": [
                {
                    "id": str(uuid.uuid4()),
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": {
                        "id": term_id,
                        "code": code,
                        "name": code,
                        "description": code,
                        "taxonomy_id": OTHER_TAXONOMY,
                    },
                }
                for term_id, code in ((str(uuid.uuid4()), "LX-8000"), (str(uuid.uuid4()), "YZ"))
            ],
            **changes,
        }

    return {
        "organizations": [
            {
                "id": org,
                "name": "Welkom vzw",
                "description": "Een vereniging voor nieuwkomers in Aarschot.",
                "tax_id": "X-1",
                "phones": [{"id": str(uuid.uuid4()), "number": "+32 16 56 00 00"}],
                "locations": [
                    {
                        "id": location,
                        "location_type": "physical",
                        "name": "Welkom huis",
                        "addresses": [
                            {
                                "id": str(uuid.uuid4()),
                                "address_1": "Statiestraat 12",
                                "city": "Aarschot",
                                "state_province": "BE-VBR",
                                "postal_code": "3200",
                                "country": "BE",
                                "address_type": "physical",
                            }
                        ],
                        "schedules": [
                            {
                                "id": str(uuid.uuid4()),
                                "freq": "WEEKLY",
                                "byday": "MO,TU",
                                "opens_at": "09:00",
                                "closes_at": "12:00",
                            },
                            {
                                "id": str(uuid.uuid4()),
                                "freq": "MONTHLY",
                                "byday": "1SA",
                                "opens_at": "10:00",
                                "closes_at": "12:00",
                                "description": "Eerste zaterdag van de maand 10–12 u",
                            },
                            {
                                "id": str(uuid.uuid4()),
                                "valid_from": "2027-08-01",
                                "valid_to": "2027-08-15",
                                "description": "Closed: zomer",
                            },
                        ],
                    }
                ],
            }
        ],
        "services": [
            service("Taalcafé", "+32 16 24 80 00", **service_changes),
            service("Kapotte telefoon", "0000000000"),
        ],
    }


@pytest.fixture
def curator(home):
    ensure_roles()
    return get_user_model().objects.create_user("curator", password="x")


def run(tmp_path, data, *args, crosswalk=None) -> str:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    options = ["--curator", "curator", *args]
    if crosswalk is not None:
        walk = tmp_path / "crosswalk.json"
        walk.write_text(json.dumps(crosswalk), encoding="utf-8")
        options += ["--crosswalk", str(walk)]
    out = StringIO()
    call_command("hsds_import", str(path), *options, stdout=out)
    return out.getvalue()


def test_an_outside_package_becomes_drafts_under_review(tmp_path, hsds_network, curator):
    data = outside_package()
    output = run(tmp_path, data, crosswalk={"LX-8000": "housing"})
    organisation = OrganisationPage.objects.get(title="Welkom vzw")
    assert str(organisation.translation_key) == data["organizations"][0]["id"]
    assert not organisation.live and organisation.phone == "+3216560000"
    location = LocationPage.objects.get(title="Welkom huis")
    assert (location.street, location.house_number, location.postcode) == (
        "Statiestraat",
        "12",
        "3200",
    )
    hours = [
        (h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in location.opening_hours.all()
    ]
    assert sorted(hours) == [(0, "09:00", "12:00"), (1, "09:00", "12:00")]
    assert "Eerste zaterdag" in location.hours_note  # MONTHLY: into the note
    closure = location.hours_exceptions.get()
    assert (closure.kind, str(closure.starts_on), closure.note) == ("closed", "2027-08-01", "zomer")
    service = ServicePage.objects.get(title="Taalcafé")
    assert not service.live
    assert service.contact_phone == "+3216248000"
    assert [n.slug for n in service.needs.all()] == ["housing"]
    assert [lang.code for lang in service.languages.all()] == ["uk"]
    assert list(service.locations.all()) == [location]
    assert service.summary == "Taalcafé voor nieuwkomers."
    assert WorkflowState.objects.filter(object_id=str(service.pk)).exists()
    # The bad record is refused with its reason; the others are imported.
    assert "error: service Kapotte telefoon: phones.number: 0000000000" in output
    assert not ServicePage.objects.filter(title="Kapotte telefoon").exists()
    assert "unmapped term: YZ" in output
    assert "not stored: organization.tax_id (1)" in output
    assert "not stored: service.alert (2)" in output


def test_importing_twice_changes_nothing(tmp_path, hsds_network, curator):
    data = outside_package()
    run(tmp_path, data, crosswalk={"LX-8000": "housing"})
    pages = OrganisationPage.objects.count(), ServicePage.objects.count()
    output = run(tmp_path, data, crosswalk={"LX-8000": "housing"})
    assert (OrganisationPage.objects.count(), ServicePage.objects.count()) == pages
    assert "created:" not in output
    assert "unchanged (already imported): organization Welkom vzw" in output
    assert "unchanged (already imported): service Taalcafé" in output


def test_the_directory_itself_is_already_there(tmp_path, hsds_network, curator):
    """Its own export, imported back, changes nothing: every id is a page already."""
    data = export.package("nl")
    pages = OrganisationPage.objects.count(), ServicePage.objects.count()
    report = importing.import_package(data, curator)
    assert report.created == [] and report.problems == []
    assert (OrganisationPage.objects.count(), ServicePage.objects.count()) == pages


def test_an_existing_organisation_is_never_duplicated(tmp_path, hsds_network, curator):
    """The same organisation under other ids (another directory's copy) is matched by the
    directory's duplicate rules."""
    data = export.package("nl")
    text = json.dumps(data)
    for key in {str(p.translation_key) for p in OrganisationPage.objects.all()} | {
        str(p.translation_key) for p in ServicePage.objects.all()
    }:
        text = text.replace(key, str(uuid.uuid4()))
    pages = OrganisationPage.objects.count(), ServicePage.objects.count()
    report = importing.import_package(json.loads(text), curator)
    assert (OrganisationPage.objects.count(), ServicePage.objects.count()) == pages
    assert report.created == []
    assert any(line.startswith("organization OCMW Leuven = OCMW Leuven") for line in report.matched)


def test_a_dry_run_writes_nothing(tmp_path, hsds_network, curator):
    pages = OrganisationPage.objects.count(), ServicePage.objects.count()
    output = run(tmp_path, outside_package(), "--dry-run", crosswalk={"LX-8000": "housing"})
    assert "created: organization Welkom vzw" in output
    assert "Dry run: would create" in output
    assert (OrganisationPage.objects.count(), ServicePage.objects.count()) == pages


def test_partnership_attributes_are_reported_not_stored(tmp_path, hsds_network, curator):
    from hsds import mapping
    from hsds import taxonomy as brug_taxonomy

    data = outside_package()
    record = data["organizations"][0]
    term = brug_taxonomy.partnership_term("funding")
    record["attributes"] = [*(record.get("attributes") or [])]
    record["attributes"].append(
        mapping.attribute(
            record["id"], "organization", term, str(hsds_network["organisation"].translation_key)
        )
    )
    output = run(tmp_path, data, "--dry-run", crosswalk={"LX-8000": "housing"})
    assert "created: organization Welkom vzw" in output
    assert "not stored: organization.attributes (brug-partnerships) (1)" in output


def test_a_record_that_breaks_the_schema_is_reported(tmp_path, hsds_network, curator):
    data = outside_package()
    data["services"][0]["status"] = "maybe"
    data["organizations"][0]["locations"][0]["addresses"][0]["postal_code"] = "ABCD"
    output = run(tmp_path, data, crosswalk={"LX-8000": "housing"})
    assert "error: service Taalcafé: status: 'maybe' is not one of" in output
    assert "error: location Welkom huis: postcode: " in output  # the directory's own rule
    assert OrganisationPage.objects.filter(title="Welkom vzw").exists()


def test_export_import_into_an_empty_directory_and_export_again(tmp_path, network, curator):
    """The shared network (an organisation, a location with hours, a housing service with a
    target group, a language, a waiting list and an interpreter): exported, every listing
    deleted, imported into drafts, approved, exported again — the same JSON, but for each
    service's last_modified (the moment it was published here)."""
    from datetime import date

    from wagtail.models import Page

    day = date(2026, 12, 1)
    before = export.package("nl", today=day)
    for page in OrganisationPage.objects.order_by("-depth"):
        if Page.objects.filter(pk=page.pk).exists():
            page.delete()
    assert not ServicePage.objects.exists()
    report = importing.import_package(before, curator)
    assert report.problems == [] and len(report.created) == 3
    for model in (OrganisationPage, LocationPage, ServicePage):
        for page in model.objects.filter(live=False):
            page.get_latest_revision().publish()
    after = export.package("nl", today=day)

    def without_moments(data):
        text = json.dumps(data, sort_keys=True)
        for service in data["services"]:
            text = text.replace(service["last_modified"], "(published)")
        return json.loads(text)

    assert without_moments(after) == without_moments(before)


def test_the_tabular_data_package_imports_as_the_json_one(tmp_path, network, curator):
    """The same round trip through the CSV data package."""
    from datetime import date

    from wagtail.models import Page

    day = date(2026, 12, 1)
    before = export.package("nl", today=day)
    export.write_datapackage(before, tmp_path / "package")
    for page in OrganisationPage.objects.order_by("-depth"):
        if Page.objects.filter(pk=page.pk).exists():
            page.delete()
    out = StringIO()
    call_command("hsds_import", str(tmp_path / "package"), "--curator", "curator", stdout=out)
    assert "errors 0." in out.getvalue() and "error:" not in out.getvalue(), out.getvalue()
    for model in (OrganisationPage, LocationPage, ServicePage):
        for page in model.objects.filter(live=False):
            page.get_latest_revision().publish()
    after = export.package("nl", today=day)
    for data in (before, after):
        for service in data["services"]:
            service.pop("last_modified")
    assert after == before


def test_a_record_shaped_as_the_specs_organization_full(tmp_path, hsds_network, curator):
    """Nested services, a term described by its taxonomy_detail, only a postal address, a
    foreign country and a point off the globe: what can be stored is, the rest is reported."""
    org = str(uuid.uuid4())
    term = {
        "id": str(uuid.uuid4()),
        "code": "BD-1800",
        "name": "Housing",
        "description": "Housing",
        "taxonomy_detail": {"id": OTHER_TAXONOMY, "name": "Other", "description": "Other"},
    }
    record = {
        "id": org,
        "name": "Example Organisation",
        "description": "Helps people.",
        "year_incorporated": 2011,
        "locations": [
            {
                "id": str(uuid.uuid4()),
                "location_type": "physical",
                "name": "Civic Center",
                "latitude": 100,
                "longitude": 101,
                "addresses": [
                    {
                        "id": str(uuid.uuid4()),
                        "address_1": "1-30 Main Street",
                        "city": "MyCity",
                        "state_province": "MyState",
                        "postal_code": "ABC 1234",
                        "country": "US",
                        "address_type": "postal",
                    }
                ],
            }
        ],
        "services": [
            {
                "id": str(uuid.uuid4()),
                "name": "Community Counselling",
                "status": "active",
                "phones": [{"id": str(uuid.uuid4()), "number": "+44 20 7946 0018"}],
                "cost_options": [{"id": str(uuid.uuid4()), "amount": 35}],
                "attributes": [
                    {"id": str(uuid.uuid4()), "taxonomy_term_id": term["id"], "taxonomy_term": term}
                ],
            }
        ],
    }
    output = run(tmp_path, {"organizations": [record]}, crosswalk={"BD-1800": "housing"})
    assert "created: organization Example Organisation" in output
    assert "error: location Civic Center: addresses: a location needs a street address" in output
    assert "created: service Community Counselling" in output
    service = ServicePage.objects.get(title="Community Counselling")
    assert service.contact_phone == "+442079460018"  # a British number stays British
    assert [n.slug for n in service.needs.all()] == ["housing"]
    assert "not stored: organization.year_incorporated (1)" in output
    assert "not stored: service.cost_options (1)" in output


def test_the_curators_crosswalk_maps_terms_and_lists_the_unmapped(tmp_path, hsds_network, curator):
    from directory.models import Need
    from hsds.models import TermCrosswalk

    TermCrosswalk.objects.create(term="LX-8000", need=Need.objects.get(slug="social-housing"))
    run(tmp_path, outside_package())
    service = ServicePage.objects.get(title="Taalcafé")
    assert [n.slug for n in service.needs.all()] == ["social-housing"]
    # The term nothing maps is now in the crosswalk, waiting for a curator to give it a need.
    assert TermCrosswalk.objects.get(term="YZ").need is None


def test_curators_edit_the_crosswalk_in_the_admin(client, home, curator):
    from django.contrib.auth.models import Group

    from directory.roles import CURATORS

    url = "/admin/snippets/hsds/termcrosswalk/"
    client.force_login(curator)
    assert client.get(url).status_code in (302, 403)  # not a curator yet
    curator.groups.add(Group.objects.get(name=CURATORS))
    response = client.get(url)
    assert response.status_code == 200
    assert client.get(url + "add/").status_code == 200
