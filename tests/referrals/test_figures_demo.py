"""The demo activity (a year of referrals, unmet searches) and the gap report on demo data."""

from django.core.management import call_command

from directory.models import Membership, OrganisationPage, Role
from directory.roles import add_member
from referrals.models import Referral, State
from search.models import UnmetQuery
from tests.directory.conftest import make_user
from tests.layers import layered


@layered()
def demo_activity():
    """Six demo organisations and a year of their activity, built once for this module."""
    call_command("load_demo", limit=6)
    call_command("load_demo_activity")


def test_demo_activity_is_plausible_and_idempotent(demo_activity):
    referrals = Referral.objects.all()
    assert referrals.count() == 1200
    states = set(referrals.values_list("state", flat=True))
    assert {State.COMPLETED, State.DECLINED, State.NO_SHOW, State.ACCEPTED} <= states
    assert not referrals.filter(state=State.DRAFT).exists()
    assert not referrals.filter(accepted_at__lt=models_f("sent_at")).exists()
    assert Membership.objects.filter(role=Role.COACH).count() >= 3
    call_command("load_demo_activity")
    assert Referral.objects.count() == 1200
    assert UnmetQuery.objects.exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_gap_report_on_demo_data(demo_activity, client):
    curator = make_user("demo_curator")
    from directory.roles import curators_group

    curator.groups.add(curators_group())
    client.force_login(curator)
    response = client.get("/admin/figures/gaps/")
    assert response.status_code == 200
    html = response.content.decode()
    # Needs with few or no services: the six first demo organisations cover Leuven well,
    # Tervuren (Fedasil's centre) hardly.
    assert "Tervuren" in html
    assert 'id="table-coverage"' in html and "brug-gap" in html
    # Searches that found nothing, in the visitors' words and languages.
    assert "kinderopvang s avonds" in html and "طبيب اسنان مجاني" in html
    # The demo's mental-health centre is often full.
    assert 'id="table-full"' in html
    assert "No referral was declined as full" not in html

    # A manager of the OCMW sees its story: the busy coach (seed 004) is flagged.
    manager = make_user("demo_manager")
    ocmw = OrganisationPage.objects.originals().get(slug="ocmw-leuven")
    add_member(manager, ocmw, Role.MANAGER)
    client.force_login(manager)
    html = client.get("/admin/figures/caseload/").content.decode()
    assert "Sara Peeters" in html and "Overload" in html  # the busy coach (seed 004)
    assert client.get("/admin/figures/").status_code == 200


def test_the_network_map_on_demo_data(demo_activity, client):
    """The demo network shows its partnerships and its referral flows (last twelve months);
    the OCMW's manager sees the OCMW's flows by name and the rest as one sum."""
    from tests.referrals.test_network_maps import drawn_flows, drawn_partnerships, table_flows

    curator = make_user("map_curator")
    from directory.roles import curators_group

    curator.groups.add(curators_group())
    client.force_login(curator)
    page = client.get("/admin/figures/network/").content.decode()
    partnerships = drawn_partnerships(page)
    assert "OCMW Leuven and Caritas International Leuven: Referral agreement" in partnerships
    assert len(partnerships) == 6  # the ended 2018 project is not among them
    flows = table_flows(page)
    assert len(flows) >= 10 and len(drawn_flows(page)) == len(flows)
    assert all(int(count) >= 5 for _source, _target, count in flows)

    manager = make_user("map_manager")
    ocmw = OrganisationPage.objects.originals().get(slug="ocmw-leuven")
    add_member(manager, ocmw, Role.MANAGER)
    client.force_login(manager)
    page = client.get("/admin/figures/network/").content.decode()
    flows = table_flows(page)
    assert flows and all("OCMW Leuven" in (source, target) for source, target, _n in flows)
    assert "Other referrals between organisations" in page
    page = client.get("/admin/figures/gaps/map/").content.decode()
    assert "Tervuren" in page and "L.circleMarker" in page
