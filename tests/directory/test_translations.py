"""Translations that stay true: the translator role, the "source changed" queue, field-level
fallbacks on the public pages and PO files for a translation agency — through HTTP."""

import io

import polib
from django.contrib.auth.models import Group
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page, Revision

from directory.factories import publish
from directory.models import LocationPage, OrganisationPage, ServicePage, TranslationSync
from directory.roles import TRANSLATORS, ensure_roles
from directory.translation_state import ensure_states

from .conftest import make_user, service_form, shown

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def version(page, code):
    """The page's version (alias or translation) in a locale, as its specific class."""
    return type(page).objects.get(
        translation_key=page.translation_key, locale__language_code=code
    )


def translate(page, code, **fields):
    """Turn the locale's alias into a translation with the given fields, and publish it."""
    alias = version(page, code)
    ConvertAliasPageAction(alias).execute(skip_permission_checks=True)
    translated = type(page).objects.get(pk=alias.pk)
    for name, value in fields.items():
        setattr(translated, name, value)
    return publish(translated)


def republish(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    return publish(page)


@pytest.fixture
def dutch_details(network):
    """The Dutch service with cost and access details, published (aliases follow)."""
    service = republish(
        network["service"],
        cost_details="Gratis met een leefloon.",
        access_details="Bel eerst voor een afspraak.",
    )
    location = republish(network["location"], hours_note="Donderdagavond enkel op afspraak.")
    return {**network, "service": service, "location": location}


@pytest.fixture
def admin_client(client, home):
    """A superuser who reads the admin in English."""
    client.force_login(make_user("boss", is_superuser=True))
    return client


@pytest.fixture
def translator(home):
    ensure_roles()
    user = make_user("translator")
    user.groups.add(Group.objects.get(name=TRANSLATORS))
    return user


# Field-level fallbacks -------------------------------------------------------------------


def test_untranslated_fields_of_an_arabic_page_keep_dutch_direction(client, dutch_details):
    service = dutch_details["service"]
    translate(
        service,
        "ar",
        title="مرافقة السكن",
        summary="مساعدة في إيجاد مسكن بسعر معقول.",
        access_details="",  # emptied: the Dutch text is shown, marked as Dutch
    )
    page = soup(client.get("/ar/organisations/ocmw-leuven/woonbegeleiding/"))
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")
    title = page.find("h1")
    assert title.get_text() == "مرافقة السكن"
    assert title.get("lang") is None  # the translation's own text: the page's language
    cost = page.find(string="Gratis met een leefloon.").parent
    assert (cost.name, cost["lang"], cost["dir"]) == ("span", "nl", "ltr")
    access = page.find(string="Bel eerst voor een afspraak.").parent
    assert (access["lang"], access["dir"]) == ("nl", "ltr")
    # Not translated as a whole: no "not yet translated" note.
    assert page.select_one(".note--translation") is None


def test_a_translated_field_is_shown_without_the_source_language(client, dutch_details):
    translate(
        dutch_details["service"],
        "fr",
        title="Accompagnement au logement",
        cost_details="Gratuit avec un revenu d'intégration.",
    )
    page = soup(client.get("/fr/organisations/ocmw-leuven/woonbegeleiding/"))
    cost = page.find(string="Gratuit avec un revenu d'intégration.").parent
    assert cost.get("lang") is None
    assert "Gratis met een leefloon." not in page.get_text()
    access = page.find(string="Bel eerst voor een afspraak.").parent
    assert access["lang"] == "nl"


def test_location_and_organisation_fields_fall_back_with_their_language(client, dutch_details):
    translate(dutch_details["location"], "ar", title="البيت الاجتماعي")
    translate(dutch_details["organisation"], "ar", title="المركز العام للرعاية الاجتماعية")
    location_page = soup(client.get("/ar/organisations/ocmw-leuven/sociaal-huis/"))
    note = location_page.select_one(".hours__note")
    assert note.get_text() == "Donderdagavond enkel op afspraak."
    assert (note["lang"], note["dir"]) == ("nl", "ltr")
    assert location_page.find("h3").find("a").get("lang") is None
    organisation_page = soup(client.get("/ar/organisations/ocmw-leuven/"))
    assert organisation_page.find("h1").get("lang") is None
    lead = organisation_page.select_one(".lead")
    assert lead.get_text() == "Sociale dienst van de stad Leuven."
    assert (lead["lang"], lead["dir"]) == ("nl", "ltr")


def test_an_alias_is_still_marked_as_a_whole(client, dutch_details):
    page = soup(client.get("/ar/organisations/ocmw-leuven/woonbegeleiding/"))
    assert page.select_one(".note--translation")
    assert page.find("h1")["lang"] == "nl"
    cost = page.find(string="Gratis met een leefloon.").parent
    assert (cost["lang"], cost["dir"]) == ("nl", "ltr")


# The "source changed" state and queue ----------------------------------------------------


def test_a_changed_source_puts_its_translation_in_the_queue(admin_client, dutch_details):
    service = dutch_details["service"]
    french = translate(service, "fr", title="Accompagnement", summary="Aide au logement.")
    assert TranslationSync.objects.get(translation=french).outdated is False
    republish(service, summary="Hulp bij het zoeken naar een woning in Leuven.")
    state = TranslationSync.objects.get(translation=french)
    assert state.outdated and state.changed_fields == ["summary"]
    # A change to a fact only (not translated) does not count.
    republish(service, contact_phone="016 24 24 24")
    assert TranslationSync.objects.get(translation=french).changed_fields == ["summary"]

    queue = shown(admin_client.get(reverse("directory_translations")))
    assert "Accompagnement" in queue
    assert reverse("wagtailadmin_pages:edit", args=[french.pk]) in queue
    changes_url = reverse("directory_translation_changes", args=[french.pk])
    assert changes_url in queue
    changes = shown(admin_client.get(changes_url))
    assert "Summary" in changes
    assert "in Leuven" in changes
    # The translation's edit page warns.
    edit = shown(admin_client.get(reverse("wagtailadmin_pages:edit", args=[french.pk])))
    assert "source has changed" in edit
    assert changes_url in edit

    # Publishing the translation after the change brings it in line.
    publish(ServicePage.objects.get(pk=french.pk))
    assert TranslationSync.objects.get(translation=french).outdated is False
    assert "Accompagnement" not in shown(admin_client.get(reverse("directory_translations")))


def test_a_translation_written_before_the_change_stays_out_of_date(dutch_details):
    service = dutch_details["service"]
    french = translate(service, "fr", title="Accompagnement")
    draft = ServicePage.objects.get(pk=french.pk)
    draft.summary = "Aide au logement."
    revision = draft.save_revision()  # written against the old source
    republish(service, summary="Nieuwe samenvatting.")
    revision.publish()  # approved after the source changed
    state = TranslationSync.objects.get(translation=french)
    assert state.outdated and state.changed_fields == ["summary"]


def test_mark_up_to_date_and_aliases_listed_as_not_translated(admin_client, dutch_details):
    service = dutch_details["service"]
    french = translate(service, "fr", title="Accompagnement")
    republish(service, eligibility="Voor wie in Leuven woont.")
    queue = shown(admin_client.get(reverse("directory_translations")))
    # The Arabic service is an alias: listed as not translated, with no "what changed".
    arabic = version(service, "ar")
    assert reverse("wagtailadmin_pages:edit", args=[arabic.pk]) in queue
    assert reverse("directory_translation_changes", args=[arabic.pk]) not in queue
    response = admin_client.post(reverse("directory_translation_up_to_date", args=[french.pk]))
    assert response.status_code == 302
    assert TranslationSync.objects.get(translation=french).outdated is False


def test_translations_made_before_the_records_get_a_state(dutch_details):
    french_org = OrganisationPage.objects.get(
        translation_key=dutch_details["organisation"].translation_key, locale__language_code="fr"
    )
    TranslationSync.objects.all().delete()
    ensure_states()
    state = TranslationSync.objects.get(translation=french_org)
    assert state.outdated is False
    source = OrganisationPage.objects.get(pk=dutch_details["organisation"].pk)
    assert state.source_revision == source.live_revision
