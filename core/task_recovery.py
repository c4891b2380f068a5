"""Tasks that a killed worker left behind go back to the queue.

django-tasks-db's worker marks a task RUNNING when it claims it and SUCCESSFUL or FAILED when
it ends. A worker killed in between (SIGKILL, the machine lost, the out-of-memory killer)
leaves the row RUNNING for ever, and one stopped by a second SIGTERM/SIGINT marks it FAILED
with SystemExit or KeyboardInterrupt though it never finished. Both are put back to READY:

- at once when the worker that claimed it ran on this machine and its process is gone (our
  `db_worker` names its workers `<host>:<pid>:<random>`), which is what a restart finds;
- after BRUG_TASK_LEASE_SECONDS otherwise (a worker on another machine, or of unknown name).

Every task of Brug is safe to run again (re-indexing is idempotent; an e-mail may, at worst,
go out twice with the same Message-ID). `manage.py db_worker` runs this on start, and the
scheduler every few minutes."""

import logging
import os
import secrets
import socket
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus

logger = logging.getLogger(__name__)

INTERRUPTED = {"builtins.SystemExit", "builtins.KeyboardInterrupt"}


def worker_id() -> str:
    """A worker id that says where the worker runs (at most 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(claimed_by: str) -> bool:
    """The worker ran on this machine and its process no longer exists."""
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user has that pid now
        return False
    return False


def abandoned(lease_seconds: int) -> list:
    """Task rows a worker claimed and will never finish."""
    from django_tasks_db.models import DBTaskResult

    expired = timezone.now() - timedelta(seconds=lease_seconds)
    found = []
    rows = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.RUNNING)
        | Q(status=TaskResultStatus.FAILED, exception_class_path__in=INTERRUPTED)
    )
    for row in rows:
        claimed_by = row.worker_ids[-1] if row.worker_ids else ""
        if (
            row.status == TaskResultStatus.FAILED
            or _process_gone(claimed_by)
            or row.started_at is None
            or row.started_at < expired
        ):
            found.append(row)
    return found


def requeue_abandoned(lease_seconds: int) -> int:
    """Put abandoned task rows back to READY (each only if it has not changed meanwhile)."""
    from django_tasks_db.models import DBTaskResult

    count = 0
    for row in abandoned(lease_seconds):
        updated = DBTaskResult.objects.filter(pk=row.pk, status=row.status).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
        if updated:
            count += 1
            logger.warning(
                "Task %s (%s) was left %s by worker %s; queued again",
                row.pk,
                row.task_path,
                row.status,
                row.worker_ids[-1] if row.worker_ids else "-",
            )
    return count
