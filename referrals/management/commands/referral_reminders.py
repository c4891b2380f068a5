"""`manage.py referral_reminders`: remind and escalate unanswered referrals (run daily)."""

from core.periodic import PeriodicCommand
from referrals.reminders import send_reminders, tell_expired_consents


class Command(PeriodicCommand):
    help = (
        "Remind receiving organisations of unanswered referrals; escalate to curators; tell "
        "both sides when the client's consent of an open referral has expired."
    )

    def handle(self, *args, **options):
        reminded, escalated = send_reminders()
        expired = tell_expired_consents()
        self.stdout.write(
            f"{reminded} reminder(s) sent, {escalated} referral(s) escalated, "
            f"{expired} expired consent(s) told."
        )
