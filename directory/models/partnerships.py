"""Partnerships: two organisations of the network that work together (a referral agreement,
a joint project, a shared building, funding), from when until when, and the services it
concerns. A curator records them; both organisations' pages show the current ones.

A partnership points at the organisations' (and services') *original* pages, like
memberships: one row holds for every language version of the pages."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel


class PartnershipKind(models.TextChoices):
    REFERRAL_AGREEMENT = "referral_agreement", _("Referral agreement")
    JOINT_PROJECT = "joint_project", _("Joint project")
    CO_LOCATION = "co_location", _("Co-location")
    FUNDING = "funding", _("Funding")


class PartnershipQuerySet(models.QuerySet):
    """Domain queries over partnerships."""

    def involving(self, organisation):
        """Partnerships of this organisation, on either side (any language version)."""
        key = organisation.translation_key
        return self.filter(Q(organisation__translation_key=key) | Q(partner__translation_key=key))

    def confirmed(self):
        """Confirmed by a curator or by both sides: the public sees only these."""
        return self.filter(confirmed_at__isnull=False)

    def current(self, day: datetime.date | None = None):
        """In force on `day` (today in the site's time zone): begun, and not yet ended."""
        day = day or timezone.localdate()
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        )


class PartnershipForm(WagtailAdminModelForm):
    """Offers only original pages (one choice per organisation and service, not one per
    language version)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from directory.models.organisations import OrganisationPage
        from directory.models.services import ServicePage

        for name in ("organisation", "partner"):
            if name in self.fields:
                self.fields[name].queryset = OrganisationPage.objects.originals().order_by("title")
        if "services" in self.fields:
            self.fields["services"].queryset = ServicePage.objects.originals().order_by("title")

    def clean(self):
        cleaned = super().clean()
        check_services(self, cleaned)
        return cleaned


def check_services(form, cleaned: dict) -> None:
    """A partnership concerns services of its two organisations only."""
    sides = {
        page.translation_key
        for page in (cleaned.get("organisation"), cleaned.get("partner"))
        if page is not None
    }
    strangers = [
        service
        for service in cleaned.get("services") or []
        if service.get_parent().translation_key not in sides
    ]
    if sides and strangers:
        form.add_error(
            "services",
            _("Only services of the two organisations: %(names)s is not one of them.")
            % {"names": ", ".join(s.title for s in strangers)},
        )


class Partnership(models.Model):
    """Two organisations that work together (see the module)."""

    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    partner = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("works with"),
        on_delete=models.CASCADE,
        related_name="partnerships_as_partner",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PartnershipKind.choices)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: no end agreed.")
    )
    services = models.ManyToManyField(
        "directory.ServicePage",
        verbose_name=_("services"),
        blank=True,
        related_name="partnerships",
        help_text=_("The services of either organisation that it concerns (optional)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # Each side's confirmation (its editor proposed or confirmed it), and when it became
    # confirmed: by a curator, or when the second side confirmed.
    organisation_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    partner_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)

    objects = PartnershipQuerySet.as_manager()
    base_form_class = PartnershipForm
    panels = [
        # A plain list of the organisations: the page chooser would offer every language
        # version of each.
        FieldPanel("organisation", widget=forms.Select),
        FieldPanel("partner", widget=forms.Select),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("services"),
    ]

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["organisation__title", "partner__title", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation=models.F("partner")), name="partnership_two_sides"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="partnership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.partner} ({self.get_kind_display()})"

    def clean(self):
        errors = {}
        if self.organisation_id and self.organisation_id == self.partner_id:
            errors["partner"] = _("An organisation cannot be its own partner.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)
