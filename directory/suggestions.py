"""'Suggest a correction': anyone can tell the curators that a service page is wrong, without an
account. Spam is kept out without third-party services: a hidden honeypot field, a signed
timestamp (a person takes a few seconds to write; a form is not kept open for days; each
stamp is accepted once, directory/submissions.py), plain text only, a cap on links and length,
and a rate limit per client address (a keyed hash of it, kept in the cache for an hour; the
address itself is never stored).
"""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory import capacity, ratelimit, submissions
from directory.models import (
    CorrectionSuggestion,
    LocationPage,
    OrganisationPage,
    ServicePage,
    SuggestionTopic,
)
from directory.models.originals import original_of

MAX_LENGTH = 2000
MIN_LENGTH = 10
MAX_LINKS = 2
STAMP_SALT = "brug.suggestion"
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>?")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def min_seconds() -> float:
    return getattr(settings, "BRUG_SUGGESTION_MIN_SECONDS", 3)


def rate_limit() -> int:
    """Suggestions accepted per client address per hour."""
    return getattr(settings, "BRUG_SUGGESTION_RATE_PER_HOUR", 5)


def new_stamp() -> str:
    return submissions.new_stamp(STAMP_SALT)


class SuggestionForm(forms.Form):
    """The public form; errors come out in the visitor's language."""

    topic = forms.ChoiceField(
        label=_("What is wrong?"), choices=SuggestionTopic.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What should it say?"),
        help_text=_(
            "Plain text, at most 2,000 characters. Do not write names or other details "
            "about a client."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_LENGTH}),
        max_length=MAX_LENGTH,
        min_length=MIN_LENGTH,
        error_messages={
            "max_length": _(
                "Please keep it to %(limit_value)d characters (you wrote %(show_value)d)."
            ),
            "min_length": _("Please describe the correction in a few words."),
            "required": _("Please describe the correction."),
        },
    )
    # Honeypot: hidden from people (and screen readers); bots fill in every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    stamp = forms.CharField(widget=forms.HiddenInput)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if _TAG.search(text):
            raise forms.ValidationError(
                _("Please write plain text, without HTML or code (no < and > around words)."),
                code="html",
            )
        if len(_LINK.findall(text)) > MAX_LINKS:
            raise forms.ValidationError(
                _("Please include at most %(count)s links."),
                code="links",
                params={"count": MAX_LINKS},
            )
        return text

    def clean_stamp(self):
        try:
            started = submissions.read_stamp(self.cleaned_data["stamp"], STAMP_SALT)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open for too long. Please send it again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="stamp"
            ) from None
        if time.time() - started < min_seconds():
            raise forms.ValidationError(
                _("That was very quick. Please check your text and send it again."),
                code="too_fast",
            )
        self.started = started
        return self.cleaned_data["stamp"]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def allow(address: str) -> bool:
    """Count one suggestion for this address; False when it is over the hourly limit."""
    return ratelimit.allow("suggest", address, rate_limit())


def submit(service: ServicePage, form: SuggestionForm) -> CorrectionSuggestion | None:
    """Store a valid suggestion for the service's original page (None for a bot). Raises
    submissions.AlreadySent when the form's stamp was used before (a double click, a resend)."""
    if form.is_bot:
        return None
    with transaction.atomic():
        submissions.use_stamp(form.cleaned_data["stamp"], form.started)
        return CorrectionSuggestion.objects.create(
            service=original_of(service),
            topic=form.cleaned_data["topic"],
            text=form.cleaned_data["text"],
            language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
        )


# The curators' review ---------------------------------------------------------------------


def _label(model, name) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _hours(location: LocationPage) -> list[str]:
    return [
        f"{row.get_weekday_display()} {row.opens:%H:%M}–{row.closes:%H:%M}"
        for row in location.opening_hours.order_by("weekday", "opens")
    ]


def current_values(suggestion: CorrectionSuggestion) -> list[tuple[str, list[str]]]:
    """What the service's pages say now about what the suggestion is about, as (label,
    lines), for the curator to read beside the suggested text."""
    service = suggestion.service
    topic = suggestion.topic
    if topic in (SuggestionTopic.ADDRESS, SuggestionTopic.HOURS):
        lines = [
            (location.title, [location.full_address] if topic == SuggestionTopic.ADDRESS
             else _hours(location) or ["—"])
            for location in service.locations.order_by("title")
        ]  # fmt: skip
        return lines or [(_label(ServicePage, "locations"), ["—"])]
    if topic == SuggestionTopic.CONTACT:
        organisation = service.get_parent().specific
        fields = [
            (service, ServicePage, n) for n in ("contact_name", "contact_phone", "contact_email")
        ]
        fields += [(organisation, OrganisationPage, n) for n in ("phone", "email", "website")]
        return [(_label(model, name), [getattr(page, name) or "—"]) for page, model, name in fields]
    if topic == SuggestionTopic.CAPACITY:
        described = capacity.describe(service.capacity_status, service.waiting_weeks)
        return [(_label(ServicePage, "capacity_status"), [described])]
    return [(_label(ServicePage, "summary"), [service.summary or "—"])]
