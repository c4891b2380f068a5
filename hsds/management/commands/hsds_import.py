"""manage.py hsds_import PATH: an HSDS 3.0 JSON package into draft pages under a curator's
review (hsds.importing), with a report of what was created, matched, refused and not stored."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hsds import importing


class Command(BaseCommand):
    help = "Import an HSDS 3.0 JSON package as draft listings submitted for curator review."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The HSDS JSON package (or a list of services).")
        parser.add_argument(
            "--curator", required=True, help="The user name the drafts are submitted as."
        )
        parser.add_argument(
            "--crosswalk",
            help="A JSON file mapping taxonomy term ids or codes to Brug need slugs.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, path, curator, crosswalk, dry_run, **options):
        user = get_user_model().objects.filter(username=curator).first()
        if user is None:
            raise CommandError(f"No user {curator!r}.")
        try:
            data = importing.load(path)
            mapping = json.loads(Path(crosswalk).read_text(encoding="utf-8")) if crosswalk else {}
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the file: {error}") from None
        report = importing.import_package(data, user, crosswalk=mapping, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"{'Dry run: would create' if dry_run else 'Created'} {len(report.created)}, "
            f"unchanged {len(report.unchanged)}, matched {len(report.matched)}, "
            f"errors {len(report.problems)}."
        )
