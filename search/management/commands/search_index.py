"""`manage.py search_index rebuild`: rebuild every service's search entries."""

from django.core.management.base import BaseCommand, CommandError

from search.sync import rebuild_all


class Command(BaseCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["rebuild", "replay"],
            help="rebuild: every entry and a new Elasticsearch index behind the alias (run "
            "daily: it also rolls the open-now window forward); replay: copy the outbox to "
            "Elasticsearch after an outage or a failed re-index (safe to run every few minutes).",
        )

    def handle(self, *args, action, **options):
        if action == "replay":
            from search.sync import replay_outbox

            try:
                done = replay_outbox()
            except Exception as error:  # noqa: BLE001 - report, keep the outbox
                raise CommandError(
                    f"Replay stopped, the outbox is kept (Elasticsearch unavailable?): {error}"
                ) from error
            self.stdout.write(self.style.SUCCESS(f"Replayed {done} services."))
            return
        count = rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} service locations."))
