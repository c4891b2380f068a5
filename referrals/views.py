"""The referral screens in Wagtail's admin: start a referral, "My referrals", the inbox, a
referral's page (client, consent, timeline, messages, next action), the curators' overdue
report, and a client's lookup, export and erasure (referral administrators). Thin: the rules
live in referrals.access, referrals.workflow and referrals.retention.

A referral someone may not see is refused exactly like one that does not exist (403), so its
existence is not told. (A 404 under /admin/ would be turned into a redirect to the public
site by the language middleware.)
"""

import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directory import pathways
from directory.models import Need, ServicePage
from referrals import access, alternatives, consent, lists, overdue, retention, timeline, workflow
from referrals.forms import (
    ClientLookupForm,
    DeclineForm,
    IntakeForm,
    ListFilterForm,
    MessageForm,
    RedirectForm,
    ReferralForm,
    RenewConsentForm,
    SendForm,
    VersionForm,
)
from referrals.models import ClientRecord, Referral, SharedItem, State

PAGE_SIZE = 50


def _require_referrals(request):
    if not access.can_see_referrals(request.user) and not access.is_administrator(request.user):
        raise PermissionDenied


def _visible(request, pk):
    try:
        return _visible_queryset(request).get(pk=pk)
    except Referral.DoesNotExist:
        raise PermissionDenied from None


def _visible_queryset(request):
    return access.visible_referrals(request.user).select_related(
        "client",
        "client__language",
        "service",
        "receiving_organisation",
        "referring_organisation",
        "referring_user",
    )


def _render(request, template, context, status=200):
    """Wagtail's admin furniture: the title is the last breadcrumb (shown as the heading)."""
    context.setdefault(
        "breadcrumbs_items",
        [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": context.get("header_title", "")},
        ],
    )
    return render(request, template, context, status=status)


# Lists -----------------------------------------------------------------------------------


def my_referrals(request):
    _require_referrals(request)
    return _list(request, lists.SENT, _("My referrals"))


def inbox(request):
    _require_referrals(request)
    if not access.inbox_organisations(request.user) and not access.is_administrator(request.user):
        raise PermissionDenied
    return _list(request, lists.RECEIVED, _("Referrals inbox"))


def _list(request, side: str, title: str):
    shows = lists.SHOWS[side]
    form = ListFilterForm(request.GET or None, shows=shows)
    filters = form.cleaned_data if form.is_valid() else {}
    show = filters.get("show") or shows[0][0]
    referrals = lists.referrals(request.user, side, show, filters, timezone.now())
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("p"))
    counts = lists.counts(request.user, side, timezone.now())
    return _render(
        request,
        "referrals/list.html",
        {
            "page_title": title,
            "header_title": title,
            "side": side,
            "form": form,
            "show": show,
            "tabs": [(value, label, counts.get(value)) for value, label in shows],
            "page_obj": page,
            "rows": lists.rows(page.object_list, request.user, side, timezone.now()),
            "can_refer": access.can_refer(request.user),
            "querystring": _querystring(request, exclude="p"),
        },
    )


def _querystring(request, exclude: str) -> str:
    params = request.GET.copy()
    params.pop(exclude, None)
    return params.urlencode()


def overdue_referrals(request):
    """The curators' view of the escalations: no client details, who to nudge."""
    if not overdue.may_see(request.user):
        raise PermissionDenied
    title = _("Overdue referrals")
    context = {"page_title": title, "header_title": title, "rows": overdue.rows(timezone.now())}
    return _render(request, "referrals/overdue.html", context)


# Creating --------------------------------------------------------------------------------


def new(request):
    _require_referrals(request)
    organisations = access.sending_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    initial = {}
    service = _service_from(request.GET.get("service"))
    refused = None
    if service is not None and not pathways.open_to(service, organisations):
        # A pathway reserved for partners: say why and whom to contact, choose no service.
        refused, service = pathways.refusal(service), None
    if service is not None:
        initial = {"service": service, "needs": _needs_from(request, service)}
    form = ReferralForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = workflow.create(
                request.user,
                data["organisation"],
                data["service"],
                form.client_data(),
                data["needs"],
                key=data["submission_key"],
                **form.details(),
            )
            if not referral.replayed and request.POST.get("action") != "draft":
                workflow.perform(referral, request.user, "send", referral.version)
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            if referral.replayed:
                # The same form sent again (a double click, a retry): the first one counts.
                messages.info(request, _("This form was already sent: here is its referral."))
            elif referral.state == State.SENT:
                messages.success(request, _("Referral sent. The receiving organisation is told."))
            else:
                messages.success(request, _("Referral saved as a draft."))
            return redirect("referrals:detail", referral.pk)
    title = _("New referral")
    context = {"form": form, "page_title": title, "header_title": title, "service": service}
    context["pathway_refusal"] = refused
    context["picker"] = _picker()
    if form.unconfirmed is not None:
        context["alternatives"] = alternatives.for_service(form.unconfirmed, get_language())
    return _render(request, "referrals/new.html", context, status=400 if form.errors else 200)


def _picker() -> dict:
    """The search-as-you-type service field's address and words (service_picker.js)."""
    return {
        "api": reverse("api-v1:services"),
        "lang": get_language(),
        "label": _("Search for a service"),
        "languages": _("Languages:"),
        "interpreter": _("Interpreter available"),
        "none": _("No services found"),
    }


def _needs_from(request, service):
    """The needs a "Refer" link names (the search's topics) that the form offers, else the
    service's own."""
    own = list(service.needs.all())
    asked = set(request.GET.getlist("need"))
    chosen = [need for need in own if need.slug in asked]
    if asked and not chosen:
        chosen = list(Need.objects.filter(slug__in=asked, parent__isnull=True))
    return chosen or own


def _service_from(raw):
    """The service a "Refer" link names (its id or translation key), as its original page."""
    if not raw:
        return None
    services = ServicePage.objects.live().referrable()
    if raw.isdecimal() and len(raw) <= 18:  # beyond, no database holds the id
        found = services.filter(pk=int(raw)).first()
    else:
        try:
            found = services.filter(translation_key=uuid.UUID(raw)).first()
        except ValueError:
            found = None  # a malformed link: no service chosen
    return found.original() if found else None


# One referral ------------------------------------------------------------------------------


def detail(request, pk, forms=None, status=200):
    _require_referrals(request)
    referral = _visible(request, pk)
    workflow.record_view(referral, request.user)
    user = request.user
    today = timezone.localdate()
    actions = workflow.available(user, referral)
    names = {t.name for t in actions}
    version = {"version": referral.version}
    forms = forms or {}
    consent_valid = consent.is_valid(referral, today)

    def form(name, make):
        return forms.get(name) or (make() if name in names else None)

    unconfirmed = getattr(forms.get("redirect"), "unconfirmed", None)
    context = {
        "alternatives": alternatives.for_service(unconfirmed, get_language())
        if unconfirmed is not None
        else None,
        "referral": referral,
        "page_title": str(referral),
        "header_title": _("Referral %(number)s") % {"number": referral},
        "actions": actions,
        "simple_actions": [t for t in actions if t.simple],
        "decline_form": form("decline", lambda: DeclineForm(initial=version)),
        "intake_form": form(
            "plan_intake",
            lambda: IntakeForm(initial={**version, **_intake_initial(referral)}),
        ),
        "redirect_form": form(
            "redirect",
            lambda: RedirectForm(
                initial=version,
                exclude=referral.service_id,
                referring=referral.referring_organisation,
            ),
        ),
        "send_form": forms.get("send")
        or (SendForm(initial=version) if "send" in names and not consent_valid else None),
        "renew_form": form("renew_consent", lambda: RenewConsentForm(initial=version)),
        "message_form": forms.get("message") or MessageForm(),
        "picker": _picker(),
        "version_form": VersionForm(initial=version),
        "timeline": timeline.entries(referral, consent.may_read_messages(user, referral, today)),
        "client": consent.client_view(user, referral, today),
        "consent_status": consent.status(referral, today),
        "consent_valid": consent_valid,
        "messages_refusal": consent.messages_refusal(referral, today),
        "is_sender": access.acts_for_sender(user, referral),
        "is_receiver": access.acts_for_receiver(user, referral),
        "follow_ups": referral.follow_ups.filter(
            pk__in=access.visible_referrals(user).values("pk")
        ),
        "is_administrator": access.is_administrator(user),
        "referring_person": timeline.display_name(referral.referring_user)
        if referral.referring_user
        else "",
        "today": today,
        "consent_items": [
            label for value, label in SharedItem.choices if value in (referral.consent_shares or [])
        ],
    }
    return _render(request, "referrals/detail.html", context, status=status)


def _intake_initial(referral):
    if referral.intake_at:
        return {
            "when": timezone.localtime(referral.intake_at).strftime("%Y-%m-%dT%H:%M"),
            "place": referral.intake_place,
            "with_whom": referral.intake_with,
            "interpreting": referral.intake_interpreting,
        }
    location = referral.service.locations.first()
    if location is not None and location.confidential:
        # The referring side reads the intake place: offer the public front door, never the
        # confidential address (the intake worker may still type another place).
        door = location.front_door_location
        public = door is not None and not door.confidential
        return {"place": door.full_address if public else ""}
    return {"place": location.full_address if location else ""}


FORMS = {
    "send": SendForm,
    "renew_consent": RenewConsentForm,
    "decline": DeclineForm,
    "plan_intake": IntakeForm,
    "redirect": RedirectForm,
}


def act(request, pk, action):
    _require_referrals(request)
    referral = _visible(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        messages.error(request, _("Unknown action."))
        return redirect("referrals:detail", pk)
    form_class = FORMS.get(action, VersionForm)
    kwargs = (
        {"exclude": referral.service_id, "referring": referral.referring_organisation}
        if action == "redirect"
        else {}
    )
    form = form_class(request.POST, **kwargs)
    if action == "send" and consent.is_valid(referral):
        form = VersionForm(request.POST)  # the draft has its consent already
    if not form.is_valid():
        messages.error(request, _("Please check the form below."))
        return detail(request, pk, forms={action: form}, status=400)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    data.pop("send_anyway", None)  # the form's confirmation, not the transition's data
    try:
        workflow.perform(referral, request.user, action, version, **data)
    except workflow.StaleReferral as error:
        messages.error(request, str(error))
        return redirect("referrals:detail", pk)
    except workflow.TransitionError as error:
        form.add_error(None, str(error))
        messages.error(request, str(error))
        return detail(request, pk, forms={action: form}, status=400)
    messages.success(
        request, transition.done or _("Done: %(action)s.") % {"action": transition.label}
    )
    if action == "redirect" and access.acts_for_sender(request.user, referral):
        follow_up = referral.follow_ups.order_by("-pk").first()
        if follow_up is not None:
            return redirect("referrals:detail", follow_up.pk)
    return redirect("referrals:detail", pk)


def message(request, pk):
    _require_referrals(request)
    referral = _visible(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            sent = workflow.add_message(
                referral,
                request.user,
                form.cleaned_data["text"],
                key=form.cleaned_data["submission_key"],
            )
        except workflow.TransitionError as error:
            form.add_error("text", str(error))
    if form.errors:
        return detail(request, pk, forms={"message": form}, status=400)
    if sent.replayed:
        messages.info(request, _("This message was already sent; it is shown once."))
    else:
        messages.success(request, _("Message sent."))
    return redirect(reverse("referrals:detail", args=[pk]) + "#timeline")


# A client's data on request (referral administrators) --------------------------------------


def _client_for_administrator(request, pk):
    record = ClientRecord.objects.filter(pk=pk).first()
    if record is None or not access.is_administrator(request.user):
        raise PermissionDenied
    return record


def find_client(request):
    """Find a client by a referral number or the exact case reference, before an export or an
    erasure; it lists no names and browses nothing."""
    if not access.is_administrator(request.user):
        raise PermissionDenied
    form = ClientLookupForm(request.GET or None)
    searched = form.is_valid()
    found = retention.find_clients(form.cleaned_data["q"]) if searched else []
    if searched:
        retention.record_lookup(request.user, form.cleaned_data["q"], found)
    clients = [
        (record, record.referrals.select_related("service").order_by("pk")) for record in found
    ]
    title = _("Find a client")
    context = {"page_title": title, "header_title": title, "form": form, "searched": searched}
    context["clients"] = clients
    return _render(request, "referrals/find_client.html", context)


def client_export(request, pk):
    record = _client_for_administrator(request, pk)
    data = retention.export_client(record, request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="brug-client-{record.pk}.json"'
    return response


def client_erase(request, pk):
    # Refuse first, then check the method: nobody learns more from a GET than from a POST.
    record = _client_for_administrator(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    workflow.erase_client(record, request.user)
    messages.success(
        request, _("The client's data was erased; the referrals' steps remain for the statistics.")
    )
    referral = record.referrals.order_by("-pk").first()
    if referral is not None:
        return redirect("referrals:detail", referral.pk)
    return redirect("referrals:mine")
