"""Onboarding: a curator invites by e-mail; the link works once, until it expires; curators
see and revoke access; password reset; sign-in is rate-limited; pages that need a sign-in say
so."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from directory.models import Invitation, Membership, Role

from .conftest import make_user, service_form, shown

pytestmark = pytest.mark.django_db

PASSWORD = "Brug-is-a-bridge-2026"


@pytest.fixture
def curator_client(client, people):
    client.force_login(people["curator"])
    return client


def invite(client, organisation, email="new.editor@example.org", language="nl"):
    return client.post(
        "/admin/people/",
        {
            "email": email,
            "organisation": str(organisation.pk),
            "role": Role.EDITOR,
            "language": language,
        },
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/invitation/\S+/)", message.body).group(1)


def test_curator_invites_and_the_person_sets_a_password_and_edits_their_listing(
    curator_client, client, orgs
):
    own = orgs["own"]["organisation"]
    response = invite(curator_client, own)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.editor@example.org"]
    assert "Buddy Leuven" in message.subject
    assert "Open deze link om je wachtwoord te kiezen" in message.body  # in Dutch, as chosen
    page = shown(curator_client.get("/admin/people/"))
    assert "new.editor@example.org" in page and "Invited; link valid until" in page

    path = link_in(message)
    assert path.startswith("/nl/invitation/")
    curator_client.logout()
    form = client.get(path)
    assert form.status_code == 200
    assert "new.editor@example.org" in shown(form)
    response = client.post(
        path,
        {"first_name": "Amina", "last_name": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = get_user_model().objects.get(email="new.editor@example.org")
    assert user.check_password(PASSWORD)
    assert Membership.objects.filter(user=user, organisation=own, role=Role.EDITOR).exists()
    assert Invitation.objects.get().accepted_by == user

    # Signed in, the new editor sees and edits their own organisation's service.
    service = orgs["own"]["service"]
    dashboard = shown(client.get("/admin/"))
    # The admin speaks the language of the invitation.
    assert "Buddy Leuven housing help" in dashboard and "Nog juist" in dashboard
    response = client.post(f"/admin/pages/{service.pk}/edit/", service_form(service))
    assert response.status_code == 302
    other = orgs["other"]["service"]
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)


def test_a_used_link_is_refused(curator_client, client, orgs):
    invite(curator_client, orgs["own"]["organisation"])
    path = link_in(mail.outbox[0])
    curator_client.logout()
    data = {"first_name": "A", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(path, data).status_code == 302
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "Deze uitnodiging is al gebruikt" in shown(again)  # the invitation's language
    assert client.post(path, data).status_code == 410
    assert get_user_model().objects.filter(email="new.editor@example.org").count() == 1


def test_an_expired_link_is_refused(curator_client, client, orgs):
    invite(curator_client, orgs["own"]["organisation"], language="en")
    path = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    curator_client.logout()
    response = client.post(path, {"first_name": "A", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "This invitation has expired" in shown(response)
    assert not get_user_model().objects.filter(email="new.editor@example.org").exists()


def test_a_withdrawn_or_made_up_link_is_refused(curator_client, client, orgs):
    invite(curator_client, orgs["own"]["organisation"], language="en")
    path = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    curator_client.post(f"/admin/people/invitation/{invitation.pk}/withdraw/")
    curator_client.logout()
    assert "withdrawn" in shown(client.get(path))
    made_up = client.get("/en/invitation/not-a-real-token/")
    assert made_up.status_code == 410
    assert "not valid" in shown(made_up)


def test_a_new_invitation_replaces_the_pending_one(curator_client, orgs):
    own = orgs["own"]["organisation"]
    invite(curator_client, own)
    invite(curator_client, own)
    assert Invitation.objects.pending().count() == 1
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter a valid e-mail address"),
        ("", "This field is required"),
        ("a@b@c.org", "Enter a valid e-mail address"),
        ("<script>alert(1)</script>@example.org", "Enter a valid e-mail address"),
        ("x" * 300 + "@example.org", "at most 254 characters"),
    ],
)
def test_invitation_to_an_invalid_address_is_refused_with_a_message(
    curator_client, orgs, email, message
):
    response = invite(curator_client, orgs["own"]["organisation"], email=email)
    assert response.status_code == 400
    assert message in shown(response)
    assert "<script>alert" not in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_a_member_again_is_refused(curator_client, people, orgs):
    response = invite(curator_client, orgs["own"]["organisation"], email="editor@example.org")
    assert response.status_code == 400
    assert "already has this role" in shown(response)


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("short", "short", "too short"),
        (PASSWORD, PASSWORD + "x", "not the same"),
        ("12345678901", "12345678901", "entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_and_the_link_still_works(
    curator_client, client, orgs, password1, password2, message
):
    invite(curator_client, orgs["own"]["organisation"], language="en")
    path = link_in(mail.outbox[0])
    curator_client.logout()
    data = {"first_name": "A", "password1": password1, "password2": password2}
    response = client.post(path, data)
    assert response.status_code == 400
    assert message in shown(response)
    assert Invitation.objects.get().status() == Invitation.Status.PENDING
    assert not get_user_model().objects.filter(email="new.editor@example.org").exists()


def test_someone_with_an_account_signs_in_to_join(curator_client, client, people, orgs):
    other = orgs["other"]["organisation"]
    invite(curator_client, other, email="editor@example.org", language="en")
    path = link_in(mail.outbox[0])
    curator_client.logout()
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(people["editor"])
    assert "You are signed in; confirm to join." in shown(client.get(path))
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(user=people["editor"], organisation=other).exists()
    service = orgs["other"]["service"]
    assert client.get(f"/admin/pages/{service.pk}/edit/").status_code == 200


def test_curator_sees_and_revokes_access(curator_client, client, people, orgs):
    page = shown(curator_client.get("/admin/people/"))
    assert "editor@example.org" in page and "Revoke access" in page
    membership = Membership.objects.get(user=people["editor"], role=Role.EDITOR)
    response = curator_client.post(f"/admin/people/membership/{membership.pk}/revoke/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    editor = Client()
    editor.force_login(people["editor"])
    service = orgs["own"]["service"]
    assert editor.get(f"/admin/pages/{service.pk}/edit/").status_code in (302, 403)
    # The history of the organisation says who revoked whom.
    history = curator_client.get(f"/admin/pages/{orgs['own']['organisation'].pk}/history/")
    assert history.status_code == 200, history.get("Location")
    history = shown(history)
    assert "Access revoked" in history


@pytest.mark.parametrize("role", ["editor", "coach", "other_editor"])
def test_only_curators_manage_people(client, people, orgs, role):
    client.force_login(people[role])
    assert client.get("/admin/people/").status_code in (302, 403)
    invite(client, orgs["own"]["organisation"])
    membership = Membership.objects.filter(role=Role.EDITOR).first()
    client.post(f"/admin/people/membership/{membership.pk}/revoke/")
    assert not Invitation.objects.exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_password_reset_by_email(client, people):
    response = client.post("/admin/password_reset/", {"email": "editor@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", mail.outbox[0].body)
    response = client.get(path.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "A-new-bridge-2027", "new_password2": "A-new-bridge-2027"}
    )
    assert response.status_code == 302
    people["editor"].refresh_from_db()
    assert people["editor"].check_password("A-new-bridge-2027")


def test_sign_in_is_rate_limited(client, people):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user("guessme")
    for _attempt in range(4):
        response = client.post("/admin/login/", {"username": "guessme", "password": "wrong"})
        assert response.status_code == 200
        assert 'name="password"' in shown(response)
    locked = client.post("/admin/login/", {"username": "guessme", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in shown(locked)
    # Even the right password waits until the lockout is over.
    response = client.post(
        "/admin/login/", {"username": "guessme", "password": "a-Long-pass-phrase-42"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_sign_in_lockout_tells_clients_behind_a_trusted_proxy_apart(people, settings):
    settings.BRUG_TRUSTED_PROXIES = 1
    make_user("guessme")

    def behind_proxy(address):
        return Client(
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address, HTTP_ACCEPT_LANGUAGE="en"
        )

    guesser = behind_proxy("198.51.100.1")
    wrong = {"username": "guessme", "password": "wrong"}
    for _attempt in range(4):
        assert guesser.post("/admin/login/", wrong).status_code == 200
    assert guesser.post("/admin/login/", wrong).status_code == 429
    # The account's owner, behind the same proxy, is not locked out with the guesser.
    owner = behind_proxy("198.51.100.2")
    response = owner.post(
        "/admin/login/", {"username": "guessme", "password": "a-Long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_the_right_password_signs_in(client, people):
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "a-Long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people["editor"].pk)


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/pages/", "/admin/people/", "/admin/reports/listings/"]
)
def test_pages_that_need_a_sign_in_say_so(client, home, path):
    response = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain and "/admin/login/" in response.redirect_chain[-1][0]
    text = shown(response)
    assert "Sign in to Brug" in text
    if path != "/admin/":
        assert "You need to sign in to see this page." in text
    dutch = shown(client.get(response.redirect_chain[-1][0], HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Aanmelden bij Brug" in dutch
