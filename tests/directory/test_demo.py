"""The demo network: big and varied enough, consistent, and idempotent to load."""

from collections import Counter

import pytest
from django.core.management import call_command

from directory.demo.loader import _read, organisation_records
from directory.models import Need, OrganisationPage, ServicePage


def test_demo_data_is_a_realistic_network():
    organisations = organisation_records()
    services = [s for org in organisations for s in org["services"]]
    assert len(organisations) >= 40
    assert len(services) >= 120
    needs = _read("needs.json")
    parent_of = {c["slug"]: n["slug"] for n in needs for c in n.get("children", [])}
    parent_of.update({n["slug"]: n["slug"] for n in needs})
    covered = Counter(parent_of[slug] for s in services for slug in set(s["needs"]))
    assert set(covered) == {n["slug"] for n in needs}, "every need has services"
    for need in needs:
        assert set(need["labels"]) >= {"nl", "fr", "en", "ar"}
    translated = [s for s in services if s.get("translations")]
    assert 0.15 < len(translated) / len(services) < 0.6
    for org in organisations:
        own_locations = {loc["slug"] for loc in org["locations"]}
        for service in org["services"]:
            assert service["locations"] and set(service["locations"]) <= own_locations
            assert len(service["summary"]) <= 200
        assert "example.org" in org.get("website", "example.org")


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_marks_the_site_as_demo(client):
    call_command("load_demo", limit=2)
    organisations = OrganisationPage.objects.filter(locale__language_code="nl").count()
    services = ServicePage.objects.count()
    needs = Need.objects.count()
    assert organisations == 2 and services > 0
    call_command("load_demo", limit=2)
    assert OrganisationPage.objects.filter(locale__language_code="nl").count() == organisations
    assert ServicePage.objects.count() == services
    assert Need.objects.count() == needs
    # Every service exists in every language (translation or alias).
    assert services % 4 == 0
    html = client.get("/nl/").content.decode()
    assert 'class="demo-notice"' in html


@pytest.mark.django_db
def test_load_demo_if_empty_leaves_an_existing_directory_alone():
    call_command("load_demo", limit=1)
    call_command("load_demo", if_empty=True)
    assert OrganisationPage.objects.filter(locale__language_code="nl").count() == 1


@pytest.mark.django_db
def test_setup_site_is_idempotent(client):
    call_command("setup_site")
    call_command("setup_site")
    from wagtail.models import Site

    from website.models import HomePage

    assert HomePage.objects.count() == 4
    assert Site.objects.count() == 1
    for language in ["nl", "fr", "en", "ar"]:
        assert client.get(f"/{language}/").status_code == 200


def test_demo_data_shows_the_directorys_depth():
    organisations = organisation_records()
    locations = [loc for org in organisations for loc in org["locations"]]
    services = [s for org in organisations for s in org["services"]]
    confidential = [loc for loc in locations if loc.get("confidential")]
    assert confidential
    assert all(
        loc.get("front_door_phone") or loc.get("front_door_location") for loc in confidential
    )
    assert sum(1 for loc in locations if loc.get("closures")) >= 3
    assert any(loc.get("open_on_public_holidays") for loc in locations)
    rules = ("residence_statuses", "age_min", "age_max", "gender", "service_area")
    assert sum(1 for s in services if any(s.get(rule) for rule in rules)) >= 40
    assert sum(1 for s in services if s.get("documents")) >= 30
    assert sum(1 for s in services if len(s.get("feedback", [])) >= 5) >= 2


@pytest.mark.django_db
def test_imported_listings_are_compared_with_the_directory(home, monkeypatch):
    from directory.demo import loader
    from directory.models import DuplicateCandidate

    records = {record["slug"]: record for record in organisation_records()}
    pair = [records["huis-van-het-nederlands-leuven"], records["maison-du-neerlandais-louvain"]]
    monkeypatch.setattr(loader, "organisation_records", lambda: pair)
    call_command("load_demo")
    flags = DuplicateCandidate.objects.filter(found_by="import", kind="organisation")
    assert [(f.page.title, f.other.title) for f in flags] == [
        ("Maison du néerlandais Louvain", "Huis van het Nederlands Leuven")
    ]
    assert set(flags.get().reasons) == {"phone", "email", "name"}
