"""`manage.py anonymise_referrals`: run daily; anonymises client data past its retention."""

from core.periodic import PeriodicCommand
from referrals.retention import anonymise_due


class Command(PeriodicCommand):
    help = "Anonymise the client data of referrals closed longer ago than the retention period."

    def handle(self, *args, **options):
        count = anonymise_due()
        self.stdout.write(f"{count} client record(s) anonymised.")
