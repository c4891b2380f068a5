"""The network's taxonomy: needs (two levels), target groups and spoken languages.

Labels and synonyms live in one row per UI language, edited inline, so that a curator sees all
languages of a term on one screen and search can index every label of every term.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from directory.language_names import display_name
from directory.panels import LanguageInlinePanel
from directory.pictograms import PICTOGRAM_CHOICES, pictogram_url


def _language_base(code: str | None) -> str:
    return (code or settings.LANGUAGE_CODE).split("-")[0]


class TermLabel(models.Model):
    """A term's label in one language, with the synonyms people actually type."""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    label = models.CharField(_("label"), max_length=100)
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("Comma-separated words people use for this, e.g. 'woning, huis, kot'."),
    )

    panels = [FieldPanel("language"), FieldPanel("label"), FieldPanel("synonyms")]

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.language}: {self.label}"

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


def display_label_rows(label_model, term_field: str):
    """The label rows `LabelledTerm.label()` can answer from, for a prefetch: those in the
    active and the default language, and every row of a term that has neither (its label is
    then any of them). A term has a label in each of twelve languages: prefetching them all
    built some 900 rows for the service form's checkboxes, of which it shows one per term."""
    wanted = {_language_base(get_language()), settings.LANGUAGE_CODE}
    has_wanted = label_model.objects.filter(
        **{term_field: models.OuterRef(term_field)}, language__in=wanted
    )
    return label_model.objects.filter(models.Q(language__in=wanted) | ~models.Exists(has_wanted))


class LabelledTerm(ClusterableModel):
    """A taxonomy term whose labels are stored per language (see TermLabel)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "slug"]

    def __str__(self):
        return self.label()

    def label(self, language: str | None = None) -> str:
        """Label in the given (or active) language, else the default language, else any."""
        by_language = {row.language: row.label for row in self.labels.all()}
        for code in (_language_base(language or get_language()), settings.LANGUAGE_CODE):
            if by_language.get(code):
                return by_language[code]
        return next(iter(by_language.values()), self.slug)

    def all_labels_and_synonyms(self) -> str:
        """Every label and synonym in every language, for search indexing."""
        words = []
        for row in self.labels.all():
            words.append(row.label)
            words.extend(row.synonym_list())
        return " ".join(words)

    def labels_side_by_side(self) -> str:
        """Every UI language's label in settings.LANGUAGES order, "—" where one is missing:
        the admin listing shows the gaps at a glance."""
        by_language = {row.language: row.label for row in self.labels.all()}
        return format_html_join(
            " · ",
            '<span lang="{}" dir="auto"><b>{}</b> {}</span>',
            ((code, code, by_language.get(code) or "—") for code, _name in settings.LANGUAGES),
        )

    labels_side_by_side.short_description = _("Labels")


class Need(index.Indexed, LabelledTerm):
    """A category of need (housing, mental health …), in a two-level tree."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a main category."),
    )
    pictogram = models.CharField(
        _("pictogram"), max_length=40, choices=PICTOGRAM_CHOICES, default="other"
    )

    panels = [
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("pictogram"),
        FieldPanel("sort_order"),
        LanguageInlinePanel("labels", heading=_("Labels and synonyms per language"), min_num=1),
    ]
    search_fields = [index.SearchField("all_labels_and_synonyms"), index.FilterField("slug")]

    class Meta(LabelledTerm.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def clean(self):
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A need cannot be its own parent.")})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Needs have two levels: choose a main category as parent.")}
            )
        if self.parent_id and self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This need has sub-needs, so it must stay a main category.")}
            )

    def all_labels_and_synonyms(self) -> str:
        """A sub-need is also found by its main category's words (logement → social housing)."""
        own = super().all_labels_and_synonyms()
        return f"{own} {self.parent.all_labels_and_synonyms()}" if self.parent_id else own

    @property
    def pictogram_url(self) -> str:
        return pictogram_url(self.pictogram)

    def with_descendants(self) -> list["Need"]:
        return [self, *self.children.all()]


class NeedLabel(TermLabel):
    need = ParentalKey(Need, on_delete=models.CASCADE, related_name="labels")

    class Meta:
        unique_together = [("need", "language")]
        verbose_name = _("need label")


class TargetGroup(LabelledTerm):
    """Who a service is for: recognised refugees, families with children …"""

    panels = [
        FieldPanel("slug"),
        FieldPanel("sort_order"),
        LanguageInlinePanel("labels", heading=_("Labels and synonyms per language"), min_num=1),
    ]

    class Meta(LabelledTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class TargetGroupLabel(TermLabel):
    target_group = ParentalKey(TargetGroup, on_delete=models.CASCADE, related_name="labels")

    class Meta:
        unique_together = [("target_group", "language")]
        verbose_name = _("target group label")


class Language(models.Model):
    """A language staff can speak with clients (ISO 639 code and its own name)."""

    code = models.CharField(
        _("ISO 639 code"),
        max_length=12,
        unique=True,
        help_text=_("Two- or three-letter code, e.g. 'ar', 'prs' (Dari), 'ti' (Tigrinya)."),
    )
    native_name = models.CharField(_("name in the language itself"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    panels = [FieldPanel("code"), FieldPanel("native_name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip().lower()
        if not self.code.replace("-", "").isalpha() or not 2 <= len(self.code.split("-")[0]) <= 3:
            raise ValidationError({"code": _("Enter an ISO 639 code of two or three letters.")})

    @property
    def name(self) -> str:
        """The language's name in the visitor's language (CLDR's, see directory.language_names)."""
        return display_name(self.code, _language_base(get_language())) or self.native_name
