"""How far each translated page follows its source (directory/translation_state.py): the
source's published revision it was last brought in line with, and the source's translatable
fields that changed since."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationSync(models.Model):
    """One row per translated page (a real translation, never an alias or an original)."""

    translation = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("translation"),
        on_delete=models.CASCADE,
        related_name="translation_sync",
    )
    # The source's revision the translation was written against; a purged revision leaves
    # None, which reads as "not known": every translatable field of the source then counts.
    source_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    synced_at = models.DateTimeField()
    # Set when the source was published with a changed translatable field; empty again when the
    # translation is published after that change, or marked up to date.
    source_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("translation state")

    def __str__(self):
        return f"{self.translation_id}: {self.changed_fields or 'up to date'}"

    @property
    def outdated(self) -> bool:
        return self.source_changed_at is not None
