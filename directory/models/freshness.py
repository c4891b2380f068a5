"""Freshness: the record of verification reminders sent, so that the daily reminder run sends
at most one reminder per organisation per verification period."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VerificationReminder(models.Model):
    """A reminder to re-verify an organisation's listing, sent to its editors."""

    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="verification_reminders",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("verification reminder")
        verbose_name_plural = _("verification reminders")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.organisation} {self.sent_at:%Y-%m-%d}"
