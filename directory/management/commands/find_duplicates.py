"""`manage.py find_duplicates`: compare every organisation and every service with the others
and put likely duplicates in the curators' queue (safe to run again; a pair judged 'not a
duplicate' is not raised again for the same reasons)."""

from django.core.management.base import BaseCommand

from directory.duplicates import scan


class Command(BaseCommand):
    help = "Flag likely duplicate organisations and services for the curators."

    def handle(self, *args, **options):
        count = scan("scan")
        self.stdout.write(self.style.SUCCESS(f"{count} possible duplicates to check."))
