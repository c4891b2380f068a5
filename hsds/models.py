"""The crosswalk from outside taxonomies' terms to Brug's needs, which curators edit: the
import maps a term through it, and records every term it could not map (without a need), so
that curators see what to add."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermCrosswalk(models.Model):
    """An outside taxonomy term (its id or its code) and the Brug need it stands for."""

    term = models.CharField(_("term"), max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    need = models.ForeignKey(
        "directory.Need",
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("term crosswalk")
        verbose_name_plural = _("term crosswalk")

    def __str__(self):
        return f"{self.term} → {self.need.slug if self.need_id else '?'}"
