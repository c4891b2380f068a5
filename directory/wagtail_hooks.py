"""Admin registration: the taxonomy (needs, target groups, languages) as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory.models import Language, Need, TargetGroup


class NeedViewSet(SnippetViewSet):
    model = Need
    icon = "tag"
    menu_label = _("Needs")
    list_display = ["__str__", "parent", "pictogram", "sort_order"]
    list_filter = ["parent"]
    ordering = ["parent__sort_order", "sort_order", "slug"]


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    icon = "group"
    menu_label = _("Target groups")
    list_display = ["__str__", "slug", "sort_order"]


class LanguageViewSet(SnippetViewSet):
    model = Language
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
