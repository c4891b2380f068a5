"""`manage.py referral_reminders`: remind and escalate unanswered referrals (run daily)."""

from django.core.management.base import BaseCommand

from referrals.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind receiving organisations of unanswered referrals; escalate to curators."

    def handle(self, *args, **options):
        reminded, escalated = send_reminders()
        self.stdout.write(f"{reminded} reminder(s) sent, {escalated} referral(s) escalated.")
