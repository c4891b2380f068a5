"""The search entries follow publishing, unpublishing and deleting, after the commit."""

import pytest

from search.models import SearchEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


def api_names(client, q):
    return [r["name"] for r in client.get("/api/v1/services", {"q": q}).json()["results"]]


def test_publish_and_unpublish_update_the_index_after_commit(
    client, network, django_capture_on_commit_callbacks
):
    service = network["service"]
    service.title = "Woonbegeleiding plus"
    service.summary = "Nieuwe zin over kotzoektocht."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    assert api_names(client, "kotzoektocht") == ["Woonbegeleiding plus"]

    with django_capture_on_commit_callbacks(execute=True):
        service.unpublish()
    assert api_names(client, "kotzoektocht") == []
    assert not SearchEntry.objects.filter(service_key=service.translation_key).exists()


def test_a_location_change_reindexes_its_services(
    client, network, django_capture_on_commit_callbacks
):
    location = network["location"]
    location.municipality = "Heverlee"
    location.postcode = "3001"
    with django_capture_on_commit_callbacks(execute=True):
        location.save_revision().publish()
    entry = SearchEntry.objects.get(service_key=network["service"].translation_key)
    assert entry.data["municipality"] == "Heverlee"


def test_deleting_a_service_removes_it(client, network, django_capture_on_commit_callbacks):
    service = network["service"]
    with django_capture_on_commit_callbacks(execute=True):
        for version in type(service).objects.filter(translation_key=service.translation_key):
            version.delete()
    assert api_names(client, "woning") == []


def test_rebuild_command_switches_to_a_new_index(client, network, settings, search_backend):
    from django.core.management import call_command

    SearchEntry.objects.all().delete()
    call_command("search_index", "rebuild")
    assert SearchEntry.objects.count() == 1
    assert api_names(client, "woning") == ["Woonbegeleiding"]
    if search_backend == "elasticsearch":
        from search.backends.elasticsearch import client as es_client

        es = es_client()
        before = set(es.indices.get_alias(name=settings.BRUG_SEARCH_INDEX))
        call_command("search_index", "rebuild")
        after = set(es.indices.get_alias(name=settings.BRUG_SEARCH_INDEX))
        assert len(after) == 1 and after != before  # a new versioned index behind the alias
        assert api_names(client, "woning") == ["Woonbegeleiding"]


def test_a_failing_reindex_never_fails_the_save_and_is_replayed(
    client, network, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from search import sync
    from search.models import SearchOutbox

    def broken(service_key):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(sync, "build_documents", broken)
    service = network["service"]
    service.summary = "Nieuwe zin over kotzoektocht."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()  # no exception reaches the editor
    row = SearchOutbox.objects.get(service_key=service.translation_key)
    assert "database hiccup" in row.last_error
    assert api_names(client, "kotzoektocht") == []  # not indexed yet …

    monkeypatch.undo()
    call_command("search_index", "replay")
    assert not SearchOutbox.objects.exists()
    assert api_names(client, "kotzoektocht") == ["Woonbegeleiding"]  # … nothing lost
