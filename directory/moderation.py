"""The curator's "request changes", where the editor works: Wagtail keeps the comment on the
rejected task state of the page's workflow state, which stays "needs changes" until the
editor submits again. The page's status panel (templates/wagtailadmin/shared/side_panels/
includes/status/workflow.html) and the editor's dashboard (`ChangesRequestedPanel`) show it
until then.
"""

from dataclasses import dataclass

from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState, get_default_page_content_type


@dataclass
class Request:
    page: Page
    comment: str
    by: object  # the curator (a user), or None
    at: object  # when


def _request(state: WorkflowState, page) -> Request | None:
    task_state = state.current_task_state
    if task_state is None or task_state.status != TaskState.STATUS_REJECTED:
        return None
    return Request(page, task_state.get_comment(), task_state.finished_by, task_state.finished_at)


def requests_for(user) -> list[Request]:
    """Pages this person may edit whose changes a curator asked for, newest first."""
    states = (
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_NEEDS_CHANGES,
            base_content_type=get_default_page_content_type(),
        )
        .select_related("current_task_state__finished_by")
        .order_by("-current_task_state__finished_at")
    )
    states = list(states)
    pages = Page.objects.filter(pk__in=[int(s.object_id) for s in states]).in_bulk()
    found = []
    for state in states:
        page = pages.get(int(state.object_id))
        if page is None or not page.permissions_for_user(user).can_edit():
            continue
        if (request := _request(state, page)) is not None:
            found.append(request)
    return found


class ChangesRequestedPanel(Component):
    """On the dashboard: the curators' comments waiting for this editor."""

    name = "brug_changes_requested"
    template_name = "directory/admin/changes_requested_panel.html"
    order = 40

    def __init__(self, requests):
        self.requests = requests

    def get_context_data(self, parent_context):
        return {"requests": self.requests}
