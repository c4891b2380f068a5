"""With Elasticsearch down, a publish never waits: the request writes the search entries'
task, the worker's run tries the node once, keeps the service in the outbox and asks for a
later try (run_after), bounded; the outbox stays the durable record. (The node is a port
where nothing listens: no node is needed.)"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from search.models import SearchOutbox
from search.sync import replay_outbox_task
from tests.conftest import free_port
from tests.directory.test_mail_queue import run_in_worker

pytestmark = pytest.mark.django_db

REPLAY = "search.sync.replay_outbox_task"


@pytest.fixture
def node_down(settings, network):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"
    settings.BRUG_SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    settings.BRUG_SEARCH_RETRY_DELAYS = (30, 120)
    DBTaskResult.objects.all().delete()
    return network["service"]


def test_a_publish_with_the_node_down_waits_for_nothing_and_retries_in_the_worker(
    node_down, django_capture_on_commit_callbacks
):
    service = node_down
    service.summary = "Nu ook hulp bij de kotzoektocht."
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    [reindex] = DBTaskResult.objects.filter(task_path="search.sync.reindex_services_task")
    assert reindex.status == TaskResultStatus.READY  # the request only queued it

    before = timezone.now()
    reindex = run_in_worker(reindex)
    assert time.monotonic() - started < 5  # no retry slept, in the request or the worker
    assert reindex.status == TaskResultStatus.SUCCESSFUL
    assert SearchOutbox.objects.filter(service_key=service.translation_key).exists()
    [retry] = DBTaskResult.objects.filter(task_path=REPLAY)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= before + timedelta(seconds=30)

    # The retries are bounded: the last one asks for none, and the outbox keeps the change.
    replay_outbox_task.call(attempt=3)
    assert DBTaskResult.objects.filter(task_path=REPLAY).count() == 1
    assert SearchOutbox.objects.filter(service_key=service.translation_key).exists()
