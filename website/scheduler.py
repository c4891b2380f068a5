"""The periodic jobs and the scheduler that runs them (`manage.py run_scheduler`).

One long-running process (APScheduler's BlockingScheduler, cron triggers in Europe/Brussels)
that does not do the work itself: each run enqueues the job's command as a task
(core.periodic.run_command_task) for the worker, so a job survives a restart of the scheduler
once enqueued, runs where the other background work runs (with its retries and recovery), and
the scheduler stays small. A job is not enqueued again while its previous run still waits or
runs (max_instances=1 covers the scheduler itself; missed runs are coalesced into one).
Putting killed workers' tasks back (core.task_recovery) is the one job run in the scheduler's
own process: it repairs the queue, so it cannot wait in it.

The daily jobs run outside 02:00–03:00, the hour that summer time skips or repeats."""

import logging
from dataclasses import dataclass, field

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks.exceptions import TaskResultDoesNotExist

from core.periodic import run_command_task
from core.task_recovery import requeue_abandoned

logger = logging.getLogger(__name__)

TIMEZONE = "Europe/Brussels"  # the network's day, whatever the server's clock says
RECOVER = "recover_tasks"


@dataclass(frozen=True)
class Job:
    id: str
    cron: dict  # CronTrigger fields
    command: tuple = ()  # the management command and its arguments; none: in-process
    about: str = ""

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=TIMEZONE, **self.cron)

    def describe(self) -> str:
        return " ".join(self.command) if self.command else f"({self.about})"


JOBS = [
    Job(
        "search_replay",
        {"minute": "*/5"},
        ("search_index", "replay"),
        "copy the outbox to Elasticsearch; rebuild a missing or far-behind index",
    ),
    Job(
        "search_rebuild",
        {"hour": 4, "minute": 0},
        ("search_index", "rebuild"),
        "a new index from every live service: rolls the open-now window, heals the index",
    ),
    Job(
        "referral_reminders",
        {"hour": 7, "minute": 0},
        ("referral_reminders",),
        "remind and escalate unanswered referrals; tell expired consents",
    ),
    Job(
        "send_verification_reminders",
        {"hour": 7, "minute": 30},
        ("send_verification_reminders",),
        "mail the editors of stale listings",
    ),
    Job(
        "update_project_states",
        {"hour": 0, "minute": 5},
        ("update_project_states",),
        "move projects that started or ended today; the search index follows",
    ),
    Job(
        "anonymise_referrals",
        {"hour": 1, "minute": 0},
        ("anonymise_referrals",),
        "anonymise client data past its retention",
    ),
    Job(
        "prune_feedback",
        {"hour": 1, "minute": 15},
        ("prune_feedback",),
        "delete client feedback past its retention",
    ),
    Job(
        "prune_db_task_results",
        {"hour": 1, "minute": 30},
        # A delivered e-mail's task row holds the message: keep it one day, not the package's
        # fourteen (minimal data); failed ones stay two weeks for the operator to look at.
        ("prune_db_task_results", "--min-age-days", "1", "--failed-min-age-days", "14"),
        "delete finished task rows after a day (failed ones after 14 days)",
    ),
    Job(RECOVER, {"minute": "*/10"}, (), "queue again the tasks a killed worker left"),
]


@dataclass
class Runner:
    """Runs one job: enqueues its command, unless its previous run is still unfinished."""

    allow_debug: bool = False
    last: dict = field(default_factory=dict)  # job id -> its latest TaskResult

    def __call__(self, job: Job) -> None:
        _fresh_connections()
        try:
            self._run(job)
        finally:
            _fresh_connections()

    def _run(self, job: Job) -> None:
        if not job.command:
            count = requeue_abandoned(settings.BRUG_TASK_LEASE_SECONDS)
            logger.info("Job %s: %d task(s) queued again", job.id, count)
            return
        if self._unfinished(job):
            logger.warning("Job %s skipped: its previous run has not finished", job.id)
            return
        name, *args = job.command
        result = run_command_task.enqueue(name, args, self.allow_debug)
        self.last[job.id] = result
        logger.info("Job %s enqueued as task %s (%s)", job.id, result.id, result.status)

    def _unfinished(self, job: Job) -> bool:
        previous = self.last.get(job.id)
        if previous is None or previous.is_finished:
            return False
        if not previous.task.get_backend().supports_get_result:
            return False
        try:
            previous.refresh()
        except TaskResultDoesNotExist:  # pruned or never stored
            return False
        return not previous.is_finished


def _fresh_connections() -> None:
    """A long-running process drops the connections the database closed meanwhile or that
    outlived CONN_MAX_AGE, as Django's request cycle and the worker do (never one inside a
    transaction: a test's, or a caller's)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def scheduler(runner: Runner) -> BlockingScheduler:
    found = BlockingScheduler(timezone=TIMEZONE)
    for job in JOBS:
        found.add_job(
            runner,
            job.trigger(),
            args=[job],
            id=job.id,
            name=job.describe(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=15 * 60,
        )
    return found


def schedule_lines() -> list[str]:
    """One line per job: id, when (cron fields), the next run, what it runs."""
    now = timezone.now()
    lines = []
    for job in JOBS:
        trigger = job.trigger()
        upcoming = trigger.get_next_fire_time(None, now)
        fields = " ".join(f"{k}={v}" for k, v in job.cron.items())
        lines.append(
            f"{job.id:<28} {fields:<18} next {upcoming:%Y-%m-%d %H:%M %Z}  {job.describe()}"
        )
    return lines
