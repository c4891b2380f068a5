"""Ids beyond what the database holds: every URL with an id answers 404 (or sends the
signed-out to the login), for every role, never a server error; Wagtail's error-test URL
is not reachable."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, StringConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from directory.models import Role
from directory.urlconverters import IdConverter
from tests.directory.conftest import make_user, orgs, people  # noqa: F401

HUGE = "99999999999999999999"  # 2**66 or so: past SQLite's and PostgreSQL's integers
PROJECT_APPS = ("website", "directory", "search", "referrals")
# Path parts that must be real for the request to reach the id lookup.
NAMED_VALUES = {
    "app_label": "directory",
    "app_name": "directory",
    "content_type_app_name": "directory",
    "model_name": "need",
    "content_type_model_name": "servicepage",
    "action": "accept",
    "action_name": "approve",
}
ROUTE_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def is_id(name, converter) -> bool:
    """An int parameter, or a string one that names a primary key (Wagtail's `<str:pk>`)."""
    if isinstance(converter, (IntConverter, IdConverter)):
        return True
    return isinstance(converter, StringConverter) and (name == "pk" or name.endswith("_id"))


def routes(patterns=None, prefix="/", converters=None):
    """(path template, converters, pattern) of every route below, depth first."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry.pattern, LocalePrefixPattern):
            part = "nl/"
        elif isinstance(entry.pattern, RoutePattern):
            part = str(entry.pattern)
        else:
            continue  # a regular expression: Wagtail's catch-alls and page serving
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + part, found)
        elif isinstance(entry, URLPattern):
            yield prefix + part, found, entry


def id_urls():
    """(URL, the project's own?) of every route with an id, filled in with one no database
    holds."""
    urls = []
    for template, converters, pattern in routes():
        if not any(is_id(name, conv) for name, conv in converters.items()):
            continue

        def fill(match, converters=converters):
            name = match["name"]
            if is_id(name, converters[name]):
                return HUGE
            if name == "uuid" or match["converter"] == "uuid":
                return "00000000-0000-0000-0000-000000000000"
            return NAMED_VALUES.get(name, "x")

        urls.append((ROUTE_PART.sub(fill, template), owned_by_project(pattern)))
    return urls


def owned_by_project(pattern) -> bool:
    """The project's own views, and the admin views Wagtail builds for its models."""
    if pattern.lookup_str.split(".")[0] in PROJECT_APPS:
        return True
    model = getattr(pattern.callback, "view_initkwargs", {}).get("model")
    return hasattr(model, "_meta") and model._meta.app_label in PROJECT_APPS


def test_the_projects_urls_take_ids_through_the_bounded_converter():
    plain = [
        template
        for template, converters, pattern in routes()
        if owned_by_project(pattern)
        and any(type(conv) is IntConverter for conv in converters.values())
    ]
    assert plain == [], "use <id:...> (directory.urlconverters), not <int:...>"
    own = [template for template, _c, pattern in routes() if owned_by_project(pattern)]
    # The walk does see them: the referral, capacity, feedback and taxonomy screens.
    assert "/admin/referrals/<id:pk>/" in own
    assert "/admin/listing/capacity/<id:page_id>/" in own
    assert "/nl/services/<id:service_id>/feedback/" in own
    assert "/admin/snippets/directory/need/edit/<id:pk>/" in own


@pytest.fixture
def visitors(people):  # noqa: F811
    """Anonymous, then a signed-in person in every role (and a superuser)."""
    signed_in = {"curator": people["curator"], **{role: people[role] for role in Role.values}}
    signed_in["superuser"] = make_user("root", is_superuser=True, is_staff=True)
    return {"anonymous": None, **signed_in}


def refusal(response, who, url, project) -> str | None:
    """What is wrong with this answer to an id no database holds (None: nothing)."""
    status, location = response.status_code, response.get("Location", "")
    if status == 404 or status == 405:  # 405: a method the view does not take, id unread
        return None
    if status == 302 and location.startswith("/admin/login/") and url.startswith("/admin/"):
        return None if who == "anonymous" else "signed-in person sent to the login"
    if project:
        return f"{status} {location}"
    # Wagtail's own screens may refuse before they look the id up, with the admin's "no
    # permission" redirect to the dashboard; its editing-session release answers an empty
    # 200 for any id.
    if status == 302 and location == "/admin/":
        return None
    if status == 200 and "/editing-sessions/release/" in url and response.content == b"{}":
        return None
    return f"{status} {location}"


def test_an_id_out_of_range_is_not_found_for_everyone(client, visitors):
    urls = id_urls()
    assert ("/nl/services/99999999999999999999/suggest/", True) in urls
    assert ("/admin/listing/verify/99999999999999999999/", True) in urls
    client.raise_request_exception = False  # a server error is a 500 answer, counted below
    wrong = []
    for who, user in visitors.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url, project in urls:
            for method in (client.get, client.post):
                response = method(url)
                location = response.get("Location", "")
                if HUGE in location and not location.startswith("/admin/login/"):
                    response = client.get(response["Location"])  # revisions/ → history/
                problem = refusal(response, who, url, project)
                if problem:
                    wrong.append((who, method.__name__, url, problem))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_error_test_url_is_not_found(client, visitors):
    client.raise_request_exception = False
    client.force_login(visitors["superuser"])
    response = client.get("/admin/failwhale/")
    assert response.status_code == 404
    assert "emergency broadcast" not in response.content.decode()
    client.logout()
    response = client.get("/admin/failwhale/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
