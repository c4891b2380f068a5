"""`manage.py fill_figure_columns`: write the managers' figures' columns again from each
referral's times and needs (referrals.figure_fill). Run it once after an upgrade that
added such columns: referrals the old code sent, accepted or planned while the new code was
being rolled out have none. Safe to run at any time; it changes only what is out of date."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from referrals import figure_fill
from referrals.models import Referral


class Command(BaseCommand):
    help = "Fill the figures' columns (week, month, hours, set of needs) of every referral."

    def handle(self, *args, **options):
        with transaction.atomic():
            figure_fill.fill_times(Referral, connection)
            figure_fill.fill_need_sets(Referral, connection)
        self.stdout.write(f"Figures' columns filled for {Referral.objects.count()} referrals.")
