"""`manage.py search_index rebuild|replay|check`: search index maintenance."""

from django.core.management.base import CommandError

from core.periodic import PeriodicCommand
from search.sync import rebuild_all


class Command(PeriodicCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["rebuild", "replay", "check"],
            help="rebuild: every entry and a new Elasticsearch index behind the alias (run "
            "daily: it also rolls the open-now window forward); replay: copy the outbox to "
            "Elasticsearch after an outage or a failed re-index, rebuilding the index when it "
            "is missing or far behind (safe to run every few minutes); check: print the "
            "index's state, exit non-zero (and schedule a rebuild) when it is unhealthy.",
        )

    def handle(self, *args, action, **options):
        from search.backends import RebuildFailed

        if action == "check":
            return self.check_index()
        if action == "replay":
            return self.replay()
        try:
            count = rebuild_all()
        except RebuildFailed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} service locations."))

    def replay(self):
        from search import health
        from search.backends import preferred_backend
        from search.sync import replay_outbox

        try:
            done = replay_outbox()
        except Exception as error:  # noqa: BLE001 - report, keep the outbox
            raise CommandError(
                f"Replay stopped, the outbox is kept (Elasticsearch unavailable?): {error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Replayed {done} services."))
        if preferred_backend() is None:
            return
        if health.needs_rebuild():
            raise CommandError(
                "The search index needs a full rebuild (scheduled; the database answers "
                "searches meanwhile)."
            )
        self.stdout.write(f"Search index {health.index_state()}")

    def check_index(self):
        from search import health
        from search.backends import preferred_backend

        if preferred_backend() is None:
            self.stdout.write("Search: the database backend (no Elasticsearch configured).")
            return
        try:
            state = health.index_state()
        except Exception as error:  # noqa: BLE001 - an unreachable node is unhealthy
            raise CommandError(
                f"Search backend {preferred_backend().name} unavailable: {error}"
            ) from error
        pending = health.needs_rebuild()
        self.stdout.write(
            f"Search index {state}" + ("; a full rebuild is pending" if pending else "")
        )
        if not state.healthy:
            health.heal(str(state))
            raise CommandError(
                f"Search index {state.status}: the database answers searches; full rebuild "
                "scheduled."
            )
        if pending:
            raise CommandError("A full rebuild is pending; the database answers searches.")
