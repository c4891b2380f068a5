"""A service's reserved pathway and a project's focus regions in the directory: the edit
form offers the chosen partner organisations only (a search adds others, never thousands of
options), saving keeps them; focus regions are parsed as the gazetteer names them and shown
on the service page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from directory.models import OrganisationPage, ServicePage
from directory.regions import parse_regions

from .conftest import service_form, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(people):
    client = Client()
    client.force_login(people["editor"])
    return client


def picker(page: str) -> str:
    return page[page.index("data-brug-organisation-picker") :].split("</div>\n</div>")[0]


def test_the_form_shows_only_the_chosen_partners_and_a_search(editor, orgs):
    service, other = orgs["own"]["service"], orgs["other"]["organisation"]
    page = shown(editor.get(f"/admin/pages/{service.pk}/edit/"))
    assert "organisation-picker.js" in page
    assert "CAW Oost" not in picker(page)  # no option for every organisation
    service.referral_partners.set([other])
    service.save_revision().publish()
    page = shown(editor.get(f"/admin/pages/{service.pk}/edit/"))
    chosen = picker(page)
    assert "CAW Oost" in chosen and f'value="{other.pk}"' in chosen and "checked" in chosen


def test_the_organisation_search_finds_originals_by_name(editor, orgs):
    found = editor.get("/admin/organisations/search/", {"q": "caw"}).json()["results"]
    assert found == [{"id": orgs["other"]["organisation"].pk, "title": "CAW Oost"}]
    assert editor.get("/admin/organisations/search/", {"q": "c"}).json() == {"results": []}
    assert Client().get("/admin/organisations/search/", {"q": "caw"}).status_code == 302


def test_saving_keeps_the_partners_and_the_focus_regions(editor, orgs):
    service, other = orgs["own"]["service"], orgs["other"]["organisation"]
    data = service_form(service, focus_regions="Gent, Antwerpen, Luik, Brussel")
    data["referral_partners"] = [str(other.pk)]
    response = editor.post(f"/admin/pages/{service.pk}/edit/", data)
    assert response.status_code == 302, shown(response)[:3000]
    draft = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert [p.pk for p in draft.referral_partners.all()] == [other.pk]
    assert draft.focus_regions == ["Gent", "Antwerpen", "Liège", "Bruxelles"]


def test_focus_regions_are_named_as_the_gazetteer_names_them():
    assert parse_regions("Gent; Luik, gent, Liège ,") == ["Gent", "Liège"]
    assert parse_regions("") == []
    with pytest.raises(ValidationError) as refused:
        parse_regions("Gent, Atlantis")
    assert "Atlantis" in str(refused.value)


@pytest.mark.parametrize(
    ("code", "regions"), [("nl", "Gent, Luik, Brussel"), ("fr", "Gand, Liège, Bruxelles")]
)
def test_the_service_page_shows_the_focus_and_the_pathway(client, orgs, code, regions):
    from django.utils import translation

    service, other = orgs["own"]["service"], orgs["other"]["organisation"]
    service.focus_regions = ["Gent", "Liège", "Bruxelles"]
    service.referral_partners.set([other])
    service.save_revision().publish()
    page = shown(client.get(service.url.replace("/nl/", f"/{code}/")))
    with translation.override(code):
        focus, only = (
            translation.gettext("Focus:"),
            translation.gettext("Only through a referral from:"),
        )
    assert f"{focus} {regions}" in page
    note = page[page.index("data-pathway") :].split("</p>")[0]
    partner = OrganisationPage.objects.get(
        translation_key=other.translation_key, locale__language_code=code
    )
    assert only in note and f'href="{partner.url}"' in note and "CAW Oost" in note


def test_the_demo_guidance_of_caritas_goes_only_through_the_ocmw(client):
    from django.core.management import call_command

    call_command("load_demo", limit=2)  # the OCMW Leuven and Caritas
    guidance = ServicePage.objects.get(
        slug="caritas-leuven-integrale-begeleiding", locale__language_code="nl"
    )
    assert [p.title for p in guidance.referral_partners.all()] == ["OCMW Leuven"]
    page = shown(client.get(guidance.url))
    assert "OCMW Leuven" in page[page.index("data-pathway") :].split("</p>")[0]
