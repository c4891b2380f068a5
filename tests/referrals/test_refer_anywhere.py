"""Refer from anywhere (issue 17, item 1), from each side: a coach finds "Refer" on every
result card and at the top of a service page, the form opens with the service and the need,
a full service asks for confirmation and offers services with room; everyone who may not
refer sees none of it, and the public pages they get stay the same for everyone."""

import re

import pytest
from django.test import Client

from directory.models import ServicePage
from referrals.models import Referral, State
from tests.referrals.conftest import act, referral_form, refused

NEW = "/admin/referrals/new/"


@pytest.fixture
def indexed(world):
    from search.sync import rebuild_all

    rebuild_all()
    return world


def set_capacity(service, status, weeks=None):
    ServicePage.objects.filter(translation_key=service.translation_key).update(
        capacity_status=status, waiting_weeks=weeks
    )


def test_a_coach_sees_refer_on_every_result_card_and_at_the_top_of_a_service_page(indexed, as_user):
    coach = as_user("coach")
    response = coach.get("/en/search/", {"q": "support", "need": "mental-health"})
    page = response.content.decode()
    for name in ("service", "caw_service", "caritas_service"):
        key = indexed[name].translation_key
        assert f'href="{NEW}?service={key}&amp;need=mental-health"' in page
    # The sports club takes no referrals through Brug: its card has no button.
    assert f"?service={indexed['closed_service'].translation_key}" not in page
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]
    # The map's list is the same fragment.
    fragment = coach.get("/en/map/", {"q": "support", "partial": "results"}).content.decode()
    assert f"{NEW}?service={indexed['service'].translation_key}" in fragment

    service_page = coach.get(indexed["service"].url.replace("/nl/", "/en/"))
    body = service_page.content.decode()
    refer = body.index("Refer a client to this service")
    assert refer < body.index('id="what-heading"') < body.index('id="contact-heading"')
    assert "private" in service_page["Cache-Control"]


@pytest.mark.parametrize("who", [None, "curator", "receiver_editor", "receiver_manager"])
def test_nobody_else_sees_refer_and_their_pages_stay_shareable(indexed, client, who):
    if who:
        client.force_login(indexed["users"][who])
    for url in (
        "/en/search/?q=support",
        "/en/map/?q=support&partial=results",
        indexed["service"].url,
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        assert NEW not in body and "data-refer-url" not in body
        assert "card__refer" not in body and "Refer a client to this service" not in body
        assert "private" not in response.get("Cache-Control", "")


def test_kept_cards_never_hide_refer_from_a_coach_nor_show_it_to_anyone_else(
    indexed, as_user, kept_cards
):
    search = {"q": "support", "need": "mental-health"}
    key = indexed["service"].translation_key
    visitor = Client()
    assert "card__refer" not in visitor.get("/en/search/", search).content.decode()
    coach = as_user("coach").get("/en/search/", search).content.decode()
    assert f'href="{NEW}?service={key}&amp;need=mental-health"' in coach
    # What the coach was shown was not kept for the next visitor.
    again = visitor.get("/en/search/", search).content.decode()
    assert "card__refer" not in again and NEW not in again
    assert again.count('class="card service-card"') == coach.count('class="card service-card"')


def test_the_form_opens_with_the_service_and_the_searched_need(indexed, as_user):
    service = indexed["service"]
    page = as_user("coach").get(NEW, {"service": service.translation_key, "need": "mental-health"})
    body = page.content.decode()
    selected = re.search(r'<option value="(\d+)" selected>', body)
    assert selected and int(selected.group(1)) == service.pk
    need = indexed["need"].pk
    assert re.search(rf'<input[^>]*value="{need}"[^>]*checked', body)
    assert "data-service-picker" in body and 'id="service-picker-config"' in body
    assert "/api/v1/services" in body


@pytest.mark.parametrize("who", [None, "curator", "receiver_editor", "stranger"])
def test_a_refer_link_tells_those_who_may_not_refer_nothing(indexed, client, who):
    if who:
        client.force_login(indexed["users"][who])
    response = client.get(NEW, {"service": indexed["caw_service"].translation_key})
    assert refused(response)
    assert "Listening and advice" not in response.content.decode()
    assert refused(client.post(NEW, referral_form(indexed, send_anyway="on")))
    assert not Referral.objects.exists()


def test_the_search_field_sends_the_services_key(indexed, as_user):
    key = str(indexed["caw_service"].translation_key)
    response = as_user("coach").post(NEW, referral_form(indexed, service=key))
    assert response.status_code == 302, response.content
    assert Referral.objects.get().service_id == indexed["caw_service"].pk
    bad = as_user("coach").post(
        NEW, referral_form(indexed, service=str(indexed["closed_service"].translation_key))
    )
    assert bad.status_code == 400
    assert "does not accept referrals through Brug" in bad.content.decode()


@pytest.mark.parametrize("status", ["closed", "waiting_list"])
def test_a_full_service_asks_for_confirmation_and_offers_services_with_room(
    indexed, as_user, status
):
    set_capacity(indexed["service"], status, weeks=6 if status == "waiting_list" else None)
    coach = as_user("coach")
    refused_send = coach.post(NEW, referral_form(indexed))
    body = refused_send.content.decode()
    assert refused_send.status_code == 400
    assert not Referral.objects.exists()
    assert "is not taking new clients now" in body
    assert "Send anyway" in body and 'name="send_anyway"' in body
    alternatives = body[body.index("alternatives-heading") :]
    assert "Listening and advice" in alternatives and "CAW Oost" in alternatives
    assert "Trauma care" not in alternatives  # not itself
    assert f'value="{indexed["caw_service"].translation_key}"' in alternatives

    confirmed = coach.post(NEW, referral_form(indexed, send_anyway="on"))
    assert confirmed.status_code == 302
    referral = Referral.objects.get()
    assert referral.service_id == indexed["service"].pk and referral.state == State.SENT


def test_choosing_an_alternative_sends_the_referral_there(indexed, as_user):
    set_capacity(indexed["service"], "closed")
    data = referral_form(indexed)
    # The alternative's button comes after the select in the form: its value is the last.
    data["service"] = [str(indexed["service"].pk), str(indexed["caw_service"].translation_key)]
    response = as_user("coach").post(NEW, data)
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    assert referral.service_id == indexed["caw_service"].pk and referral.state == State.SENT


def test_a_draft_to_a_full_service_needs_no_confirmation(indexed, as_user):
    set_capacity(indexed["service"], "closed")
    response = as_user("coach").post(NEW, referral_form(indexed, action="draft"))
    assert response.status_code == 302
    assert Referral.objects.get().state == State.DRAFT


def test_the_api_gives_what_the_service_field_shows(indexed):
    set_capacity(indexed["service"], "waiting_list", weeks=3)
    results = Client().get("/api/v1/services", {"q": "trauma", "lang": "en"}).json()["results"]
    trauma = next(r for r in results if r["name"] == "Trauma care")
    assert trauma["capacity"] == "waiting_list" and trauma["waiting_weeks"] == 3
    assert trauma["capacity_label"] == "Waiting list: about 3 weeks"
    assert trauma["referrable"] is True and isinstance(trauma["interpreter"], bool)
    assert isinstance(trauma["language_names"], list)


def test_redirecting_to_a_full_service_asks_for_confirmation_too(indexed, as_user):
    as_user("coach").post(NEW, referral_form(indexed))
    referral = Referral.objects.get()
    set_capacity(indexed["caw_service"], "closed")
    intake = as_user("intake")  # reads the admin in French
    refused_redirect = act(intake, referral, "redirect", service=indexed["caw_service"].pk)
    assert refused_redirect.status_code == 400
    body = refused_redirect.content.decode()
    assert 'name="send_anyway"' in body and 'id="alternatives-heading"' in body
    assert "Caritas Leuven support" in body[body.index("alternatives-heading") :]
    referral.refresh_from_db()
    assert referral.state == State.SENT and not referral.follow_ups.exists()
    confirmed = act(
        intake, referral, "redirect", service=indexed["caw_service"].pk, send_anyway="on"
    )
    assert confirmed.status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.REDIRECTED
    assert referral.follow_ups.get().service_id == indexed["caw_service"].pk
