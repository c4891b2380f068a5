"""Corrections suggested by the public on a service page; they wait in the curators' queue.

Nothing that identifies the sender is stored: no account, no e-mail, no IP address (the rate
limit works on a hash of the address in the cache, which expires).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuggestionTopic(models.TextChoices):
    ADDRESS = "address", _("Address or location")
    HOURS = "hours", _("Opening hours")
    CONTACT = "contact", _("Phone, e-mail or website")
    CAPACITY = "capacity", _("Waiting list or capacity")
    CLOSED = "closed", _("The service no longer exists")
    OTHER = "other", _("Something else")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("To handle")
    DONE = "done", _("Handled")
    DISMISSED = "dismissed", _("Dismissed")


class CorrectionSuggestion(models.Model):
    """A visitor's note that something on a service page is wrong."""

    service = models.ForeignKey(
        "directory.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    topic = models.CharField(_("what is wrong"), max_length=16, choices=SuggestionTopic.choices)
    text = models.TextField(_("correction"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    curator_note = models.TextField(_("note for the curators"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction suggestion")
        verbose_name_plural = _("correction suggestions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.service} – {self.get_topic_display()}"
