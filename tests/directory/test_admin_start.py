"""Editors land where they work: the Pages menu and the dashboard's page count open at their
organisation (with several, the list of them), a curator's at the directory, each in the
admin's language where a translation exists; people without page rights keep Wagtail's."""

import json
import re

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.users.models import UserProfile

from directory.models import OrganisationIndexPage
from directory.roles import add_member

from .conftest import shown

pytestmark = pytest.mark.django_db


def signed_in(user, language="en"):
    UserProfile.objects.filter(user=user).update(preferred_language=language)
    client = Client()
    client.force_login(user)
    return client


def explorer_start(dashboard: str) -> int | None:
    """The start page id of the sidebar's Pages menu item."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', dashboard, re.S)

    def items(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.PageExplorerMenuItem":
                yield node["_args"]
            for value in node.values():
                yield from items(value)
        elif isinstance(node, list):
            for value in node:
                yield from items(value)

    for menu_item, start in items(json.loads(props.group(1))):
        assert menu_item["url"] == f"/admin/pages/{start}/"
        return start
    return None


def test_an_editor_opens_pages_at_their_organisation(people, orgs):
    organisation = orgs["own"]["organisation"]
    dashboard = shown(signed_in(people["editor"]).get("/admin/"))
    assert explorer_start(dashboard) == organisation.pk
    # The dashboard counts their organisation's pages, in every language, not the network's.
    count = Page.objects.descendant_of(organisation, inclusive=True).count()
    assert f'href="/admin/pages/{organisation.pk}/"' in dashboard
    assert re.search(rf"\b{count}\s+Pages\b", dashboard)
    # And the explorer there shows their services.
    page = shown(signed_in(people["editor"]).get(f"/admin/pages/{organisation.pk}/"))
    assert "Buddy Leuven housing help" in page


def test_a_french_editor_opens_at_the_french_translation(people, orgs):
    organisation = orgs["own"]["organisation"]
    french = Page.objects.get(
        translation_key=organisation.translation_key, locale__language_code="fr"
    )
    assert explorer_start(shown(signed_in(people["editor"], "fr").get("/admin/"))) == (
        organisation.pk  # the French version is an alias: the original
    )
    Page.objects.filter(pk=french.pk).update(alias_of=None, title="Buddy Louvain")
    assert explorer_start(shown(signed_in(people["editor"], "fr").get("/admin/"))) == french.pk


def test_an_editor_of_two_organisations_opens_at_the_list_of_them(people, orgs):
    editor = people["editor"]
    add_member(editor, orgs["other"]["organisation"], "editor")
    index = orgs["own"]["organisation"].get_parent()
    client = signed_in(editor)
    assert explorer_start(shown(client.get("/admin/"))) == index.pk
    listing = shown(client.get(f"/admin/pages/{index.pk}/"))
    assert "Buddy Leuven" in listing and "CAW Oost" in listing


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_curator_opens_at_the_directory_in_their_language(people, orgs, language):
    index = OrganisationIndexPage.objects.get(locale__language_code=language)
    if index.alias_of_id:  # not translated: the default locale's
        index = OrganisationIndexPage.objects.get(locale__language_code="nl")
    dashboard = shown(signed_in(people["curator"], language).get("/admin/"))
    assert explorer_start(dashboard) == index.pk
    assert f'href="/admin/pages/{index.pk}/"' in dashboard


def test_a_coach_has_no_pages_menu_and_another_editor_cannot_open_ours(people, orgs):
    coach = shown(signed_in(people["coach"]).get("/admin/"))
    assert explorer_start(coach) is None
    other = signed_in(people["other_editor"])
    assert explorer_start(shown(other.get("/admin/"))) == orgs["other"]["organisation"].pk
    response = other.get(f"/admin/pages/{orgs['own']['service'].pk}/edit/")
    assert response.status_code in (302, 403)
