"""`manage.py send_verification_reminders`: e-mail the editors of stale listings a 'still
correct' link, and ask the curators to invite an editor for stale listings without one. Safe
to run daily (cron, a systemd timer or a task scheduler): an organisation gets at most one
reminder per verification period."""

from core.periodic import PeriodicCommand
from directory.verification import escalate_without_editors, send_reminders


class Command(PeriodicCommand):
    help = "Remind the editors of listings not verified for a period (at most once a period)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be sent.")

    def handle(self, *args, dry_run=False, **options):
        run = send_reminders(dry_run=dry_run)
        verb = "Would remind" if dry_run else "Reminded"
        for organisation, editors in run.reminded:
            self.stdout.write(f"{verb} {editors} editor(s) of {organisation.title}")
        asked = 0 if dry_run else escalate_without_editors(run.without_editors)
        for organisation in run.without_editors:
            told = "the curators were asked to invite one" if asked else "see the report"
            self.stdout.write(f"No editor to remind for {organisation.title} ({told})")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(run.reminded)} organisation(s) reminded, "
                f"{len(run.already_reminded)} already reminded this period, "
                f"{len(run.without_editors)} without editors."
            )
        )
