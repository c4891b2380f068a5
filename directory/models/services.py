"""Services: what an organisation offers, for whom, where, in which languages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.query import ModelIterable
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core import response_holes
from core.admin_titles import AdminTitleMixin
from core.languages import InterfaceLanguageUrlMixin
from directory import eligibility as rules
from directory import opening_hours
from directory.fields import (
    DocumentListField,
    PostcodeListField,
    RegionListField,
    ResidenceStatusListField,
)
from directory.forms import TranslatorFieldsMixin
from directory.models.live_facts import LiveFactsMixin
from directory.models.originals import original_of, originals
from directory.panels import TranslationStatePanel
from directory.projects import ProjectState, state_on
from directory.validators import validate_phone
from directory.widgets import GroupedNeedsWidget, OrganisationPicker, PageFieldCheckboxes


class Cost(models.TextChoices):
    FREE = "free", _("Free of charge")
    PAID = "paid", _("Paid")
    CONDITIONS = "conditions", _("Free or reduced under conditions")


class Access(models.TextChoices):
    WALK_IN = "walk_in", _("Walk in")
    APPOINTMENT = "appointment", _("By appointment")
    PHONE = "phone", _("By phone")
    REFERRAL_ONLY = "referral_only", _("Only through a referral")


class Capacity(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting new clients")
    WAITING_LIST = "waiting_list", _("Waiting list")
    CLOSED = "closed", _("Temporarily not accepting new clients")


class ServiceTag(TaggedItemBase):
    content_object = ParentalKey(
        "directory.ServicePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CardIterable(ModelIterable):
    """Yields services with their organisation attached, fetched in one query for the whole
    result (a card shows the organisation's name; get_parent() per card would be N queries)."""

    def __iter__(self):
        from directory.models.organisations import OrganisationPage

        services = list(super().__iter__())
        steplen = Page.steplen
        parents = {s.path[:-steplen] for s in services}
        organisations = {o.path: o for o in OrganisationPage.objects.filter(path__in=parents)}
        for service in services:
            if service.path[:-steplen] in organisations:
                service.__dict__["organisation"] = organisations[service.path[:-steplen]]
            yield service


def complete_need_labels(services) -> None:
    """After `for_cards(language)`: a need with no label in that language nor the default
    one gets all its labels (one query for all such needs), as Need.label then shows any."""
    from directory.models.taxonomy import NeedLabel

    bare = [need for service in services for need in service.needs.all() if not need.labels.all()]
    if not bare:
        return
    found: dict[int, list] = {}
    for row in NeedLabel.objects.filter(need__in={need.pk for need in bare}):
        found.setdefault(row.need_id, []).append(row)
    for need in bare:
        need._prefetched_objects_cache["labels"] = found.get(need.pk, [])


class ServiceQuerySet(PageQuerySet):
    """Domain queries over services."""

    def with_needs(self, needs):
        """Services for any of the given needs or their sub-needs."""
        ids = set()
        for need in needs:
            ids.update(n.pk for n in need.with_descendants())
        return self.filter(needs__in=ids).distinct()

    def originals(self):
        """One page per service: its original (see directory/models/originals.py)."""
        return originals(self)

    def accepting(self):
        return self.filter(capacity_status=Capacity.ACCEPTING)

    def referrable(self, organisations=None):
        """Services a coach can refer to: they accept referrals and are no ended project;
        with `organisations` (pages or ids), only those open to coaches of any of them (a
        pathway reserved for partners, directory.pathways)."""
        found = self.filter(accepts_referrals=True).exclude(project_state=ProjectState.ENDED)
        if organisations is not None:
            from directory import pathways

            found = found.filter(pathways.open_to_condition(organisations))
        return found

    def for_cards(self, language: str | None = None):
        """Everything a result card shows, in a fixed number of queries. With `language`,
        only the needs' labels a card in that language can show (its own and the default
        language's; then `complete_need_labels` for a need that has neither): a need has a
        label in each of twelve languages, which were most of a page of cards' instances."""
        from directory.models.taxonomy import NeedLabel, _language_base

        labels = "needs__labels"
        if language:
            wanted = {_language_base(language), settings.LANGUAGE_CODE}
            labels = Prefetch("needs__labels", NeedLabel.objects.filter(language__in=wanted))
        return (
            self.with_organisations()
            .select_related("locale", "alias_of__locale")
            .prefetch_related(
                labels,
                "languages",
                "locations__opening_hours",
                "locations__hours_exceptions",
            )
        )

    def with_organisations(self):
        """Each service with its organisation attached (one query for all: CardIterable)."""
        services = self._chain()
        services._iterable_class = CardIterable
        return services


class ServiceForm(TranslatorFieldsMixin, WagtailAdminPageForm):
    """Limits the location choice to the organisation's own locations; capacity is set when a
    service is created and afterwards changed with the capacity action (live at once)."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if self.instance.pk:
            for name in ("capacity_status", "waiting_weeks"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Change the capacity with 'Capacity' on the dashboard or in the page's "
                        "actions: it goes live at once, without review."
                    )
        from directory.models.locations import LocationPage
        from directory.models.taxonomy import (
            Need,
            NeedLabel,
            TargetGroup,
            TargetGroupLabel,
            display_label_rows,
        )

        # Each term's label is read from its label rows: fetched with the choices, not per
        # checkbox (57 needs, their main needs and the target groups were ~150 queries), and
        # only the rows a label is taken from (not all twelve languages of each term).
        if "needs" in self.fields:
            self.fields["needs"].queryset = Need.objects.select_related("parent").prefetch_related(
                Prefetch("labels", queryset=display_label_rows(NeedLabel, "need")),
                Prefetch("parent__labels", queryset=display_label_rows(NeedLabel, "need")),
            )
        if "target_groups" in self.fields:
            self.fields["target_groups"].queryset = TargetGroup.objects.prefetch_related(
                Prefetch("labels", queryset=display_label_rows(TargetGroupLabel, "target_group"))
            )
        organisation = parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if "locations" in self.fields and organisation is not None:
            # A translation in another locale keeps pointing at the original's locations
            # (shown through .localized), so those are the choices, with any already chosen.
            organisation = organisation.specific
            original = organisation.original() if hasattr(organisation, "original") else None
            choices = LocationPage.objects.child_of(original or organisation)
            if self.instance.pk:
                chosen = [location.pk for location in self.instance.locations.all()]
                choices = choices | LocationPage.objects.filter(pk__in=chosen)
            self.fields["locations"].queryset = choices.order_by("title")


class ServicePage(AdminTitleMixin, LiveFactsMixin, InterfaceLanguageUrlMixin, Page):
    """A service of an organisation: what, for whom, cost, access, languages and capacity."""

    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_("Plain language for the result cards, at most 200 characters."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ul", "ol", "h3"]
    )
    needs = ParentalManyToManyField(
        "directory.Need", verbose_name=_("needs"), related_name="services"
    )
    target_groups = ParentalManyToManyField(
        "directory.TargetGroup", verbose_name=_("target groups"), blank=True
    )
    eligibility = models.TextField(
        _("who can use it"), blank=True, help_text=_("Conditions in plain language.")
    )
    residence_statuses = ResidenceStatusListField(
        _("residence statuses"),
        help_text=_("Tick only when the service is limited to some statuses; none ticked: any."),
    )
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    gender = models.CharField(
        _("only for"),
        max_length=10,
        choices=rules.Gender.choices,
        blank=True,
        help_text=_("Only when it matters, e.g. a shelter for women. Empty: anyone."),
    )
    service_area = PostcodeListField(
        _("service area"),
        help_text=_(
            "Only for people living here: postcodes or municipalities, separated by commas "
            "(e.g. 3000, Kessel-Lo, Herent). A municipality brings all its postcodes. Empty: "
            "anyone, wherever they live."
        ),
    )
    documents_to_bring = DocumentListField(_("documents to bring"))
    cost = models.CharField(_("cost"), max_length=12, choices=Cost.choices, default=Cost.FREE)
    cost_details = models.CharField(_("about the cost"), max_length=200, blank=True)
    access = models.CharField(
        _("how to get in"), max_length=16, choices=Access.choices, default=Access.APPOINTMENT
    )
    access_details = models.CharField(_("about getting in"), max_length=300, blank=True)
    accepts_referrals = models.BooleanField(
        _("accepts referrals through Brug"),
        default=False,
        help_text=_("Coaches can send a warm referral to this service."),
    )
    capacity_status = models.CharField(
        _("capacity"), max_length=16, choices=Capacity.choices, default=Capacity.ACCEPTING
    )
    waiting_weeks = models.PositiveSmallIntegerField(
        _("waiting time in weeks"), null=True, blank=True
    )
    languages = ParentalManyToManyField(
        "directory.Language", verbose_name=_("languages spoken by staff"), blank=True
    )
    interpreter_available = models.BooleanField(
        _("interpreter or intercultural mediator available"), default=False
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    locations = ParentalManyToManyField(
        "directory.LocationPage",
        verbose_name=_("locations"),
        blank=True,
        related_name="services",
        help_text=_("Where this service is offered. Add locations to the organisation first."),
    )
    tags = ClusterTaggableManager(through=ServiceTag, blank=True, verbose_name=_("tags"))
    last_verified = models.DateField(_("last verified on"), null=True, blank=True)
    # A project (directory/projects.py): a service with a start or an end.
    project_starts_on = models.DateField(_("project starts on"), null=True, blank=True)
    project_ends_on = models.DateField(
        _("project ends on"),
        null=True,
        blank=True,
        help_text=_("After this day the page stays, marked as ended, but leaves the search."),
    )
    successor = models.ForeignKey(
        "directory.ServicePage",
        verbose_name=_("continued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    focus_regions = RegionListField(
        _("focus regions"),
        help_text=_(
            "Municipalities or provinces the project focuses on, separated by commas "
            "(e.g. Gent, Antwerpen, Liège). Unlike the service area, anyone may still use it."
        ),
    )
    # A pathway reserved for partners (directory/pathways.py): empty, any coach may refer.
    referral_partners = ParentalManyToManyField(
        "directory.OrganisationPage",
        verbose_name=_("referrals only from"),
        blank=True,
        related_name="reserved_services",
        help_text=_(
            "Tick organisations only when clients come solely through them (e.g. only "
            "refugees guided by the OCMW of Leuven); none ticked: any coach may refer."
        ),
    )
    project_state = models.CharField(
        max_length=10, choices=ProjectState.choices, blank=True, default="", editable=False
    )

    objects = PageManager.from_queryset(ServiceQuerySet)()
    base_form_class = ServiceForm
    live_fact_fields = ("capacity_status", "waiting_weeks", "last_verified")
    # What a translator translates (directory/translation_state.py); the rest is facts.
    translatable_fields = (
        "title",
        "summary",
        "description",
        "eligibility",
        "cost_details",
        "access_details",
        "seo_title",
        "search_description",
    )

    content_panels = [
        TranslationStatePanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("needs", widget=GroupedNeedsWidget),
        FieldPanel("target_groups", widget=PageFieldCheckboxes),
        MultiFieldPanel(
            [
                FieldPanel("eligibility"),
                FieldPanel("residence_statuses"),
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
                FieldPanel("gender"),
                FieldPanel("service_area"),
                FieldPanel("documents_to_bring"),
            ],
            heading=_("Who can use it"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("cost"), FieldPanel("cost_details")]),
                FieldRowPanel([FieldPanel("access"), FieldPanel("access_details")]),
                FieldPanel("accepts_referrals"),
                FieldPanel("referral_partners", widget=OrganisationPicker),
            ],
            heading=_("Cost and access"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("capacity_status"), FieldPanel("waiting_weeks")])],
            heading=_("Capacity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("languages", widget=PageFieldCheckboxes),
                FieldPanel("interpreter_available"),
            ],
            heading=_("Languages"),
        ),
        FieldPanel("locations", widget=PageFieldCheckboxes),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("project_starts_on"), FieldPanel("project_ends_on")]),
                FieldPanel("focus_regions"),
                FieldPanel("successor"),
            ],
            heading=_("Project"),
        ),
        FieldPanel("tags"),
        FieldPanel("last_verified", read_only=True),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("eligibility"),
        index.RelatedFields("needs", [index.SearchField("all_labels_and_synonyms")]),
        index.FilterField("capacity_status"),
        index.FilterField("cost"),
        index.FilterField("interpreter_available"),
        index.FilterField("alias_of"),
    ]
    parent_page_types = ["directory.OrganisationPage"]
    subpage_types = []
    template = "directory/service_page.html"

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def clean(self):
        super().clean()
        errors = rules.age_range_errors(self.age_min, self.age_max)
        if self.capacity_status == Capacity.WAITING_LIST and self.waiting_weeks is None:
            errors["waiting_weeks"] = ValidationError(
                _("Give the waiting time in weeks for a waiting list.")
            )
        if self.capacity_status != Capacity.WAITING_LIST:
            self.waiting_weeks = None
        if (
            self.project_starts_on
            and self.project_ends_on
            and self.project_ends_on < self.project_starts_on
        ):
            errors["project_ends_on"] = ValidationError(_("The end date is before the start date."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.project_state = state_on(self.project_starts_on, self.project_ends_on)
        return super().save(*args, **kwargs)

    @property
    def project_ended(self) -> bool:
        return self.project_state == ProjectState.ENDED

    @property
    def referrable(self) -> bool:
        """A coach can refer to it (an ended project is no referral target)."""
        return self.accepts_referrals and not self.project_ended

    def referrable_by(self, organisations) -> bool:
        """A coach of any of these organisations (pages or ids) can refer to it: it is
        referrable and, when reserved for partners, they are one of them or its own."""
        from directory import pathways

        return self.referrable and pathways.open_to(self, organisations)

    def get_context(self, request, *args, **kwargs):
        from directory import feedback, partnerships, pathways, projects

        context = super().get_context(request, *args, **kwargs)
        # A hole in a shared copy of the page: each visitor gets a stamp of their own.
        stamp = response_holes.mark(request, "feedback-stamp", feedback.new_stamp())
        form = feedback.FeedbackForm(initial={"stamp": stamp})
        context["feedback_form"] = form
        context["feedback_questions"] = feedback.questions(form)
        # ?print=1: the card alone, styled for paper (the print link works without JavaScript).
        context["printable"] = request.GET.get("print") == "1"
        context["partners"] = partnerships.concerning(self)
        pathway = pathways.of_services([self])[self.translation_key]
        context["referral_partners"] = pathway.partners
        # The "Refer" button only for a coach the pathway is open to (the note says who).
        coach = pathways.referring_organisations(request.user)
        context["pathway_open"] = not coach or pathway.open_to(
            self, pathways.organisation_keys(coach)
        )
        if self.project_ended:
            successor = self.successor.localized if self.successor_id else None
            context["successor"] = successor if successor and successor.live else None
            if context["successor"] is None:
                context["similar_running"] = projects.similar_running(self)
        return context

    def serve(self, request, *args, **kwargs):
        # The feedback form carries a single-use stamp: every view asks this server again (no
        # validator, so no 304 of an old stamp); its shared copy there gets a fresh stamp.
        response = super().serve(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True)
        return response

    def focus_region_labels(self) -> list[str]:
        """The project's focus regions named in the active language where the gazetteer
        has that name ("Luik" on a Dutch page, "Liège" on a French one)."""
        from django.utils.translation import get_language

        from directory.regions import region_label

        language = get_language() or settings.LANGUAGE_CODE
        return [region_label(name, language) for name in self.focus_regions or []]

    def eligibility_lines(self):
        """The structured eligibility in plain language (directory.eligibility)."""
        return rules.describe(self)

    def documents(self):
        """Documents to bring: (label, pictogram URL)."""
        return rules.documents(self)

    @cached_property
    def organisation(self):
        return self.get_parent().specific

    def original(self) -> "ServicePage":
        """The service's original page (referrals point at it)."""
        return original_of(self) or self

    def source_page(self) -> "ServicePage":
        """The page holding the content (an untranslated page is an alias of its source)."""
        return self.alias_of.specific if self.alias_of_id else self

    @cached_property
    def shown_target_groups(self) -> list:
        """The target groups with the label rows they are shown with (one query for all)."""
        from directory.models.taxonomy import TargetGroupLabel, display_label_rows

        labels = Prefetch("labels", queryset=display_label_rows(TargetGroupLabel, "target_group"))
        return list(self.target_groups.prefetch_related(labels))

    @cached_property
    def _locations(self) -> list:
        """The locations with their hours and exceptions, read once: a service page asks
        for them four times (open now, the next opening, the week, what is coming up)."""
        locations = list(self.locations.all())
        _with_hours(locations)
        return locations

    def shown_locations(self):
        """This service's locations, in the visitor's locale where a version exists."""
        shown = [loc.localized for loc in self._locations]
        _with_hours(shown)
        return shown

    def next_opening(self, moment=None):
        """The soonest next opening of any of the service's locations."""
        moment = moment or opening_hours.now_in_brussels()
        openings = [loc.next_opening(moment) for loc in self._locations]
        openings = [o for o in openings if o is not None]
        return min(openings, key=lambda o: o.at) if openings else None

    def opening_now(self, moment=None) -> opening_hours.Now:
        """The status now of the service's locations together, and until when."""
        moment = moment or opening_hours.now_in_brussels()
        return opening_hours.any_location_now(loc.opening_now(moment) for loc in self._locations)

    # What a result card (includes/service_card.html) shows of the service. Lists of pages
    # read them from their prefetches (ServiceQuerySet.for_cards); the search results fill
    # them from a few rows instead (search.results.present).
    @cached_property
    def card_needs(self) -> list:
        return list(self.needs.all())

    @cached_property
    def card_languages(self) -> list:
        return list(self.languages.all())

    @cached_property
    def card_now(self) -> opening_hours.Now:
        return self.opening_now()

    def opening_status(self, moment=None):
        """Open if any of the service's locations is open now."""
        moment = moment or opening_hours.now_in_brussels()
        statuses = {loc.opening_status(moment) for loc in self._locations}
        for status in (opening_hours.OpenStatus.OPEN, opening_hours.OpenStatus.BY_APPOINTMENT):
            if status in statuses:
                return status
        return opening_hours.OpenStatus.CLOSED


def _with_hours(locations) -> None:
    """Their opening hours and exceptions in two queries for all (kept ones are not read
    again; a preview's unsaved hours still win, modelcluster reads them first)."""
    saved = [location for location in locations if location.pk]
    prefetch_related_objects(saved, "opening_hours", "hours_exceptions")
