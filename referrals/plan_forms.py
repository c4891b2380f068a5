"""The coach's form for a client's plan: which services, in which language, for how long,
and — for a plan made from a referral — whether it shows the client's first name and the
planned intake (the name is never ticked by itself: no personal data the coach did not choose;
the intake is ticked when one is planned, and one planned later shows too)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from directory.models import OrganisationPage
from directory.submissions import SubmissionKeyField
from referrals import plans

DAYS_LABELS = {7: _("One week"), 30: _("One month"), 90: _("Three months")}


class ServicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.title} – {obj.organisation.title}"


class PlanForm(forms.Form):
    submission_key = SubmissionKeyField()  # the same form sent twice makes one plan

    organisation = forms.ModelChoiceField(
        label=_("Your organisation"), queryset=OrganisationPage.objects.none()
    )
    services = ServicesField(
        label=_("Services"),
        queryset=plans.plannable_services(),
        error_messages={"required": _("Choose at least one service.")},
    )
    language = forms.ChoiceField(label=_("The client's language"), choices=settings.LANGUAGES)
    days = forms.TypedChoiceField(
        label=_("The link works for"),
        coerce=int,
        choices=[(days, DAYS_LABELS[days]) for days in plans.VALID_DAYS],
        initial=plans.DEFAULT_DAYS,
        widget=forms.RadioSelect,
    )
    shows_first_name = forms.BooleanField(label=_("Show the client's first name"), required=False)
    shows_appointment = forms.BooleanField(label=_("Show the planned intake"), required=False)

    def __init__(self, *args, organisations, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = plans.plannable_services().for_cards()
        field = self.fields["organisation"]
        field.queryset = OrganisationPage.objects.filter(pk__in=organisations).order_by("title")
        if referral is not None:
            # A plan from a referral belongs to the referring organisation.
            del self.fields["organisation"]
        elif len(organisations) == 1:
            field.initial = organisations[0]
            field.widget = forms.HiddenInput()
        if referral is None:
            # No client to name and no appointment: nothing of a client can be shown.
            del self.fields["shows_first_name"]
            del self.fields["shows_appointment"]

    def clean_services(self):
        services = self.cleaned_data["services"]
        if len(services) > plans.MAX_SERVICES:
            raise forms.ValidationError(
                _("At most %(count)s services fit on one page."),
                params={"count": plans.MAX_SERVICES},
            )
        return services
