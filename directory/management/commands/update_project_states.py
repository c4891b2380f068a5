"""`manage.py update_project_states`: move projects whose start or end date has come to their
new state (upcoming → running → ended); the search index follows. Safe to run any time; the
scheduler runs it just after midnight."""

from core.periodic import PeriodicCommand
from directory.projects import update_states


class Command(PeriodicCommand):
    help = "Move projects to their state today (started, ended)."

    def handle(self, *args, **options):
        moved = update_states()
        self.stdout.write(f"{len(moved)} projects changed state.")
