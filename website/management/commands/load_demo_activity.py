"""`manage.py load_demo_activity`: a year of demo referrals between the demo organisations
(referrals.demo) and demo searches that found nothing (search.demo), so the managers'
figures tell a story. Run after `load_demo`; idempotent."""

import time

from django.core.management.base import BaseCommand

from referrals.demo import load_referrals
from search.demo import load_unmet_queries


class Command(BaseCommand):
    help = "Load a year of demo referrals and searches for the managers' figures (idempotent)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        activity = load_referrals()
        queries = load_unmet_queries()
        if activity.skipped:
            self.stdout.write("Demo referrals already present (or no demo network): none added.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo activity: {activity.referrals} referrals with {activity.events} "
                    f"steps, {queries} days of unmet searches "
                    f"({time.perf_counter() - started:.1f} s)."
                )
            )
