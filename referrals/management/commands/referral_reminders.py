"""`manage.py referral_reminders`: remind and escalate unanswered referrals (run daily)."""

from core.periodic import PeriodicCommand
from referrals.reminders import send_intake_reminders, send_reminders, tell_expired_consents


class Command(PeriodicCommand):
    help = (
        "Remind receiving organisations of unanswered referrals and of accepted ones without "
        "a planned intake; escalate to curators; tell "
        "both sides when the client's consent of an open referral has expired."
    )

    def handle(self, *args, **options):
        reminded, escalated = send_reminders()
        intakes = send_intake_reminders()
        expired = tell_expired_consents()
        self.stdout.write(
            f"{reminded} reminder(s) sent, {intakes} intake reminder(s) sent, "
            f"{escalated} referral(s) escalated, "
            f"{expired} expired consent(s) told."
        )
