"""Duplicates: flagged when a listing is created in the admin or imported (same enterprise
number, phone or e-mail, or a similar name in the same municipality — 'OCMW Leuven' is 'CPAS
Louvain'), compared side by side, and merged keeping history: services and locations move in
every locale, old URLs redirect, the old listing stays unpublished with its history, and the
referrals app is told through a signal."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.dispatch import receiver
from wagtail.models import PageLogEntry

from directory import merging
from directory.duplicates import find_duplicates, name_similarity
from directory.factories import (
    LocationPageFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import (
    CorrectionSuggestion,
    DuplicateCandidate,
    DuplicateStatus,
    OrganisationIndexPage,
    OrganisationPage,
    ServiceFeedback,
    ServicePage,
)
from directory.roles import add_member
from directory.signals import organisation_merged, service_merged
from tests.directory import test_admin
from tests.directory.conftest import make_user
from tests.directory.test_admin import add_url, organisation_data
from tests.directory.test_permission_matrix import refused
from tests.layers import layered

pytestmark = pytest.mark.django_db
curator_client = test_admin.curator_client  # the admin fixture of that module


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("OCMW Leuven", "CPAS Louvain", True),
        ("Huis van het Nederlands Leuven", "Maison du néerlandais Louvain", True),
        ("Buddywerking Leuven vzw", "Buddy werking Leuven", True),
        ("OCMW Leuven", "OCMW Beersel", False),
        ("LOI Leuven", "LOI Herent", False),
        ("CAW Oost-Brabant", "CGG Vlaams-Brabant Oost", False),
    ],
)
def test_names_are_compared_across_languages(first, second, alike):
    assert (name_similarity(first, second) >= 0.8) is alike


def organisation(index, title, slug, municipality="Leuven", postcode="3000", **fields):
    org = alias_everywhere(publish(OrganisationPageFactory(
        parent=index, title=title, slug=slug, phone=fields.pop("phone", ""), **fields
    )))  # fmt: skip
    location = LocationPageFactory(
        parent=org, slug=f"{slug}-huis", title=f"{title} huis",
        municipality=municipality, postcode=postcode,
    )  # fmt: skip
    alias_everywhere(publish(location))
    return org, location


@layered("organisation_index", "housing")
def ocmw(organisation_index, housing):
    org, location = organisation(
        organisation_index, "OCMW Leuven", "ocmw-leuven", phone="016 24 80 00",
        enterprise_number="0212.239.067", email="info@ocmw-leuven.example.org",
    )  # fmt: skip
    service = ServicePageFactory(
        parent=org, title="Leefloon", slug="leefloon", needs=[housing],
        contact_email="leefloon@ocmw-leuven.example.org",
    )  # fmt: skip
    service.locations.set([location])
    alias_everywhere(publish(service))
    return org


def test_a_french_cpas_louvain_created_in_the_admin_is_flagged(curator_client, ocmw):
    french_index = OrganisationIndexPage.objects.get(locale__language_code="fr")
    data = organisation_data(title="CPAS Louvain", slug="cpas-louvain", phone="016 99 99 99",
                             email="accueil@cpas.example.org")  # fmt: skip
    response = curator_client.post(add_url("organisationpage", french_index), data, follow=True)
    assert "This may be a duplicate of “OCMW Leuven”" in response.content.decode()
    flag = DuplicateCandidate.objects.get()
    assert (flag.page.title, flag.other.title, flag.reasons) == (
        "CPAS Louvain", "OCMW Leuven", ["name"],
    )  # fmt: skip
    queue = curator_client.get("/admin/duplicates/").content.decode()
    assert "CPAS Louvain" in queue and "similar name in the same municipality" in queue
    compare = curator_client.get(f"/admin/duplicates/{flag.pk}/").content.decode()
    assert "0212.239.067" in compare and "016 99 99 99" in compare


def test_shared_numbers_and_addresses_are_flagged_but_not_a_namesake_elsewhere(
    organisation_index, ocmw
):
    same_number, _ = organisation(
        organisation_index, "Sociaal Huis", "sociaal-huis", enterprise_number="0212239067"
    )
    same_phone, _ = organisation(
        organisation_index, "Wijkpunt", "wijkpunt", phone="+32 16 24 80 00"
    )
    elsewhere, _ = organisation(
        organisation_index, "OCMW Beersel", "ocmw-beersel", municipality="Beersel", postcode="1650"
    )
    found = {m.other.title: m.reasons for m in find_duplicates(ocmw)}
    assert found == {"Sociaal Huis": ["enterprise_number"], "Wijkpunt": ["phone"]}
    assert not find_duplicates(elsewhere)


def test_services_with_one_contact_address_in_two_organisations(organisation_index, ocmw, housing):
    other, place = organisation(organisation_index, "Caritas", "caritas")
    twin = ServicePageFactory(parent=other, title="Financiële hulp", slug="geld", needs=[housing],
                              contact_email="LEEFLOON@ocmw-leuven.example.org")  # fmt: skip
    twin.locations.set([place])
    publish(twin)
    sibling = ServicePageFactory(parent=ocmw, title="Schuldhulp", slug="schuld", needs=[housing],
                                 contact_email="leefloon@ocmw-leuven.example.org")  # fmt: skip
    publish(sibling)
    found = {m.other.title: m.reasons for m in find_duplicates(twin)}
    assert found == {"Leefloon": ["email"], "Schuldhulp": ["email"]}
    # Two services of one organisation share its intake address: not duplicates by that.
    assert {m.other.title for m in find_duplicates(sibling)} == {"Financiële hulp"}


@layered("organisation_index", "housing", "ocmw")
def cpas(organisation_index, housing, ocmw):
    org, location = organisation(organisation_index, "CPAS Louvain", "cpas-louvain")
    service = ServicePageFactory(parent=org, title="Leefloon", slug="leefloon", needs=[housing])
    service.locations.set([location])
    alias_everywhere(publish(service))
    return org


def test_merging_organisations_moves_everything_and_keeps_history(
    curator_client, ocmw, cpas, search_backend
):
    from search.sync import rebuild_all

    editor = make_user("editor")
    add_member(editor, cpas, "editor")
    heard = []

    @receiver(organisation_merged, weak=False)
    def moved(sender, old, new, user, **kwargs):
        heard.append((old.pk, new.pk, user.username))

    old_service = ServicePage.objects.get(
        slug="leefloon", path__startswith=cpas.path, alias_of=None, locale__language_code="nl"
    )
    assert not DuplicateCandidate.objects.exists()  # made with factories: the scan finds it
    call_command("find_duplicates")
    flag = DuplicateCandidate.objects.get(status=DuplicateStatus.OPEN, kind="organisation")
    assert DuplicateCandidate.objects.filter(kind="service").count() == 1  # the two Leefloon

    response = curator_client.post(
        f"/admin/duplicates/{flag.pk}/", {"keep": ocmw.pk, "action": "merge"}
    )
    organisation_merged.disconnect(moved)
    assert response.status_code == 302
    assert heard == [(cpas.pk, ocmw.pk, "curator")]
    flag.refresh_from_db()
    assert (flag.status, flag.survivor_id) == (DuplicateStatus.MERGED, ocmw.pk)

    # Every locale's services and locations are under the kept organisation, slugs unique.
    for version in OrganisationPage.objects.filter(translation_key=ocmw.translation_key):
        assert sorted(version.get_children().values_list("slug", flat=True)) == [
            "cpas-louvain-huis", "leefloon", "leefloon-2", "ocmw-leuven-huis",
        ]  # fmt: skip
    old_service.refresh_from_db()
    assert old_service.url_path.endswith("/ocmw-leuven/leefloon-2/")
    # The old organisation stays, unpublished, with its history; its URLs redirect.
    cpas.refresh_from_db()
    assert not cpas.live and cpas.revisions.exists()
    assert PageLogEntry.objects.filter(page=cpas, action="brug.merged_into").exists()
    assert PageLogEntry.objects.filter(page=ocmw, action="brug.merge").exists()
    for language in ("nl", "fr"):
        old = curator_client.get(f"/{language}/organisations/cpas-louvain/")
        assert old.status_code == 301
        assert old["Location"].endswith(f"/{language}/organisations/ocmw-leuven/")
        moved_page = curator_client.get(f"/{language}/organisations/cpas-louvain/leefloon/")
        assert moved_page.status_code == 301
        assert moved_page["Location"].endswith("/ocmw-leuven/leefloon-2/")
    # Its people now belong to the kept organisation and can edit it.
    assert ocmw.permissions_for_user(editor).can_edit()
    assert not editor.memberships.filter(organisation=cpas).exists()
    # Search shows the moved service under its new organisation.
    rebuild_all()
    answer = curator_client.get("/api/v1/services", {"q": "leefloon"}).json()
    assert {r["organisation"] for r in answer["results"]} == {"OCMW Leuven"}
    assert answer["count"] == 2


def test_merging_services_moves_suggestions_and_feedback_and_redirects(curator_client, ocmw, cpas):
    heard = []

    @receiver(service_merged, weak=False)
    def moved(sender, old, new, user, **kwargs):
        heard.append((old.title, new.pk))

    kept = ServicePage.objects.get(slug="leefloon", path__startswith=ocmw.path, alias_of=None,
                                   locale__language_code="nl")  # fmt: skip
    old = ServicePage.objects.get(slug="leefloon", path__startswith=cpas.path, alias_of=None,
                                  locale__language_code="nl")  # fmt: skip
    CorrectionSuggestion.objects.create(service=old, topic="hours", text="Open op vrijdag.",
                                        language="nl")  # fmt: skip
    ServiceFeedback.objects.create(service=old, got_help="yes", waited="days", recommend="yes",
                                   language="nl")  # fmt: skip
    curator = get_user_model().objects.get(username="curator")
    merging.merge_services(old, kept, curator)
    service_merged.disconnect(moved)
    assert heard == [("Leefloon", kept.pk)]
    assert CorrectionSuggestion.objects.get().service == kept
    assert ServiceFeedback.objects.get().service == kept
    old.refresh_from_db()
    assert not old.live
    response = curator_client.get("/fr/organisations/cpas-louvain/leefloon/")
    assert response.status_code == 301
    assert response["Location"].endswith("/fr/organisations/ocmw-leuven/leefloon/")


def test_not_a_duplicate_is_remembered_and_only_curators_merge(client, ocmw, cpas, people):
    call_command("find_duplicates")
    flag = DuplicateCandidate.objects.get(page=cpas, other=ocmw)
    editor = people["editor"]
    client.force_login(editor)
    assert refused(client.get("/admin/duplicates/"))
    assert refused(client.post(f"/admin/duplicates/{flag.pk}/", {"action": "dismiss"}))
    with pytest.raises(PermissionDenied):
        merging.merge_organisations(cpas, ocmw, editor)
    client.force_login(people["curator"])
    assert client.post(f"/admin/duplicates/{flag.pk}/", {"action": "dismiss"}).status_code == 302
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.NOT_DUPLICATE
    call_command("find_duplicates")
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.NOT_DUPLICATE  # not raised again
    assert OrganisationPage.objects.filter(pk=cpas.pk, live=True).exists()
