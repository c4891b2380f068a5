"""The client's plan: the coach's screens in the admin (list, make, open, print, new link,
revoke) and the public page behind the link. Thin: the rules are in referrals.plans.

A plan someone may not manage is refused like one that does not exist (403 in the admin, as
for referrals). The public page answers an unknown, expired or revoked token alike (404), is
never cached or indexed, sets no cookie, sends no referrer, and speaks the plan's language.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core import languages
from core.client_address import client_address
from referrals import access, plans
from referrals.plan_forms import PlanForm
from referrals.views import _render


def _require_planning(request):
    if not (access.can_see_referrals(request.user) and plans.may_make(request.user)):
        raise PermissionDenied


def _manageable(request, pk):
    plan = plans.manageable(request.user).filter(pk=pk).first()
    if plan is None:
        raise PermissionDenied
    return plan


def _referral(request, raw):
    """The referral a plan is made from: one this person acts for as the referring side."""
    if not raw:
        return None
    if not (raw.isdecimal() and len(raw) <= 18):
        raise PermissionDenied
    referral = (
        access.visible_referrals(request.user)
        .select_related("client__language", "service")
        .filter(pk=int(raw))
        .first()
    )
    if referral is None or not plans.may_plan_from(request.user, referral):
        raise PermissionDenied
    return referral


def plan_list(request):
    _require_planning(request)
    title = _("Client plans")
    rows = [
        (plan, plans.state(plan))
        for plan in plans.manageable(request.user).prefetch_related("items__service")[:200]
    ]
    return _render(
        request,
        "referrals/plan_list.html",
        {"page_title": title, "header_title": title, "rows": rows},
    )


@never_cache
def plan_new(request):
    _require_planning(request)
    organisations = access.sending_organisations(request.user)
    source = request.POST if request.method == "POST" else request.GET
    referral = _referral(request, source.get("referral"))
    form = PlanForm(
        request.POST or None,
        organisations=organisations,
        referral=referral,
        initial=_initial(request, referral),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plans.create(
                request.user,
                data.get("organisation"),
                list(data["services"]),
                data["language"],
                data["days"],
                referral=referral,
                shows_first_name=data.get("shows_first_name", False),
                shows_appointment=data.get("shows_appointment", False),
                key=data["submission_key"],
            )
        except plans.PlanError as error:
            form.add_error(None, str(error))
        else:
            if plan.replayed:
                messages.info(
                    request,
                    _(
                        "This form was already sent: here is its plan. Its link was shown "
                        "once; make a new link if you need it."
                    ),
                )
            return plan_detail(request, plan.pk, link=plan.token)
    title = _("New client plan")
    return _render(
        request,
        "referrals/plan_new.html",
        {"form": form, "referral": referral, "page_title": title, "header_title": title},
        status=400 if form.errors else 200,
    )


def _initial(request, referral) -> dict:
    if referral is None:
        chosen = [raw for raw in request.GET.getlist("service") if raw.isdecimal()]
        return {
            "services": list(plans.plannable_services().filter(pk__in=chosen)),
            "language": languages.base(translation.get_language()),
        }
    client_language = referral.client.language.code if referral.client.language_id else ""
    code = languages.base(client_language)
    if code not in dict(settings.LANGUAGES):
        code = languages.base(translation.get_language())
    return {
        "services": [referral.service],
        "language": code,
        "shows_appointment": bool(referral.intake_at),
    }


@never_cache
def plan_detail(request, pk, link=None):
    _require_planning(request)
    plan = _manageable(request, pk)
    title = _("Client plan %(number)s") % {"number": plan}
    url = request.build_absolute_uri(reverse("client_plan", args=[link])) if link else None
    return _render(
        request,
        "referrals/plan_detail.html",
        {
            "plan": plan,
            "state": plans.state(plan),
            "services": [item.service for item in plan.items.select_related("service")],
            "link": url,
            "language_name": dict(settings.LANGUAGES).get(plan.language, plan.language),
            "page_title": str(plan),
            "header_title": title,
        },
    )


@never_cache
def plan_print(request, pk):
    """The plan as the client sees it, for the coach to print (no link needed)."""
    _require_planning(request)
    return render_sheet(request, _manageable(request, pk))


def plan_revoke(request, pk):
    _require_planning(request)
    plan = _manageable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plans.revoke(plan, request.user)
    messages.success(request, _("The link was revoked: it no longer opens the plan."))
    return redirect("referrals:plan", plan.pk)


def plan_new_link(request, pk):
    _require_planning(request)
    plan = _manageable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        token = plans.new_link(plan, request.user)
    except plans.PlanError as error:
        messages.error(request, str(error))
        return redirect("referrals:plan", plan.pk)
    return plan_detail(request, plan.pk, link=token)


# The client's side -----------------------------------------------------------------------


@never_cache
def client_plan(request, token):
    """The plan behind its link, for the client (no account)."""
    address = client_address(request)
    if plans.refused_address(address):
        raise Http404
    plan = plans.find(token, address)
    if plan is None:
        raise Http404
    return render_sheet(request, plan)


def render_sheet(request, plan):
    """The plan's page, in the plan's language whatever the request's."""
    with translation.override(plan.language):
        response = render(request, "referrals/plan.html", {"sheet": plans.sheet(plan)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Language"] = plan.language
    return response
