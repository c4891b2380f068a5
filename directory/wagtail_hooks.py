"""Admin registration: the taxonomy (needs, target groups, languages) as snippets, and the
self-service screens (people, capacity, 'still correct', the listings report, correction
suggestions), dashboard panels, page actions and audit-log action names."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_titles import annotate_admin_titles
from directory import (
    admin_start,
    admin_views,
    capacity,
    duplicate_views,
    duplicates,
    feedback_views,
    merging,
    moderation,
    partnership_views,
    partnerships,
    roles,
    suggestions,
    translation_state,
    translation_views,
)
from directory.models import (
    CorrectionSuggestion,
    Language,
    Need,
    OrganisationPage,
    Partnership,
    ServicePage,
    SuggestionStatus,
    TargetGroup,
)


# The viewsets' ids use `<id:pk>` (directory.urlconverters): an out-of-range id is a 404.
class NeedViewSet(SnippetViewSet):
    model = Need
    pk_path_converter = "id"
    icon = "tag"
    menu_label = _("Needs")
    list_display = ["__str__", "parent", "labels_side_by_side", "pictogram", "sort_order"]
    list_filter = ["parent"]
    ordering = ["parent__sort_order", "sort_order", "slug"]

    def get_queryset(self, request):
        return Need.objects.prefetch_related("labels", "parent__labels")


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    pk_path_converter = "id"
    icon = "group"
    menu_label = _("Target groups")
    list_display = ["__str__", "labels_side_by_side", "slug", "sort_order"]

    def get_queryset(self, request):
        return TargetGroup.objects.prefetch_related("labels")


class LanguageViewSet(SnippetViewSet):
    model = Language
    pk_path_converter = "id"
    icon = "globe"
    menu_label = _("Languages")
    list_display = ["native_name", "code", "sort_order"]
    search_fields = ["native_name", "code"]


class TaxonomyGroup(SnippetViewSetGroup):
    items = (NeedViewSet, TargetGroupViewSet, LanguageViewSet)
    menu_icon = "list-ul"
    menu_label = _("Taxonomy")
    menu_name = "taxonomy"


register_snippet(TaxonomyGroup)


# Correction suggestions: the curators' queue --------------------------------------------


class SuggestionEditView(EditView):
    """The suggested text beside what the service's page says now, with links to the
    service; records who handled a suggestion, and when."""

    template_name = "directory/admin/suggestion_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object.service
        context.update(
            suggestion=self.object,
            service=service,
            current_values=suggestions.current_values(self.object),
            suggested_label=capfirst(CorrectionSuggestion._meta.get_field("text").verbose_name),
            service_edit_url=reverse("wagtailadmin_pages:edit", args=[service.pk]),
            service_url=service.full_url if service.live else "",
        )
        return context

    def save_instance(self):
        suggestion = self.form.save(commit=False)
        if suggestion.status != SuggestionStatus.OPEN and suggestion.handled_at is None:
            suggestion.handled_by = self.request.user
            suggestion.handled_at = timezone.now()
        suggestion.save()
        return suggestion


class SuggestionViewSet(ModelViewSet):
    model = CorrectionSuggestion
    pk_path_converter = "id"
    name = "directory_suggestions"
    url_prefix = "suggestions"
    icon = "mail"
    menu_label = _("Suggestions")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_view_class = SuggestionEditView
    form_fields = ["status", "curator_note"]
    list_display = [
        Column(
            "service",
            label=CorrectionSuggestion._meta.get_field("service").verbose_name,
            accessor=lambda suggestion: suggestion.service.get_admin_display_title(),
        ),
        "topic",
        "text",
        "created_at",
        "status",
    ]
    list_filter = ["status", "topic"]
    ordering = ["-created_at"]


@hooks.register("register_admin_viewset")
def register_suggestions():
    return SuggestionViewSet()


# Partnerships: recorded by curators (the model permissions, which only curators hold) ----


class _RecordPartnership:
    """A curator's save confirms the partnership (directory.partnerships.record)."""

    def save_instance(self):
        partnership = partnerships.record(self.form.save(commit=False), self.request.user)
        self.form.save_m2m()
        return partnership


class PartnershipCreateView(_RecordPartnership, CreateView):
    pass


class PartnershipEditView(_RecordPartnership, EditView):
    pass


class PartnershipViewSet(ModelViewSet):
    model = Partnership
    pk_path_converter = "id"
    name = "directory_partnerships"
    url_prefix = "partnerships"
    icon = "group"
    menu_label = _("Partnerships")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = PartnershipCreateView
    edit_view_class = PartnershipEditView
    list_display = ["organisation", "partner", "kind", "starts_on", "ends_on", "confirmed_at"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return Partnership.objects.select_related("organisation", "partner")


@hooks.register("register_admin_viewset")
def register_partnerships():
    return PartnershipViewSet()


class EditorPartnershipsMenuItem(MenuItem):
    """For organisation editors who are not curators (those have the viewset's item)."""

    def is_shown(self, request):
        user = request.user
        return (
            not user.has_perm("directory.view_partnership")
            and roles.edited_organisations(user).exists()
        )


@hooks.register("register_admin_menu_item")
def register_editor_partnerships_menu_item():
    return EditorPartnershipsMenuItem(
        _("Partnerships"), reverse("directory_our_partnerships"), icon_name="group", order=260
    )


# Self-service screens --------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_self_service_urls():
    return [
        path("people/", admin_views.PeopleView.as_view(), name="directory_people"),
        path(
            "organisations/search/",
            admin_views.organisation_search,
            name="directory_organisation_search",
        ),
        path(
            "our-partnerships/",
            partnership_views.OurPartnershipsView.as_view(),
            name="directory_our_partnerships",
        ),
        path(
            "our-partnerships/<id:pk>/confirm/",
            partnership_views.confirm_partnership,
            name="directory_confirm_partnership",
        ),
        path(
            "people/membership/<id:pk>/revoke/",
            admin_views.revoke_membership,
            name="directory_revoke_membership",
        ),
        path(
            "people/invitation/<id:pk>/withdraw/",
            admin_views.withdraw_invitation,
            name="directory_withdraw_invitation",
        ),
        path(
            "listing/capacity/<id:page_id>/",
            admin_views.CapacityView.as_view(),
            name="directory_capacity",
        ),
        path(
            "listing/verify/<id:page_id>/",
            admin_views.verify_organisation,
            name="directory_verify",
        ),
        path(
            "duplicates/",
            duplicate_views.DuplicateListView.as_view(),
            name="directory_duplicates",
        ),
        path(
            "duplicates/<id:pk>/",
            duplicate_views.DuplicateCompareView.as_view(),
            name="directory_duplicate_compare",
        ),
        path(
            "reports/feedback/",
            feedback_views.FeedbackReportView.as_view(),
            name="directory_feedback_report",
        ),
        path(
            "reports/listings/",
            admin_views.ListingReportView.as_view(),
            name="directory_listing_report",
        ),
        path(
            "reports/listings/results/",
            admin_views.ListingReportView.as_view(results_only=True),
            name="directory_listing_report_results",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_people_menu_item():
    return PermissionMenuItem(
        _("People"),
        reverse("directory_people"),
        icon_name="group",
        order=260,
        permission=roles.MANAGE_PEOPLE,
    )


@hooks.register("register_admin_menu_item")
def register_duplicates_menu_item():
    return PermissionMenuItem(
        _("Possible duplicates"),
        reverse("directory_duplicates"),
        icon_name="copy",
        order=255,
        permission=roles.REVIEW_LISTINGS,
    )


def _flag_duplicates(request, page):
    """A new (or changed) organisation or service is compared with the directory; likely
    duplicates go to the curators' queue and the person is told, without blocking."""
    specific = page.specific
    if not isinstance(specific, OrganisationPage | ServicePage):
        return
    flags = duplicates.flag(specific, found_by="admin")
    if not flags:
        return
    others = [f.other if f.page_id == specific.pk else f.page for f in flags]
    names = ", ".join(f"“{other.title}”" for other in others[:3])
    if merging.may_merge(request.user):
        messages.warning(
            request,
            _("This may be a duplicate of %(names)s. Compare them under Possible duplicates.")
            % {"names": names},
        )
    else:
        messages.warning(
            request,
            _("This may be a duplicate of %(names)s. A curator will check it.") % {"names": names},
        )


@hooks.register("after_create_page")
def flag_duplicates_on_create(request, page):
    _flag_duplicates(request, page)


@hooks.register("after_edit_page")
def flag_duplicates_on_edit(request, page):
    _flag_duplicates(request, page)


class FeedbackMenuItem(MenuItem):
    def is_shown(self, request):
        return feedback_views.may_see_feedback(request.user)


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return FeedbackMenuItem(
        _("Client feedback"), reverse("directory_feedback_report"), icon_name="comment", order=60
    )


@hooks.register("register_reports_menu_item")
def register_listing_report_menu_item():
    return PermissionMenuItem(
        _("Listings to check"),
        reverse("directory_listing_report"),
        icon_name="warning",
        order=50,
        permission=roles.REVIEW_LISTINGS,
    )


@hooks.register("construct_homepage_panels")
def add_self_service_panels(request, panels):
    organisations = list(roles.edited_organisations(request.user))
    if organisations:
        panels.append(admin_views.MyListingsPanel(organisations))
        requests = moderation.requests_for(request.user)
        if requests:
            panels.append(moderation.ChangesRequestedPanel(requests))
    if request.user.has_perm(roles.REVIEW_LISTINGS):
        panels.append(admin_views.CuratorPanel())


def _self_service_buttons(page, user, next_url=None):
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page.specific
    if not page.permissions_for_user(user).can_edit():
        return
    if isinstance(specific, ServicePage):
        url = reverse("directory_capacity", args=[page.pk])
        if next_url:
            url = f"{url}?next={next_url}"
        yield Button(_("Capacity"), url, icon_name="group", priority=25)


@hooks.register("register_page_listing_more_buttons")
def page_listing_buttons(page, user, next_url=None):
    yield from _self_service_buttons(page, user, next_url)


@hooks.register("register_page_header_buttons")
def page_header_buttons(page, user, view_name, next_url=None):
    yield from _self_service_buttons(page, user, next_url)


@hooks.register("construct_page_chooser_queryset")
def hide_other_drafts_in_chooser(pages, request):
    """The page chooser shows everyone every live page (they are public anyway) but drafts
    only to those who may edit them."""
    user = request.user
    if user.is_superuser or user.has_perm(roles.MANAGE_PEOPLE):
        return pages
    own = Q()
    for organisation in roles.edited_organisations(user):
        for version in OrganisationPage.objects.filter(
            translation_key=organisation.translation_key
        ):
            own |= Q(path__startswith=version.path)
    return pages.filter(Q(live=True) | own) if own else pages.filter(live=True)


# Translations ----------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_translation_urls():
    views = translation_views
    return [
        path("translations/", views.TranslationQueueView.as_view(), name="directory_translations"),
        path("translations/export/", views.export_po, name="directory_translations_export"),
        path(
            "translations/<id:page_id>/changes/",
            views.SourceChangesView.as_view(),
            name="directory_translation_changes",
        ),
        path(
            "translations/<id:page_id>/up-to-date/",
            views.mark_up_to_date,
            name="directory_translation_up_to_date",
        ),
    ]


class TranslationsMenuItem(MenuItem):
    """ "Translations", with the number of out-of-date translations this person may edit."""

    def is_shown(self, request):
        return translation_views.may_translate(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        count = translation_state.outdated_count(request.user)
        if count:
            component.label = f"{self.label} ({count})"
        return component


@hooks.register("register_admin_menu_item")
def register_translations_menu_item():
    return TranslationsMenuItem(
        _("Translations"), reverse("directory_translations"), icon_name="globe", order=257
    )


@hooks.register("register_page_header_buttons")
def translation_header_buttons(page, user, view_name, next_url=None):
    """A page of a translated locale (and its subtree) as a PO file for an agency."""
    if page.depth < 2 or page.locale.language_code == settings.LANGUAGE_CODE:
        return
    if not page.permissions_for_user(user).can_edit():
        return
    code = page.locale.language_code
    url = f"{reverse('directory_translations_export')}?locale={code}&page={page.pk}&subtree=1"
    yield Button(_("Download for translation (PO)"), url, icon_name="download", priority=85)


def _refuse_translator(request, page, action):
    if roles.translator_refusal(request.user, page, action):
        raise PermissionDenied


@hooks.register("before_edit_page")
def translators_change_only_translations(request, page):
    _refuse_translator(request, page, "edit")


@hooks.register("before_delete_page")
def translators_do_not_delete(request, page):
    _refuse_translator(request, page, "delete")


@hooks.register("before_move_page")
def translators_do_not_move(request, page, destination):
    _refuse_translator(request, page, "move")


@hooks.register("before_bulk_action")
def translators_do_not_bulk_delete_or_move(request, action_type, objects, action_class_instance):
    if action_type in ("delete", "move"):
        for page in objects:
            if isinstance(page, Page):
                _refuse_translator(request, page, action_type)


# Where the Pages menu and the dashboard's page count open (directory/admin_start.py) -------


@hooks.register("construct_main_menu")
def open_pages_where_people_work(request, menu_items):
    menu_items[:] = [
        admin_start.StartPageExplorerMenuItem.replacing(item) if item.name == "explorer" else item
        for item in menu_items
    ]


# After Wagtail's own hook, which adds the item (the directory's hooks load first).
@hooks.register("construct_homepage_summary_items", order=100)
def count_pages_where_people_work(request, items):
    items[:] = [
        admin_start.StartPagesSummaryItem(request)
        if type(item) is admin_start.PagesSummaryItem
        else item
        for item in items
    ]


# Titles in the admin's language (core/admin_titles.py), fetched with the listing ------------


@hooks.register("construct_explorer_page_queryset")
def explorer_titles(parent_page, pages, request):
    # Not while searching: the search backend builds its own query from the filters.
    return pages if request.GET.get("q") else annotate_admin_titles(pages)


@hooks.register("construct_page_chooser_queryset")
def chooser_titles(pages, request):
    return pages if request.GET.get("q") else annotate_admin_titles(pages)


# Audit log -------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_self_service_log_actions(actions):
    @actions.register_action("brug.capacity")
    class CapacityFormatter(LogFormatter):
        label = _("Change capacity")

        def format_message(self, log_entry):
            try:
                old, new = log_entry.data["old"], log_entry.data["new"]
                return _("Capacity changed from '%(old)s' to '%(new)s' (live at once)") % {
                    "old": capacity.describe(old["status"], old["weeks"]),
                    "new": capacity.describe(new["status"], new["weeks"]),
                }
            except (KeyError, ValueError):
                return _("Capacity changed")

    @actions.register_action("brug.verify")
    class VerifyFormatter(LogFormatter):
        label = _("Verify listing")

        def format_message(self, log_entry):
            return _("Confirmed the listing is still correct")

    @actions.register_action("brug.merge")
    class MergeFormatter(LogFormatter):
        label = _("Merge")

        def format_message(self, log_entry):
            return _("Merged “%(merged)s” into this listing") % {
                "merged": log_entry.data.get("merged", "?")
            }

    @actions.register_action("brug.merged_into")
    class MergedIntoFormatter(LogFormatter):
        label = _("Merged into another listing")

        def format_message(self, log_entry):
            return _("Merged into “%(kept)s”; unpublished, its addresses redirect") % {
                "kept": log_entry.data.get("kept", "?")
            }

    actions.register_action("brug.invite", _("Invite"), _("Invited a person"))
    actions.register_action("brug.member.add", _("Join"), _("A person joined the organisation"))
    actions.register_action("brug.member.remove", _("Revoke access"), _("Access revoked"))
    actions.register_action(
        "brug.invitation.withdraw", _("Withdraw invitation"), _("Invitation withdrawn")
    )
