"""`manage.py search_index rebuild`: rebuild every service's search entries."""

from django.core.management.base import BaseCommand

from search.sync import rebuild_all


class Command(BaseCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args, action, **options):
        count = rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} service locations."))
