"""Elasticsearch down: saving still works, the change waits in the outbox, search answers from
the database (and says so), and a replay brings the node up to date. Nothing is lost.

The outage is real from the client's side: the product is pointed at a port where no node
listens (connection refused), then back at the running node."""

import pytest
from django.core.management import call_command

from search.models import SearchOutbox
from tests.conftest import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("elasticsearch_backend")]


def search(client, q):
    return client.get("/api/v1/services", {"q": q}).json()


def test_outage_edit_fallback_replay(client, settings, network, django_capture_on_commit_callbacks):
    from search.sync import rebuild_index

    rebuild_index()
    node = settings.ELASTICSEARCH_URL
    assert search(client, "woning")["backend"] == "elasticsearch"

    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"  # the node is down
    service = network["service"]
    service.summary = "Nu ook hulp bij de kotzoektocht."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()  # saving still works
    assert SearchOutbox.objects.filter(service_key=service.translation_key).exists()

    answer = search(client, "kotzoektocht")
    assert answer["backend"] == "database"  # fallback, and it already knows the edit
    assert [r["name"] for r in answer["results"]] == ["Woonbegeleiding"]
    html = client.get("/nl/search/", {"q": "kotzoektocht"}).content.decode()
    assert 'class="note note--fallback"' in html

    with pytest.raises(Exception, match="unavailable"):
        call_command("search_index", "replay")
    assert SearchOutbox.objects.exists()  # still waiting, nothing lost

    settings.ELASTICSEARCH_URL = node  # the node is back
    call_command("search_index", "replay")
    assert not SearchOutbox.objects.exists()
    answer = search(client, "kotzoektocht")
    assert answer["backend"] == "elasticsearch"
    assert [r["name"] for r in answer["results"]] == ["Woonbegeleiding"]


def test_a_passing_failure_is_retried_not_queued(
    client, settings, network, monkeypatch, django_capture_on_commit_callbacks
):
    """A node that drops one request (a restart, a timeout) does not leave work behind."""
    from search.backends import elasticsearch as es_backend
    from search.sync import rebuild_index

    rebuild_index()
    real = es_backend.replace_service
    calls = []

    def flaky(service_key, documents):
        calls.append(service_key)
        if len(calls) == 1:
            raise ConnectionError("connection reset")
        return real(service_key, documents)

    monkeypatch.setattr(es_backend, "replace_service", flaky)
    service = network["service"]
    service.summary = "Nu ook hulp bij de kotzoektocht."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    assert len(calls) == 2
    assert not SearchOutbox.objects.exists()
    answer = search(client, "kotzoektocht")
    assert answer["backend"] == "elasticsearch"
    assert [r["name"] for r in answer["results"]] == ["Woonbegeleiding"]
