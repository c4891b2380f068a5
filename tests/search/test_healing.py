"""A search index that heals itself: a node that comes back empty, an alias that vanished or
an index far behind the database is noticed on the next write, replay or check; search answers
from the database at once and a full rebuild brings Elasticsearch back to every live service,
without anyone running a rebuild by hand. A rebuild that fails leaves the old index serving.

The restart test runs its own throw-away node (scripts/elasticsearch.sh on a free port, its
own run directory): it stops the node and starts it wiped, which the shared node must never be.
"""

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from directory.factories import ServicePageFactory, alias_everywhere, publish
from search.models import SearchEntry, SearchOutbox
from search.query import SearchQuery
from tests.conftest import require_component

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "elasticsearch.sh"


def _port_pair() -> int:
    """A free HTTP port whose transport port (+100, as the script uses) is free too."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + 100 > 65535:
            continue
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + 100))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of ports")


class OwnNode:
    """A node of this test's own, started and stopped with the project's script."""

    def __init__(self):
        self.port = _port_pair()
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = tempfile.mkdtemp(prefix="brug-es-healing-")
        self.env = {**os.environ, "ES_RUN_DIR": self.run_dir}

    def _script(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRIPT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    def start(self, fresh: bool = False):
        done = self._script("start", *(["--fresh"] if fresh else []), str(self.port))
        if done.returncode:
            require_component(
                "A second Elasticsearch node (scripts/elasticsearch.sh)",
                f"it did not start: {done.stderr[-2000:]}",
            )

    def stop(self):
        self._script("stop", str(self.port))


@pytest.fixture
def own_node(request, settings):
    if not request.config.getoption("--elasticsearch"):
        require_component("Elasticsearch", "run `make test`, which starts a node")
    node = OwnNode()
    try:
        node.start(fresh=True)
        settings.ELASTICSEARCH_URL = node.url
        settings.BRUG_SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
        settings.BRUG_SEARCH_INDEX = f"brug-test-{uuid.uuid4().hex[:12]}"
        yield node
    finally:
        node.stop()
        shutil.rmtree(node.run_dir, ignore_errors=True)


def more_services(network):
    """A few more services beside the network's one, some about housing ("woning"), indexed
    the way a publish does (after the commit), so none is left pending for a later edit."""
    org, location = network["organisation"], network["location"]
    services = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        _publish_services(org, location, services)
    return services


def _publish_services(org, location, services):
    for title, summary in [
        ("Huurwaarborg", "Hulp bij de huurwaarborg voor een woning."),
        ("Woningzoekers", "Samen een woning zoeken in Leuven."),
        ("Taalcafé", "Nederlands oefenen in een taalcafé."),
        ("Budgetbegeleiding", "Hulp bij je budget en je rekeningen."),
    ]:
        service = ServicePageFactory(parent=org, title=title, summary=summary)
        service.locations.set([location])
        publish(service)
        alias_everywhere(service)
        services.append(service)


def found_keys(backend, text="") -> set[str]:
    response = backend.search(SearchQuery(text=text, page_size=100))
    return {str(hit.service_key) for hit in response.hits}


def assert_elasticsearch_equals_database():
    from search.backends import get_backend
    from search.backends.database import DatabaseBackend
    from search.backends.elasticsearch import ElasticsearchBackend

    live = {str(key) for key in SearchEntry.objects.values_list("service_key", flat=True)}
    for text in ["", "woning", "taalcafé"]:
        expected = found_keys(DatabaseBackend(), text)
        assert found_keys(ElasticsearchBackend(), text) == expected, text
        assert get_backend().search(SearchQuery(text=text)).fallback is False
    assert found_keys(DatabaseBackend()) == live  # every live service, on both backends
    assert len(found_keys(DatabaseBackend(), "woning")) == 3


@pytest.mark.elasticsearch
def test_a_node_that_comes_back_empty_is_rebuilt_by_the_replay(
    own_node, network, caplog, django_capture_on_commit_callbacks
):
    more_services(network)
    call_command("search_index", "rebuild")
    assert_elasticsearch_equals_database()

    own_node.stop()  # the outage
    service = network["service"]
    service.summary = "Nu ook hulp bij de kotzoektocht voor een woning."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    assert list(SearchOutbox.objects.values_list("service_key", flat=True)) == [
        service.translation_key
    ]  # one edit waits; the other four services are only in the node that will come back empty

    own_node.start(fresh=True)  # back, but its data is gone
    with caplog.at_level(logging.WARNING, logger="search"):
        call_command("search_index", "replay")

    assert not SearchOutbox.objects.exists()
    assert_elasticsearch_equals_database()
    from search.backends.elasticsearch import ElasticsearchBackend

    assert found_keys(ElasticsearchBackend(), "kotzoektocht") == {str(service.translation_key)}
    assert any("full rebuild" in r.getMessage() for r in caplog.records)  # said, at WARNING


@pytest.fixture
def queued_tasks(settings):
    """Tasks are kept, not run, so what happens before the rebuild can be seen."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend.results


@pytest.mark.usefixtures("elasticsearch_backend")
def test_a_missing_alias_falls_back_at_once_and_is_rebuilt_never_emptied(
    client, settings, network, queued_tasks
):
    from search.backends.elasticsearch import client as es_client
    from search.health import REBUILD_KEY, rebuild_index_task
    from search.sync import reindex_service

    more_services(network)
    call_command("search_index", "rebuild")
    es = es_client()
    alias = settings.BRUG_SEARCH_INDEX
    es.indices.delete_alias(index=f"{alias}-*", name=alias)  # the alias is gone

    service = network["service"]
    service.summary = "Nu ook hulp bij de kotzoektocht."
    service.save_revision().publish()
    reindex_service(service.translation_key)  # what the save's task does: it meets no alias

    # The rebuild is scheduled (held by the dummy backend) and the database answers already.
    rebuilds = [r for r in queued_tasks if r.task.name == rebuild_index_task.name]
    assert len(rebuilds) == 1
    assert SearchOutbox.objects.filter(service_key=REBUILD_KEY).exists()
    answer = client.get("/api/v1/services", {"q": "woning"}).json()
    assert answer["backend"] == "database"
    assert len(answer["results"]) == 3
    assert not es.indices.exists_alias(name=alias)
    assert not es.indices.exists(index=alias)  # no empty index made in the alias's place

    rebuild_index_task.call()  # the scheduled rebuild runs
    assert not SearchOutbox.objects.exists()
    (serving,) = es.indices.get_alias(name=alias)
    assert es.count(index=serving)["count"] == SearchEntry.objects.count()
    answer = client.get("/api/v1/services", {"q": "kotzoektocht"}).json()
    assert answer["backend"] == "elasticsearch"
    assert [r["name"] for r in answer["results"]] == ["Woonbegeleiding"]
    assert_elasticsearch_equals_database()


@pytest.mark.usefixtures("elasticsearch_backend")
def test_an_index_far_behind_fails_the_check_and_is_rebuilt(settings, network, capsys):
    from search.backends.elasticsearch import client as es_client

    more_services(network)
    call_command("search_index", "rebuild")
    call_command("search_index", "check")  # healthy: exits normally
    assert "ok: 5 documents, 5 search entries" in capsys.readouterr().out

    es = es_client()
    alias = settings.BRUG_SEARCH_INDEX
    for entry in SearchEntry.objects.all()[:3]:  # the node lost most of the documents
        found = es.search(index=alias, query={"term": {"service_key": str(entry.service_key)}})
        for hit in found["hits"]["hits"]:
            es.delete(index=hit["_index"], id=hit["_id"], refresh=True)

    with pytest.raises(CommandError, match="behind"):
        call_command("search_index", "check")
    assert "behind: 2 documents, 5 search entries" in capsys.readouterr().out
    # The immediate task backend has rebuilt it already.
    call_command("search_index", "check")
    assert "ok: 5 documents" in capsys.readouterr().out
    assert_elasticsearch_equals_database()


@pytest.mark.usefixtures("elasticsearch_backend")
def test_a_failing_rebuild_leaves_the_old_index_serving(settings, network):
    from search.backends import elasticsearch as es_backend
    from search.sync import entry_documents

    more_services(network)
    call_command("search_index", "rebuild")
    es = es_backend.client()
    alias = settings.BRUG_SEARCH_INDEX
    (before,) = es.indices.get_alias(name=alias)

    refused = {**entry_documents()[0], "age_min": "not a number"}  # the mapping says integer
    with pytest.raises(es_backend.RebuildFailed, match="bulk step") as failure:
        es_backend.rebuild([*entry_documents(), refused])
    assert f"still serves {before}" in str(failure.value)

    assert list(es.indices.get_alias(name=alias)) == [before]
    assert list(es.indices.get(index=f"{alias}-*")) == [before]  # the half-built one is gone
    assert es.count(index=alias)["count"] == SearchEntry.objects.count()
    assert_elasticsearch_equals_database()


@pytest.mark.usefixtures("elasticsearch_backend")
def test_services_published_just_now_do_not_make_the_index_look_behind(network, caplog):
    """Counts see only refreshed documents: right after a publish the new service is not
    counted yet, which must not pass for an index far behind (a rebuild on every publish)."""
    from search.health import needs_rebuild

    call_command("search_index", "rebuild")
    with caplog.at_level(logging.WARNING, logger="search"):
        more_services(network)  # each publish writes its service, then checks the index
    assert not needs_rebuild()
    assert [r.getMessage() for r in caplog.records if "full rebuild" in r.getMessage()] == []
    assert_elasticsearch_equals_database()


@pytest.mark.usefixtures("elasticsearch_backend")
def test_the_command_line_rebuild_runs_when_the_index_is_missing(settings, network, capsys):
    """`manage.py search_index rebuild` runs Django's system checks first (call_command skips
    them unless asked): the index check must not stand in for them, or the rebuild an operator
    (or `scripts/prod.sh release`) runs for a missing index would stop at "missing"."""
    from search.backends.elasticsearch import client as es_client

    more_services(network)
    call_command("search_index", "rebuild")
    es = es_client()
    (index,) = es.indices.get_alias(name=settings.BRUG_SEARCH_INDEX)
    es.indices.delete(index=index)  # the alias goes with it

    call_command("search_index", "rebuild", skip_checks=False)
    assert "Indexed 5 service locations." in capsys.readouterr().out
    assert_elasticsearch_equals_database()


@pytest.mark.usefixtures("elasticsearch_backend")
def test_an_index_built_before_a_new_field_fails_the_check_and_is_rebuilt(
    settings, network, capsys, monkeypatch
):
    """A deploy that adds a field to the schema: the index built before it lacks the field,
    and the first document that has it gets Elasticsearch's guess (text, not keyword), which
    no filter on it matches. The release step's check notices and rebuilds."""
    from search import schema
    from search.backends.elasticsearch import client as es_client

    more_services(network)
    call_command("search_index", "rebuild")
    call_command("search_index", "check")
    assert "ok: 5 documents" in capsys.readouterr().out

    built = schema.mapping

    def with_a_new_field():
        mapping = built()
        mapping["properties"]["partner_keys"] = {"type": "keyword"}
        return mapping

    monkeypatch.setattr(schema, "mapping", with_a_new_field)
    es = es_client()
    (serving,) = es.indices.get_alias(name=settings.BRUG_SEARCH_INDEX)
    # A write into the old index before the rebuild: Elasticsearch maps the field itself.
    es.index(index=serving, id="stray", document={"partner_keys": "a-b-c"}, refresh=True)
    assert (
        es.indices.get_mapping(index=serving)[serving]["mappings"]["properties"]["partner_keys"][
            "type"
        ]
        == "text"
    )
    with pytest.raises(CommandError, match="outdated"):
        call_command("search_index", "check")
    assert "built without partner_keys" in capsys.readouterr().out
    # The immediate task backend has rebuilt it, with the field's own mapping.
    call_command("search_index", "check")
    assert "ok: 5 documents" in capsys.readouterr().out
    (rebuilt,) = es.indices.get_alias(name=settings.BRUG_SEARCH_INDEX)
    assert rebuilt != serving
    properties = es.indices.get_mapping(index=rebuilt)[rebuilt]["mappings"]["properties"]
    assert properties["partner_keys"]["type"] == "keyword"
