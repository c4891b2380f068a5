"""A curator merges duplicate listings (directory.merging): the referrals of the one that goes
follow to the one that stays, so nobody loses a hand-off, its workers answer it, and a form
opened before the move is refused rather than applied to the wrong place."""

import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from directory import merging
from directory.factories import ServicePageFactory, alias_everywhere, publish
from directory.models import Role
from directory.roles import add_member
from referrals import access
from referrals.models import ClientRecord
from tests.directory.conftest import make_user
from tests.referrals.conftest import act, organisation_with_service, refused

pytestmark = pytest.mark.django_db


def test_merging_organisations_moves_their_referrals_to_the_one_that_stays(
    world, sent, as_user, organisation_index
):
    twin, _service = organisation_with_service(
        organisation_index, "cgg-vbo", "CGG Vlaams-Brabant Oost", world["need"]
    )
    newcomer = make_user("twin_intake")
    add_member(newcomer, twin, Role.INTAKE_WORKER)
    stale_version = sent.version

    merging.merge_organisations(world["cgg"], twin, world["users"]["curator"])

    sent.refresh_from_db()
    assert sent.receiving_organisation == twin
    assert sent.consent_organisation == twin  # consent was given to this one organisation
    assert sent.version == stale_version + 1
    # The survivor's intake worker answers it; the old one came along with their membership.
    assert sent in access.visible_referrals(newcomer)
    assert access.acts_for_receiver(world["users"]["intake"], sent)
    event = sent.events.get(action="listing_merged")
    assert event.detail == {"kind": "organisation", "merged": "CGG Oost", "kept": twin.title}
    assert ModelLogEntry.objects.filter(
        object_id=str(sent.pk), action="brug.referral.listing_merged"
    ).exists()
    # A form opened before the merge is refused, not applied.
    client = as_user("intake")
    client.force_login(newcomer)  # reads the admin in English
    response = client.post(
        f"/admin/referrals/{sent.pk}/accept/", {"version": stale_version}, follow=True
    )
    assert "Someone else changed this referral" in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == "sent"
    assert act(client, sent, "accept").status_code == 302
    sent.refresh_from_db()
    assert sent.state == "accepted"


def test_merging_the_referring_organisation_moves_its_clients_too(world, sent, organisation_index):
    twin, _service = organisation_with_service(
        organisation_index, "caritas-vl", "Caritas Vlaanderen Leuven", world["need"]
    )
    merging.merge_organisations(world["caritas"], twin, world["users"]["curator"])
    sent.refresh_from_db()
    assert sent.referring_organisation == twin
    assert ClientRecord.objects.get().organisation == twin
    # The coach's membership moved with the merge: they still follow their referral.
    assert access.acts_for_sender(world["users"]["coach"], sent)


def test_merging_services_moves_their_referrals(world, sent, as_user):
    twin = ServicePageFactory(
        parent=world["cgg"], title="Traumazorg", slug="traumazorg", needs=[world["need"]],
        accepts_referrals=True,
    )  # fmt: skip
    alias_everywhere(publish(twin))
    seen = sent.version
    merging.merge_services(world["service"], twin, world["users"]["curator"])
    sent.refresh_from_db()
    assert sent.service == twin
    assert sent.receiving_organisation == world["cgg"]
    assert sent.events.filter(action="listing_merged").count() == 1
    assert sent.version == seen + 1  # a form opened before the move is refused
    assert ModelLogEntry.objects.filter(
        object_id=str(sent.pk), action="brug.referral.listing_merged"
    ).exists()
    page = as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert "Traumazorg" in page


def test_only_curators_merge_and_nothing_moves_otherwise(world, sent, organisation_index):
    from django.core.exceptions import PermissionDenied

    twin, _service = organisation_with_service(
        organisation_index, "cgg-vbo", "CGG Vlaams-Brabant Oost", world["need"]
    )
    for name in ("intake", "receiver_coordinator", "receiver_editor", "coach"):
        with pytest.raises(PermissionDenied):
            merging.merge_organisations(world["cgg"], twin, world["users"][name])
    sent.refresh_from_db()
    assert sent.receiving_organisation == world["cgg"]
    assert not sent.events.filter(action="listing_merged").exists()


def test_the_merge_screen_refuses_an_intake_worker(world, sent, as_user):
    assert refused(as_user("intake").get("/admin/duplicates/"))


def test_a_service_with_referrals_is_not_merged_into_another_organisations(world, sent):
    from django.core.exceptions import ValidationError

    from directory.models import ServicePage

    curator = world["users"]["curator"]
    with translation.override("en"), pytest.raises(ValidationError, match="consent for CGG Oost"):
        merging.merge_services(world["service"], world["caw_service"], curator)
    sent.refresh_from_db()
    assert (sent.service, sent.receiving_organisation) == (world["service"], world["cgg"])
    assert not sent.events.filter(action="listing_merged").exists()
    assert ServicePage.objects.get(pk=world["service"].pk).live  # the whole merge rolled back
