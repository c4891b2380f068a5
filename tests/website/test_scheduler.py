"""The periodic jobs: one scheduler (website/scheduler.py, `manage.py run_scheduler`) lists
every job, runs each through the worker as a task and never twice at once; the periodic
commands refuse the development settings (DEBUG on) unless asked."""

from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.periodic import is_periodic
from directory.models import ServiceFeedback
from tests.directory.test_feedback import add_answers
from tests.security.test_sessions import run_production
from website.scheduler import JOBS, Runner, scheduler

COMMANDS = {
    ("search_index", "replay"),
    ("search_index", "rebuild"),
    ("referral_reminders",),
    ("anonymise_referrals",),
    ("send_verification_reminders",),
    ("prune_feedback",),
    ("update_project_states",),
    # A delivered e-mail's row holds the message: a day, not the package's two weeks.
    ("prune_db_task_results", "--min-age-days", "1", "--failed-min-age-days", "14"),
}
PERIODIC = sorted({c[0] for c in COMMANDS} - {"prune_db_task_results"})


def test_the_schedule_lists_every_job(capsys):
    call_command("run_scheduler", "--list")
    listed = capsys.readouterr().out
    assert "Europe/Brussels" in listed
    assert {job.command for job in JOBS if job.command} == COMMANDS
    for job in JOBS:
        assert job.id in listed and job.describe() in listed
    assert all(job.command[0] in get_commands() for job in JOBS if job.command)


def test_jobs_never_overlap_and_missed_runs_coalesce():
    jobs = scheduler(Runner()).get_jobs()
    assert {job.id for job in jobs} == {job.id for job in JOBS}
    assert all(job.max_instances == 1 and job.coalesce for job in jobs)
    assert all(str(job.trigger.timezone) == "Europe/Brussels" for job in jobs)


@pytest.mark.parametrize("name", [*PERIODIC, "run_scheduler"])
def test_periodic_commands_refuse_the_development_settings(settings, name):
    settings.DEBUG = True
    assert is_periodic(name)
    with pytest.raises(CommandError, match="DJANGO_SETTINGS_MODULE=website.settings.production"):
        call_command(name, *(["check"] if name == "search_index" else []))


@pytest.mark.django_db
def test_development_data_can_be_used_when_asked(settings, monkeypatch, network):
    settings.DEBUG = True
    add_answers(network["service"], 1)
    ServiceFeedback.objects.update(received_on=timezone.localdate() - timedelta(days=800))
    call_command("prune_feedback", "--allow-debug")
    assert not ServiceFeedback.objects.exists()
    monkeypatch.setenv("BRUG_ALLOW_DEBUG_JOBS", "1")
    call_command("prune_feedback")  # refused neither


def test_the_commands_that_only_make_or_read_data_are_not_refused(settings, capsys):
    settings.DEBUG = True
    call_command("run_scheduler", "--list")  # prints only
    assert not is_periodic("setup_site") and not is_periodic("load_demo")  # `make run`


@pytest.mark.django_db
def test_a_job_runs_its_command_through_a_task(network):
    add_answers(network["service"], 2)
    old = ServiceFeedback.objects.first()
    ServiceFeedback.objects.filter(pk=old.pk).update(
        received_on=timezone.localdate() - timedelta(days=800)
    )
    runner = Runner()
    runner(next(job for job in JOBS if job.id == "prune_feedback"))  # the scheduler's call
    assert ServiceFeedback.objects.count() == 1
    result = runner.last["prune_feedback"]
    assert result.task.module_path == "core.periodic.run_command_task"
    assert result.return_value == "1 answers older than 730 days deleted."


@pytest.mark.django_db
def test_a_job_still_waiting_is_not_enqueued_again(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    runner = Runner()
    job = next(job for job in JOBS if job.id == "search_replay")
    runner(job)
    runner(job)  # the worker has not run the first one yet
    rows = DBTaskResult.objects.filter(task_path="core.periodic.run_command_task")
    assert rows.count() == 1
    rows.update(status="SUCCESSFUL", finished_at=timezone.now())
    runner(job)
    assert rows.count() == 2


def test_the_worker_and_the_scheduler_start_with_the_production_settings():
    listed = run_production("run_scheduler", "--list")
    assert listed.returncode == 0, listed.stderr
    assert "search_replay" in listed.stdout
    worker = run_production("db_worker", "--help")
    assert worker.returncode == 0, worker.stderr
    assert "queueing again the tasks" in " ".join(worker.stdout.split())
