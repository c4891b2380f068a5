"""Where a person's Pages menu and the dashboard's page count open: where they work.

Wagtail opens the explorer at the common ancestor of the pages a person holds rights on. An
editor holds them on their organisation in every locale (roles.sync_team_permissions), so
that ancestor is the tree's root, with every language's home page and the whole network's
page count; a curator holds them on the root. The rights stay as they are (an editor must
reach their organisation in every language); only the start point moves: an editor's
organisation (with several, the list of organisations), a curator's directory, in the
admin's language where that version is a real translation.
"""

from django.urls import reverse
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.wagtail_hooks import ExplorerMenuItem
from wagtail.models import Locale, Page

from directory import roles
from directory.models import OrganisationIndexPage


def _in_admin_language(page):
    """The page's real translation in the admin's language, else the page itself."""
    translation = page.get_translation_or_none(Locale.get_active())
    return translation if translation is not None and not translation.alias_of_id else page


def start_page(user) -> tuple[Page, list[Page]] | None:
    """The page the explorer opens at, and the subtrees the person works in (for the page
    count); None: Wagtail's own start point. Kept on the user for the request (the menu and
    the dashboard both ask), as Wagtail keeps its own explorable root."""
    if not hasattr(user, "_brug_start_page"):
        user._brug_start_page = _start_page(user)
    return user._brug_start_page


def _start_page(user):
    organisations = list(roles.edited_organisations(user))
    if len(organisations) == 1:
        return _in_admin_language(organisations[0]), organisations
    if organisations:
        # The list of the originals, where the explorer shows only the person's own (in
        # another language's list they would be aliases, edited through their original).
        return organisations[0].get_parent().specific, organisations
    if roles.is_curator(user):
        directory = (
            OrganisationIndexPage.objects.filter(locale=Locale.get_default()).first()
            or OrganisationIndexPage.objects.first()
        )
        if directory is not None:
            return _in_admin_language(directory), [directory]
    return None


class StartPageExplorerMenuItem(ExplorerMenuItem):
    """Wagtail's Pages menu item, opening at `start_page`."""

    @classmethod
    def replacing(cls, item):
        return cls(item.label, item.url, name=item.name, icon_name=item.icon_name, order=item.order)

    def render_component(self, request):
        component = super().render_component(request)
        start = start_page(request.user)
        if start is not None and hasattr(component, "start_page_id"):
            component.start_page_id = start[0].pk
            component.url = reverse("wagtailadmin_explore", args=[start[0].pk])
        return component


class StartPagesSummaryItem(PagesSummaryItem):
    """The dashboard's "n Pages", counting and linking where the person works."""

    def get_context_data(self, parent_context):
        start = start_page(self.request.user)
        if start is None:
            return super().get_context_data(parent_context)
        page, subtrees = start
        count = sum(Page.objects.descendant_of(s, inclusive=True).count() for s in subtrees)
        return {
            "root_page": page,
            "total_pages": count,
            "site_name": page.get_admin_display_title(),
        }
