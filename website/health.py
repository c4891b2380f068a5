"""Liveness and readiness probes for the process manager and the load balancer.

`/healthz` says the process answers (no database: a slow database must not get healthy
workers restarted). `/readyz` says this worker can serve: the database and the cache answer,
and Elasticsearch, when configured, has a usable cluster. Both are outside the language prefix,
JSON, never cached, set no cookie and tell nothing about people: a failing check gives its
exception's class, never its message (an Elasticsearch or database URL may hold a password)."""

import logging
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from search import health as search_health

logger = logging.getLogger(__name__)

# A red cluster has primary shards unassigned: searches miss documents. Yellow (replicas
# missing, e.g. a single node or one node of three down) still answers everything.
USABLE_CLUSTER = {"green", "yellow"}


class NotReady(Exception):
    """A check that answered, with an answer that means "not ready"."""


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    key, token = "brug-readyz", uuid.uuid4().hex
    cache.set(key, token, timeout=30)
    if cache.get(key) != token:
        raise NotReady("the cache does not keep what was written")
    return {}


def check_elasticsearch() -> dict:
    health = search_health.cluster_health()
    if health not in USABLE_CLUSTER:
        raise NotReady(health)
    # A node that came back empty is caught here too: search answers from the database
    # meanwhile and a full rebuild is scheduled (search.health), so the worker stays ready.
    if search_health.needs_rebuild():
        return {"health": health, "index": "rebuilding"}
    return {"health": health, "index": search_health.check_and_heal().status}


def task_result_model():
    """The database tasks backend's result model, when that backend is configured."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if not backend.endswith("DatabaseBackend"):
        return None
    return next((m for m in apps.get_models() if m.__name__ == "DBTaskResult"), None)


def check_tasks(model) -> dict:
    """How long the oldest waiting task has waited (reported, not judged: a stopped worker
    is the worker's alarm, and taking the web workers out of service would not start it)."""
    # ready(): READY and due, so a retry deferred to later (run_after) is not "waiting".
    oldest = (
        model.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    )
    age = 0 if oldest is None else max(0, round((timezone.now() - oldest).total_seconds()))
    return {"oldest_waiting_seconds": age}


def checks() -> dict:
    found = {"database": check_database, "cache": check_cache}
    if settings.ELASTICSEARCH_URL:
        found["elasticsearch"] = check_elasticsearch
    model = task_result_model()
    if model is not None:
        found["tasks"] = lambda: check_tasks(model)
    return found


def _probe(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_safe
def healthz(request):
    return _probe(JsonResponse({"status": "ok"}))


@never_cache
@require_safe
def readyz(request):
    results, failing = {}, []
    for name, check in checks().items():
        started = time.monotonic()
        try:
            result = {"status": "ok", **check()}
        except Exception as error:  # any failure of a check is "not ready", named
            failing.append(name)
            result = {"status": "failing", "error": type(error).__name__}
            if isinstance(error, NotReady) and name == "elasticsearch":
                result["health"] = str(error)
            logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
        result["ms"] = round((time.monotonic() - started) * 1000)
        results[name] = result
    body = {"status": "unavailable" if failing else "ready", "failing": failing}
    return _probe(JsonResponse({**body, "checks": results}, status=503 if failing else 200))
