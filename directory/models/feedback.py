"""What the public tells about a service: corrections suggested on a service page (they wait
in the curators' queue) and anonymous client feedback after a visit (seen only as aggregates).

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


class GotHelp(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class WaitTime(models.TextChoices):
    SAME_DAY = "same_day", _("Helped the same day")
    DAYS = "days", _("A few days")
    WEEKS = "weeks", _("One to four weeks")
    MONTHS = "months", _("More than a month")
    STILL_WAITING = "still_waiting", _("Still waiting")


class Recommend(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class ServiceFeedback(models.Model):
    """Three anonymous answers about a visit to a service, by a client or a coach for them.

    Nothing that identifies the person is stored: no account, no address, no time of day
    (only the date), no free text. Organisations and curators see aggregates of at least
    BRUG_FEEDBACK_MIN_ANSWERS answers (directory/feedback.py); the public never sees them."""

    service = models.ForeignKey(
        "directory.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    got_help = models.CharField(_("got help"), max_length=8, choices=GotHelp.choices)
    waited = models.CharField(_("waiting time"), max_length=16, choices=WaitTime.choices)
    recommend = models.CharField(_("would recommend"), max_length=8, choices=Recommend.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    by_coach = models.BooleanField(_("answered by a coach for the client"), default=False)
    received_on = models.DateField(_("received on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("client feedback")
        verbose_name_plural = _("client feedback")
        ordering = ["-received_on"]

    def __str__(self):
        return f"{self.service} {self.received_on}"


class UsedStamp(models.Model):
    """A public form's signed stamp that was sent once (directory/submissions.py): only its
    hash and the day it expires, so a replay within its lifetime is refused. No time of day
    and no link to what was sent: feedback stays traceable to a date only."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_on = models.DateField()

    def __str__(self):
        return self.digest[:12]
