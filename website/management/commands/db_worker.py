"""`manage.py db_worker`: django-tasks-db's worker (this app comes first in INSTALLED_APPS, so
its command of the same name wins), which on start puts back to the queue the tasks a killed
worker left RUNNING (core.task_recovery) and names itself `<host>:<pid>:<random>`, so the
next start on the same machine can tell that the worker of a RUNNING task is gone."""

import logging

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from core.task_recovery import requeue_abandoned, worker_id

logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db), first queueing again the tasks that a "
        "killed worker left unfinished."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        requeued = requeue_abandoned(settings.BRUG_TASK_LEASE_SECONDS)
        if requeued:
            self.stdout.write(
                f"{requeued} task(s) left unfinished by a stopped worker queued again."
            )
        super().handle(*args, **options)
