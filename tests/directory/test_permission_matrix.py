"""Every admin action, as every role, on its own organisation's pages and on another's,
through HTTP: each allowed action works, each refused one is refused (403, or a redirect with
an error, or not shown) and changes nothing."""

import re

import pytest
from django.urls import get_resolver, reverse
from wagtail.models import Page, Revision

from directory.models import Need, ServicePage
from referrals.access import can_see_referrals

from .conftest import service_form, shown

pytestmark = pytest.mark.django_db

ROLES = ["curator", "editor", "coach", "intake_worker", "manager"]
PAGE_ACTIONS = ["view", "edit", "publish", "move", "delete", "copy", "unpublish"]

ALLOWED = {
    "curator": {
        "own": set(PAGE_ACTIONS),
        "other": set(PAGE_ACTIONS),
        "taxonomy": True,
        "referrals": False,
    },
    "editor": {
        "own": {"view", "edit", "copy"},
        "other": set(),
        "taxonomy": False,
        "referrals": False,
    },
    "coach": {"own": set(), "other": set(), "taxonomy": False, "referrals": True},
    "intake_worker": {"own": set(), "other": set(), "taxonomy": False, "referrals": True},
    "manager": {"own": set(), "other": set(), "taxonomy": False, "referrals": True},
}


def snapshot(service):
    """What must not change when an action is refused."""
    service = ServicePage.objects.get(pk=service.pk)
    return {
        "title": service.title,
        "live": service.live,
        "parent": service.get_parent().pk,
        "revisions": Revision.objects.filter(object_id=str(service.pk)).count(),
        "pages": Page.objects.count(),
    }


def refused(response) -> bool:
    """403, or Wagtail's redirect to the dashboard (or login) with an error."""
    if response.status_code == 403:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location in ("/admin/", reverse("wagtailadmin_home")) or "/login/" in location
    return False


def do(client, action, service, orgs, target):
    """Perform one action on `service` (of the `target` organisation); return the response."""
    pk = service.pk
    if action == "view":
        return client.get(f"/admin/pages/{pk}/edit/")
    if action == "edit":
        return client.post(f"/admin/pages/{pk}/edit/", service_form(service, title="Changed"))
    if action == "publish":
        return client.post(
            f"/admin/pages/{pk}/edit/",
            service_form(service, title="Changed", **{"action-publish": "publish"}),
        )
    if action == "move":
        elsewhere = orgs["other" if target == "own" else "own"]["organisation"]
        return client.post(f"/admin/pages/{pk}/move/{elsewhere.pk}/confirm/")
    if action == "delete":
        return client.post(f"/admin/pages/{pk}/delete/")
    if action == "copy":
        return client.post(
            f"/admin/pages/{pk}/copy/",
            {
                "new_title": "Copied",
                "new_slug": "copied",
                "new_parent_page": str(service.get_parent().pk),
            },
        )
    if action == "unpublish":
        return client.post(f"/admin/pages/{pk}/unpublish/")
    raise AssertionError(action)


def happened(action, service, before, after) -> bool:
    if action == "view":
        return True  # checked on the response
    if action == "edit":
        latest = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
        return latest.title == "Changed" and after["title"] == before["title"]
    if action == "publish":
        return after["title"] == "Changed" and after["live"]
    if action == "move":
        return after["parent"] != before["parent"]
    if action == "delete":
        return not ServicePage.objects.filter(pk=service.pk).exists()
    if action == "copy":
        copy = ServicePage.objects.filter(slug="copied").first()
        return copy is not None and not copy.live and copy.get_parent().pk == before["parent"]
    if action == "unpublish":
        return not after["live"]
    raise AssertionError(action)


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("action", PAGE_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_page_action(client, people, orgs, role, action, target):
    client.force_login(people[role])
    service = orgs[target]["service"]
    before = snapshot(service)
    response = do(client, action, service, orgs, target)
    allowed = action in ALLOWED[role][target]
    if allowed:
        assert response.status_code in (200, 302), response.status_code
        assert not refused(response) or action == "view" and response.status_code == 200
        if action == "view":
            assert response.status_code == 200
            assert service.title in shown(response)
        else:
            after = snapshot(service) if ServicePage.objects.filter(pk=service.pk).exists() else {}
            assert happened(action, service, before, after), (role, action, target)
    elif action == "publish" and "edit" in ALLOWED[role][target]:
        # Someone who may edit but not publish has no publish button; a forged "publish"
        # only saves a draft (for review): nothing goes live.
        assert "action-publish" not in shown(client.get(f"/admin/pages/{service.pk}/edit/"))
        after = snapshot(service)
        assert (after["title"], after["live"]) == (before["title"], before["live"])
        latest = ServicePage.objects.get(pk=service.pk).get_latest_revision_as_object()
        assert latest.title == "Changed"
    else:
        assert refused(response), (role, action, target, response.status_code)
        assert snapshot(service) == before
        assert not ServicePage.objects.filter(slug="copied").exists()


@pytest.mark.parametrize("role", ROLES)
def test_edit_taxonomy(client, people, housing, role):
    client.force_login(people[role])
    need = housing
    url = f"/admin/snippets/directory/need/edit/{need.pk}/"
    response = client.get(url)
    if ALLOWED[role]["taxonomy"]:
        assert response.status_code == 200
    else:
        assert refused(response), response.status_code
        response = client.post(url, {"slug": "hacked", "pictogram": "other", "sort_order": "1"})
        assert refused(response)
        assert Need.objects.get(pk=need.pk).slug == "housing"
        assert "/admin/snippets/directory/need/" not in shown(client.get("/admin/"))


def fill_parameters(route: str) -> str:
    """A concrete URL for a route: numbers for <int:…>, a UUID for <uuid:…>, "x" otherwise."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", route)
    route = re.sub(r"<(\w+:)?\w+>", "x", route)
    return re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).lstrip("^").rstrip("$")


def referral_urls():
    """Every URL pattern of the referrals app or with 'referral' in its name (none yet: the
    referrals issue builds them; this test then covers them)."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif "referral" in route or "referral" in (pattern.name or ""):
                found.append("/" + fill_parameters(route))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_see_referrals(client, people, role):
    user = people[role]
    assert can_see_referrals(user) is ALLOWED[role]["referrals"]
    assert user.has_perm("referrals.see_referrals") is ALLOWED[role]["referrals"]
    if not ALLOWED[role]["referrals"]:
        client.force_login(user)
        for url in referral_urls():
            assert client.get(url).status_code in (302, 403, 404), url


def test_editor_sees_only_their_organisation_in_the_admin(
    wagtail_admin_search, client, people, orgs, organisation_index
):
    client.force_login(people["editor"])
    listing = shown(client.get(f"/admin/pages/{organisation_index.pk}/"))
    assert "Buddy Leuven" in listing
    assert "CAW Oost" not in listing
    search = shown(client.get("/admin/pages/search/?q=housing"))
    assert "Buddy Leuven housing help" in search
    assert "CAW Oost housing help" not in search
    # Pages of another organisation cannot be reached by address either.
    other = orgs["other"]
    for page in (other["organisation"], other["location"], other["service"]):
        assert refused(client.get(f"/admin/pages/{page.pk}/edit/"))
        assert refused(client.get(f"/admin/pages/add/directory/servicepage/{page.pk}/"))


def test_editor_can_add_a_location_and_service_as_drafts_only(client, people, orgs, housing):
    from .test_admin import location_data, monday_morning, service_data

    own = orgs["own"]["organisation"]
    client.force_login(people["editor"])
    response = client.post(
        f"/admin/pages/add/directory/locationpage/{own.pk}/",
        location_data([monday_morning()], slug="second-office"),
    )
    assert response.status_code == 302
    location = own.get_children().get(slug="second-office").specific
    assert not location.live  # "publish" was asked for, but only a curator can publish
    response = client.post(
        f"/admin/pages/add/directory/servicepage/{own.pk}/",
        service_data([housing], slug="new-service", **{"action-submit": "submit"}),
    )
    assert response.status_code == 302
    service = own.get_children().get(slug="new-service").specific
    assert not service.live
    assert service.workflow_in_progress
    # A draft of one's own can be deleted; it was never public.
    response = client.post(f"/admin/pages/{location.pk}/delete/")
    assert not own.get_children().filter(slug="second-office").exists()
