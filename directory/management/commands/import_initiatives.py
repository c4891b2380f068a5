"""manage.py import_initiatives FILE.csv: an initiatives list into draft projects under a
curator's review (directory.initiatives; the columns are in docs/initiatives.md), with a
report per row of what could not be mapped."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory import initiatives


class Command(BaseCommand):
    help = (
        "Import an initiatives list (CSV: name, organisation, description, target group, "
        "place, partners, start, end, contact) as draft projects for curator review."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (UTF-8 or Windows-1252; ';' or ',').")
        parser.add_argument(
            "--curator", required=True, help="The user name the drafts are submitted as."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, path, curator, dry_run, **options):
        try:
            rows, file_problems = initiatives.read(path)
        except initiatives.FileError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        user = get_user_model().objects.filter(username=curator).first()
        if user is None:
            raise CommandError(f"No user {curator!r}.")
        report = initiatives.import_rows(rows, user, dry_run=dry_run)
        report.problems[:0] = file_problems
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"{'Dry run, nothing written: would create' if dry_run else 'Created'} "
            f"{len(report.created)}, unchanged {len(report.unchanged)}, "
            f"matched {len(report.matched)}, problems {len(report.problems)} "
            f"({report.rows} rows)."
        )
