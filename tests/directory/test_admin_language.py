"""The admin in the staff member's language: page titles in the admin's language where a
translation exists (else the original, marked with its language), Wagtail's own e-mails in
the recipient's language, dates in Belgian conventions."""

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.users.models import UserProfile

from directory.models import ServicePage

from .conftest import shown

pytestmark = pytest.mark.django_db


def speaks(user, language):
    UserProfile.objects.filter(user=user).update(preferred_language=language)
    client = Client()
    client.force_login(user)
    return client


def translate_into_french(page, title):
    """The French alias becomes a real translation (what *Translate* does)."""
    french = Page.objects.get(translation_key=page.translation_key, locale__language_code="fr")
    Page.objects.filter(pk=french.pk).update(alias_of=None, title=title, draft_title=title)
    return french


@pytest.fixture
def french_service(orgs):
    service = orgs["own"]["service"]
    translate_into_french(service, "Aide au logement de Buddy")
    return service


def test_the_french_explorer_shows_french_titles_and_marks_the_rest(people, orgs, french_service):
    curator = speaks(people["curator"], "fr")
    organisation = orgs["own"]["organisation"]
    page = shown(curator.get(f"/admin/pages/{organisation.pk}/"))
    assert "Aide au logement de Buddy" in page
    assert "Buddy Leuven housing help" not in page
    assert "Buddy Leuven office (nl)" in page  # no French version: the original, marked


def test_the_explorer_of_the_admins_own_language_shows_plain_titles(people, orgs):
    curator = speaks(people["curator"], "nl")
    page = shown(curator.get(f"/admin/pages/{orgs['own']['organisation'].pk}/"))
    assert "Buddy Leuven housing help" in page
    assert "Buddy Leuven housing help (nl)" not in page


def test_an_alias_shows_its_source_title_marked(people, orgs):
    curator = speaks(people["curator"], "fr")
    service = orgs["own"]["service"]
    alias = ServicePage.objects.get(
        translation_key=service.translation_key, locale__language_code="fr"
    )
    page = shown(curator.get(f"/admin/pages/{alias.get_parent().pk}/"))
    assert "Buddy Leuven housing help (nl)" in page


def test_the_page_chooser_shows_french_titles(people, orgs, french_service):
    curator = speaks(people["curator"], "fr")
    response = curator.get(f"/admin/choose-page/{orgs['own']['organisation'].pk}/")
    assert "Aide au logement de Buddy" in shown(response)


def test_the_editors_dashboard_shows_french_titles(people, orgs, french_service):
    editor = speaks(people["editor"], "fr")
    page = shown(editor.get("/admin/"))
    assert "Aide au logement de Buddy" in page


def test_the_sidebar_explorer_api_shows_french_titles(people, orgs, french_service):
    curator = speaks(people["curator"], "fr")
    organisation = orgs["own"]["organisation"]
    response = curator.get(
        "/admin/api/main/pages/",
        {"child_of": organisation.pk, "for_explorer": 1, "fields": "admin_display_title"},
    )
    titles = [item["admin_display_title"] for item in response.json()["items"]]
    assert "Aide au logement de Buddy" in titles


def test_another_organisations_editor_is_refused_its_pages(people, orgs, french_service):
    other = speaks(people["other_editor"], "fr")
    response = other.get(f"/admin/pages/{orgs['own']['service'].pk}/edit/")
    assert response.status_code in (302, 403)
    assert "Aide au logement de Buddy" not in shown(other.get("/admin/"))


def test_wagtails_notices_use_the_recipients_language_not_the_senders(people, orgs):
    """A person who never chose a language gets Wagtail's notices in the language Brug's own
    e-mails use (the site's), not in that of the curator who acted."""
    from django.core import mail

    from directory.mail import user_language
    from directory.roles import add_member

    from .conftest import make_user
    from .test_moderation import submit_change

    newcomer = make_user("newcomer", language="")
    add_member(newcomer, orgs["own"]["organisation"], "editor")
    assert UserProfile.get_for_user(newcomer).preferred_language == "nl"
    assert user_language(newcomer) == "nl"
    editor = Client()
    editor.force_login(newcomer)
    service = submit_change(editor, orgs["own"]["service"], summary="Nieuwe tekst.")
    curator = speaks(people["curator"], "en")
    mail.outbox.clear()
    curator.post(
        f"/admin/pages/workflow/action/{service.pk}/reject/"
        f"{service.current_workflow_task_state.pk}/",
        {"comment": "Graag de uren aanvullen."},
    )
    message = next(m for m in mail.outbox if "newcomer@example.org" in m.to)
    assert "afgewezen" in message.body or "afgekeurd" in message.body, message.body


def test_the_curators_submission_notice_comes_in_their_language(people, orgs):
    from django.core import mail

    from .test_moderation import submit_change

    speaks(people["curator"], "fr")
    editor = speaks(people["editor"], "en")
    mail.outbox.clear()
    submit_change(editor, orgs["own"]["service"], summary="New text.")
    message = next(m for m in mail.outbox if "curator@example.org" in m.to)
    assert "Buddy Leuven housing help (nl)" in message.body  # the title in French terms too
    assert "soumis" in message.body or "soumise" in message.body, message.body


def test_setup_gives_existing_members_a_language(people):
    from directory.roles import ensure_roles

    UserProfile.objects.filter(user=people["coach"]).update(preferred_language="")
    ensure_roles()
    assert UserProfile.get_for_user(people["coach"]).preferred_language == "nl"
    assert UserProfile.get_for_user(people["editor"]).preferred_language == "en"  # kept


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("nl", "01/12/2026", "1 december 2026"),
        ("fr", "01/12/2026", "1 décembre 2026"),
        ("en", "01/12/2026", "1 December 2026"),
    ],
)
def test_dates_are_written_day_first(language, short, long):
    from datetime import date

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(date(2026, 12, 1), "SHORT_DATE_FORMAT") == short
        assert date_format(date(2026, 12, 1), "DATE_FORMAT") == long


@pytest.mark.parametrize("language", ["nl", "fr", "en", "ar"])
def test_the_admins_date_picker_writes_and_reads_day_first(language):
    from datetime import date

    from django import forms
    from django.utils import translation
    from wagtail.admin.widgets import AdminDateInput

    class DayForm(forms.Form):
        day = forms.DateField(widget=AdminDateInput)

    with translation.override(language):
        assert 'value="01/12/2026"' in str(DayForm(initial={"day": date(2026, 12, 1)})["day"])
        form = DayForm({"day": "01/12/2026"})
        assert form.is_valid() and form.cleaned_data["day"] == date(2026, 12, 1)
        assert DayForm({"day": "2026-12-01"}).is_valid()


def test_the_english_dashboard_shows_a_day_first_date(people, orgs):
    from datetime import date

    from directory.models import OrganisationPage

    OrganisationPage.objects.filter(pk=orgs["own"]["organisation"].pk).update(
        last_verified=date(2026, 12, 1)
    )
    editor = speaks(people["editor"], "en")
    assert "Last verified on 1 December 2026." in shown(editor.get("/admin/"))


@pytest.mark.parametrize(("invited_in", "admin"), [("fr", "fr"), ("uk", "nl"), ("ps", "nl")])
def test_a_member_gets_an_admin_language_the_admin_speaks(orgs, invited_in, admin):
    """An invitation may be in any UI language; the admin speaks the content languages only."""
    from directory.roles import add_member

    from .conftest import make_user

    newcomer = make_user(f"newcomer-{invited_in}", language="")
    from directory.mail import record_language

    record_language(newcomer, invited_in)
    add_member(newcomer, orgs["own"]["organisation"], "editor")
    assert UserProfile.get_for_user(newcomer).preferred_language == admin
