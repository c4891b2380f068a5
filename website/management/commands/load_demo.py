"""`manage.py load_demo`: the demo network for Leuven and surroundings (idempotent), then the
sample initiatives list (directory/demo/initiatives.csv) through the initiatives import, as
drafts waiting for the curators' review."""

from pathlib import Path

from django.core.management.base import BaseCommand

from directory import initiatives
from directory.demo.loader import add_missing_labels, load_network, load_taxonomy
from directory.demo.partnerships import load_partnerships
from directory.models import OrganisationIndexPage
from website.models import SiteNotice
from website.setup import ensure_site

INITIATIVES = Path(initiatives.__file__).parent / "demo" / "initiatives.csv"


class Command(BaseCommand):
    help = "Load the demo network (marked as demo data). Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="Load only the first N organisations."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load no organisations when the directory already has some (a demo site "
            "still gets the labels of languages its taxonomy lacks).",
        )

    def handle(self, *args, limit=None, if_empty=False, **options):
        home = ensure_site()
        index = OrganisationIndexPage.objects.child_of(home).get()
        if if_empty and index.get_children().exists():
            self.stdout.write("The directory already has organisations; demo data not loaded.")
            # A demo loaded before a language was added still gets that language's labels.
            added = add_missing_labels() if SiteNotice.load().show_demo_notice else 0
            if added:
                self.reindex(added)
            return
        labels_changed = load_taxonomy()
        summary = load_network(index, limit=limit)
        partnerships = load_partnerships()
        if labels_changed and summary.organisations_skipped:
            self.reindex(labels_changed)
        notice = SiteNotice.load()
        notice.show_demo_notice = True
        notice.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {summary.organisations_created} organisations, "
                f"{summary.locations_created} locations and {summary.services_created} services "
                f"created; {summary.organisations_skipped} organisations already present; "
                f"{summary.possible_duplicates} possible duplicates flagged; "
                f"{partnerships} partnerships added."
            )
        )
        # The sample names organisations all over the network: only with the whole of it.
        if limit is None:
            self.import_initiatives()

    def import_initiatives(self) -> None:
        """The sample initiatives list, as `manage.py import_initiatives` would bring it in
        (submitted by no one in particular: the demo accounts come later)."""
        report = initiatives.import_file(INITIATIVES, curator=None)
        self.stdout.write(
            f"Demo initiatives ({INITIATIVES.name}): {len(report.created)} drafts and "
            f"partnerships for review, {len(report.unchanged)} imported before, "
            f"{len(report.matched)} matched existing services, {len(report.problems)} "
            "findings to check."
        )

    def reindex(self, labels_changed: int) -> None:
        """Listings loaded before index their needs' words: new labels reach search only
        when those listings are indexed again."""
        from search.backends import RebuildFailed
        from search.sync import rebuild_all

        try:
            count = rebuild_all()
        except RebuildFailed as error:
            self.stderr.write(
                f"{labels_changed} taxonomy labels changed; re-indexing failed ({error}): "
                "run `manage.py search_index rebuild`."
            )
            return
        self.stdout.write(f"{labels_changed} taxonomy labels changed: re-indexed {count} entries.")
