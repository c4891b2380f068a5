"""Public views of the self-service: accept an invitation, confirm a listing is still correct
(the reminder e-mail's link), suggest a correction to a service. Thin: the rules live in
directory/invitations.py, directory/verification.py and directory/suggestions.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from core.client_address import client_address
from directory import feedback, invitations, submissions, suggestions, verification
from directory.models import ServicePage

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SetPasswordForm(forms.Form):
    """Name and a new password, checked by Django's password validators."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 8 characters; not only digits, not a common word."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, invitation, *args, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                invitations.check_password(
                    self.invitation, first, data.get("first_name", ""), data.get("last_name", "")
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page, in the visitor's language (AXES_LOCKOUT_CALLABLE)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return render(
        request,
        "account/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, token):
    try:
        invitation = invitations.find(token)
    except invitations.InvitationError as error:
        return render(request, "directory/invitation_refused.html", {"error": error}, status=410)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if invitations.existing_user(invitation) is not None:
        # Someone with an account joins by signing in and confirming.
        if not request.user.is_authenticated:
            messages.info(request, _("Sign in to accept the invitation."))
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if request.method == "POST":
            return _accepted(request, token, user=request.user)
        return render(request, "directory/invitation_join.html", context)

    form = SetPasswordForm(invitation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _accepted(
            request,
            token,
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
    context["form"] = form
    status = 400 if form.errors else 200
    return render(request, "directory/invitation_accept.html", context, status=status)


def _accepted(request, token, **kwargs):
    try:
        user = invitations.accept(token, **kwargs)
    except invitations.InvitationError as error:
        return render(request, "directory/invitation_refused.html", {"error": error}, status=410)
    if not request.user.is_authenticated:
        login(request, user, backend=LOGIN_BACKEND)
    messages.success(request, _("Welcome! You can now edit your organisation's listing in Brug."))
    return redirect("wagtailadmin_home")


@never_cache
def verify_listing(request, token):
    """The 'still correct' link of a reminder: a page with one button (a GET never records
    anything, so mail scanners that follow links cannot confirm a listing)."""
    found = verification.read_token(token)
    if found is None:
        return render(request, "directory/verify_refused.html", status=410)
    organisation, user = found
    services = verification.listing_services(organisation).live().order_by("title")
    done = None
    if request.method == "POST":
        done = verification.verify_listing(organisation, user)
    return render(
        request,
        "directory/verify_listing.html",
        {"organisation": organisation.localized, "services": services, "done": done},
    )


@never_cache
def suggest_correction(request, service_id):
    service = get_object_or_404(ServicePage.objects.live(), pk=service_id).localized
    if not service.live:
        raise Http404
    context = {"service": service, "organisation": service.organisation}
    if request.method == "POST":
        form = suggestions.SuggestionForm(request.POST)
        if not suggestions.allow(client_address(request)):
            context["form"] = form
            context["limited"] = True
            return render(request, "directory/suggest_correction.html", context, status=429)
        if form.is_valid():
            try:
                suggestions.submit(service, form)
            except submissions.AlreadySent:
                # A double click or a resend: the first copy is kept. Say so, and keep the
                # text with a fresh stamp in case this was meant as a second suggestion.
                context["already_sent"] = True
            else:
                return render(request, "directory/suggest_thanks.html", context)
        # A new stamp: the visitor fixes the text and sends again.
        data = request.POST.copy()
        data["stamp"] = suggestions.new_stamp()
        form.data = data
        context["form"] = form
        status = 409 if context.get("already_sent") else 400
        return render(request, "directory/suggest_correction.html", context, status=status)
    context["form"] = suggestions.SuggestionForm(initial={"stamp": suggestions.new_stamp()})
    return render(request, "directory/suggest_correction.html", context)


# Anonymous and without a session: the form sits on the service page, which sets no cookie,
# so there is no CSRF cookie to check against. A forged post could do no more than a direct
# one: it carries no one's rights. The signed timestamp, the honeypot and the rate limit per
# address (directory/feedback.py) keep floods out.
@csrf_exempt
@never_cache
def service_feedback(request, service_id):
    """The three feedback questions of a service (also answered from the service page)."""
    service = get_object_or_404(ServicePage.objects.live(), pk=service_id).localized
    if not service.live:
        raise Http404
    context = {"service": service, "organisation": service.organisation}
    if request.method == "POST":
        form = feedback.FeedbackForm(request.POST)
        if form.is_valid():
            if not feedback.allow(client_address(request), service):
                return _feedback_form(request, context, form, status=429, limited=True)
            try:
                feedback.submit(service, form)
            except submissions.AlreadySent:  # the first answers are kept
                return _feedback_form(request, context, form, status=409, already_sent=True)
            return render(request, "directory/service_feedback.html", {**context, "thanks": True})
        return _feedback_form(request, context, form, status=400)
    form = feedback.FeedbackForm(initial={"stamp": feedback.new_stamp()})
    return _feedback_form(request, context, form)


def _feedback_form(request, context, form, status=200, limited=False, already_sent=False):
    if form.is_bound:
        data = request.POST.copy()
        data["stamp"] = feedback.new_stamp()  # a fresh stamp for the next try
        form.data = data
    context.update(
        form=form, questions=feedback.questions(form), limited=limited, already_sent=already_sent
    )
    return render(request, "directory/service_feedback.html", context, status=status)
