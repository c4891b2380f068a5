"""Tasks a killed worker left behind go back to the queue (core/task_recovery.py): at once
when the worker's process on this machine is gone, after the lease otherwise; a task a live
worker is running stays with it. (tests/website/test_worker.py kills a real worker.)"""

import io
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.periodic import run_command_task
from core.task_recovery import requeue_abandoned, worker_id

pytestmark = pytest.mark.django_db
HOST = socket.gethostname()[:40]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def claimed(by: str, started_ago=timedelta(seconds=5), status=TaskResultStatus.RUNNING, **extra):
    result = run_command_task.enqueue("prune_feedback", [])
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(by)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - started_ago, status=status, **extra
    )
    return row.pk


def status(pk) -> str:
    return DBTaskResult.objects.get(pk=pk).status


def test_tasks_of_a_dead_worker_or_past_their_lease_are_queued_again(database_tasks):
    gone = claimed(f"{HOST}:{dead_pid()}:abcd")
    alive = claimed(f"{HOST}:{os.getppid()}:abcd")  # a live process on this machine
    elsewhere = claimed("other-host:123:abcd")
    expired = claimed("other-host:124:abcd", started_ago=timedelta(hours=2))
    interrupted = claimed(
        f"{HOST}:{os.getppid()}:abcd",
        status=TaskResultStatus.FAILED,
        exception_class_path="builtins.SystemExit",
    )
    failed = claimed(
        "other-host:125:abcd", status=TaskResultStatus.FAILED, exception_class_path="x.Error"
    )

    assert requeue_abandoned(lease_seconds=3600) == 3
    assert status(gone) == status(expired) == status(interrupted) == TaskResultStatus.READY
    assert status(alive) == status(elsewhere) == TaskResultStatus.RUNNING
    assert status(failed) == TaskResultStatus.FAILED  # a real failure stays one
    row = DBTaskResult.objects.get(pk=gone)
    assert row.started_at is None and row.worker_ids  # the attempt is remembered
    assert DBTaskResult.objects.ready().filter(pk=gone).exists()  # due at once


def test_worker_ids_say_where_the_worker_runs():
    made = worker_id()
    assert made.startswith(f"{HOST}:{os.getpid()}:") and len(made) <= 64


@pytest.mark.django_db(transaction=True)  # the worker opens transactions of its own
def test_db_worker_queues_abandoned_tasks_before_it_starts(database_tasks):
    gone = claimed(f"{HOST}:{dead_pid()}:abcd")
    out = io.StringIO()
    # --batch: run what is due, then stop (the recovered task included).
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    assert "queued again" in out.getvalue()
    assert status(gone) == TaskResultStatus.SUCCESSFUL
