"""Translations that stay true: the translator role, the "source changed" queue, field-level
fallbacks on the public pages and PO files for a translation agency — through HTTP."""

import polib
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Page, Revision

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
    return type(page).objects.get(translation_key=page.translation_key, locale__language_code=code)


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
    # The location's title (its page's main heading) is translated: no source language on it.
    assert location_page.select_one('[id^="loc-"] a').get("lang") is None
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
    edit = shown(admin_client.get(reverse("wagtailadmin_pages:edit", args=[french.pk])))
    assert "source has changed" not in edit


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


# The translator role ----------------------------------------------------------------------


def test_translator_translates_and_submits_but_cannot_publish(client, translator, dutch_details):
    service = dutch_details["service"]
    french = version(service, "fr")
    client.force_login(translator)
    # The French alias becomes a translation, edited and sent for review.
    response = client.post(reverse("wagtailadmin_pages:convert_alias", args=[french.pk]))
    assert response.status_code == 302
    french = ServicePage.objects.get(pk=french.pk)
    assert not french.alias_of_id
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[french.pk]),
        service_form(
            french,
            title="Accompagnement au logement",
            summary="Aide pour trouver un logement abordable.",
            contact_email="elsewhere@example.org",  # not a translation: ignored
            **{"action-submit": "submit"},
        ),
    )
    assert response.status_code == 302
    french = ServicePage.objects.get(pk=french.pk)
    draft = french.get_latest_revision_as_object()
    assert draft.summary == "Aide pour trouver un logement abordable."
    assert draft.contact_email == ""
    assert [n.pk for n in draft.needs.all()] == [n.pk for n in service.needs.all()]
    assert french.workflow_in_progress
    # Nothing went live; a forged publish only saves another draft.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[french.pk]),
        service_form(french, title="Publié ?", **{"action-publish": "publish"}),
    )
    french = ServicePage.objects.get(pk=french.pk)
    assert french.title != "Publié ?"
    assert french.summary == service.summary
    assert "action-publish" not in shown(
        client.get(reverse("wagtailadmin_pages:edit", args=[french.pk]))
    )


def test_translator_cannot_change_the_dutch_original(client, translator, dutch_details):
    from .test_permission_matrix import refused

    service = dutch_details["service"]
    client.force_login(translator)
    before = Revision.objects.filter(object_id=str(service.pk)).count()
    edit = reverse("wagtailadmin_pages:edit", args=[service.pk])
    assert refused(client.get(edit))
    assert refused(client.post(edit, service_form(service, title="Vertaald?")))
    publish_data = service_form(service, title="Vertaald?", **{"action-publish": "publish"})
    assert refused(client.post(edit, publish_data))
    assert refused(client.post(reverse("wagtailadmin_pages:unpublish", args=[service.pk])))
    assert Revision.objects.filter(object_id=str(service.pk)).count() == before
    assert ServicePage.objects.get(pk=service.pk).title == "Woonbegeleiding"
    # Not the organisation's own pages either, nor the Dutch tree at all.
    organisation = dutch_details["organisation"]
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[organisation.pk])))
    add = f"/admin/pages/add/directory/servicepage/{organisation.pk}/"
    assert refused(client.get(add))


def test_translator_cannot_change_an_original_written_in_another_locale(
    client, translator, dutch_details
):
    from directory.factories import ServicePageFactory

    from .test_permission_matrix import refused

    french_org = version(dutch_details["organisation"], "fr")
    original = ServicePageFactory(parent=french_org, slug="permanence", title="Permanence")
    client.force_login(translator)
    edit = reverse("wagtailadmin_pages:edit", args=[original.pk])
    assert refused(client.get(edit))
    assert refused(client.post(edit, service_form(original, title="Changé")))
    assert ServicePage.objects.get(pk=original.pk).get_latest_revision_as_object().title == (
        "Permanence"
    )
    # A draft they could otherwise delete (Wagtail lets "change" delete unpublished pages).
    assert refused(client.post(reverse("wagtailadmin_pages:delete", args=[original.pk])))
    assert ServicePage.objects.filter(pk=original.pk).exists()


def test_translator_cannot_open_referrals_people_or_users(client, translator, dutch_details):
    from referrals.access import can_see_referrals

    from .test_permission_matrix import referral_urls, refused

    client.force_login(translator)
    assert not can_see_referrals(translator)
    urls = referral_urls()
    assert urls
    for url in urls:
        assert client.get(url).status_code in (302, 403, 404), url
    assert refused(client.get(reverse("directory_people")))
    assert refused(client.get("/admin/users/"))
    assert refused(client.get("/admin/groups/"))
    need = dutch_details["need"]
    assert refused(client.get(f"/admin/snippets/directory/need/edit/{need.pk}/"))
    # What they do have: the translations queue.
    assert client.get(reverse("directory_translations")).status_code == 200


def test_translator_group_is_created_idempotently(home):
    ensure_roles()
    ensure_roles()
    group = Group.objects.get(name=TRANSLATORS)
    homes = Page.objects.filter(depth=2).exclude(locale__language_code="nl")
    granted = group.page_permissions.values_list("page_id", "permission__codename")
    assert sorted(granted) == sorted((h.pk, "change_page") for h in homes)


# Exchange files (PO) -----------------------------------------------------------------------


def po_upload(po, name="brug-fr.po"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = po if isinstance(po, bytes) else str(po).encode()
    return {"file": SimpleUploadedFile(name, data, content_type="text/x-gettext-translation")}


CONTENT_FIELDS = [
    "slug",
    "cost",
    "access",
    "contact_name",
    "contact_email",
    "contact_phone",
    "accepts_referrals",
    "capacity_status",
    "waiting_weeks",
    "interpreter_available",
    "age_min",
    "age_max",
    "service_area",
    "documents_to_bring",
]


def test_po_round_trip_fills_the_drafts_and_changes_nothing_else(client, translator, dutch_details):
    organisation, service = dutch_details["organisation"], dutch_details["service"]
    dutch_revisions = Revision.objects.filter(object_id=str(service.pk)).count()
    client.force_login(translator)
    response = client.get(
        reverse("directory_translations_export"),
        {"locale": "fr", "page": version(organisation, "fr").pk, "subtree": "1"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-fr.po"')
    po = polib.pofile(response.content.decode())
    assert po.metadata["Language"] == "fr"
    entries = {entry.msgctxt: entry for entry in po}
    summary = entries[f"{service.translation_key}|summary"]
    assert summary.msgid == "Hulp bij het zoeken naar een betaalbare woning."
    assert summary.msgstr == ""  # the French version is an alias: not translated
    assert "summary" in summary.comment and service.url_path in summary.comment
    short = entries[f"{organisation.translation_key}|short_description"]
    assert short.msgstr == "Service social de la ville de Louvain."  # the current translation
    assert f"{dutch_details['location'].translation_key}|hours_note" in entries

    # The agency fills it in; one entry is for a source text that has changed meanwhile.
    for entry in po:
        if not entry.msgstr:
            entry.msgstr = f"FR {entry.msgid}"
    entries[f"{service.translation_key}|access_details"].msgid = "Een oudere tekst."
    po.append(polib.POEntry(msgctxt="00000000-0000-0000-0000-000000000000|title", msgid="x"))
    po[-1].msgstr = "y"
    response = client.post(reverse("directory_translations"), po_upload(po))
    assert response.status_code == 200
    report = shown(response)
    assert "pages have a new draft" in report
    assert "the source has changed since the file was downloaded" in report
    assert "00000000-0000-0000-0000-000000000000|title" in report

    french = ServicePage.objects.get(
        translation_key=service.translation_key, locale__language_code="fr"
    )
    assert not french.alias_of_id  # made a translation
    draft = french.get_latest_revision_as_object()
    assert draft.summary == "FR Hulp bij het zoeken naar een betaalbare woning."
    assert draft.cost_details == "FR Gratis met een leefloon."
    assert draft.access_details == "Bel eerst voor een afspraak."  # stale: not applied
    # Not published: the public still sees the source's text; nothing else changed.
    assert french.summary == service.summary
    for name in CONTENT_FIELDS:
        assert getattr(draft, name) == getattr(french, name), name
    assert list(draft.needs.all()) == list(french.needs.all())
    assert list(draft.locations.all()) == list(french.locations.all())
    assert Revision.objects.filter(object_id=str(service.pk)).count() == dutch_revisions
    location = LocationPage.objects.get(
        translation_key=dutch_details["location"].translation_key, locale__language_code="fr"
    )
    assert location.get_latest_revision_as_object().hours_note == (
        "FR Donderdagavond enkel op afspraak."
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"\xff\xfe not a po file \x00", "cannot be read as a PO file"),
        (b"/etc/hostname", "cannot be read as a PO file"),  # never a path on the server
        (b"hello\nworld", "cannot be read as a PO file"),
        ('msgid ""\nmsgstr ""\n"Language: nl\\n"\n', "not one that pages are translated into"),
    ],
)
def test_an_unreadable_upload_is_refused_with_a_message(client, translator, home, upload, message):
    client.force_login(translator)
    response = client.post(reverse("directory_translations"), po_upload(upload))
    assert response.status_code == 400
    assert message in shown(response)


def test_an_invalid_translation_writes_nothing(client, translator, dutch_details):
    service = dutch_details["service"]
    client.force_login(translator)
    po = polib.pofile(
        client.get(
            reverse("directory_translations_export"),
            {"locale": "ar", "page": version(service, "ar").pk},
        ).content.decode()
    )
    for entry in po:
        entry.msgstr = "ن" * 400 if entry.msgctxt.endswith("|summary") else f"AR {entry.msgid}"
    response = client.post(reverse("directory_translations"), po_upload(po))
    assert response.status_code == 400
    text = shown(response)
    assert "Nothing was changed" in text
    assert "at most 200 characters" in text
    arabic = version(service, "ar")
    assert arabic.alias_of_id  # still an alias: nothing was written
    assert not Revision.objects.filter(object_id=str(arabic.pk)).exists()


def test_uploaded_rich_text_keeps_only_the_editor_features(client, translator, dutch_details):
    organisation = republish(
        dutch_details["organisation"], description="<p>Een <b>sociale</b> dienst.</p>"
    )
    client.force_login(translator)
    export = client.get(
        reverse("directory_translations_export"),
        {"locale": "fr", "page": version(organisation, "fr").pk},
    )
    po = polib.pofile(export.content.decode())
    for entry in po:
        if entry.msgctxt.endswith("|description"):
            entry.msgstr = "<p>Un <b>service</b> social.<script>alert(1)</script></p>"
    assert client.post(reverse("directory_translations"), po_upload(po)).status_code == 200
    draft = version(organisation, "fr").get_latest_revision_as_object()
    assert "<b>service</b>" in draft.description
    assert "script" not in draft.description


def test_validation_errors_are_in_the_persons_language(client, dutch_details):
    service = dutch_details["service"]
    dutch_translator = make_user("vertaler", language="nl")
    dutch_translator.groups.add(Group.objects.get(name=TRANSLATORS))
    client.force_login(dutch_translator)
    po = polib.pofile(
        client.get(
            reverse("directory_translations_export"),
            {"locale": "fr", "page": version(service, "fr").pk},
        ).content.decode()
    )
    for entry in po:
        entry.msgstr = "é" * 400 if entry.msgctxt.endswith("|summary") else entry.msgid
    response = client.post(reverse("directory_translations"), po_upload(po))
    assert response.status_code == 400
    # Django's and the project's own catalogues, in Dutch.
    assert "samenvatting: Zorg dat deze waarde niet meer dan 200 tekens bevat" in shown(response)


def test_upload_needs_translation_rights(client, dutch_details):
    from .test_permission_matrix import refused

    outsider = make_user("outsider")
    outsider.groups.add(Group.objects.get_or_create(name="Coaches")[0])
    client.force_login(outsider)
    assert refused(client.post(reverse("directory_translations"), po_upload(b"")))
    assert refused(client.get(reverse("directory_translations_export"), {"locale": "fr"}))


def test_the_menu_counts_what_this_person_may_update(client, translator, dutch_details):
    service = dutch_details["service"]
    french = translate(service, "fr", title="Accompagnement")
    republish(service, summary="Een nieuwe samenvatting.")
    client.force_login(translator)
    dashboard = shown(client.get("/admin/"))
    assert "Translations (1)" in dashboard
    queue = shown(client.get(reverse("directory_translations")))
    assert "1 translation out of date" in queue
    assert "pages not translated" in queue
    edit = shown(client.get(reverse("wagtailadmin_pages:edit", args=[french.pk])))
    assert "Download for translation (PO)" in edit
    # The queue of a locale as one file: the out-of-date translation and the aliases.
    export = client.get(
        reverse("directory_translations_export"), {"locale": "fr", "scope": "queue"}
    )
    contexts = {entry.msgctxt for entry in polib.pofile(export.content.decode())}
    assert f"{service.translation_key}|summary" in contexts
    assert f"{dutch_details['location'].translation_key}|hours_note" in contexts
    # Someone with no page to edit has no such menu.
    outsider = make_user("outsider")
    outsider.groups.add(Group.objects.get_or_create(name="Coaches")[0])
    client.force_login(outsider)
    assert "Translations (" not in shown(client.get("/admin/"))
