"""`manage.py setup_site`: create the locales, home pages and Site (idempotent)."""

from django.core.management.base import BaseCommand

from website.setup import ensure_site


class Command(BaseCommand):
    help = "Create the locales, the home page in every language and the default site."

    def handle(self, *args, **options):
        home = ensure_site()
        self.stdout.write(self.style.SUCCESS(f"Site ready: {home.title}"))
