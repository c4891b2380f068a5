"""The probes: /healthz (the process answers) and /readyz (database, cache, Elasticsearch)."""

import pytest

from search.backends.base import SearchBackend
from search.models import SearchEntry
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


def assert_bare_probe(response):
    """JSON, never cached, no cookie (no session, no CSRF token), no language redirect."""
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_on_a_healthy_setup_in_any_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert_bare_probe(response)


def test_readiness_names_its_checks_and_omits_what_is_not_configured(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ready" and body["failing"] == []
    # No ELASTICSEARCH_URL and the immediate tasks backend: no such checks.
    assert set(body["checks"]) == {"database", "cache"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_liveness_does_not_touch_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readiness_fails_naming_elasticsearch_when_the_node_is_unreachable(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.BRUG_SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    response = client.get("/readyz", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 503
    assert_bare_probe(response)
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["elasticsearch"]
    assert body["checks"]["elasticsearch"]["status"] == "failing"
    assert body["checks"]["database"]["status"] == "ok"
    # The class of the error only: its message would show the node's URL.
    assert settings.ELASTICSEARCH_URL not in response.content.decode()


def test_readiness_fails_naming_the_cache_when_it_loses_what_it_keeps(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_probes_are_not_rate_limited_or_redirected(client):
    for _ in range(30):
        assert client.get("/healthz").status_code == 200
    assert client.get("/readyz", follow=False).status_code == 200


class ClusterStub(SearchBackend):
    """A preferred backend whose cluster reports HEALTH and whose index is whole."""

    name = "stub"
    health = "green"

    def cluster_health(self):
        return ClusterStub.health

    def indexed_count(self):
        return SearchEntry.objects.count()


@pytest.mark.parametrize(("health", "status"), [("green", 200), ("yellow", 200), ("red", 503)])
def test_readiness_says_the_cluster_health(client, settings, monkeypatch, health, status):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # never called: the stub answers
    settings.BRUG_SEARCH_BACKEND = f"{__name__}.ClusterStub"
    monkeypatch.setattr(ClusterStub, "health", health)
    response = client.get("/readyz")
    assert response.status_code == status
    check = response.json()["checks"]["elasticsearch"]
    assert check["health"] == health
    assert check["status"] == ("ok" if status == 200 else "failing")
    if status == 200:
        assert check["index"] == "ok"
    else:
        assert response.json()["failing"] == ["elasticsearch"]


def test_readiness_reports_the_oldest_due_task_with_the_database_tasks_backend(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from core.periodic import run_command_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    due = run_command_task.enqueue("prune_feedback", [])
    later = timezone.now() + timedelta(hours=1)
    run_command_task.using(run_after=later).enqueue("prune_feedback", [])  # a retry, not due
    DBTaskResult.objects.filter(pk=due.id).update(enqueued_at=timezone.now() - timedelta(days=60))
    DBTaskResult.objects.exclude(pk=due.id).update(enqueued_at=timezone.now() - timedelta(days=90))
    body = client.get("/readyz").json()
    assert body["status"] == "ready"  # reported, never failing
    waited = body["checks"]["tasks"]["oldest_waiting_seconds"]
    assert 60 * 86400 <= waited < 61 * 86400  # the due task's age, not the deferred one's
