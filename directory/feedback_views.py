"""The client-feedback report in the admin: aggregates per service, for an organisation's own
services (its editors) or every service (curators). Thin: the rules, and the suppression of
small numbers, live in directory/feedback.py."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from directory import feedback, roles
from directory.models import OrganisationPage, ServicePage


def visible_services(user):
    """The services whose feedback this person may see (originals)."""
    if user.has_perm(roles.REVIEW_LISTINGS):
        return ServicePage.objects.filter(alias_of__isnull=True)
    organisations = list(roles.edited_organisations(user))
    if not organisations:
        return ServicePage.objects.none()
    services = ServicePage.objects.none()
    for organisation in organisations:
        for version in OrganisationPage.objects.filter(
            translation_key=organisation.translation_key
        ):
            services = services | ServicePage.objects.child_of(version)
    return services.filter(alias_of__isnull=True)


def may_see_feedback(user) -> bool:
    return user.has_perm(roles.REVIEW_LISTINGS) or roles.edited_organisations(user).exists()


class FeedbackReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "directory/admin/feedback_report.html"
    page_title = gettext_lazy("Client feedback")
    header_icon = "comment"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_header_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not may_see_feedback(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = feedback.aggregates(visible_services(self.request.user))
        # Services with answers first (the most answered on top); the others are counted.
        # (Ordered by the band shown: the order must not tell the exact counts.)
        context["rows"] = sorted(
            (r for r in rows if r.answers), key=lambda r: -feedback.band_floor(r.answers)
        )
        context["without_answers"] = sum(1 for r in rows if not r.answers)
        context["minimum"] = feedback.min_answers()
        context["days"] = feedback.PERIOD_DAYS
        return context
