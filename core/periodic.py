"""The periodic commands: refused with development settings, and run as a task.

`manage.py` defaults to the development settings (DEBUG on, e-mail to the console): a cron
line or an operator who forgot DJANGO_SETTINGS_MODULE would mark reminders as sent that no one
received. So a command built on `PeriodicCommand` refuses to run while settings.DEBUG is on,
unless asked with `--allow-debug` (or BRUG_ALLOW_DEBUG_JOBS=1). The scheduler
(`manage.py run_scheduler`) enqueues each job as `run_command_task`, which the worker runs."""

import io
import logging
import os

from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError
from django_tasks import task

logger = logging.getLogger(__name__)


def refuse_debug(command: str, allowed: bool) -> None:
    if not settings.DEBUG or allowed or os.environ.get("BRUG_ALLOW_DEBUG_JOBS") == "1":
        return
    current = os.environ.get("DJANGO_SETTINGS_MODULE", "?")
    raise CommandError(
        f"Refusing to run `{command}` with DEBUG on (DJANGO_SETTINGS_MODULE={current}): "
        "periodic jobs must run with the production settings, "
        f"DJANGO_SETTINGS_MODULE={settings.BRUG_PRODUCTION_SETTINGS} and its environment. "
        "To run it on development data anyway, pass --allow-debug (or set "
        "BRUG_ALLOW_DEBUG_JOBS=1)."
    )


class PeriodicCommand(BaseCommand):
    """A command that runs on a schedule (see module docstring)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--allow-debug",
            action="store_true",
            help="Run even though settings.DEBUG is on (development data only).",
        )
        self._name = subcommand
        return parser

    def execute(self, *args, **options):
        if self.changes_data(options):
            name = getattr(self, "_name", type(self).__module__)
            refuse_debug(name, options.get("allow_debug"))
        return super().execute(*args, **options)

    def changes_data(self, options) -> bool:
        """False for a run that only prints (e.g. `run_scheduler --list`)."""
        return True


def is_periodic(name: str) -> bool:
    command = load_command_class(get_commands()[name], name)
    return isinstance(command, PeriodicCommand)


@task()
def run_command_task(name: str, args: list[str], allow_debug: bool = False) -> str:
    """Run a management command in the worker; its output is the task's result (a failing
    command fails the task, logged with its traceback)."""
    out = io.StringIO()
    options = {"allow_debug": True} if allow_debug and is_periodic(name) else {}
    call_command(name, *args, stdout=out, stderr=out, **options)
    output = out.getvalue().strip()
    logger.info("%s: %s", " ".join([name, *args]), output or "done")
    return output[-2000:]
