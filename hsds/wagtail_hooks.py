"""The term crosswalk in the admin (under Snippets), editable by the network's curators."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from directory import extension_points
from directory.roles import CURATORS
from hsds.models import TermCrosswalk


class TermCrosswalkViewSet(SnippetViewSet):
    model = TermCrosswalk
    pk_path_converter = "id"
    icon = "resubmit"
    list_display = ["term", "name", "need"]
    list_filter = ["need"]
    search_fields = ["term", "name"]


register_snippet(TermCrosswalkViewSet)


@hooks.register(extension_points.ROLE_PERMISSIONS)
def role_permissions():
    return {
        CURATORS: [f"hsds.{action}_termcrosswalk" for action in ("add", "change", "delete", "view")]
    }
