"""The filter form of the managers' figures: the period, what to narrow to (only what the
person's scope holds), the interval of the trend, the breakdown and the caseload threshold.
Unknown values are refused with a message in the manager's language."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory.models import Membership, Need, OrganisationPage, Role, ServicePage
from referrals import analytics, caseload
from referrals.scope import Scope

MAX_DAYS = 3 * 366
CHOICES_SECONDS = 600


class FastSelect(forms.Select):
    """A select rendered in one go (a network has thousands of services: rendering each
    option through a template would cost more than computing the figures)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) == chosen else "", label)
                for v, label in self.choices
            ),
        )
        attributes = format_html_join(" ", '{}="{}"', attrs.items())
        return format_html('<select name="{}" {}>{}</select>', name, attributes, options)


DIMENSION_LABELS = {
    "receiving_organisation": _("Receiving organisation"),
    "referring_organisation": _("Referring organisation"),
    "service": _("Service"),
    "need": _("Need"),
    "coach": _("Coach"),
}


def scope_choices(scope: Scope) -> dict[str, list[tuple[int, str]]]:
    """What a filter may choose: for a manager, what appears in their referrals
    (organisations on both sides, services, the coaches of their own organisations); for
    the network, every organisation, every service that accepts referrals and every coach.
    Cached per scope."""
    # Cached like the figures (BRUG_FIGURES_CACHE_SECONDS; 0: never), at least ten minutes.
    seconds = getattr(settings, "BRUG_FIGURES_CACHE_SECONDS", 0)
    key = f"brug-figures-choices:{scope.key}"
    found = cache.get(key) if seconds else None
    if found is not None:
        return found
    if scope.network:
        # The whole network: from the directory (scanning every referral would cost more).
        organisations = set(OrganisationPage.objects.originals().values_list("pk", flat=True))
        receiving = referring = organisations
        services = set(
            ServicePage.objects.originals()
            .filter(accepts_referrals=True)
            .values_list("pk", flat=True)
        )
        coaches = set(
            Membership.objects.filter(role__in=(Role.COACH, Role.COORDINATOR)).values_list(
                "user_id", flat=True
            )
        )
    else:
        referrals = scope.referrals().order_by()
        receiving = set(referrals.values_list("receiving_organisation", flat=True).distinct())
        referring = set(referrals.values_list("referring_organisation", flat=True).distinct())
        services = set(referrals.values_list("service", flat=True).distinct())
        # Only their own organisations' people: other organisations' coaches are not named.
        own = referrals.filter(referring_organisation__in=scope.organisations)
        coaches = set(own.values_list("referring_user", flat=True).distinct()) - {None}
    titles = dict(
        Page.objects.filter(pk__in=receiving | referring | services).values_list("pk", "title")
    )

    def titled(ids):
        return sorted(((i, titles.get(i, "—")) for i in ids), key=lambda c: c[1].lower())

    people = [
        (u.pk, analytics.person_name(u)) for u in get_user_model().objects.filter(pk__in=coaches)
    ]
    found = {
        "receiving_organisation": titled(receiving),
        "referring_organisation": titled(referring),
        "service": titled(services),
        "coach": sorted(people, key=lambda c: c[1].lower()),
    }
    if seconds:
        cache.set(key, found, max(seconds, CHOICES_SECONDS))
    return found


def need_choices() -> list[tuple[int, str]]:
    """Main needs, each followed by its sub-needs."""
    needs = list(Need.objects.prefetch_related("labels"))
    order = sorted(needs, key=lambda n: (n.sort_order, n.slug))
    result = []
    for main in (n for n in order if not n.parent_id):
        result.append((main.pk, main.label()))
        result.extend((n.pk, f"— {n.label()}") for n in order if n.parent_id == main.pk)
    return result


class FiguresForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    receiving_organisation = forms.TypedChoiceField(
        label=_("Receiving organisation"), required=False, coerce=int, widget=FastSelect
    )
    service = forms.TypedChoiceField(
        label=_("Service"), required=False, coerce=int, widget=FastSelect
    )
    need = forms.TypedChoiceField(label=_("Need"), required=False, coerce=int, widget=FastSelect)
    referring_organisation = forms.TypedChoiceField(
        label=_("Referring organisation"), required=False, coerce=int, widget=FastSelect
    )
    coach = forms.TypedChoiceField(label=_("Coach"), required=False, coerce=int, widget=FastSelect)
    interval = forms.ChoiceField(
        label=_("Per"),
        required=False,
        choices=[(analytics.MONTH, _("month")), (analytics.WEEK, _("week"))],
    )
    by = forms.ChoiceField(
        label=_("Break down by"), required=False, choices=list(DIMENSION_LABELS.items())
    )
    threshold = forms.IntegerField(
        label=_("Overload from"),
        required=False,
        min_value=5,
        max_value=500,
        help_text=_("open referrals per person"),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        choices = scope_choices(scope)
        every = [("", _("All"))]
        for name in ("receiving_organisation", "service", "referring_organisation", "coach"):
            self.fields[name].choices = every + choices[name]
        self.fields["need"].choices = every + need_choices()

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        default = analytics.default_filters(today)
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if end < start:
            raise forms.ValidationError(_("The period must end after it starts."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> analytics.Filters:
        data = self.cleaned_data
        return analytics.Filters(
            start=data["start"],
            end=data["end"],
            receiving_organisation=data.get("receiving_organisation") or None,
            service=data.get("service") or None,
            need=data.get("need") or None,
            referring_organisation=data.get("referring_organisation") or None,
            coach=data.get("coach") or None,
            interval=data.get("interval") or analytics.MONTH,
        )

    def chosen_dimension(self) -> str:
        return self.cleaned_data.get("by") or "receiving_organisation"

    def chosen_threshold(self) -> int:
        return self.cleaned_data.get("threshold") or caseload.default_threshold()


def quick_periods(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Links for the periods a report usually covers."""
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter_start - datetime.timedelta(days=1)
    last_quarter_start = datetime.date(
        last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1
    )
    return [
        (_("This quarter"), quarter_start, today),
        (_("Last quarter"), last_quarter_start, last_quarter_end),
        (_("This year"), datetime.date(today.year, 1, 1), today),
        (
            _("Last year"),
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
        (_("Last 12 months"), today - datetime.timedelta(days=364), today),
    ]
