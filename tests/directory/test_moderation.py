"""Moderation end to end: an editor's change waits for a curator, who compares it with the live
version and approves it (live, search updated) or asks for changes with a comment; the editor
hears about it by e-mail and in the admin; the history says who did what. Capacity is the
exception: one click, live at once."""

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import PageLogEntry

from directory.models import ServicePage
from search.models import SearchEntry

from .conftest import service_form, shown

pytestmark = pytest.mark.django_db


def api_names(client, q):
    return [r["name"] for r in client.get("/api/v1/services", {"q": q}).json()["results"]]


@pytest.fixture
def editor(people):
    client = Client()
    client.force_login(people["editor"])
    return client


@pytest.fixture
def curator(people):
    client = Client()
    client.force_login(people["curator"])
    return client


@pytest.fixture
def indexed(orgs, search_backend, django_capture_on_commit_callbacks):
    from search.sync import rebuild_all

    rebuild_all()
    return search_backend


def submit_change(editor, service, **changes):
    data = service_form(service, **changes, **{"action-submit": "submit"})
    response = editor.post(f"/admin/pages/{service.pk}/edit/", data)
    assert response.status_code == 302
    service = ServicePage.objects.get(pk=service.pk)
    assert service.workflow_in_progress
    return service


def test_approved_change_goes_live_and_into_search(
    client, editor, curator, orgs, indexed, django_capture_on_commit_callbacks
):
    service = orgs["own"]["service"]
    service = submit_change(
        editor, service, title="Kot zoeken", summary="Samen een kot zoeken in Leuven."
    )
    # Nothing is live yet; the curators got an e-mail.
    assert ServicePage.objects.get(pk=service.pk).title == "Buddy Leuven housing help"
    assert api_names(client, "kot") == []
    to_curators = [m for m in mail.outbox if "curator@example.org" in m.to]
    assert to_curators and "Kot zoeken" in to_curators[0].body

    # The curator's queue and the comparison with the live version.
    dashboard = shown(curator.get("/admin/"))
    assert "Awaiting your review" in dashboard and "Kot zoeken" in dashboard
    revision = service.latest_revision
    compare = curator.get(f"/admin/pages/{service.pk}/revisions/compare/live...{revision.pk}/")
    assert compare.status_code == 200
    text = shown(compare)
    assert "Buddy Leuven housing help" in text and "Kot zoeken" in text

    task_state = service.current_workflow_task_state
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            f"/admin/pages/workflow/action/{service.pk}/approve/{task_state.pk}/", {"comment": ""}
        )
    assert response.status_code in (200, 302)
    live = ServicePage.objects.get(pk=service.pk)
    assert live.title == "Kot zoeken" and live.live and not live.workflow_in_progress
    # Every locale's alias follows, and search finds the new text in both backends.
    fr = ServicePage.objects.get(translation_key=live.translation_key, locale__language_code="fr")
    assert fr.title == "Kot zoeken"
    assert api_names(client, "kot") == ["Kot zoeken"]
    assert SearchEntry.objects.filter(service_key=live.translation_key).exists()
    # The editor hears about it.
    assert any("editor@example.org" in m.to and "approved" in m.body for m in mail.outbox)

    history = shown(curator.get(f"/admin/pages/{service.pk}/history/"))
    assert "editor" in history and "curator" in history
    actions = set(PageLogEntry.objects.filter(page=service).values_list("action", flat=True))
    assert {"wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"} <= actions


def test_changes_requested_with_a_comment_reach_the_editor(editor, curator, people, orgs):
    service = submit_change(editor, orgs["own"]["service"], summary="Nieuwe tekst.")
    task_state = service.current_workflow_task_state
    mail.outbox.clear()
    response = curator.post(
        f"/admin/pages/workflow/action/{service.pk}/reject/{task_state.pk}/",
        {"comment": "Please add the opening hours of the new office."},
    )
    assert response.status_code in (200, 302)
    service = ServicePage.objects.get(pk=service.pk)
    assert service.summary == "Help to find a home."  # nothing went live
    assert service.current_workflow_state.status == "needs_changes"
    message = next(m for m in mail.outbox if "editor@example.org" in m.to)
    assert "Please add the opening hours of the new office." in message.body
    # In the admin: the dashboard and the page editor say changes were requested.
    assert "Changes requested" in shown(editor.get("/admin/"))
    edit = shown(editor.get(f"/admin/pages/{service.pk}/edit/"))
    assert "Please add the opening hours of the new office." in edit


def test_editor_notifications_come_in_their_language(editor, curator, people, orgs):
    from wagtail.users.models import UserProfile

    UserProfile.objects.filter(user=people["editor"]).update(preferred_language="nl")
    service = submit_change(editor, orgs["own"]["service"], summary="Nieuwe tekst.")
    mail.outbox.clear()
    curator.post(
        f"/admin/pages/workflow/action/{service.pk}/reject/"
        f"{service.current_workflow_task_state.pk}/",
        {"comment": "Graag de uren aanvullen."},
    )
    message = next(m for m in mail.outbox if "editor@example.org" in m.to)
    assert "afgewezen" in message.body or "afgekeurd" in message.body, message.body


def test_capacity_changes_in_one_click_without_review(
    client, editor, orgs, indexed, django_capture_on_commit_callbacks
):
    service = orgs["own"]["service"]
    dashboard = shown(editor.get("/admin/"))
    assert "Change capacity (live at once)" in dashboard
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/listing/capacity/{service.pk}/", {"capacity_status": "closed"}
        )
    assert response.status_code == 302
    for version in ServicePage.objects.filter(translation_key=service.translation_key):
        assert version.capacity_status == "closed" and version.live
    assert not ServicePage.objects.get(pk=service.pk).workflow_in_progress
    entry = SearchEntry.objects.filter(service_key=service.translation_key).first()
    assert entry.data["capacity"] == "closed"
    public = shown(client.get("/nl/organisations/buddy/buddy-housing/"))
    assert "Tijdelijk geen nieuwe cliënten" in public or "closed" in public.lower()
    log = PageLogEntry.objects.get(page=service, action="brug.capacity")
    assert log.user.username == "editor"
    history = shown(editor.get(f"/admin/pages/{service.pk}/history/"))
    assert "Capacity changed from 'Accepting new clients' to" in history


def test_capacity_survives_the_approval_of_an_older_draft(editor, curator, orgs):
    service = submit_change(editor, orgs["own"]["service"], summary="Nieuwe tekst.")
    editor.post(
        f"/admin/listing/capacity/{service.pk}/",
        {"capacity_status": "waiting_list", "waiting_weeks": "8"},
    )
    # The pending draft still shows the editor's text, with today's capacity.
    draft = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert (draft.summary, draft.capacity_status, draft.waiting_weeks) == (
        "Nieuwe tekst.",
        "waiting_list",
        8,
    )
    assert ServicePage.objects.get(pk=service.pk).workflow_in_progress
    curator.post(
        f"/admin/pages/workflow/action/{service.pk}/approve/"
        f"{service.current_workflow_task_state.pk}/",
        {"comment": ""},
    )
    live = ServicePage.objects.get(pk=service.pk)
    assert live.summary == "Nieuwe tekst."
    assert (live.capacity_status, live.waiting_weeks) == ("waiting_list", 8)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"capacity_status": "waiting_list"}, "Give the waiting time in weeks"),
        ({"capacity_status": "waiting_list", "waiting_weeks": "soon"}, "Give the waiting time"),
        ({"capacity_status": "waiting_list", "waiting_weeks": "500"}, "between 0 and 104"),
        ({"capacity_status": "<script>"}, "Choose one of the capacity options"),
    ],
)
def test_bad_capacity_is_refused_with_a_message(editor, orgs, data, message):
    service = orgs["own"]["service"]
    response = editor.post(f"/admin/listing/capacity/{service.pk}/", data)
    assert response.status_code == 400
    assert message in shown(response)
    assert ServicePage.objects.get(pk=service.pk).capacity_status == "accepting"
    assert not PageLogEntry.objects.filter(action="brug.capacity").exists()


def test_capacity_of_another_organisation_is_refused(editor, orgs):
    other = orgs["other"]["service"]
    response = editor.post(f"/admin/listing/capacity/{other.pk}/", {"capacity_status": "closed"})
    assert response.status_code in (302, 403)
    assert ServicePage.objects.get(pk=other.pk).capacity_status == "accepting"


def test_capacity_cannot_be_changed_through_the_moderated_form(editor, curator, orgs):
    service = orgs["own"]["service"]
    edit = shown(editor.get(f"/admin/pages/{service.pk}/edit/"))
    assert "goes live at once, without review" in edit
    data = service_form(service, capacity_status="closed", **{"action-submit": "submit"})
    editor.post(f"/admin/pages/{service.pk}/edit/", data)
    draft = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert draft.capacity_status == "accepting"


def test_editor_translates_their_organisation_into_french(editor, orgs):
    service = orgs["own"]["service"]
    fr = ServicePage.objects.get(
        translation_key=service.translation_key, locale__language_code="fr"
    )
    assert fr.alias_of_id == service.pk
    response = editor.post(f"/admin/pages/{fr.pk}/convert_alias/")
    assert response.status_code == 302
    fr = ServicePage.objects.get(pk=fr.pk)
    assert fr.alias_of_id is None
    data = service_form(
        fr, title="Aide au logement", summary="Trouver un logement.", **{"action-submit": "submit"}
    )
    assert editor.post(f"/admin/pages/{fr.pk}/edit/", data).status_code == 302
    fr = ServicePage.objects.get(pk=fr.pk)
    assert fr.workflow_in_progress
    assert fr.get_latest_revision_as_object().title == "Aide au logement"
    assert fr.title == "Buddy Leuven housing help"  # live after review only
    # The organisation page itself, in Arabic, too.
    organisation = orgs["own"]["organisation"]
    ar = type(organisation).objects.get(
        translation_key=organisation.translation_key, locale__language_code="ar"
    )
    assert editor.get(f"/admin/pages/{ar.pk}/edit/").status_code == 200
    # Not another organisation's translation.
    other_fr = ServicePage.objects.get(
        translation_key=orgs["other"]["service"].translation_key, locale__language_code="fr"
    )
    assert editor.post(f"/admin/pages/{other_fr.pk}/convert_alias/").status_code in (302, 403)
    assert ServicePage.objects.get(pk=other_fr.pk).alias_of_id is not None


def _between_markers(page: str) -> list[str]:
    """What follows each element that shows a curator's requested changes."""
    parts = page.split("data-brug-changes-requested")[1:]
    return [part[:800] for part in parts]


def test_the_editor_sees_the_comment_until_they_resubmit(editor, curator, people, orgs):
    service = submit_change(editor, orgs["own"]["service"], summary="Nieuwe tekst.")
    comment = "Please add the opening hours of the new office."
    curator.post(
        f"/admin/pages/workflow/action/{service.pk}/reject/"
        f"{service.current_workflow_task_state.pk}/",
        {"comment": comment},
    )
    # On the page's status panel, in plain sight (not only in the workflow dialog).
    status = _between_markers(shown(editor.get(f"/admin/pages/{service.pk}/edit/")))
    assert len(status) == 1 and comment in status[0] and "curator" in status[0]
    # On the dashboard, with a link to the page.
    dashboard = _between_markers(shown(editor.get("/admin/")))
    assert len(dashboard) == 1 and comment in dashboard[0]
    assert f"/admin/pages/{service.pk}/edit/" in dashboard[0]
    # Another organisation's editor does not see it.
    other = Client()
    other.force_login(people["other_editor"])
    assert comment not in shown(other.get("/admin/"))
    # Submitted again: the request is answered, both places are quiet.
    submit_change(editor, ServicePage.objects.get(pk=service.pk), summary="Met de uren.")
    assert _between_markers(shown(editor.get(f"/admin/pages/{service.pk}/edit/"))) == []
    assert _between_markers(shown(editor.get("/admin/"))) == []
