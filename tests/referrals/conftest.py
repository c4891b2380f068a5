"""A small referral network: Caritas refers, the CGG receives, the CAW is a third
organisation (for redirects and for outsiders), and a person in every role around them."""

import datetime

import pytest
from django.utils import timezone

from directory.factories import (
    LocationPageFactory,
    NeedFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import Role
from directory.roles import add_member, curators_group, ensure_roles
from referrals.roles import ensure_referral_roles
from tests.directory.conftest import make_user
from tests.layers import layered

PASSWORD = "a-Long-pass-phrase-42"


@pytest.fixture(autouse=True)
def english():
    """Messages of direct calls read in English (HTTP requests use each person's language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def organisation_with_service(index, slug, title, need, accepts=True, service_title=None):
    organisation = publish(
        OrganisationPageFactory(
            parent=index, title=title, slug=slug, email=f"info@{slug}.example.org"
        )
    )
    alias_everywhere(organisation)
    location = publish(
        LocationPageFactory(parent=organisation, title=f"{title} office", slug=f"{slug}-office")
    )
    service = ServicePageFactory(
        parent=organisation,
        title=service_title or f"{title} support",
        slug=f"{slug}-support",
        summary="Support for newcomers.",
        needs=[need],
        accepts_referrals=accepts,
    )
    service.locations.set([location])
    publish(service)
    alias_everywhere(service)
    return organisation, service


@layered("organisation_index", language="en")
def world(organisation_index):
    """Organisations, services and people. Everyone reads the admin in English but the
    intake worker, who reads it in French (their e-mails come in French)."""
    ensure_roles()
    trauma = NeedFactory(
        slug="mental-health", labels={"nl": "Psychisch welzijn", "en": "Mental health"}
    )
    caritas, caritas_service = organisation_with_service(
        organisation_index, "caritas", "Caritas Leuven", trauma
    )
    cgg, cgg_service = organisation_with_service(
        organisation_index, "cgg", "CGG Oost", trauma, service_title="Trauma care"
    )
    caw, caw_service = organisation_with_service(
        organisation_index, "caw", "CAW Oost", trauma, service_title="Listening and advice"
    )
    _closed_org, closed_service = organisation_with_service(
        organisation_index, "club", "Sports club", trauma, accepts=False
    )
    people = {
        "coach": (caritas, Role.COACH),
        "other_coach": (caritas, Role.COACH),
        "sender_coordinator": (caritas, Role.COORDINATOR),
        "intake": (cgg, Role.INTAKE_WORKER),
        "receiver_coordinator": (cgg, Role.COORDINATOR),
        "receiver_editor": (cgg, Role.EDITOR),
        "receiver_manager": (cgg, Role.MANAGER),
        "caw_intake": (caw, Role.INTAKE_WORKER),
        "caw_coach": (caw, Role.COACH),
    }
    users = {}
    for name, (organisation, role) in people.items():
        users[name] = make_user(name, language="fr" if name == "intake" else "en")
        add_member(users[name], organisation, role)
    users["curator"] = make_user("curator")
    users["curator"].groups.add(curators_group())
    users["administrator"] = make_user("administrator")
    users["administrator"].groups.add(curators_group(), ensure_referral_roles())
    users["stranger"] = make_user("stranger")
    return {
        "caritas": caritas,
        "cgg": cgg,
        "caw": caw,
        "service": cgg_service,
        "caw_service": caw_service,
        "caritas_service": caritas_service,
        "closed_service": closed_service,
        "need": trauma,
        "users": users,
    }


def referral_form(world, **overrides):
    data = {
        "organisation": world["caritas"].pk,
        "service": world["service"].pk,
        "client_reference": "CAR-117",
        "client_name": "Amina",
        "client_phone": "0470 12 34 56",
        "client_language": "",
        "needs": [world["need"].pk],
        "urgency": "soon",
        "handover_note": "Nightmares since the journey; prefers a female therapist.",
        "consent_method": "verbal",
        "consent_shares": ["note", "language"],
        "consent_valid_until": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "action": "send",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def as_user(client, world):
    """as_user("coach") → a client signed in as that person."""

    def sign_in(name):
        client.force_login(world["users"][name])
        return client

    return sign_in


@pytest.fixture
def sent(world, as_user):
    """A referral from the coach to the CGG's trauma care, sent."""
    from referrals.models import Referral

    response = as_user("coach").post("/admin/referrals/new/", referral_form(world))
    assert response.status_code == 302, response.content
    return Referral.objects.get()


def act(client, referral, action, **data):
    referral.refresh_from_db()
    return client.post(
        f"/admin/referrals/{referral.pk}/{action}/", {"version": referral.version, **data}
    )


def refused(response) -> bool:
    """Wagtail's admin answers a refusal with a redirect to the dashboard (and a message), or
    to the login for someone without admin access; the same for a referral that does not
    exist, so nothing is told about it."""
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location == "/admin/" or location.startswith("/admin/login/")
