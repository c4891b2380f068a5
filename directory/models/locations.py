"""Locations (an organisation's addresses) and their weekly opening hours."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.admin_titles import AdminTitleMixin
from core.languages import InterfaceLanguageUrlMixin
from directory import confidentiality, opening_hours
from directory.forms import LocationPageForm
from directory.models.originals import original_of
from directory.panels import PointPanel, TranslationStatePanel
from directory.validators import normalise_postcode, validate_phone, validate_postcode

# Facts about the place itself, the same in every language: a translation of a location takes
# them from the original, and saving the original passes them on to its translations.
PLACE_FIELDS = (
    "street",
    "house_number",
    "postcode",
    "municipality",
    "country",
    "latitude",
    "longitude",
    "coordinate_precision",
    "confidential",
    "front_door_phone",
    "front_door_email",
    "front_door_location_id",
    "open_on_public_holidays",
)
# Child rows that are facts too: every version of a location shows the original's hours.
SCHEDULE_RELATIONS = ("opening_hours", "hours_exceptions")


class Country(models.TextChoices):
    BELGIUM = "BE", _("Belgium")
    NETHERLANDS = "NL", _("Netherlands")


class CoordinatePrecision(models.TextChoices):
    ADDRESS = "address", _("Exact address")
    POSTCODE = "postcode", _("Postcode area")
    MANUAL = "manual", _("Pin placed by an editor")
    MUNICIPALITY = "municipality", _("Municipality centre (confidential address)")


class WheelchairAccess(models.TextChoices):
    YES = "yes", _("Wheelchair accessible")
    PARTIAL = "partial", _("Partly wheelchair accessible")
    NO = "no", _("Not wheelchair accessible")
    UNKNOWN = "unknown", _("Wheelchair access unknown")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class LocationPage(AdminTitleMixin, InterfaceLanguageUrlMixin, Page):
    """A place where an organisation receives people; services are offered at locations."""

    street = models.CharField(_("street"), max_length=120)
    house_number = models.CharField(_("number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8)
    municipality = models.CharField(_("municipality"), max_length=80)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.BELGIUM
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    coordinate_precision = models.CharField(
        _("precision of the point"),
        max_length=12,
        choices=CoordinatePrecision.choices,
        blank=True,
    )
    wheelchair_access = models.CharField(
        _("wheelchair access"),
        max_length=10,
        choices=WheelchairAccess.choices,
        default=WheelchairAccess.UNKNOWN,
    )
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Steps, lift, toilets, parking, public transport nearby."),
    )
    confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_(
            "For shelters and safe houses. The street address and the exact point are never "
            "shown to the public, in search, in the API or on the map: only the municipality, "
            "as an area. Give a front-door contact below."
        ),
    )
    front_door_phone = models.CharField(
        _("front-door phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    front_door_email = models.EmailField(_("front-door e-mail"), blank=True)
    front_door_location = models.ForeignKey(
        "directory.LocationPage",
        verbose_name=_("front-door intake location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A location with a public address where people are received first."),
    )
    front_door_note = models.CharField(
        _("how to reach it"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'Call first: we meet you at the intake desk and take you there.'"),
    )
    hours_note = models.CharField(
        _("note on the hours"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'Thursday evening by appointment only'."),
    )
    open_on_public_holidays = models.BooleanField(
        _("open on public holidays"),
        default=False,
        help_text=_(
            "Belgian public holidays close a location unless this is ticked (e.g. a night "
            "shelter). Special hours for a date count even on a holiday."
        ),
    )

    content_panels = [
        TranslationStatePanel(),
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("street"), FieldPanel("house_number")]),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("municipality")]),
                FieldPanel("country"),
            ],
            heading=_("Address"),
        ),
        PointPanel(
            [
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("coordinate_precision"),
            ],
            heading=_("Point on the map"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("confidential"),
                FieldRowPanel([FieldPanel("front_door_phone"), FieldPanel("front_door_email")]),
                FieldPanel("front_door_location"),
                FieldPanel("front_door_note"),
            ],
            heading=_("Confidential address and front door"),
        ),
        MultiFieldPanel(
            [FieldPanel("wheelchair_access"), FieldPanel("accessibility_notes")],
            heading=_("Accessibility"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("time range")),
        FieldPanel("hours_note"),
        FieldPanel("open_on_public_holidays"),
        InlinePanel(
            "hours_exceptions",
            heading=_("Closures and special hours"),
            label=_("closure or special hours"),
            help_text=_(
                "Dates when the weekly hours do not apply: 'closed 24 Dec – 2 Jan', or "
                "'Thursday 14:00–16:00 during the school holidays'."
            ),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        # Wagtail's own index (the admin's search) must not hold a confidential street either.
        index.SearchField("indexed_street"),
        index.SearchField("municipality"),
        index.FilterField("postcode"),
    ]
    parent_page_types = ["directory.OrganisationPage"]
    subpage_types = []
    template = "directory/location_page.html"
    base_form_class = LocationPageForm
    # The place's facts (PLACE_FIELDS) come from the original; only these are translated.
    translatable_fields = (
        "title",
        "accessibility_notes",
        "front_door_note",
        "hours_note",
        "seo_title",
        "search_description",
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def clean(self):
        super().clean()
        errors = {}
        self.postcode = normalise_postcode(self.postcode)
        try:
            validate_postcode(self.postcode, self.country)
        except ValidationError as error:
            errors["postcode"] = error
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.latitude is not None and not self.coordinate_precision:
            self.coordinate_precision = CoordinatePrecision.MANUAL
        for name, error in confidentiality.front_door_errors(self).items():
            errors.setdefault(name, error)
        confidentiality.snap(self)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        place_names = {name.removesuffix("_id") for name in PLACE_FIELDS}
        writes_place = update_fields is None or bool(set(update_fields) & place_names)
        original = None
        if writes_place and self.pk and not self.alias_of_id:
            original = original_of(self)
            if original is not None and original.pk != self.pk:
                for name in PLACE_FIELDS:
                    setattr(self, name, getattr(original, name))
                for relation in SCHEDULE_RELATIONS:
                    setattr(
                        self,
                        relation,
                        [row.copy_row() for row in getattr(original, relation).all()],
                    )
        if writes_place:
            confidentiality.snap(self)
        super().save(*args, **kwargs)
        if writes_place and original is not None and original.pk == self.pk:
            values = {name: getattr(self, name) for name in PLACE_FIELDS}
            others = LocationPage.objects.filter(translation_key=self.translation_key).exclude(
                pk=self.pk
            )
            others.update(**values)
            self._copy_schedule_to(others.filter(alias_of__isnull=True))

    def _copy_schedule_to(self, translations) -> None:
        """Give the translations this location's weekly hours and dated exceptions (aliases
        get them from Wagtail when the original is published)."""
        targets = list(translations.values_list("pk", flat=True))
        if not targets:
            return
        for relation in SCHEDULE_RELATIONS:
            rows = list(getattr(self, relation).all())
            model = getattr(type(self), relation).rel.related_model
            model.objects.filter(location_id__in=targets).delete()
            model.objects.bulk_create(
                row.copy_row(location_id=target) for target in targets for row in rows
            )

    def get_sitemap_urls(self, request=None):
        # The URL of a shelter's page may carry words that locate it: not in the sitemap.
        return [] if self.confidential else super().get_sitemap_urls(request)

    @property
    def indexed_street(self) -> str:
        return "" if self.confidential else self.address_line

    @property
    def public_point(self) -> dict | None:
        """The point the public may see (a confidential location: its municipality's centre)."""
        return confidentiality.public_point(self)

    @property
    def front_door(self):
        """The public intake location of a confidential one, in the visitor's locale."""
        if not self.front_door_location_id or self.front_door_location is None:
            return None
        return self.front_door_location.localized.specific

    @property
    def address_line(self) -> str:
        return f"{self.street} {self.house_number}".strip()

    @property
    def full_address(self) -> str:
        return f"{self.address_line}, {self.postcode} {self.municipality}"

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def _schedule(self):
        return {
            "ranges": self.opening_hours.all(),
            "exceptions": self.hours_exceptions.all(),
            "open_on_holidays": self.open_on_public_holidays,
        }

    def opening_status(self, moment=None) -> opening_hours.OpenStatus:
        moment = moment or opening_hours.now_in_brussels()
        return opening_hours.opening_status(moment=moment, **self._schedule())

    def opening_now(self, moment=None) -> opening_hours.Now:
        """The status now and until when ("Open now by appointment until 17:00")."""
        moment = moment or opening_hours.now_in_brussels()
        return opening_hours.status_now(moment=moment, **self._schedule())

    def week(self, day=None) -> list[opening_hours.Day]:
        day = day or opening_hours.now_in_brussels().date()
        return opening_hours.week_of(day=day, **self._schedule())

    def next_opening(self, moment=None) -> opening_hours.Opening | None:
        moment = moment or opening_hours.now_in_brussels()
        return opening_hours.next_opening(moment=moment, **self._schedule())

    def coming_up(self, day=None):
        """Closures, special hours and public holidays of the coming weeks."""
        day = day or opening_hours.now_in_brussels().date()
        return opening_hours.upcoming(
            self.hours_exceptions.all(), day, open_on_holidays=self.open_on_public_holidays
        )

    @property
    def today(self):
        return opening_hours.now_in_brussels().date()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from directory.models.services import ServicePage

        source = self.alias_of.specific if self.alias_of_id else self
        # The services here, in this page's locale (translations or aliases), in one query.
        context["services"] = (
            ServicePage.objects.live()
            .filter(locale_id=self.locale_id)
            .filter(translation_key__in=source.services.values("translation_key"))
            .for_cards()
            .order_by("title")
        )
        return context


class OpeningHours(Orderable):
    """One weekly time range at a location, e.g. Monday 09:00–12:00."""

    location = ParentalKey(LocationPage, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    closes_next_day = models.BooleanField(
        _("closes the next day"),
        default=False,
        help_text=_("Tick for hours past midnight, e.g. a night shelter open 20:00–08:00."),
    )
    by_appointment_only = models.BooleanField(_("by appointment only"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]),
        FieldRowPanel([FieldPanel("closes_next_day"), FieldPanel("by_appointment_only")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def copy_row(self, **overrides) -> "OpeningHours":
        return _copy_row(self, **overrides)

    def clean(self):
        super().clean()
        errors = {}
        if self.opens is not None and self.closes is not None:
            if not self.closes_next_day and self.closes <= self.opens:
                errors["closes"] = _(
                    "Closing time must be after opening time. For hours past midnight, "
                    "tick 'closes the next day'."
                )
            if self.closes_next_day and self.closes > self.opens:
                errors["closes"] = _(
                    "A range that closes the next day must close before its opening time."
                )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("'Valid until' must not be before 'valid from'.")
        if errors:
            raise ValidationError(errors)


class ExceptionKind(models.TextChoices):
    CLOSED = opening_hours.CLOSED, _("Closed")
    SPECIAL = opening_hours.SPECIAL, _("Special hours")


# A typo in a year (2062 for 2026) should not close a location for decades.
MAX_EXCEPTION_DAYS = 366


class HoursException(Orderable):
    """Dates when a location's weekly hours do not apply: a closure ('closed 24 Dec – 2 Jan')
    or special hours ('Thursday 14:00–16:00 during the school holidays'), entered by the
    organisation. Several special-hours rows for the same dates give several ranges a day."""

    location = ParentalKey(LocationPage, on_delete=models.CASCADE, related_name="hours_exceptions")
    kind = models.CharField(
        _("what"), max_length=10, choices=ExceptionKind.choices, default=ExceptionKind.CLOSED
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"))
    weekday = models.PositiveSmallIntegerField(
        _("only on"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty for every day of the period."),
    )
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    closes_next_day = models.BooleanField(_("closes the next day"), default=False)
    by_appointment_only = models.BooleanField(_("by appointment only"), default=False)
    note = models.CharField(
        _("note"), max_length=120, blank=True, help_text=_("E.g. 'Christmas holidays'.")
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]),
        FieldRowPanel([FieldPanel("closes_next_day"), FieldPanel("by_appointment_only")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("closure or special hours")
        verbose_name_plural = _("closures and special hours")

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def copy_row(self, **overrides) -> "HoursException":
        return _copy_row(self, **overrides)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = _(
                    "The last day must not be before the first day (a closure cannot end "
                    "before it starts)."
                )
            elif (self.ends_on - self.starts_on).days >= MAX_EXCEPTION_DAYS:
                errors["ends_on"] = _(
                    "A closure or special hours can last at most a year. Check the years."
                )
        if self.kind == ExceptionKind.SPECIAL:
            if self.opens is None:
                errors["opens"] = _("Give the opening time of the special hours.")
            if self.closes is None:
                errors["closes"] = _("Give the closing time of the special hours.")
            if self.opens is not None and self.closes is not None:
                if not self.closes_next_day and self.closes <= self.opens:
                    errors["closes"] = _(
                        "Closing time must be after opening time. For hours past midnight, "
                        "tick 'closes the next day'."
                    )
                if self.closes_next_day and self.closes > self.opens:
                    errors["closes"] = _(
                        "A range that closes the next day must close before its opening time."
                    )
        else:
            # A closure has no hours; whatever was typed there does not count.
            self.opens = self.closes = None
            self.closes_next_day = self.by_appointment_only = False
        if errors:
            raise ValidationError(errors)


def _copy_row(row, **overrides):
    """An unsaved copy of a child row (for another version of the location)."""
    names = [f.attname for f in row._meta.concrete_fields if f.name not in ("id", "location")]
    values = {name: getattr(row, name) for name in names}
    values.update(overrides)
    return type(row)(**values)
