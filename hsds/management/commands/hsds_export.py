"""manage.py hsds_export PATH: the published directory as an HSDS 3.0 JSON package (or, with
--datapackage, the tabular data package in the folder PATH), in one locale's language."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.languages import content_codes
from hsds import export


class Command(BaseCommand):
    help = "Export the published directory in HSDS 3.0 (JSON package or CSV data package)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file to write (a folder with --datapackage).")
        parser.add_argument(
            "--locale",
            default=settings.LANGUAGE_CODE,
            help="The content language of the feed (the original where a page is not translated).",
        )
        parser.add_argument(
            "--datapackage",
            action="store_true",
            help="Write the tabular data package (datapackage.json and one CSV per table).",
        )
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="The day the public holidays of the coming year are counted from (today).",
        )

    def handle(self, *args, path, locale, datapackage, date, **options):
        if locale not in content_codes():
            raise CommandError(f"Unknown locale {locale!r}: one of {sorted(content_codes())}.")
        data = export.package(locale, today=date)
        target = Path(path)
        if datapackage:
            written = export.write_datapackage(data, target)
            self.stdout.write(f"Wrote {len(written)} files to {target}.")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(export.dumps(data), encoding="utf-8")
            self.stdout.write(
                f"Wrote {len(data['organizations'])} organisations and "
                f"{len(data['services'])} services to {target}."
            )
