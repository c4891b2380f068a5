"""Freshness: the record of verification reminders sent (at most one per organisation per
verification period), and per field when it last changed or was confirmed (FieldCheck)."""

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


class TrackedField(models.TextChoices):
    """Facts whose freshness is tracked one by one ("last verified" per field)."""

    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    ADDRESS = "address", _("address")
    HOURS = "hours", _("opening hours")
    CAPACITY = "capacity", _("capacity")


class FieldCheck(models.Model):
    """When one fact of a listing (its original page) last changed, and when a person last
    confirmed it; the fingerprint of its value tells a change from a re-publish."""

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(_("field"), max_length=10, choices=TrackedField.choices)
    fingerprint = models.CharField(max_length=64, blank=True)
    changed_on = models.DateField(_("changed on"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("field check")
        verbose_name_plural = _("field checks")
        constraints = [models.UniqueConstraint(fields=["page", "field"], name="unique_field_check")]

    def __str__(self):
        return f"{self.page_id} {self.field}"

    @property
    def last_checked(self):
        """The later of the last change and the last confirmation (either means a person
        looked at the value)."""
        dates = [d for d in (self.changed_on, self.confirmed_on) if d]
        return max(dates) if dates else None
