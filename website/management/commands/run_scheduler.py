"""`manage.py run_scheduler`: the one scheduler of the periodic jobs (website/scheduler.py).

Runs in the foreground until stopped (SIGTERM or SIGINT); the process manager keeps it up.
Run one scheduler per installation: two would enqueue every job twice (harmless — every job is
safe to repeat — but wasteful). `--list` prints the schedule and exits."""

import logging
import signal

from core.periodic import PeriodicCommand
from website.scheduler import JOBS, TIMEZONE, Runner, schedule_lines, scheduler

logger = logging.getLogger("website.scheduler")


class Command(PeriodicCommand):
    help = "Run the periodic jobs on their schedule (enqueued as tasks for the worker)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print the schedule and exit.")

    def changes_data(self, options) -> bool:
        return not options.get("list")

    def handle(self, *args, list=False, allow_debug=False, **options):
        if list:
            self.stdout.write(f"Schedule ({TIMEZONE}):")
            for line in schedule_lines():
                self.stdout.write(line)
            return
        running = scheduler(Runner(allow_debug=allow_debug))

        def stop(signum, frame):
            logger.warning("Received %s; the scheduler stops", signal.strsignal(signum))
            running.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logger.info("Scheduler started: %d jobs (%s)", len(JOBS), TIMEZONE)
        self.stdout.write(f"Scheduler started with {len(JOBS)} jobs; --list shows them.")
        self.stdout.flush()
        running.start()
