"""`manage.py load_synthetic_entries 100000` (or `--remove`): synthetic services' search
entries in the stack's database, for load runs (search.synthetic). Run `manage.py
search_index rebuild` afterwards to index them (or to drop them from the index)."""

from django.core.management.base import BaseCommand, CommandError

from search.synthetic import add_synthetic_entries, remove_synthetic_entries


class Command(BaseCommand):
    help = "Add (or --remove) synthetic services' search entries."

    def add_arguments(self, parser):
        parser.add_argument("services", nargs="?", type=int, help="synthetic services to add")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--remove", action="store_true", help="delete every synthetic entry")

    def handle(self, *args, services, seed, remove, **options):
        if remove:
            removed = remove_synthetic_entries()
            self.stdout.write(self.style.SUCCESS(f"Removed {removed} synthetic search entries."))
            return
        if not services:
            raise CommandError("Give the number of services to add, or --remove.")
        created = add_synthetic_entries(services, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {created} synthetic search entries ({services} services); index them "
                "with `manage.py search_index rebuild`."
            )
        )
