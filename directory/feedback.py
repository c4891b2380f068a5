"""Client feedback: after a visit, a client (or their coach) answers three questions on the
service page — did you get help, how long did you wait, would you recommend it — in their own
language, with pictograms. Anonymous: no account, no address, no free text, only the date.

Spam and flooding are kept out as on the suggestion form: a honeypot field, a signed
timestamp accepted once (directory/submissions.py), and a rate limit per client address (a
keyed hash in the cache, never stored): `BRUG_FEEDBACK_RATE_PER_HOUR` answers an hour, one per
service a day.

Organisations (their own services) and curators (all) see aggregates in the admin, and only
for services with at least `BRUG_FEEDBACK_MIN_ANSWERS` (5) answers in the period, so that no
answer can be traced to a visit. The number of answers is shown in bands (5–9, 10–19 …);
a question's answers are shown in per cent only when each answer given stands for at least
that minimum, otherwise as banded counts: neither the fifth answer nor a share of one person
can be read off. The public never sees them: no stars, no scores.
Answers older than `BRUG_FEEDBACK_RETENTION_DAYS` are deleted by `manage.py prune_feedback`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory import ratelimit, submissions
from directory.models import GotHelp, Recommend, ServiceFeedback, ServicePage, WaitTime
from directory.models.originals import original_of, originals

STAMP_SALT = "brug.feedback"
PERIOD_DAYS = 365


def min_answers() -> int:
    return getattr(settings, "BRUG_FEEDBACK_MIN_ANSWERS", 5)


def rate_limit() -> int:
    return getattr(settings, "BRUG_FEEDBACK_RATE_PER_HOUR", 10)


def retention_days() -> int:
    return getattr(settings, "BRUG_FEEDBACK_RETENTION_DAYS", 730)


def min_seconds() -> float:
    return getattr(settings, "BRUG_FEEDBACK_MIN_SECONDS", 2)


def new_stamp() -> str:
    return submissions.new_stamp(STAMP_SALT)


def pictogram(question: str, value: str) -> str:
    return static(f"directory/feedback/{question}-{value}.svg")


class FeedbackForm(forms.Form):
    """The three questions; errors come out in the visitor's language."""

    got_help = forms.ChoiceField(
        label=_("Did you get help?"),
        choices=GotHelp.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose an answer.")},
    )
    waited = forms.ChoiceField(
        label=_("How long did you wait?"),
        choices=WaitTime.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose an answer.")},
    )
    recommend = forms.ChoiceField(
        label=_("Would you tell a friend to go there?"),
        choices=Recommend.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose an answer.")},
    )
    by_coach = forms.BooleanField(
        label=_("I am a coach or social worker answering for my client"), required=False
    )
    # Honeypot: hidden from people (and screen readers); bots fill in every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    stamp = forms.CharField(widget=forms.HiddenInput)

    def clean_stamp(self):
        try:
            started = submissions.read_stamp(self.cleaned_data["stamp"], STAMP_SALT)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open for too long. Please answer again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form could not be checked. Please answer again."), code="stamp"
            ) from None
        if time.time() - started < min_seconds():
            raise forms.ValidationError(
                _("That was very quick. Please check your answers and send them again."),
                code="too_fast",
            )
        self.started = started
        return self.cleaned_data["stamp"]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


QUESTIONS = ("got_help", "waited", "recommend")


def questions(form: FeedbackForm) -> list[dict]:
    """The three questions for the template: each field with its options and pictograms."""
    return [
        {
            "field": form[name],
            "options": [
                {"radio": radio, "icon": pictogram(name, radio.data["value"])}
                for radio in form[name]
            ],
        }
        for name in QUESTIONS
    ]


def allow(address: str, service: ServicePage) -> bool:
    """Count one answer from this address: at most the hourly limit, and one per service a
    day (a second visit the same day is not a second opinion)."""
    original = original_of(service) or service
    if not ratelimit.allow("feedback", address, rate_limit()):
        return False
    return ratelimit.allow(f"feedback-{original.pk}", address, 1, seconds=86400)


def submit(service: ServicePage, form: FeedbackForm) -> ServiceFeedback | None:
    """Store a valid answer for the service's original page (None for a bot). Raises
    submissions.AlreadySent when the form's stamp was used before."""
    if form.is_bot:
        return None
    with transaction.atomic():
        submissions.use_stamp(form.cleaned_data["stamp"], form.started)
        return ServiceFeedback.objects.create(
            service=original_of(service) or service,
            got_help=form.cleaned_data["got_help"],
            waited=form.cleaned_data["waited"],
            recommend=form.cleaned_data["recommend"],
            by_coach=form.cleaned_data["by_coach"],
            language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
            received_on=timezone.localdate(),
        )


# The number of answers is shown in bands, never exactly: the answer that lifts a service to
# five shows "5–9", not one more person's precise weight.
BANDS = ((100, "100+"), (50, "50–99"), (20, "20–49"), (10, "10–19"), (5, "5–9"), (1, "< 5"))


def band(n: int) -> str:
    """A number of answers as it may be shown."""
    return next((text for lowest, text in BANDS if n >= lowest), "0")


def band_floor(n: int) -> int:
    """The lowest number of the band (to order by what is shown, not by the exact count)."""
    return next((lowest for lowest, _text in BANDS if n >= lowest), 0)


@dataclass
class Share:
    """One answer to a question: its share in per cent, or its number of answers banded."""

    label: str
    text: str


@dataclass
class Aggregate:
    """One service's answers in the period; the figures only when there are enough."""

    service: ServicePage
    answers: int
    shown: bool
    got_help: list[Share] = field(default_factory=list)
    waited: list[Share] = field(default_factory=list)
    recommend: list[Share] = field(default_factory=list)
    by_coach: list[Share] = field(default_factory=list)

    @property
    def answers_text(self) -> str:
        return band(self.answers)


def _shares(counts: dict[str, int], choices, total: int) -> list[Share]:
    """Percentages only when every answer given stands for at least the minimum of answers
    (at five answers, "No: 20 %" would be one person); otherwise every answer's count in
    bands ("< 5", "5–9" …), so that no share can be worked out from the others."""
    found = [(str(label), counts.get(value, 0)) for value, label in choices]
    if all(n == 0 or n >= min_answers() for _label, n in found):
        return [Share(label, f"{round(100 * n / total)}%") for label, n in found]
    return [Share(label, band(n)) for label, n in found]


def aggregates(services, since: date | None = None) -> list[Aggregate]:
    """Aggregates per service (originals) for answers since `since` (a year by default);
    figures are suppressed below the minimum number of answers, and shares of fewer answers
    than the minimum are shown as banded counts, not percentages."""
    since = since or timezone.localdate() - timedelta(days=PERIOD_DAYS)
    services = list(originals(services).order_by("title"))
    rows = (
        ServiceFeedback.objects.filter(service__in=services, received_on__gte=since)
        .values("service_id", "got_help", "waited", "recommend", "by_coach")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, dict]] = {}
    for row in rows:
        per = counts.setdefault(row["service_id"], {"total": 0, "got_help": {}, "waited": {},
                                                    "recommend": {}, "coach": 0})  # fmt: skip
        per["total"] += row["n"]
        per["coach"] += row["n"] if row["by_coach"] else 0
        for question in ("got_help", "waited", "recommend"):
            per[question][row[question]] = per[question].get(row[question], 0) + row["n"]
    result = []
    for service in services:
        per = counts.get(service.pk)
        total = per["total"] if per else 0
        aggregate = Aggregate(service, total, shown=total >= min_answers())
        if aggregate.shown:
            aggregate.got_help = _shares(per["got_help"], GotHelp.choices, total)
            aggregate.waited = _shares(per["waited"], WaitTime.choices, total)
            aggregate.recommend = _shares(per["recommend"], Recommend.choices, total)
            coach = {"coach": per["coach"], "client": total - per["coach"]}
            aggregate.by_coach = _shares(
                coach, [("coach", _("by a coach")), ("client", _("by the client"))], total
            )
        result.append(aggregate)
    return result


def prune(today: date | None = None) -> int:
    """Delete answers older than the retention period; returns how many. The used stamps of
    the public forms past their lifetime go at the same time."""
    limit = (today or timezone.localdate()) - timedelta(days=retention_days())
    deleted, _per_model = ServiceFeedback.objects.filter(received_on__lt=limit).delete()
    submissions.prune_used_stamps(today)
    return deleted
