"""'Suggest a correction' on a service page: no account, spam-protected without third parties,
rate-limited; suggestions land in the curators' queue."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from directory.models import CorrectionSuggestion, ServicePage

from .conftest import shown

pytestmark = pytest.mark.django_db

FORM = "/en/services/{pk}/suggest/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def stamp_from(response) -> str:
    return re.search(r'name="stamp" value="([^"]+)"', response.content.decode()).group(1)


def suggest(client, service, **data):
    form = client.get(FORM.format(pk=service.pk))
    assert form.status_code == 200
    payload = {"topic": "hours", "text": "Open on Fridays until 17:00 now.", "website": ""}
    payload["stamp"] = stamp_from(form)
    payload.update(data)
    return client.post(FORM.format(pk=service.pk), payload)


def test_service_page_links_to_the_form(client, orgs):
    service = orgs["own"]["service"]
    page = shown(client.get("/en/organisations/buddy/buddy-housing/"))
    assert "Suggest a correction" in page
    en = ServicePage.objects.get(
        translation_key=service.translation_key, locale__language_code="en"
    )
    assert FORM.format(pk=en.pk) in page
    form = shown(client.get(FORM.format(pk=service.pk)))
    assert "What is wrong?" in form and "Buddy Leuven housing help" in form
    assert "we do not store who you are" in form


def test_a_suggestion_lands_in_the_curators_queue(client, people, orgs):
    service = orgs["own"]["service"]
    response = suggest(client, service)
    assert response.status_code == 200
    assert "Your suggestion is with the network's curators" in shown(response)
    suggestion = CorrectionSuggestion.objects.get()
    assert suggestion.service_id == service.pk
    assert (suggestion.topic, suggestion.language, suggestion.status) == ("hours", "en", "open")

    curator = Client()
    curator.force_login(people["curator"])
    queue = shown(curator.get("/admin/suggestions/"))
    assert "Open on Fridays until 17:00 now." in queue
    assert "1 correction suggestion to handle" in shown(curator.get("/admin/"))
    response = curator.post(
        f"/admin/suggestions/edit/{suggestion.pk}/",
        {"status": "done", "curator_note": "Hours updated with the organisation."},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "done" and suggestion.handled_by == people["curator"]


def test_a_suggestion_from_a_translated_page_is_kept_on_the_original(client, orgs):
    service = orgs["own"]["service"]
    fr = ServicePage.objects.get(
        translation_key=service.translation_key, locale__language_code="fr"
    )
    form = client.get(f"/fr/services/{fr.pk}/suggest/")
    response = client.post(
        f"/fr/services/{fr.pk}/suggest/",
        {"topic": "contact", "text": "Le numéro a changé.", "stamp": stamp_from(form)},
    )
    assert response.status_code == 200
    suggestion = CorrectionSuggestion.objects.get()
    assert (suggestion.service_id, suggestion.language) == (service.pk, "fr")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "<script>alert('x')</script> the hours are wrong"}, "plain text, without HTML"),
        ({"text": 'Fine <a href="http://spam.example">cheap</a>'}, "plain text, without HTML"),
        ({"text": "x" * 5000}, "Please keep it to 2000 characters (you wrote 5000)"),
        ({"text": ""}, "Please describe the correction."),
        ({"text": "wrong"}, "Please describe the correction in a few words."),
        ({"text": "see http://a.example http://b.example www.c.example"}, "at most 2 links"),
        ({"topic": "pirates"}, "Select a valid choice"),
        ({"stamp": "forged"}, "The form could not be checked"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, orgs, data, message):
    response = suggest(client, orgs["own"]["service"], **data)
    assert response.status_code == 400
    assert message in shown(response)
    assert "<script>alert" not in response.content.decode()
    assert not CorrectionSuggestion.objects.exists()
    # The visitor's text is kept, and a fresh stamp lets them send again.
    assert stamp_from(response) != data.get("stamp")


def test_a_filled_honeypot_is_thanked_but_not_kept(client, orgs):
    response = suggest(client, orgs["own"]["service"], website="http://spam.example")
    assert response.status_code == 200
    assert not CorrectionSuggestion.objects.exists()


def test_a_form_sent_too_fast_is_refused(client, orgs, settings):
    settings.BRUG_SUGGESTION_MIN_SECONDS = 60
    response = suggest(client, orgs["own"]["service"])
    assert response.status_code == 400
    assert "That was very quick" in shown(response)
    assert not CorrectionSuggestion.objects.exists()


def test_suggestions_are_rate_limited(client, orgs, settings):
    settings.BRUG_SUGGESTION_RATE_PER_HOUR = 3
    service = orgs["own"]["service"]
    for _attempt in range(3):
        assert suggest(client, service).status_code == 200
    response = suggest(client, service)
    assert response.status_code == 429
    assert "try again in an hour" in shown(response)
    assert CorrectionSuggestion.objects.count() == 3
    # Someone else (another address) is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert suggest(other, service).status_code == 200


def test_clients_behind_a_trusted_proxy_are_limited_separately(orgs, settings):
    settings.BRUG_SUGGESTION_RATE_PER_HOUR = 1
    settings.BRUG_TRUSTED_PROXIES = 1
    service = orgs["own"]["service"]
    proxy = "10.0.0.2"  # the one address every request comes from

    def behind_proxy(client_address):
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.9, {client_address}")

    first, second = behind_proxy("198.51.100.1"), behind_proxy("198.51.100.2")
    assert suggest(first, service).status_code == 200
    assert suggest(first, service).status_code == 429
    # Another client behind the same proxy: its own allowance (the left entry is forged).
    assert suggest(second, service).status_code == 200


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(orgs, settings):
    settings.BRUG_SUGGESTION_RATE_PER_HOUR = 1
    settings.BRUG_TRUSTED_PROXIES = 0
    service = orgs["own"]["service"]
    assert suggest(Client(HTTP_X_FORWARDED_FOR="198.51.100.1"), service).status_code == 200
    # Same REMOTE_ADDR, a new forged header every time: still one client.
    assert suggest(Client(HTTP_X_FORWARDED_FOR="198.51.100.2"), service).status_code == 429


def test_unknown_or_unpublished_services_have_no_form(client, orgs):
    unknown = client.get(FORM.format(pk=999999))
    assert unknown.status_code == 404
    assert "Page not found" in shown(unknown) and "What is wrong?" not in shown(unknown)
    service = orgs["own"]["service"]
    ServicePage.objects.filter(translation_key=service.translation_key).update(live=False)
    unpublished = client.get(FORM.format(pk=service.pk))
    assert unpublished.status_code == 404
    page = shown(unpublished)
    assert "Page not found" in page
    assert "What is wrong?" not in page and "Buddy Leuven housing help" not in page


@pytest.mark.parametrize("role", ["editor", "coach"])
def test_the_queue_is_for_curators(client, people, orgs, role):
    suggest(Client(), orgs["own"]["service"])
    client.force_login(people[role])
    assert client.get("/admin/suggestions/").status_code in (302, 403)
    suggestion = CorrectionSuggestion.objects.get()
    client.post(f"/admin/suggestions/edit/{suggestion.pk}/", {"status": "dismissed"})
    assert CorrectionSuggestion.objects.get().status == "open"


def test_the_suggestion_shows_the_suggested_text_beside_the_current_value(client, people, orgs):
    service = orgs["own"]["service"]
    suggest(Client(), service)
    suggestion = CorrectionSuggestion.objects.get()
    client.force_login(people["curator"])
    page = shown(client.get(f"/admin/suggestions/edit/{suggestion.pk}/"))
    compare = page[page.index("data-suggestion-compare") :]
    compare = compare[: compare.index("</table>")]
    current = compare[compare.index("data-current") : compare.index("data-suggested")]
    suggested = compare[compare.index("data-suggested") :]
    assert "Open on Fridays until 17:00 now." in suggested
    # The topic is the hours: the location's opening hours as the page has them now.
    location = orgs["own"]["location"]
    assert location.title in current
    assert "Monday 09:00–12:00" in current  # the curator reads the admin in English
    # Links to the service, in the admin and on the site.
    assert f'href="/admin/pages/{service.pk}/edit/"' in page
    assert service.full_url in page


def test_a_contact_suggestion_shows_the_contact_details(client, people, orgs):
    suggest(Client(), orgs["own"]["service"], topic="contact", text="The phone is 016 00 00 00.")
    suggestion = CorrectionSuggestion.objects.get()
    client.force_login(people["curator"])
    page = shown(client.get(f"/admin/suggestions/edit/{suggestion.pk}/"))
    current = page[page.index("data-current") : page.index("data-suggested")]
    assert "Contact phone" in current and "info@buddy.example.org" in current


@pytest.mark.parametrize("role", ["editor", "coach"])
def test_others_do_not_see_a_suggestion(client, people, orgs, role):
    suggest(Client(), orgs["own"]["service"])
    suggestion = CorrectionSuggestion.objects.get()
    client.force_login(people[role])
    response = client.get(f"/admin/suggestions/edit/{suggestion.pk}/")
    assert response.status_code in (302, 403)
    assert "Open on Fridays" not in shown(response)
