"""Projects with a lifetime in search: an ended project leaves the results and the map by
default on both backends, comes back with `include_ended`, is no referral target, and the
nightly job moves a project that ends and the index follows."""

import datetime

import pytest
from django.utils import timezone

from directory.factories import ServicePageFactory, alias_everywhere, publish
from directory.models import ServicePage
from directory.projects import update_states
from search.sync import rebuild_all

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

DAY = datetime.timedelta(days=1)
BBOX = "4.5,50.7,4.9,51.0"


def project(network, ends_on, slug="woonproject"):
    service = ServicePageFactory(
        parent=network["organisation"],
        title="Woonproject Gent en Leuven",
        slug=slug,
        summary="Samen een woning zoeken, met Fedasil en de LOI's.",
        needs=[network["need"].children.get()],
        accepts_referrals=True,
        project_starts_on=datetime.date(2018, 2, 1),
        project_ends_on=ends_on,
    )
    service.locations.set([network["location"]])
    publish(service)
    alias_everywhere(service)
    return service


def names(answer) -> list[str]:
    return [result["name"] for result in answer.json()["results"]]


def map_names(answer) -> list[str]:
    return [f["properties"].get("name") for f in answer.json()["features"]]


def test_an_ended_project_leaves_search_and_the_map_unless_asked(client, network):
    ended = project(network, timezone.localdate() - DAY)
    assert ended.project_state == "ended"
    rebuild_all()

    assert names(client.get("/api/v1/services?q=woonproject")) == []
    everything = names(client.get("/api/v1/services"))
    assert "Woonbegeleiding" in everything and "Woonproject Gent en Leuven" not in everything
    included = client.get("/api/v1/services?q=woonproject&include_ended=true")
    assert names(included) == ["Woonproject Gent en Leuven"]
    # No referral target, even though it said it accepts referrals.
    assert included.json()["results"][0]["referrable"] is False

    on_map = map_names(client.get(f"/api/v1/map?bbox={BBOX}&zoom=16"))
    assert "Woonbegeleiding" in on_map and "Woonproject Gent en Leuven" not in on_map
    with_ended = map_names(client.get(f"/api/v1/map?bbox={BBOX}&zoom=16&include_ended=true"))
    assert "Woonproject Gent en Leuven" in with_ended


def test_the_search_page_offers_to_include_ended_projects(client, network):
    project(network, timezone.localdate() - DAY)
    rebuild_all()
    page = client.get("/en/search/?q=woonproject").content.decode()
    assert 'name="include_ended"' in page and "Woonproject Gent en Leuven" not in page
    page = client.get("/en/search/?q=woonproject&include_ended=true").content.decode()
    assert "Woonproject Gent en Leuven" in page


def test_a_running_project_is_found(client, network):
    project(network, timezone.localdate() + DAY)
    rebuild_all()
    answer = client.get("/api/v1/services?q=woonproject")
    assert names(answer) == ["Woonproject Gent en Leuven"]
    assert answer.json()["results"][0]["referrable"] is True


def test_the_nightly_job_ends_a_project_and_the_index_follows(
    client, network, django_capture_on_commit_callbacks
):
    running = project(network, timezone.localdate())  # its last day is today
    rebuild_all()
    assert names(client.get("/api/v1/services?q=woonproject")) == ["Woonproject Gent en Leuven"]

    with django_capture_on_commit_callbacks(execute=True):
        moved = update_states(timezone.localdate() + DAY)
    assert [s.pk for s in moved] == [running.pk]
    versions = ServicePage.objects.filter(translation_key=running.translation_key)
    assert set(versions.values_list("project_state", flat=True)) == {"ended"}
    assert names(client.get("/api/v1/services?q=woonproject")) == []
    # Nothing more to move the next night.
    assert update_states(timezone.localdate() + DAY) == []
