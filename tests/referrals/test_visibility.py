"""Who sees a referral, from the side of everyone who must be refused: a person outside the
referral sees neither the referral nor its existence — not its page, not its actions, not a
row in a list, not a count on a tab or on the dashboard, not its client's data."""

import pytest
from django.test import Client

from referrals.models import Referral
from tests.referrals.conftest import act, referral_form, refused

pytestmark = pytest.mark.django_db

# Who may see a sent referral from Caritas's coach to the CGG.
SEES = {
    "coach": True,  # made it
    "sender_coordinator": True,  # coordinates Caritas's referrals
    "intake": True,  # receives it
    "receiver_coordinator": True,
    "administrator": True,  # curator with the explicit permission
    "other_coach": False,  # same organisation, not their referral
    "receiver_editor": False,  # edits the CGG's listing only
    "receiver_manager": False,  # aggregates only
    "caw_intake": False,  # another organisation
    "caw_coach": False,
    "curator": False,  # a curator without the referral-administrator permission
    "stranger": False,
}


@pytest.fixture
def referral(world, as_user):
    as_user("coach").post("/admin/referrals/new/", referral_form(world, client_name="Yusuf"))
    return Referral.objects.get()


@pytest.mark.parametrize("who", list(SEES))
def test_who_sees_a_referral(world, client, referral, who):
    client.force_login(world["users"][who])
    page = client.get(f"/admin/referrals/{referral.pk}/")
    lists = "".join(
        client.get(url).content.decode()
        for url in (
            "/admin/referrals/?show=all",
            "/admin/referrals/inbox/?show=all",
            "/admin/referrals/inbox/?show=new",
            "/admin/",
        )
    )
    if SEES[who]:
        assert page.status_code == 200
        assert "Yusuf" in page.content.decode()
        return
    assert refused(page)
    assert f"R-{referral.pk}" not in lists
    assert "Yusuf" not in lists
    assert "new referral to answer" not in lists  # the dashboard's counts
    export = client.get(f"/admin/referrals/clients/{referral.client_id}/export/")
    assert refused(export)
    for action in ("accept", "decline", "withdraw", "redirect", "message"):
        before = (referral.state, referral.version)
        response = act(client, referral, action, reason="full", text="hello")
        assert refused(response), (who, action)
        referral.refresh_from_db()
        assert (referral.state, referral.version) == before


def test_counts_on_the_tabs_leave_out_other_peoples_referrals(world, client, referral, as_user):
    as_user("caw_coach").post(
        "/admin/referrals/new/",
        referral_form(world, organisation=world["caw"].pk, client_reference="CAW-1"),
    )
    client = as_user("intake")
    inbox = client.get("/admin/referrals/inbox/").content.decode()
    # Both were sent to the CGG: the intake worker sees two new ones.
    assert inbox.count('href="/admin/referrals/') >= 2
    coach = as_user("coach").get("/admin/referrals/?show=all").content.decode()
    assert "CAR-117" in coach and "CAW-1" not in coach


def test_the_receiving_side_sees_only_what_the_client_agreed_to_share(world, as_user):
    as_user("coach").post(
        "/admin/referrals/new/",
        referral_form(world, consent_shares=["language"], client_phone="0470 99 88 77"),
    )
    referral = Referral.objects.get()
    receiving = as_user("receiver_coordinator").get(f"/admin/referrals/{referral.pk}/").content
    assert b"Nightmares" not in receiving  # the note was not among what may be shared
    assert b"0470 99 88 77" not in receiving
    assert b"CAR-117" not in receiving  # the referring side's own reference
    sending = as_user("coach").get(f"/admin/referrals/{referral.pk}/").content
    assert b"Nightmares" in sending and b"0470 99 88 77" in sending


@pytest.mark.parametrize("who", ["receiver_editor", "receiver_manager", "curator", "stranger"])
def test_people_outside_referrals_cannot_start_one(world, client, who):
    client.force_login(world["users"][who])
    assert refused(client.get("/admin/referrals/new/"))
    assert refused(client.post("/admin/referrals/new/", referral_form(world)))
    assert not Referral.objects.exists()


def test_a_coach_cannot_refer_on_behalf_of_another_organisation(world, as_user):
    response = as_user("coach").post(
        "/admin/referrals/new/", referral_form(world, organisation=world["caw"].pk)
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_public_site_never_shows_referral_data(world, referral):
    client = Client()  # a visitor, not signed in
    for url in (world["service"].url, "/nl/search/?q=trauma", "/api/v1/services?q=trauma"):
        body = client.get(url).content.decode()
        assert "Yusuf" not in body and "CAR-117" not in body and "R-" + str(referral.pk) not in body
    assert client.get(f"/admin/referrals/{referral.pk}/")["Location"].startswith("/admin/login/")
