"""Admin registration of the referral screens: URLs, the "Referrals" menu (shown to the
people who work with referrals), the managers' "Referral figures" (shown to those who may
see them, referrals.scope), a dashboard panel and the audit log's action names; and what the
referrals app adds to the directory (its extension points): the "Refer a client" address and
the referral permissions of the role groups."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from directory import extension_points
from referrals import (
    access,
    figures_views,
    lists,
    network_views,
    overdue,
    roles,
    scope,
    urls,
    views,
)
from referrals.access import can_see_referrals
from referrals.models import EVENT_LABELS


@hooks.register("register_admin_urls")
def register_referral_urls():
    return [
        path("referrals/", include(urls, namespace="referrals")),
        path("figures/", figures_views.OutcomesView.as_view(), name="figures_outcomes"),
        path(
            "figures/caseload/",
            figures_views.CaseloadView.as_view(),
            name="figures_caseload",
        ),
        path("figures/gaps/", figures_views.GapsView.as_view(), name="figures_gaps"),
        path("figures/network/", network_views.NetworkMapView.as_view(), name="figures_network"),
        path("figures/gaps/map/", network_views.GapsMapView.as_view(), name="figures_gaps_map"),
        # A curators' report, like the figures outside the referral screens: no client data.
        path("reports/overdue/", views.overdue_referrals, name="overdue_report"),
    ]


class FiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return scope.can_see_figures(request.user)


@hooks.register("register_admin_menu_item")
def register_figures_menu():
    return FiguresMenuItem(
        _("Referral figures"), reverse("figures_outcomes"), icon_name="table", order=160
    )


class OverdueMenuItem(MenuItem):
    def is_shown(self, request):
        return overdue.may_see(request.user)


@hooks.register("register_reports_menu_item")
def register_overdue_menu():
    """Where the escalation e-mail leads the curators."""
    return OverdueMenuItem(
        _("Overdue referrals"), reverse("overdue_report"), icon_name="warning", order=70
    )


class _ReferralItem(MenuItem):
    def __init__(self, label, name, check, **kwargs):
        super().__init__(label, reverse(f"referrals:{name}"), **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


def _works_with_referrals(user) -> bool:
    return can_see_referrals(user) and bool(
        access.sending_organisations(user) or access.inbox_organisations(user)
    )


referrals_menu = Menu(register_hook_name="register_referrals_menu_item", construct_hook_name=None)


@hooks.register("register_referrals_menu_item")
def _mine():
    return _ReferralItem(
        _("My referrals"),
        "mine",
        lambda u: bool(access.sending_organisations(u)),
        icon_name="list-ul",
        order=100,
    )


@hooks.register("register_referrals_menu_item")
def _inbox():
    return _ReferralItem(
        _("Inbox"),
        "inbox",
        lambda u: bool(access.inbox_organisations(u)),
        icon_name="mail",
        order=200,
    )


@hooks.register("register_referrals_menu_item")
def _new():
    return _ReferralItem(_("New referral"), "new", access.can_refer, icon_name="plus", order=300)


@hooks.register("register_referrals_menu_item")
def _plans():
    return _ReferralItem(
        _("Client plans"), "plans", access.can_refer, icon_name="doc-full", order=400
    )


@hooks.register("register_referrals_menu_item")
def _find_client():
    return _ReferralItem(
        _("Find a client"),
        "find_client",
        access.is_administrator,
        icon_name="search",
        order=500,
    )


class ReferralsMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        user = request.user
        return _works_with_referrals(user) or access.is_administrator(user)


@hooks.register("register_admin_menu_item")
def register_referrals_menu():
    return ReferralsMenuItem(_("Referrals"), referrals_menu, icon_name="redirect", order=150)


class WaitingPanel(Component):
    """On the dashboard: what waits for this person, with links."""

    name = "brug_referrals"
    order = 50
    template_name = "referrals/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        from django.utils import timezone

        now = timezone.now()
        context = {}
        if access.sending_organisations(self.user):
            context["sent"] = lists.counts(self.user, lists.SENT, now)
        if access.inbox_organisations(self.user):
            context["received"] = lists.counts(self.user, lists.RECEIVED, now)
        return context


@hooks.register("construct_homepage_panels")
def add_referral_panel(request, panels):
    if _works_with_referrals(request.user):
        panels.append(WaitingPanel(request.user))


@hooks.register("register_log_actions")
def register_referral_log_actions(actions):
    labels = {
        "created": _("Referral created"),
        "send": _("Referral sent"),
        "accept": _("Referral accepted"),
        "decline": _("Referral declined"),
        "plan_intake": _("Intake planned"),
        "complete": _("Intake done"),
        "no_show": _("Client did not come"),
        "withdraw": _("Referral withdrawn"),
        "redirect": _("Referral redirected"),
        "intake_confirmed": _("Intake confirmed with the client"),
        "message": _("Message on a referral"),
        "viewed": _("Referral viewed (client data)"),
        "listing_merged": _("Referral moved by a merge of duplicate listings"),
        "withdraw_consent": _("Client's consent withdrawn"),
        "renew_consent": _("Client's consent renewed"),
        "consent_expired": _("Client's consent expired"),
        "reminded": EVENT_LABELS["reminded"],
        "escalated": EVENT_LABELS["escalated"],
        "client_erased": EVENT_LABELS["client_erased"],
    }
    for action, label in labels.items():
        actions.register_action(f"brug.referral.{action}", label, label)
    actions.register_action(
        "brug.client.exported", _("Client data exported"), _("Client data exported")
    )
    actions.register_action("brug.client.erased", _("Client data erased"), _("Client data erased"))
    actions.register_action("brug.client.looked_up", _("Client looked up"), _("Client looked up"))
    plan_labels = {
        "created": _("Client plan made"),
        "new_link": _("New link for a client plan"),
        "revoked": _("Client plan link revoked"),
    }
    for action, label in plan_labels.items():
        actions.register_action(f"brug.plan.{action}", label, label)
    actions.register_action(
        "brug.figures.exported", _("Referral figures exported"), _("Referral figures exported")
    )


@hooks.register(extension_points.REFER_URL)
def refer_url(request):
    return reverse("referrals:new") if access.can_refer(request.user) else None


@hooks.register(extension_points.ROLE_PERMISSIONS)
def role_permissions():
    return roles.ROLE_PERMISSIONS
