"""No staff screen runs a query per row: the referral page in every state, the inbox, "My
referrals" and the managers' figures, each with a ceiling on its queries, measured with more
rows (services, referrals, messages, people) than the ceiling leaves room for — one query per
row would break it. The ceilings hold the page's fixed queries (session, user, permissions,
Wagtail's menus, the audit log entry of a referral page view)."""

import datetime

import pytest
from django.utils import timezone

from directory.factories import ServicePageFactory, publish
from directory.models import Role
from directory.roles import add_member
from referrals import workflow
from referrals.models import DeclineReason, Referral, State
from tests.directory.conftest import make_user
from tests.layers import layered
from tests.referrals.conftest import act, referral_form
from tests.referrals.figures_data import Q1, build, make_referral

pytestmark = pytest.mark.django_db

ROWS = 30  # services, referrals, messages and people: more than a ceiling's slack


@layered("world", language="en")
def crowd(world):
    """ROWS more services at the CAW that accept referrals (redirect targets, figure rows)."""
    return [
        publish(
            ServicePageFactory(
                parent=world["caw"],
                title=f"Extra service {n}",
                slug=f"extra-service-{n}",
                summary="More of the same.",
                needs=[world["need"]],
                accepts_referrals=True,
            )
        )
        for n in range(ROWS)
    ]


def future(days=7):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")


STEPS = {
    State.DRAFT: [],
    State.SENT: [],
    State.ACCEPTED: [("intake", "accept", {})],
    State.INTAKE_PLANNED: [
        ("intake", "accept", {}),
        ("intake", "plan_intake", {"place": "Office", "interpreting": "none"}),
    ],
    State.COMPLETED: [
        ("intake", "accept", {}),
        ("intake", "plan_intake", {"place": "Office", "interpreting": "none"}),
        ("intake", "complete", {}),
    ],
    State.DECLINED: [("intake", "decline", {"reason": DeclineReason.FULL})],
    State.REDIRECTED: [("intake", "redirect", {"service": "caw_service"})],
}


def referral_in(world, as_user, state, colleagues=()):
    """A referral in this state, made through the screens, with ROWS messages from people
    of both sides (each a different person, so naming them cannot be a query each)."""
    action = "draft" if state == State.DRAFT else "send"
    response = as_user("coach").post("/admin/referrals/new/", referral_form(world, action=action))
    assert response.status_code == 302, response.content
    referral = Referral.objects.get(previous__isnull=True)
    for who, step, data in STEPS[state]:
        data = dict(data)
        if step == "plan_intake":
            data["when"] = future()
        if data.get("service") == "caw_service":
            data["service"] = world["caw_service"].pk
        assert act(as_user(who), referral, step, **data).status_code == 302
    referral.refresh_from_db()
    assert referral.state == state
    if state != State.DRAFT:
        for n, person in enumerate(colleagues):
            workflow.add_message(referral, person, f"Note {n}")
    return referral


@layered("world", language="en")
def colleagues(world):
    """ROWS people of both sides (each named on the timeline)."""
    people = []
    for n in range(ROWS):
        person = make_user(f"colleague-{n}")
        side = world["caritas"] if n % 2 else world["cgg"]
        add_member(person, side, Role.COORDINATOR)
        people.append(person)
    return people


# The ceilings: the queries of the page with few rows, plus a little room; ROWS more rows of
# anything with a query each would break them.
PAGE_CEILING = 60  # 31-54 measured, by state and side


PAGE_STATES = [
    State.DRAFT,
    State.SENT,
    State.ACCEPTED,
    State.INTAKE_PLANNED,
    State.COMPLETED,
    State.DECLINED,
    State.REDIRECTED,
]


@pytest.mark.parametrize(
    "state, side",
    [(state, "coach") for state in PAGE_STATES]
    + [(state, "intake") for state in PAGE_STATES if state != State.DRAFT],  # a draft is private
)
def test_the_referral_page_in_every_state(
    world, crowd, colleagues, as_user, state, side, django_assert_max_num_queries
):
    referral = referral_in(world, as_user, state, colleagues)
    client = as_user(side)
    with django_assert_max_num_queries(PAGE_CEILING):
        response = client.get(f"/admin/referrals/{referral.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Note 29" in body or state == State.DRAFT or side == "intake"
    # The redirect target is chosen with the search-as-you-type picker: the select under it
    # holds no list of the services.
    assert "Extra service" not in body
    if state in (State.SENT, State.ACCEPTED, State.INTAKE_PLANNED):
        assert 'id="service-picker-config"' in body and "data-service-picker" in body


def test_the_redirect_form_with_an_error_keeps_only_the_chosen_service(
    world, crowd, as_user, django_assert_max_num_queries
):
    referral = referral_in(world, as_user, State.SENT)
    with django_assert_max_num_queries(PAGE_CEILING + 10):
        response = act(as_user("intake"), referral, "redirect", service=crowd[3].pk, version=0)
    body = response.content.decode()
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "Extra service 3" in body and "Extra service 4" not in body


def test_the_new_referral_form_lists_no_services(world, crowd, as_user):
    body = as_user("coach").get("/admin/referrals/new/").content.decode()
    assert "Extra service" not in body and "data-service-picker" in body
    chosen = as_user("coach").get("/admin/referrals/new/", {"service": crowd[5].pk})
    body = chosen.content.decode()
    assert f'<option value="{crowd[5].pk}" selected>' in body
    assert "Extra service 5" in body and "Extra service 6" not in body


@layered("world", "crowd", language="en")
def many_referrals(world, crowd):
    """ROWS referrals from two coaches to ROWS services, in every state."""
    users = world["users"]
    states = [
        State.SENT,
        State.ACCEPTED,
        State.INTAKE_PLANNED,
        State.COMPLETED,
        State.DECLINED,
        State.WITHDRAWN,
    ]
    made = []
    for n, service in enumerate(crowd):
        state = states[n % len(states)]
        accepted = 1 if state in (State.ACCEPTED, State.INTAKE_PLANNED, State.COMPLETED) else None
        intake = 3 if state in (State.INTAKE_PLANNED, State.COMPLETED) else None
        row = (f"m{n}", f"2026-02-{1 + n % 27:02d}", state, accepted, intake, "")
        coach = users["coach"] if n % 2 else users["other_coach"]
        made.append(
            make_referral(
                world, row, coach, service, world["caw"], [world["need"]], users["caw_intake"]
            )
        )
    return made


LIST_CEILING = 40  # 28-30 measured


@pytest.mark.parametrize(
    "who, url",
    [
        ("coach", "/admin/referrals/?show=all"),
        ("coach", "/admin/referrals/"),
        ("caw_intake", "/admin/referrals/inbox/?show=all"),
        ("caw_intake", "/admin/referrals/inbox/"),
    ],
)
def test_the_lists(world, many_referrals, as_user, who, url, django_assert_max_num_queries):
    client = as_user(who)
    with django_assert_max_num_queries(LIST_CEILING):
        response = client.get(url)
    assert response.status_code == 200
    if "show=all" in url:  # every row of the tab, each with its service
        assert "Extra service 29" in response.content.decode()


@layered("world", "crowd", "many_referrals", language="en")
def figures_data(world, crowd, many_referrals):
    return build(world)


FIGURES_CEILING = 45  # 30-35 measured


@pytest.mark.parametrize(
    "path, extra",
    [
        ("", {}),
        ("", {"by": "service", "interval": "week"}),
        ("", {"by": "coach"}),
        ("", {"by": "need", "start": "2025-01-01", "end": "2026-12-31"}),
        ("", {"by": "referring_organisation"}),
        ("caseload/", {}),
        ("gaps/", {}),
    ],
)
def test_the_figures(world, figures_data, as_user, path, extra, django_assert_max_num_queries):
    client = as_user("curator")
    with django_assert_max_num_queries(FIGURES_CEILING):
        response = client.get(f"/admin/figures/{path}", {**Q1, **extra})
    assert response.status_code == 200
