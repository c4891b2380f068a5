"""Self-service fixtures: two organisations (ours and another), each with a location and a
service in every locale (aliases), and a person in each role."""

import html

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from directory.factories import (
    LocationPageFactory,
    OpeningHoursFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import Role
from directory.roles import add_member, curators_group
from tests.layers import layered


def make_organisation(index, slug, title, need):
    organisation = publish(
        OrganisationPageFactory(
            parent=index, title=title, slug=slug, email=f"info@{slug}.example.org"
        )
    )
    alias_everywhere(organisation)
    location = LocationPageFactory(parent=organisation, title=f"{title} office", slug="office")
    OpeningHoursFactory(location=location)
    publish(location)
    alias_everywhere(location)
    service = ServicePageFactory(
        parent=organisation,
        title=f"{title} housing help",
        slug=f"{slug}-housing",
        summary="Help to find a home.",
        needs=[need],
    )
    service.locations.set([location])
    publish(service)
    alias_everywhere(service)
    return {"organisation": organisation, "location": location, "service": service}


@layered("organisation_index", "housing")
def orgs(organisation_index, housing):
    return {
        "own": make_organisation(organisation_index, "buddy", "Buddy Leuven", housing),
        "other": make_organisation(organisation_index, "caw", "CAW Oost", housing),
    }


def make_user(username, language="en", **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "a-Long-pass-phrase-42", **extra
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@layered("orgs")
def people(orgs):
    """One person per role; all but the curator and `other_editor` belong to the 'own'
    organisation. Everyone reads the admin in English."""
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    users = {"curator": make_user("curator")}
    users["curator"].groups.add(curators_group())
    for role in Role.values:
        users[role] = make_user(role)
        add_member(users[role], own, role)
    users["other_editor"] = make_user("other_editor")
    add_member(users["other_editor"], other, Role.EDITOR)
    return users


def shown(response) -> str:
    return html.unescape(response.content.decode())


def service_form(service, **overrides):
    """The service edit form as the admin would post it (capacity is not posted: it is set
    through its own action)."""
    data = nested_form_data(
        {
            "title": service.title,
            "slug": service.slug,
            "summary": service.summary,
            "description": rich_text(""),
            "eligibility": service.eligibility,
            "cost": service.cost,
            "cost_details": "",
            "access": service.access,
            "access_details": "",
            "contact_name": "",
            "contact_email": "",
            "contact_phone": "",
            "tags": "",
            "comments": inline_formset([]),
            **overrides,
        }
    )
    data["needs"] = [str(need.pk) for need in service.needs.all()]
    data["locations"] = [str(location.pk) for location in service.locations.all()]
    return data


# The search backends (database; Elasticsearch with --elasticsearch) for end-to-end tests.
from tests.search.conftest import search_backend  # noqa: E402, F401


@pytest.fixture
def organisation(organisation_index):
    """One published organisation, for admin forms that add pages under it."""
    return publish(OrganisationPageFactory(parent=organisation_index, slug="org"))
