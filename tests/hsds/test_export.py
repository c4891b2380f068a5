"""manage.py hsds_export: the JSON package validates against the official schemas in every
locale, ids are stable across translations and across exports, confidential locations leak
nothing, and the tabular data package has one CSV per table."""

import csv
import json
import re
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command

from hsds import export, schemas
from tests.hsds.conftest import SHELTER_STREET

pytestmark = pytest.mark.django_db

LOCALES = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
DAY = date(2026, 12, 1)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def exported(tmp_path, locale: str, name: str = "hsds.json") -> dict:
    path = tmp_path / f"{locale}-{name}"
    call_command("hsds_export", str(path), locale=locale, date=DAY)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_package_validates_in_every_locale(tmp_path, hsds_network, locale):
    data = exported(tmp_path, locale)
    assert data["hsds_version"] == "3.0" and data["language"] == locale
    assert len(data["organizations"]) == 1 and len(data["services"]) == 2
    for name, rows in (
        ("compiled/organization.json", data["organizations"]),
        ("compiled/service.json", data["services"]),
        ("taxonomy.json", data["taxonomies"]),
        ("taxonomy_term.json", data["taxonomy_terms"]),
    ):
        for row in rows:
            assert schemas.errors(schemas.validator(name), row) == [], (name, row["id"])


def test_ids_are_the_same_in_every_locale_and_every_export(tmp_path, hsds_network):
    first = exported(tmp_path, "nl", "first.json")
    again = exported(tmp_path, "nl", "again.json")
    assert first == again
    ids = {locale: set(UUID.findall(json.dumps(exported(tmp_path, locale)))) for locale in LOCALES}
    assert ids["nl"] == ids["fr"] == ids["en"] == ids["ar"]
    # Pages keep their translation key: the French translation has the original's id.
    service = hsds_network["service"]
    assert str(service.translation_key) in ids["fr"]
    french = exported(tmp_path, "fr")
    housing = next(s for s in french["services"] if s["id"] == str(service.translation_key))
    assert housing["name"] == "Accompagnement au logement"


def test_child_ids_follow_their_natural_key(tmp_path, hsds_network):
    """A change to one row does not move the ids of the others."""
    before = exported(tmp_path, "nl", "before.json")
    shelter = hsds_network["shelter"]
    shelter.opening_hours.filter(weekday=2).update(opens="08:00")
    after = exported(tmp_path, "nl", "after.json")

    def schedules(data):
        org = data["organizations"][0]
        location = next(loc for loc in org["locations"] if loc["name"] == "Vluchthuis")
        return {row["id"]: row for row in location["schedules"]}

    old, new = schedules(before), schedules(after)
    # Wednesday now opens earlier: a row of its own, with a new id; Thursday's 09:00–12:00
    # row keeps its id (its hours, not its days, name it), and so does every other row.
    assert set(old) < set(new) and len(new) == len(old) + 1
    (added,) = set(new) - set(old)
    assert (new[added]["byday"], new[added]["opens_at"]) == ("WE", "08:00")


def test_a_confidential_location_gives_only_its_municipality(tmp_path, hsds_network, client):
    shelter = hsds_network["shelter"]
    texts = [json.dumps(exported(tmp_path, locale), ensure_ascii=False) for locale in LOCALES]
    for url in ("/hsds/service_at_locations?full=true", "/hsds/organizations?full=true"):
        for locale in LOCALES:
            texts.append(client.get(url, {"full": "true", "locale": locale}).content.decode())
    texts.append(client.get(f"/hsds/services/{hsds_network['refuge'].translation_key}").content)
    for text in map(str, texts):
        assert SHELTER_STREET not in text
    data = exported(tmp_path, "nl")
    row = next(
        loc
        for loc in data["organizations"][0]["locations"]
        if loc["id"] == str(shelter.translation_key)
    )
    assert row["addresses"] == []
    assert "latitude" not in row and "longitude" not in row
    assert {(a["taxonomy_term"]["code"], a["value"]) for a in row["attributes"]} >= {
        ("confidential-address", "Kessel-Lo")
    }
    assert [p["number"] for p in row["phones"]] == ["+3216112233"]
    assert [c["email"] for c in row["contacts"]] == ["voordeur@ocmw.example.org"]
    assert row["description"] == "Bel eerst: we halen je op aan het onthaal."


def test_a_public_location_has_its_address_and_point(tmp_path, hsds_network):
    data = exported(tmp_path, "nl")
    row = next(
        loc for loc in data["organizations"][0]["locations"] if loc["name"] == "Sociaal Huis"
    )
    assert row["latitude"] == 50.88 and row["longitude"] == 4.705
    assert [
        (a["address_1"], a["postal_code"], a["city"], a["state_province"], a["country"])
        for a in row["addresses"]
    ] == [("Diestsestraat 1", "3000", "Leuven", "BE-VBR", "BE")]


def test_opening_hours_become_schedules(tmp_path, hsds_network):
    data = exported(tmp_path, "en")
    by_name = {loc["name"]: loc for loc in data["organizations"][0]["locations"]}
    public = by_name["Sociaal Huis"]["schedules"]
    weekly = [(s["byday"], s["opens_at"], s["closes_at"]) for s in public if "freq" in s]
    assert weekly == [("MO", "09:00", "12:00"), ("MO", "13:30", "16:00")]
    # Closed on public holidays: the coming year's, as dated closures.
    holidays = [s for s in public if s.get("description", "").startswith("Closed: ")]
    assert ("2026-12-25", "Closed: Christmas Day") in [
        (s["valid_from"], s["description"]) for s in holidays
    ]
    shelter = by_name["Vluchthuis"]["schedules"]
    rows = {(s.get("byday"), s.get("valid_from")): s for s in shelter}
    night = rows["FR", None]
    assert (night["opens_at"], night["closes_at"], night["notes"]) == (
        "20:00",
        "08:00",
        "closes the next day",
    )
    assert rows["WE,TH", None]["opens_at"] == "09:00"
    closure = rows[None, "2026-12-24"]
    assert (closure["valid_to"], closure["description"]) == ("2027-01-02", "Closed: Kerstvakantie")
    assert "opens_at" not in closure
    summer = rows["TH", "2027-07-01"]
    assert (summer["valid_to"], summer["opens_at"], summer["closes_at"]) == (
        "2027-08-31",
        "14:00",
        "16:00",
    )
    assert (summer["description"], summer["attending_type"]) == (
        "Special hours: Zomer",
        "By appointment",
    )
    # Open on public holidays: no holiday closures.
    assert not [s for s in shelter if s.get("valid_from") == "2026-12-25"]


def test_the_datapackage_has_a_csv_per_table(tmp_path, hsds_network):
    folder = tmp_path / "package"
    call_command("hsds_export", str(folder), datapackage=True, date=DAY)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == list(export.TABLE_ORDER)
    with (folder / "services.csv").open(encoding="utf-8") as handle:
        services = list(csv.DictReader(handle))
    assert sorted(row["name"] for row in services) == ["Opvang voor vrouwen", "Woonbegeleiding"]
    with (folder / "addresses.csv").open(encoding="utf-8") as handle:
        addresses = list(csv.DictReader(handle))
    assert [row["address_1"] for row in addresses] == ["Diestsestraat 1"]
    with (folder / "attributes.csv").open(encoding="utf-8") as handle:
        attributes = list(csv.DictReader(handle))
    assert {"link_id", "taxonomy_term_id", "value"} <= set(attributes[0])
    for resource in descriptor["resources"]:
        assert (folder / resource["path"]).exists()
