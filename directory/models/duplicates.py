"""Likely duplicate listings waiting for a curator, and what the curator decided (see
directory/duplicates.py for the rules and directory/merging.py for the merge)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To check")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidate(models.Model):
    """Two organisations (or two services) that look like one; `page` is the newer."""

    KINDS = [("organisation", _("organisation")), ("service", _("service"))]

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    other = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("looks like"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=KINDS)
    reasons = models.JSONField(_("why"), default=list)
    score = models.FloatField(_("name similarity"), default=0)
    found_at = models.DateTimeField(_("found on"), default=timezone.now)
    found_by = models.CharField(
        _("found when"),
        max_length=10,
        choices=[
            ("admin", _("created in the admin")),
            ("import", _("imported")),
            ("scan", _("directory scan")),
        ],  # fmt: skip
        default="admin",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    survivor = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("kept"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["page", "other"], name="unique_duplicate_pair")
        ]

    def __str__(self):
        return f"{self.page.title} ≈ {self.other.title}"

    def reason_labels(self) -> str:
        from directory.duplicates import REASON_LABELS

        return ", ".join(str(REASON_LABELS.get(r, r)) for r in self.reasons)
