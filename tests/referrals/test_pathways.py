"""A referral pathway reserved for partners ("only for refugees guided by the OCMW of
Leuven"): from the side of a coach of another organisation it is refused — the preselected
form, the posted form, a redirect, the workflow itself and the service picker's search — with
whom to contact instead; a partner's coach and the service's own organisation's coach refer."""

import html

import pytest
from django.test import Client
from django.utils import translation

from directory.models import OrganisationPage, Role
from directory.roles import add_member
from referrals import workflow
from referrals.models import Referral, State
from tests.directory.conftest import make_user
from tests.referrals.conftest import act, referral_form

pytestmark = pytest.mark.django_db

NEW = "/admin/referrals/new/"
REFUSAL = "Trauma care takes clients only through a referral from CAW Oost."


def reserve(service, *partners):
    """The service takes referrals only through these organisations (an editor's change)."""
    service.referral_partners.set(partners)
    service.save_revision().publish()
    return service


def shown(response) -> str:
    return html.unescape(response.content.decode())


def choices(response) -> str:
    return shown(response).split('name="service"')[1].split("</select>")[0]


@pytest.fixture
def reserved(world):
    """CGG's trauma care takes referrals only through the CAW (Caritas' coach is outside)."""
    reserve(world["service"], world["caw"])
    return world


def test_an_outside_coach_opening_the_form_with_it_sees_why_and_whom_to_contact(reserved, as_user):
    service = reserved["service"]
    response = as_user("coach").get(f"{NEW}?service={service.translation_key}")
    assert response.status_code == 200
    page = shown(response)
    assert REFUSAL in page
    assert (
        "Ask them to refer your client, or contact the service: 016 12 34 56 · info@cgg.example.org"
        in page
    )
    # The service is not chosen for them.
    assert "Trauma care" not in choices(response)
    assert 'value="" selected' in choices(response)


def test_an_outside_coach_posting_it_is_refused_at_the_field(reserved, as_user):
    response = as_user("coach").post(NEW, referral_form(reserved))
    assert response.status_code == 400
    assert REFUSAL in shown(response)
    assert not Referral.objects.exists()


def test_a_partners_coach_refers(reserved, as_user):
    coach = as_user("caw_coach")
    form = coach.get(f"{NEW}?service={reserved['service'].translation_key}")
    assert "only through a referral" not in shown(form)
    assert "Trauma care" in choices(form)
    response = coach.post(NEW, referral_form(reserved, organisation=reserved["caw"].pk))
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    assert referral.state == State.SENT and referral.referring_organisation == reserved["caw"]


def test_the_services_own_organisation_refers(reserved, client):
    own_coach = make_user("cgg_coach")
    add_member(own_coach, reserved["cgg"], Role.COACH)
    client.force_login(own_coach)
    response = client.post(NEW, referral_form(reserved, organisation=reserved["cgg"].pk))
    assert response.status_code == 302, response.content
    assert Referral.objects.get().receiving_organisation == reserved["cgg"]


def test_the_workflow_refuses_it_too(reserved):
    coach = reserved["users"]["coach"]
    with pytest.raises(workflow.TransitionError, match="only through a referral from CAW Oost"):
        workflow.create(
            coach,
            reserved["caritas"],
            reserved["service"],
            {"name": "Amina"},
            [reserved["need"]],
            consent_method="verbal",
        )
    assert not Referral.objects.exists()


def test_a_draft_made_before_the_service_was_reserved_cannot_be_sent(world, as_user):
    coach = as_user("coach")
    coach.post(NEW, referral_form(world, action="draft"))
    referral = Referral.objects.get()
    reserve(world["service"], world["caw"])
    response = act(coach, referral, "send")
    assert response.status_code == 400
    assert REFUSAL in shown(response)
    referral.refresh_from_db()
    assert referral.state == State.DRAFT


def test_a_redirect_to_it_is_refused_for_the_referring_organisation(sent, world, as_user):
    # The CGG may refer to the CAW's reserved service, but the follow-up is Caritas' draft.
    reserve(world["caw_service"], world["cgg"])
    response = act(
        as_user("receiver_coordinator"), sent, "redirect", service=world["caw_service"].pk
    )
    assert response.status_code == 400
    assert "Listening and advice takes clients only through a referral from CGG Oost." in shown(
        response
    )
    sent.refresh_from_db()
    assert sent.state == State.SENT and not Referral.objects.filter(previous=sent).exists()
    # Directly, too (the message in the language of the one asking).
    with (
        translation.override("en"),
        pytest.raises(workflow.TransitionError, match="only through a referral from CGG Oost"),
    ):
        workflow.perform(
            sent,
            world["users"]["receiver_coordinator"],
            "redirect",
            sent.version,
            service=world["caw_service"],
        )


@pytest.fixture
def indexed(reserved):
    from search.sync import rebuild_all

    rebuild_all()
    return reserved


def trauma(client) -> dict:
    results = client.get("/api/v1/services", {"q": "trauma", "lang": "en"}).json()["results"]
    names = [r["name"] for r in results]
    assert "Trauma care" in names, names
    return next(r for r in results if r["name"] == "Trauma care")


def test_the_picker_offers_it_only_to_coaches_it_is_open_to(indexed, as_user):
    caw = indexed["caw"]
    partners = [{"id": str(caw.translation_key), "name": "CAW Oost"}]
    outside = trauma(as_user("coach"))
    assert outside["referrable"] is False and outside["referral_from"] == partners
    partner = trauma(as_user("caw_coach"))
    assert partner["referrable"] is True and partner["referral_from"] == partners
    # Anyone else sees the service and whom it takes referrals from.
    visitor = trauma(Client())
    assert visitor["referral_from"] == partners


def test_the_service_page_offers_refer_only_to_coaches_it_is_open_to(reserved, as_user):
    url = reserved["service"].url.replace("/nl/", "/en/")
    assert "Refer a client to this service" not in shown(as_user("coach").get(url))
    assert "Refer a client to this service" in shown(as_user("caw_coach").get(url))


@pytest.mark.parametrize("code", ["nl", "fr"])
def test_the_public_page_says_through_whom_in_the_visitors_language(reserved, client, code):
    from django.utils import translation

    # The CAW has a French translation of its own; Dutch shows the original.
    OrganisationPage.objects.filter(
        translation_key=reserved["caw"].translation_key, locale__language_code="fr"
    ).update(alias_of=None, title="CAW Est")
    partner = OrganisationPage.objects.get(
        translation_key=reserved["caw"].translation_key, locale__language_code=code
    )
    with translation.override(code):
        label = translation.gettext("Only through a referral from:")
    page = shown(client.get(reserved["service"].url.replace("/nl/", f"/{code}/")))
    note = page[page.index("data-pathway") :].split("</p>")[0]
    assert label in note
    name = "CAW Est" if code == "fr" else "CAW Oost"
    assert f'href="{partner.url}"' in note and name in note
    assert partner.url.startswith(f"/{code}/")


def test_referrable_for_organisations_follows_the_pathway(reserved):
    from directory.models import ServicePage

    service = reserved["service"]

    def offered(*organisations):
        found = ServicePage.objects.live().originals().referrable(organisations)
        return found.filter(pk=service.pk).exists()

    assert not offered(reserved["caritas"])
    assert offered(reserved["caw"]) and offered(reserved["cgg"])
    assert offered(reserved["caritas"], reserved["caw"])
    assert service.referrable_by([reserved["caw"]]) and not service.referrable_by(
        [reserved["caritas"]]
    )
    # Services without partners stay open to everyone.
    assert (
        ServicePage.objects.referrable([reserved["caritas"]])
        .filter(pk=reserved["caw_service"].pk)
        .exists()
    )
