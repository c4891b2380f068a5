"""The client's plan, from every side: the coach who makes it (from a referral, or from chosen
services), the client who opens the link without an account, and everyone who must be
refused — another organisation's coach, a colleague, the receiving side, a stranger, a wrong,
expired or revoked link."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from directory.factories import publish
from referrals.models import ClientPlan, Referral
from tests.referrals.conftest import act, refused

pytestmark = pytest.mark.django_db

NEW = "/admin/referrals/plans/new/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def future(days=7, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def make_plan(client, *, referral=None, services=(), language="en", **fields):
    """POST the plan form; returns (response, link path or None)."""
    data = {"language": language, "days": 30, **fields}
    if referral is not None:
        data["referral"] = referral.pk
    data["services"] = [s.pk for s in services] or ([referral.service_id] if referral else [])
    response = client.post(NEW, data)
    found = re.search(r'value="https?://[^/"]+(/plan/[^"]+)"', response.content.decode())
    return response, found.group(1) if found else None


def public(path):
    """The link, opened by the client: no account, no cookie."""
    return Client().get(path)


@pytest.fixture
def planned(sent, as_user):
    """The referral accepted and its intake planned."""
    intake = as_user("intake")
    assert act(intake, sent, "accept").status_code == 302
    response = act(
        intake,
        sent,
        "plan_intake",
        when=future(),
        place="Kapucijnenvoer 35, Leuven",
        with_whom="Sarah",
        interpreting="interpreter",
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    return sent


# The coach makes a plan, the client opens it ----------------------------------------------


def test_a_plan_from_a_referral_shows_the_service_and_nothing_of_the_client(world, sent, as_user):
    response, link = make_plan(as_user("coach"), referral=sent)
    assert response.status_code == 200, response.content
    assert link and link.startswith("/plan/")
    page = public(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trauma care" in html
    assert "CGG Oost" in html
    # The coach ticked nothing: no name, no phone, note, reference or appointment.
    for secret in ("Amina", "0470", "Nightmares", "CAR-117", "Your appointment"):
        assert secret not in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    assert not page.cookies
    # Nothing loaded from another host (the map is a link, not a resource).
    assert all(
        src.startswith("/")
        for src in re.findall(r'(?:src|href)="([^"#]*)"', html)
        if not src.startswith(("https://www.openstreetmap.org/", "tel:", "mailto:"))
    )
    assert "<form" not in html and "csrfmiddlewaretoken" not in html


def test_the_first_name_and_the_appointment_only_when_ticked(world, planned, as_user):
    _r, without = make_plan(as_user("coach"), referral=planned)
    html = public(without).content.decode()
    assert "Amina" not in html and "Kapucijnenvoer" not in html

    _r, ticked = make_plan(
        as_user("coach"), referral=planned, shows_first_name="on", shows_appointment="on"
    )
    html = public(ticked).content.decode()
    assert "Amina" in html
    assert "Your appointment" in html
    assert "Kapucijnenvoer 35, Leuven" in html and "Sarah" in html
    when = timezone.localtime(planned.intake_at)
    assert when.strftime("%H:%M") in html
    for secret in ("0470", "Nightmares", "CAR-117"):
        assert secret not in html


def test_withdrawn_consent_hides_the_client_from_the_plan(world, planned, as_user):
    _r, link = make_plan(
        as_user("coach"), referral=planned, shows_first_name="on", shows_appointment="on"
    )
    assert "Amina" in public(link).content.decode()
    assert act(as_user("coach"), planned, "withdraw_consent").status_code == 302
    html = public(link).content.decode()
    assert public(link).status_code == 200  # the services stay: they are public
    assert "Trauma care" in html
    assert "Amina" not in html and "Kapucijnenvoer" not in html


def test_expired_consent_hides_the_client_from_the_plan(world, planned, as_user):
    _r, link = make_plan(
        as_user("coach"), referral=planned, shows_first_name="on", shows_appointment="on"
    )
    Referral.objects.filter(pk=planned.pk).update(
        consent_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = public(link).content.decode()
    assert "Trauma care" in html
    assert "Amina" not in html and "Kapucijnenvoer" not in html


def test_a_plan_from_chosen_services_without_a_referral(world, as_user):
    coach = as_user("caw_coach")
    form = coach.get(f"{NEW}?service={world['service'].pk}&service={world['caw_service'].pk}")
    assert form.status_code == 200
    body = form.content.decode()
    assert "first_name" not in body  # no client to name
    assert body.count("checked") >= 2
    response, link = make_plan(
        coach,
        services=[world["service"], world["caw_service"]],
        language="fr",
        organisation=world["caw"].pk,
    )
    assert response.status_code == 200, response.content
    page = public(link)
    html = page.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Trauma care" in html and "Listening and advice" in html
    plan = ClientPlan.objects.get()
    assert plan.organisation == world["caw"] and plan.referral is None


def test_at_most_four_services_and_one_plan_per_form(world, as_user):
    coach = as_user("coach")
    everything = [
        world["service"],
        world["caw_service"],
        world["caritas_service"],
        world["closed_service"],
    ]
    response, link = make_plan(coach, services=everything, organisation=world["caritas"].pk)
    assert response.status_code == 200 and link
    key = "5b0f3c1e-7f0a-4a7e-9d52-5a1d3f8e2b11"
    for _ in range(2):
        response = coach.post(
            NEW,
            {
                "language": "en",
                "days": 7,
                "services": [world["service"].pk],
                "organisation": world["caritas"].pk,
                "submission_key": key,
            },
        )
        assert response.status_code == 200
    assert ClientPlan.objects.filter(submission_key=key).count() == 1
    assert "already sent" in response.content.decode()
    assert "/plan/" not in response.content.decode()  # the link was shown once


def test_too_many_services_are_refused_at_the_field(world, as_user, monkeypatch):
    from referrals import plans

    monkeypatch.setattr(plans, "MAX_SERVICES", 1)
    response, link = make_plan(
        as_user("coach"),
        services=[world["service"], world["caw_service"]],
        organisation=world["caritas"].pk,
    )
    assert response.status_code == 400 and link is None
    assert "At most 1 services fit on one page." in response.content.decode()
    assert not ClientPlan.objects.exists()


# Languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_a_right_to_left_plan_marks_the_dutch_parts(world, sent, as_user, language):
    _r, link = make_plan(as_user("coach"), referral=sent, language=language)
    html = public(link).content.decode()
    assert f'<html lang="{language}" dir="rtl">' in html
    assert '<span lang="nl" dir="ltr">Trauma care</span>' in html
    assert '<span lang="nl" dir="ltr">CGG Oost</span>' in html
    assert 'lang="nl" dir="ltr">CGG Oost office</strong>' in html


def test_a_plan_in_dutch_needs_no_marks(world, sent, as_user):
    _r, link = make_plan(as_user("coach"), referral=sent, language="nl")
    html = public(link).content.decode()
    assert '<html lang="nl" dir="ltr">' in html
    assert 'lang="nl" dir="ltr">Trauma care' not in html
    assert ">Trauma care</span>" in html


# Confidential places -------------------------------------------------------------------------


def test_a_confidential_place_shows_its_front_door_never_its_street(world, sent, as_user):
    location = world["service"].locations.get()
    location.street, location.house_number = "Verborgenstraat", "7"
    location.confidential = True
    location.front_door_phone = "016 11 22 33"
    publish(location)
    _r, link = make_plan(as_user("coach"), referral=sent)
    html = public(link).content.decode()
    assert "Verborgenstraat" not in html
    assert "016 11 22 33" in html
    assert "openstreetmap" not in html
    printed = as_user("coach").get(f"/admin/referrals/plans/{ClientPlan.objects.get().pk}/print/")
    assert printed.status_code == 200 and "Verborgenstraat" not in printed.content.decode()


# The link: expiry, revocation, wrong tokens -------------------------------------------------


def test_an_expired_link_shows_nothing(world, sent, as_user):
    _r, link = make_plan(as_user("coach"), referral=sent)
    ClientPlan.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = public(link)
    assert page.status_code == 404
    assert "Trauma care" not in page.content.decode()


def test_a_revoked_link_shows_nothing_and_looks_like_a_wrong_one(world, sent, as_user):
    coach = as_user("coach")
    _r, link = make_plan(coach, referral=sent)
    plan = ClientPlan.objects.get()
    assert coach.post(f"/admin/referrals/plans/{plan.pk}/revoke/").status_code == 302
    revoked = public(link)
    wrong_token = "x" * len(link.split("/")[2])
    wrong = public(f"/plan/{wrong_token}/")
    assert revoked.status_code == wrong.status_code == 404
    # The same page, but for the address itself.
    token = link.split("/")[2]
    assert revoked.content.decode().replace(token, "T") == wrong.content.decode().replace(
        wrong_token, "T"
    )
    assert "Trauma care" not in revoked.content.decode()
    actions = list(ModelLogEntry.objects.for_instance(plan).values_list("action", flat=True))
    assert sorted(actions) == ["brug.plan.created", "brug.plan.revoked"]
    # Revoked is final: no new link for it.
    coach.post(f"/admin/referrals/plans/{plan.pk}/new-link/")
    plan.refresh_from_db()
    assert public(link).status_code == 404


def test_a_new_link_replaces_the_old_one(world, sent, as_user):
    coach = as_user("coach")
    _r, old = make_plan(coach, referral=sent)
    plan = ClientPlan.objects.get()
    response = coach.post(f"/admin/referrals/plans/{plan.pk}/new-link/")
    new = re.search(r'value="https?://[^/"]+(/plan/[^"]+)"', response.content.decode()).group(1)
    assert new != old
    assert public(old).status_code == 404
    assert public(new).status_code == 200
    assert ModelLogEntry.objects.for_instance(plan).filter(action="brug.plan.new_link").exists()


def test_the_token_is_stored_hashed_and_the_log_holds_no_client_data(world, planned, as_user):
    _r, link = make_plan(as_user("coach"), referral=planned, shows_first_name="on")
    token = link.split("/")[2]
    plan = ClientPlan.objects.get()
    assert len(token) >= 40
    assert token not in plan.token_hash
    entry = ModelLogEntry.objects.for_instance(plan).get(action="brug.plan.created")
    assert entry.data["referral"] == planned.pk
    assert "Amina" not in str(entry.data) and "Amina" not in entry.label


def test_wrong_tokens_are_limited_per_address(world, sent, as_user, settings):
    settings.BRUG_PLAN_MISSES_PER_HOUR = 3
    _r, link = make_plan(as_user("coach"), referral=sent)
    guesser = Client()
    for n in range(4):
        assert guesser.get(f"/plan/guess{n}/").status_code == 404
    # Over the limit, the right link too answers "not found" from that address for a while.
    assert guesser.get(link).status_code == 404
    assert Client(REMOTE_ADDR="192.0.2.9").get(link).status_code == 200


def test_a_huge_token_is_not_found(world):
    assert public("/plan/" + "a" * 5000 + "/").status_code == 404


# Who may manage a plan ---------------------------------------------------------------------


@pytest.fixture
def plan(world, sent, as_user):
    _r, link = make_plan(as_user("coach"), referral=sent)
    plan = ClientPlan.objects.get()
    plan.link = link
    return plan


@pytest.mark.parametrize(
    "name", ["caw_coach", "other_coach", "intake", "receiver_coordinator", "curator", "stranger"]
)
def test_others_cannot_open_print_or_revoke_a_plan(world, plan, client, name):
    client.force_login(world["users"][name])
    base = f"/admin/referrals/plans/{plan.pk}/"
    for response in (
        client.get(base),
        client.get(base + "print/"),
        client.post(base + "revoke/"),
        client.post(base + "new-link/"),
    ):
        assert refused(response), (name, response.status_code)
        assert "Trauma care" not in response.content.decode()
    assert f"P-{plan.pk}" not in client.get("/admin/referrals/plans/").content.decode()
    plan.refresh_from_db()
    assert plan.revoked_at is None
    assert public(plan.link).status_code == 200


def test_the_coach_and_their_coordinator_manage_the_plan(world, plan, client):
    for name in ("coach", "sender_coordinator"):
        client.force_login(world["users"][name])
        page = client.get(f"/admin/referrals/plans/{plan.pk}/")
        assert page.status_code == 200
        assert f"P-{plan.pk}" in client.get("/admin/referrals/plans/").content.decode()
        printed = client.get(f"/admin/referrals/plans/{plan.pk}/print/")
        assert printed.status_code == 200 and "Trauma care" in printed.content.decode()


@pytest.mark.parametrize("name", ["intake", "caw_coach", "other_coach", "stranger"])
def test_only_the_referring_side_makes_a_plan_from_a_referral(world, sent, client, name):
    client.force_login(world["users"][name])
    assert refused(client.get(f"{NEW}?referral={sent.pk}"))
    response = client.post(
        NEW,
        {
            "referral": sent.pk,
            "services": [world["service"].pk],
            "language": "en",
            "days": 30,
            "shows_first_name": "on",
        },
    )
    assert refused(response)
    assert not ClientPlan.objects.exists()


def test_the_referral_page_offers_a_plan_to_the_coach_only(world, sent, as_user):
    link = f"{NEW}?referral={sent.pk}"
    assert link in as_user("coach").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert link not in as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()


def test_an_interface_only_language_shows_the_original_marked(world, sent, as_user):
    _r, link = make_plan(as_user("coach"), referral=sent, language="uk")
    html = public(link).content.decode()
    assert '<html lang="uk" dir="ltr">' in html
    assert '<span lang="nl" dir="ltr">Trauma care</span>' in html


def test_an_erased_client_is_not_on_the_plan(world, planned, as_user):
    from referrals import workflow

    _r, link = make_plan(
        as_user("coach"), referral=planned, shows_first_name="on", shows_appointment="on"
    )
    workflow.erase_client(planned.client)
    html = public(link).content.decode()
    assert "Trauma care" in html
    assert "Amina" not in html and "Your appointment" not in html


def test_an_intake_planned_later_shows_when_it_was_ticked(world, sent, as_user):
    _r, link = make_plan(as_user("coach"), referral=sent, shows_appointment="on")
    assert "Your appointment" not in public(link).content.decode()
    intake = as_user("intake")
    act(intake, sent, "accept")
    act(
        intake,
        sent,
        "plan_intake",
        when=future(),
        place="Kapucijnenvoer 35",
        with_whom="",
        interpreting="none",
    )
    html = public(link).content.decode()
    assert "Your appointment" in html and "Kapucijnenvoer 35" in html


def test_the_referral_service_comes_first_and_hours_are_one_line_per_run(
    world, sent, as_user, monkeypatch
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from directory import opening_hours
    from directory.factories import OpeningHoursFactory

    # A week without public holidays (8–14 June 2026).
    moment = dt.datetime(2026, 6, 9, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    monkeypatch.setattr(opening_hours, "now_in_brussels", lambda: moment)

    location = world["service"].locations.get()
    for weekday in range(5):
        OpeningHoursFactory(
            location=location, weekday=weekday, opens=dt.time(9), closes=dt.time(12)
        )
    publish(location)
    _r, link = make_plan(
        as_user("coach"), referral=sent, services=[world["caw_service"], world["service"]]
    )
    html = public(link).content.decode()
    # "Listening and advice" sorts first by title; the referral's service leads the plan.
    assert html.index("Trauma care") < html.index("Listening and advice")
    assert "Monday – Friday</th>" in html
    assert html.count("09:00–12:00") == 1
    assert "Saturday – Sunday</th>" in html


def test_a_service_taken_offline_leaves_the_plan(world, sent, as_user):
    _r, link = make_plan(
        as_user("coach"), referral=sent, services=[world["service"], world["caw_service"]]
    )
    world["caw_service"].unpublish()
    html = public(link).content.decode()
    assert "Trauma care" in html and "Listening and advice" not in html


def test_a_coach_cannot_make_a_plan_for_another_organisation(world, as_user):
    response, link = make_plan(
        as_user("coach"), services=[world["service"]], organisation=world["caw"].pk
    )
    assert response.status_code == 400 and link is None
    assert not ClientPlan.objects.exists()


def test_the_plans_menu_is_the_referring_sides(world, as_user):
    assert "/admin/referrals/plans/" in as_user("coach").get("/admin/").content.decode()
    assert "/admin/referrals/plans/" not in as_user("intake").get("/admin/").content.decode()
    assert refused(as_user("intake").get("/admin/referrals/plans/"))
    assert refused(as_user("receiver_manager").get(NEW))
