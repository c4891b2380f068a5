"""Organisations: the legal bodies of the network, each a page whose subtree holds its
services and locations (so that per-organisation permissions and moderation can follow the
page tree)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.admin_titles import AdminTitleMixin
from core.languages import InterfaceLanguageUrlMixin
from directory.forms import TranslatablePageForm
from directory.models.live_facts import LiveFactsMixin
from directory.models.originals import original_of, originals
from directory.panels import TranslationStatePanel
from directory.validators import validate_enterprise_number, validate_phone


class OrganisationType(models.TextChoices):
    PUBLIC_SOCIAL_SERVICE = "public_social_service", _("Public social welfare centre (OCMW/CPAS)")
    GENERAL_WELFARE = "general_welfare", _("General welfare centre (CAW)")
    MENTAL_HEALTH = "mental_health", _("Mental-health centre")
    CHILD_FAMILY = "child_family", _("Child and family services")
    RECEPTION = "reception", _("Reception initiative")
    INTEGRATION = "integration", _("Integration and civic integration")
    NGO = "ngo", _("Non-governmental organisation")
    VOLUNTEER = "volunteer", _("Volunteer or buddy project")
    LIBRARY = "library", _("Library")
    EDUCATION = "education", _("Education and language school")
    LEGAL_AID = "legal_aid", _("Legal aid")
    HEALTH_CARE = "health_care", _("Health care")
    HOUSING = "housing", _("Housing")
    EMPLOYMENT = "employment", _("Work and employment")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    COMMUNITY = "community", _("Community centre")


class OrganisationIndexPage(AdminTitleMixin, InterfaceLanguageUrlMixin, Page):
    """The list of all organisations of the network."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [TranslationStatePanel(), *Page.content_panels, FieldPanel("intro")]
    translatable_fields = ("title", "intro", "seo_title", "search_description")
    base_form_class = TranslatablePageForm
    # The site's home page, named by the project's settings: the app that defines it sits
    # above the directory, so the directory does not name it.
    parent_page_types = settings.BRUG_ORGANISATION_INDEX_PARENT_PAGE_TYPES
    subpage_types = ["directory.OrganisationPage"]
    max_count_per_parent = 1
    template = "directory/organisation_index_page.html"

    class Meta:
        verbose_name = _("organisation list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        organisations = OrganisationPage.objects.child_of(self).live().order_by("title")
        chosen_type = request.GET.get("type", "")
        if chosen_type in OrganisationType.values:
            organisations = organisations.filter(organisation_type=chosen_type)
        else:
            chosen_type = ""
        context["organisations"] = organisations
        context["organisation_types"] = OrganisationType.choices
        context["chosen_type"] = chosen_type
        return context


class OrganisationTag(TaggedItemBase):
    content_object = ParentalKey(
        "directory.OrganisationPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class OrganisationQuerySet(PageQuerySet):
    """Domain queries over organisations."""

    def originals(self):
        """One page per organisation: its original (see directory/models/originals.py)."""
        return originals(self)


class OrganisationPage(AdminTitleMixin, LiveFactsMixin, InterfaceLanguageUrlMixin, Page):
    """An organisation of the network (OCMW Leuven, CAW Oost-Brabant …)."""

    short_description = models.CharField(
        _("short description"),
        max_length=200,
        help_text=_("One plain-language sentence, shown on cards (at most 200 characters)."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3"]
    )
    organisation_type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=20,
        blank=True,
        validators=[validate_enterprise_number],
        help_text=_("Belgian KBO/BCE number, if the organisation has one."),
    )
    tags = ClusterTaggableManager(through=OrganisationTag, blank=True, verbose_name=_("tags"))
    last_verified = models.DateField(
        _("last verified on"),
        null=True,
        blank=True,
        help_text=_(
            "When a person last confirmed that this listing is correct. Set with "
            "'Still correct' on the dashboard or in the reminder e-mail."
        ),
    )

    objects = PageManager.from_queryset(OrganisationQuerySet)()
    base_form_class = TranslatablePageForm
    live_fact_fields = ("last_verified",)
    translatable_fields = (
        "title",
        "short_description",
        "description",
        "seo_title",
        "search_description",
    )

    content_panels = [
        TranslationStatePanel(),
        *Page.content_panels,
        FieldPanel("short_description"),
        FieldPanel("organisation_type"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")],
            heading=_("Contact"),
        ),
        FieldPanel("logo"),
        FieldPanel("enterprise_number"),
        FieldPanel("tags"),
        FieldPanel("last_verified", read_only=True),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("short_description"),
        index.SearchField("description"),
        index.FilterField("organisation_type"),
    ]
    parent_page_types = ["directory.OrganisationIndexPage"]
    subpage_types = ["directory.ServicePage", "directory.LocationPage"]
    template = "directory/organisation_page.html"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def services(self):
        from directory.models.services import ServicePage

        return ServicePage.objects.child_of(self).live().order_by("title")

    def original(self) -> "OrganisationPage":
        """The organisation's original page (memberships and teams point at it)."""
        return original_of(self) or self

    def locations(self):
        from directory.models.locations import LocationPage

        return LocationPage.objects.child_of(self).live().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = self.services().for_cards()
        context["locations"] = self.locations().prefetch_related(
            "opening_hours", "hours_exceptions"
        )
        from directory.partnerships import works_with

        context["works_with"] = works_with(self)
        return context
