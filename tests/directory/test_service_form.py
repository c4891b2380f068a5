"""The service form's needs: grouped by main need, searchable with a small script of ours,
plain grouped checkboxes without it; the edit page's queries do not grow with the taxonomy."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from directory.factories import NeedFactory, TargetGroupFactory
from directory.models import ServicePage

from .conftest import service_form, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(people):
    client = Client()
    client.force_login(people["editor"])
    return client


def sub_needs(parent, count, start=0):
    return [
        NeedFactory(
            slug=f"{parent.slug}-{n}", parent=parent, sort_order=n, labels={"en": f"Sub {n}"}
        )
        for n in range(start, start + count)
    ]


def test_needs_come_grouped_under_their_main_need(editor, orgs, housing):
    sub_needs(housing, 2)
    health = NeedFactory(slug="health", sort_order=1, labels={"en": "Health"})
    NeedFactory(slug="dentist", parent=health, labels={"en": "Dentist"})
    page = shown(editor.get(f"/admin/pages/{orgs['own']['service'].pk}/edit/"))
    picker = page[page.index("data-brug-need-picker") :]
    picker = picker[: picker.index("</div></div>") if "</div></div>" in picker else None]
    groups = re.findall(r"<legend>(.*?)</legend>", picker)
    assert groups[:2] == ["Health", "Housing"]  # by the main needs' order
    housing_group = picker[picker.index("<legend>Housing</legend>") :]
    labels = re.findall(r"</label>|<input[^>]*>\s*([^<]+)</label>", housing_group)
    assert [label.strip() for label in labels if label.strip()][:3] == ["Housing", "Sub 0", "Sub 1"]
    # The filter is a static script of ours; the checkboxes work without it.
    assert "directory/js/need-picker.js" in page
    assert re.search(r'<input type="checkbox" name="needs" value="\d+"[^>]*checked', page)


def test_saving_with_the_grouped_picker_keeps_the_chosen_needs(editor, orgs, housing):
    service = orgs["own"]["service"]
    chosen = sub_needs(housing, 2)[1]
    data = service_form(service)
    data["needs"] = [str(housing.pk), str(chosen.pk)]
    response = editor.post(f"/admin/pages/{service.pk}/edit/", data)
    assert response.status_code == 302
    draft = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
    assert {need.pk for need in draft.needs.all()} == {housing.pk, chosen.pk}


def edit_page_queries(client, service) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/pages/{service.pk}/edit/").status_code == 200
    return len(queries)


def test_the_edit_pages_queries_do_not_grow_with_the_taxonomy(editor, orgs, housing):
    service = orgs["own"]["service"]
    sub_needs(housing, 2)
    TargetGroupFactory()
    edit_page_queries(editor, service)  # warm-up
    few = edit_page_queries(editor, service)
    sub_needs(housing, 20, start=2)
    for _ in range(10):
        TargetGroupFactory()
    assert edit_page_queries(editor, service) == few


def test_another_organisations_editor_cannot_open_the_form(people, orgs):
    client = Client()
    client.force_login(people["other_editor"])
    response = client.get(f"/admin/pages/{orgs['own']['service'].pk}/edit/")
    assert response.status_code in (302, 403)
    assert "data-brug-need-picker" not in shown(response)
