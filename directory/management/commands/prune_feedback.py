"""`manage.py prune_feedback`: delete client feedback older than BRUG_FEEDBACK_RETENTION_DAYS
(two years by default), and the public forms' used stamps past their lifetime. Safe to run daily."""

from core.periodic import PeriodicCommand
from directory.feedback import prune, retention_days


class Command(PeriodicCommand):
    help = "Delete client feedback older than the retention period."

    def handle(self, *args, **options):
        deleted = prune()
        self.stdout.write(f"{deleted} answers older than {retention_days()} days deleted.")
