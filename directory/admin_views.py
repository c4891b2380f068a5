"""Admin screens of the self-service, in Wagtail's admin: people (invite, see, revoke), the
one-click capacity and 'still correct' actions, the curators' listings report, and the
dashboard panels. Thin: the rules live in directory/invitations.py, directory/capacity.py,
directory/verification.py and directory/listing_checks.py."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from core.admin_titles import annotate_admin_titles
from directory import capacity, invitations, listing_checks, roles, verification
from directory.models import (
    CorrectionSuggestion,
    DuplicateCandidate,
    DuplicateStatus,
    Invitation,
    Membership,
    OrganisationPage,
    Role,
    ServicePage,
    SuggestionStatus,
)
from directory.models.services import Capacity
from directory.spreadsheets import SafeSpreadsheetExportMixin
from directory.submissions import SubmissionKeyField


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}):
        return url
    return default


class _TitledView(WagtailAdminTemplateMixin):
    """The page title as the last breadcrumb (Wagtail shows the last one as the heading)."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


# People ---------------------------------------------------------------------------------


class InviteForm(forms.Form):
    submission_key = SubmissionKeyField()  # the same form sent twice invites (and mails) once
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        error_messages={
            "invalid": gettext_lazy("Enter a valid e-mail address, e.g. an@example.org.")
        },
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=OrganisationPage.objects.none()
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.EDITOR)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = OrganisationPage.objects.originals().order_by(
            "title"
        )


class PeopleView(_TitledView, TemplateView):
    """Curators: who has access to which organisation, pending invitations, invite someone."""

    template_name = "directory/admin/people.html"
    page_title = gettext_lazy("People")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        _require(request, roles.MANAGE_PEOPLE)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = OrganisationPage.objects.originals().order_by("title")
        chosen = self.request.GET.get("organisation")
        if chosen and chosen.isdigit():
            organisations = organisations.filter(pk=chosen)
        members = Membership.objects.select_related("user", "organisation").order_by("user__email")
        pending = Invitation.objects.pending().select_related("organisation")
        rows = []
        for organisation in organisations:
            rows.append(
                {
                    "organisation": organisation,
                    "members": [m for m in members if m.organisation_id == organisation.pk],
                    "invitations": [i for i in pending if i.organisation_id == organisation.pk],
                }
            )
        context["rows"] = [r for r in rows if r["members"] or r["invitations"] or chosen]
        # A link may fill in the address too (the curators' e-mail about a listing without
        # an editor, directory.verification.invite_url); sending stays a POST.
        email = self.request.GET.get("email", "")[:254]
        context["form"] = kwargs.get("form") or InviteForm(
            initial={
                "organisation": chosen,
                "email": email,
                "language": self.request.LANGUAGE_CODE[:2],
            }
        )
        context["invited_link"] = kwargs.get("invited_link")
        return context

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            invitation, link, sent = invitations.invite(
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
                key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if invitation.replayed:
            messages.info(
                request,
                _("This form was already sent: %(email)s is invited once.")
                % {"email": invitation.email},
            )
            return redirect("directory_people")
        if sent:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for %(days)s days.")
                % {"email": invitation.email, "days": invitations.valid_days()},
            )
            return redirect("directory_people")
        messages.warning(
            request,
            _("The e-mail could not be sent. Give this link to %(email)s yourself.")
            % {"email": invitation.email},
        )
        return self.render_to_response(self.get_context_data(form=InviteForm(), invited_link=link))


@require_POST
def revoke_membership(request, pk):
    _require(request, roles.MANAGE_PEOPLE)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    invitations.revoke(membership, by=request.user)
    messages.success(
        request,
        _("%(person)s no longer has access to %(organisation)s.")
        % {"person": membership.user.email, "organisation": membership.organisation.title},
    )
    return redirect(_next_url(request, reverse("directory_people")))


@require_POST
def withdraw_invitation(request, pk):
    _require(request, roles.MANAGE_PEOPLE)
    invitation = get_object_or_404(Invitation, pk=pk)
    invitations.withdraw(invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn: the link no longer works."))
    return redirect(_next_url(request, reverse("directory_people")))


# Capacity and 'still correct' -----------------------------------------------------------


class CapacityView(_TitledView, TemplateView):
    """Change a service's capacity; live at once, in every language, without review."""

    template_name = "directory/admin/capacity.html"
    page_title = gettext_lazy("Capacity")
    header_icon = "group"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.service = get_object_or_404(ServicePage, pk=page_id).source_page()
        if not self.service.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.service.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            service=self.service,
            choices=Capacity.choices,
            next=_next_url(self.request, ""),
            error=kwargs.get("error"),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            capacity.set_capacity(
                self.service,
                request.POST.get("capacity_status", ""),
                request.POST.get("waiting_weeks"),
                request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(
                self.get_context_data(error=" ".join(error.messages)), status=400
            )
        messages.success(
            request,
            _("%(service)s: %(capacity)s. Visible to everyone now.")
            % {
                "service": self.service.title,
                "capacity": capacity.describe(
                    self.service.capacity_status, self.service.waiting_weeks
                ),
            },
        )
        return redirect(_next_url(request, reverse("wagtailadmin_home")))


@require_POST
def verify_organisation(request, page_id):
    organisation = get_object_or_404(OrganisationPage, pk=page_id)
    day = verification.verify_listing(organisation, request.user)
    messages.success(
        request,
        _("Thank you: %(organisation)s is marked as verified on %(date)s.")
        % {"organisation": organisation.title, "date": day.strftime("%d/%m/%Y")},
    )
    return redirect(_next_url(request, reverse("wagtailadmin_home")))


# Curators' report -----------------------------------------------------------------------


def _in_language(language, rows):
    while True:
        with translation.override(language):
            row = next(rows, None)
        if row is None:
            return
        yield row


class ListingReportView(SafeSpreadsheetExportMixin, ReportView):
    """Stale listings, locations without a point or hours, broken contact fields; CSV/XLSX."""

    page_title = gettext_lazy("Listings to check")
    header_icon = "warning"
    template_name = "directory/admin/listing_report.html"
    index_url_name = "directory_listing_report"
    index_results_url_name = "directory_listing_report_results"
    paginate_by = 100
    list_export = [
        "title",
        "kind",
        "organisation_title",
        "issue_labels",
        "details_text",
        "fields_text",
        "last_verified",
    ]
    export_headings = {
        "title": gettext_lazy("Page"),
        "kind": gettext_lazy("Type"),
        "organisation_title": gettext_lazy("Organisation"),
        "issue_labels": gettext_lazy("What to check"),
        "details_text": gettext_lazy("Details"),
        "fields_text": gettext_lazy("Facts checked"),
        "last_verified": gettext_lazy("Last verified"),
    }

    def dispatch(self, request, *args, **kwargs):
        _require(request, roles.REVIEW_LISTINGS)
        return super().dispatch(request, *args, **kwargs)

    @property
    def columns(self):
        return [
            TitleColumn(
                "title",
                accessor="admin_title",
                label=_("Page"),
                get_url=lambda row: reverse("wagtailadmin_pages:edit", args=[row.page.pk]),
            ),
            Column("kind", label=_("Type")),
            Column(
                "organisation_title", accessor="organisation_admin_title", label=_("Organisation")
            ),
            Column("issue_labels", label=_("What to check")),
            Column("details_text", label=_("Details")),
            Column("fields_text", label=_("Facts checked")),
            DateColumn("last_verified", label=_("Last verified")),
        ]

    def stream_csv(self, queryset):
        """Rows are written while the response streams, after the request's language was
        switched back: keep writing them in the curator's language (captured now)."""
        return _in_language(translation.get_language(), super().stream_csv(queryset))

    def get_filename(self):
        return f"brug-listings-to-check-{datetime.date.today():%Y-%m-%d}"

    @property
    def issue(self):
        issue = self.request.GET.get("issue")
        return issue if issue in listing_checks.ISSUE_LABELS else None

    def get_queryset(self):
        return listing_checks.listing_rows(issue=self.issue)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["issues"] = list(listing_checks.ISSUE_LABELS.items())
        context["current_issue"] = self.issue
        return context

    def filter_queryset(self, queryset):
        return queryset


# Dashboard --------------------------------------------------------------------------------


class MyListingsPanel(Component):
    """An organisation editor's dashboard: their listings, 'still correct', capacity."""

    name = "brug_my_listings"
    template_name = "directory/admin/my_listings_panel.html"
    order = 50

    def __init__(self, organisations):
        self.organisations = organisations

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        listings = []
        for organisation in self.organisations:
            services = verification.listing_services(organisation).order_by("title")
            services = list(annotate_admin_titles(services))  # titles in one query
            listings.append(
                {
                    "organisation": organisation,
                    "stale": verification.is_stale(organisation.last_verified),
                    "services": services,
                }
            )
        context.update(
            listings=listings,
            choices=Capacity.choices,
            waiting_list=Capacity.WAITING_LIST,
            request=parent_context["request"],
            csrf_token=parent_context["csrf_token"],
        )
        return context


class CuratorPanel(Component):
    """A curator's dashboard: what waits for them besides the moderation queue."""

    name = "brug_curator"
    template_name = "directory/admin/curator_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            open_suggestions=CorrectionSuggestion.objects.filter(
                status=SuggestionStatus.OPEN
            ).count(),
            stale=len(verification.stale_listings()),
            pending_invitations=Invitation.objects.pending().count(),
            open_duplicates=DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count(),
        )
        return context


ORGANISATION_SEARCH_LIMIT = 20


def organisation_search(request):
    """The organisations whose name contains the words (a referral pathway's partners,
    directory/js/organisation-picker.js): live originals, at most 20, as JSON. Their names
    are public; anyone with admin access may ask."""
    from django.http import JsonResponse

    words = " ".join(request.GET.get("q", "").split())[:100]
    found = []
    if len(words) >= 2:
        found = (
            OrganisationPage.objects.live()
            .originals()
            .filter(title__icontains=words)
            .order_by("title")[:ORGANISATION_SEARCH_LIMIT]
        )
    return JsonResponse({"results": [{"id": page.pk, "title": page.title} for page in found]})
