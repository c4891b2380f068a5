"""The worker path for real: a publish enqueues a task row in PostgreSQL, a `manage.py
db_worker` process (its own interpreter, the test database) runs it, and a worker killed in
the middle of a task loses nothing: the next start puts the task back and runs it.

PostgreSQL only: the worker needs a database that another process can share (the SQLite pass
uses an in-memory database); the recovery itself is tested on both in test_task_recovery.py."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from search.models import SearchEntry

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REINDEX = "search.sync.reindex_services_task"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("not on_postgresql()", reason="a worker process shares PostgreSQL only"),
]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def worker_database_url() -> str:
    """The test database, as a URL for the worker's settings (website.settings.test)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    """`manage.py db_worker` in a process of its own, with the test settings on the test
    database and the database tasks backend; its output goes to a file shown on failure."""

    def __init__(self, tmp_path: Path):
        self.log = tmp_path / "worker.log"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.test",
            "BRUG_TEST_DATABASE_URL": worker_database_url(),
            "BRUG_TEST_TASKS": "database",
        }
        env.pop("ELASTICSEARCH_URL", None)
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2"]
                + ["--no-startup-delay", "-v", "2"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


@pytest.fixture
def worker(tmp_path):
    started = Worker(tmp_path)
    yield started
    started.stop()


def wait_for(condition, worker, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.process is None or worker.process.poll() is None, worker.output()
        time.sleep(0.2)
    pytest.fail(f"{what} within {seconds} s; the worker said:\n{worker.output()}")


def reindex_rows():
    return DBTaskResult.objects.filter(task_path=REINDEX).order_by("enqueued_at")


def statuses() -> set[str]:
    return set(reindex_rows().values_list("status", flat=True))


def found(client, q) -> list[str]:
    return [r["name"] for r in client.get("/api/v1/services", {"q": q}).json()["results"]]


def edit(service, summary):
    DBTaskResult.objects.all().delete()  # (building the network may have queued some)
    service.summary = summary
    # Commits. (Outside one transaction the aliases in the other locales are published each
    # in its own, and each enqueues the service's re-index: idempotent, so harmless.)
    service.save_revision().publish()


def test_a_publish_is_indexed_by_a_real_worker_process(client, network, database_tasks, worker):
    service = network["service"]
    edit(service, "Nu ook hulp bij de kotzoektocht.")

    # The request only wrote task rows: nothing is indexed until a worker runs them.
    assert statuses() == {TaskResultStatus.READY}
    args = {str(row.args_kwargs["args"]) for row in reindex_rows()}
    assert args == {str([[str(service.translation_key)]])}
    assert found(client, "kotzoektocht") == []

    worker.start()
    wait_for(
        lambda: statuses() == {TaskResultStatus.SUCCESSFUL},
        worker,
        "the worker did not run the re-index",
    )
    assert found(client, "kotzoektocht") == ["Woonbegeleiding"]


def test_a_worker_killed_mid_task_loses_nothing(client, network, database_tasks, worker):
    service = network["service"]
    key = service.translation_key
    edit(service, "Nu ook hulp bij de kotzoektocht.")
    with transaction.atomic():
        # Hold the service's search entries: the worker's re-index waits on them, mid-task.
        list(SearchEntry.objects.select_for_update().filter(service_key=key))
        worker.start()
        wait_for(
            lambda: TaskResultStatus.RUNNING in statuses(),
            worker,
            "the worker did not start the re-index",
        )
        time.sleep(1)  # it is in the middle of the task, waiting on the entries
        worker.kill()
    killed = reindex_rows().get(status=TaskResultStatus.RUNNING)  # as the worker left it
    assert found(client, "kotzoektocht") == []  # its half-done work was rolled back

    worker.start()  # a restart finds the task abandoned, queues it again and runs it
    wait_for(
        lambda: statuses() == {TaskResultStatus.SUCCESSFUL},
        worker,
        "the restarted worker did not finish the re-index",
    )
    assert "queued again" in worker.output()
    killed.refresh_from_db()
    assert len(killed.worker_ids) == 2  # claimed by the killed worker, then by the new one
    assert found(client, "kotzoektocht") == ["Woonbegeleiding"]
