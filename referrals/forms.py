"""The referral screens' forms. They check what a person typed and say what is wrong in
their language, at the field: first each field's own checks, then the rule of the transition
(referrals.transitions), which referrals.workflow applies again when it makes the change."""

import datetime
import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory import capacity, pathways
from directory.models import Language, Need, OrganisationPage, ServicePage
from directory.models.services import Capacity
from directory.submissions import SubmissionKeyField
from directory.urlconverters import MAX_ID
from referrals import transitions
from referrals.models import (
    DECLINE_DETAIL_MAX,
    INTAKE_PLACE_MAX,
    INTAKE_WITH_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    ConsentMethod,
    DeclineReason,
    Interpreting,
    SharedItem,
    Urgency,
)

CONSENT_DAYS = 90  # the consent's end date offered by default


def consent_default_end() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=CONSENT_DAYS)


def referable_services():
    """Services that accept referrals (no ended project), once each (their original page),
    by organisation."""
    return ServicePage.objects.live().originals().referrable().order_by("title")


class ServicePickerSelect(forms.Select):
    """The select under service_picker.js's search-as-you-type field: it holds only the chosen
    service, never every service (5,000 options and two queries each at scale); the picker
    adds the one the person finds (/api/v1/services)."""

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is not None:
            named = [str(v) for v in value if v]
            self.choices = [("", choices.field.empty_label or "")] + [
                _option(choices, service, named) for service in _chosen(queryset, named)
            ]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = choices


def _option(choices, service, named):
    """The service's option, valued as the form named it (its key from the picker, or its id)."""
    value, label = choices.choice(service)
    key = str(service.translation_key)
    return (key if key in named else value, label)


def _chosen(queryset, values):
    """The services named by these values (page ids or translation keys), in one query."""
    keys = [key for key in map(_as_key, values) if key is not None]
    ids = [number for number in map(_as_id, values) if number is not None]
    if not keys and not ids:
        return []
    return list(queryset.filter(Q(pk__in=ids) | Q(translation_key__in=keys)))


class ServiceChoiceField(forms.ModelChoiceField):
    """The service of a referral form, chosen with service_picker.js's search-as-you-type
    field over a select (/api/v1/services), which sends the service's key (its translation
    key) instead of the page's id; the select offers only the chosen service."""

    widget = ServicePickerSelect(attrs={"data-service-picker": ""})

    def label_from_instance(self, obj):
        # The waiting time and an interpreter where the service has them, as the picker's
        # candidates show them (service_picker.js).
        parts = [f"{obj.title} – {obj.organisation.title}"]
        if obj.capacity_status == Capacity.WAITING_LIST and obj.waiting_weeks is not None:
            parts.append(capacity.label(obj))
        if obj.interpreter_available:
            parts.append(str(_("Interpreter available")))
        return " · ".join(parts)

    def to_python(self, value):
        if value not in self.empty_values and str(value).isdecimal() and _as_id(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        key = _as_key(value)
        if key is not None:
            found = self.queryset.filter(translation_key=key).first()
            if found is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            return found
        return super().to_python(value)


def _as_id(value) -> int | None:
    """A page id as typed, or None: not a number, or one no database holds ("²" is a digit
    to Python but no number; ids stop at 2**63 - 1)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isdecimal() and int(text) <= MAX_ID else None


def _as_key(value):
    try:
        return uuid.UUID(str(value)) if value and not str(value).isdecimal() else None
    except ValueError:
        return None


class CapacityConfirmation(forms.Form):
    """Sending to a service that is full or not taking new clients asks for an explicit
    "send anyway"; without it the form refuses and the view shows the alternatives."""

    send_anyway = forms.BooleanField(label=_("Send anyway"), required=False)
    service_field = "service"
    unconfirmed = None  # the full service, when the sender has not confirmed yet

    def sends(self) -> bool:
        return True

    def clean(self):
        data = super().clean()
        service = data.get(self.service_field)
        if (
            service is not None
            and self.sends()
            and not capacity.is_open_to_new_clients(service)
            and not data.get("send_anyway")
        ):
            self.unconfirmed = service
            self.add_error(
                self.service_field,
                _(
                    "This service is not taking new clients now (%(capacity)s). Choose one of "
                    "the services below, or tick “Send anyway”."
                )
                % {"capacity": capacity.label(service)},
            )
        return data


def check_pathway(form, service, organisation) -> None:
    """A service reserved for partners refuses other organisations at the field, saying
    whom to contact instead (directory.pathways; referrals.workflow checks it again)."""
    if service is None or organisation is None or form.has_error("service"):
        return
    if not pathways.open_to(service, [organisation]):
        form.add_error("service", pathways.refusal(service))


class VersionForm(forms.Form):
    """Every action names the version of the referral the person saw (stale actions fail)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RuleForm(forms.Form):
    """A form whose data also passes a rule of referrals.transitions: each of the rule's
    messages shows at its field, unless that field's own check already failed."""

    def rule(self, data: dict) -> None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        try:
            self.rule(data)
        except transitions.Invalid as invalid:
            for field, message in invalid.errors.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data


class TransitionForm(VersionForm, RuleForm):
    """The data of one transition, checked by that transition's rule."""

    action: str

    def rule(self, data):
        transitions.TRANSITIONS[self.action].clean(data)


class ConsentFields(forms.Form):
    consent_method = forms.ChoiceField(
        label=_("How did the client give consent?"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": transitions.NO_CONSENT_METHOD},
    )
    consent_shares = forms.MultipleChoiceField(
        label=_("What may be shared with the receiving organisation?"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[SharedItem.NOTE, SharedItem.LANGUAGE],
    )
    consent_valid_until = forms.DateField(
        label=_("Consent valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the date until which the consent is valid.")},
    )


class ReferralForm(CapacityConfirmation, RuleForm, ConsentFields):
    """A new referral: the service, the client (minimal), the need, the note and consent."""

    submission_key = SubmissionKeyField()  # the same form sent twice makes one referral

    organisation = forms.ModelChoiceField(
        label=_("Referring organisation"), queryset=OrganisationPage.objects.none()
    )
    service = ServiceChoiceField(
        label=_("Service"),
        queryset=ServicePage.objects.none(),
        error_messages={
            "invalid_choice": _("This service does not accept referrals through Brug."),
            "required": _("Choose the service to refer to."),
        },
    )
    client_reference = forms.CharField(  # optional: the referral's number finds it too
        label=_("Your internal reference"),
        max_length=40,
        required=False,
        help_text=_("Your case number, so you find the client in your own files."),
    )
    client_name = forms.CharField(
        label=_("First name or initials"),
        max_length=40,
        help_text=_("No family name."),
    )
    client_phone = forms.CharField(
        label=_("Contact phone (optional)"), max_length=30, required=False
    )
    client_language = forms.ModelChoiceField(
        label=_("Preferred language"), queryset=Language.objects.all(), required=False
    )
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs"),
        queryset=Need.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one need.")},
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    handover_note = forms.CharField(
        label=_("Hand-over note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": NOTE_MAX}),
        help_text=_(
            "What the receiving worker needs to know, so the client does not have to tell "
            "their story again. Only what the client agreed to share."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = OrganisationPage.objects.filter(
            pk__in=organisations
        ).order_by("title")
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["service"].queryset = referable_services().select_related("locale")
        # The topics, and the service's own needs (checked): a short list to tick.
        service = self._chosen_service()
        own = list(service.needs.values_list("pk", flat=True)) if service else []
        self.fields["needs"].queryset = (
            Need.objects.filter(Q(parent__isnull=True) | Q(pk__in=own))
            .prefetch_related("labels")
            .order_by("sort_order", "slug")
        )
        self.fields["consent_valid_until"].initial = consent_default_end()

    def rule(self, data):
        transitions.check_referral(data)

    def clean(self):
        data = super().clean()
        check_pathway(self, data.get("service"), data.get("organisation"))
        return data

    def sends(self) -> bool:
        return self.data.get("action") != "draft"  # a draft may wait until there is room

    def _chosen_service(self):
        raw = self.data.get("service") if self.is_bound else self.initial.get("service")
        if isinstance(raw, ServicePage):
            return raw
        key = _as_key(raw)
        if key is not None:
            return ServicePage.objects.filter(translation_key=key).first()
        number = _as_id(raw)
        return ServicePage.objects.filter(pk=number).first() if number is not None else None

    def clean_client_phone(self):
        from directory.validators import validate_phone

        phone = self.cleaned_data["client_phone"].strip()
        if phone:
            validate_phone(phone)
        return phone

    def client_data(self) -> dict:
        data = self.cleaned_data
        return {
            "reference": data["client_reference"].strip(),
            "name": data["client_name"].strip(),
            "phone": data["client_phone"],
            "language": data["client_language"],
            "interpreter_needed": data["interpreter_needed"],
        }

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "urgency": data["urgency"],
            "handover_note": data["handover_note"].strip(),
            "consent_method": data["consent_method"],
            "consent_shares": data["consent_shares"],
            "consent_valid_until": data["consent_valid_until"],
        }


class SendForm(TransitionForm, ConsentFields):
    """Sending a draft that has no consent yet (a follow-up after a redirect)."""

    action = "send"


class RenewConsentForm(TransitionForm, ConsentFields):
    """The client agreed again (after expiry or withdrawal, or before the consent ends)."""

    action = "renew_consent"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_valid_until"].initial = consent_default_end()


class DeclineForm(TransitionForm):
    action = "decline"
    reason = forms.ChoiceField(
        label=_("Why do you decline?"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": transitions.NO_DECLINE_REASON},
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=DECLINE_DETAIL_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IntakeForm(TransitionForm):
    action = "plan_intake"
    when = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": transitions.NO_INTAKE_TIME},
    )
    place = forms.CharField(label=_("Place"), max_length=INTAKE_PLACE_MAX)
    with_whom = forms.CharField(label=_("With whom"), max_length=INTAKE_WITH_MAX, required=False)
    interpreting = forms.ChoiceField(
        label=_("Interpreting"), choices=Interpreting.choices, initial=Interpreting.NONE
    )


class RedirectForm(CapacityConfirmation, TransitionForm):
    action = "redirect"
    service = ServiceChoiceField(
        label=_("Redirect to"),
        queryset=ServicePage.objects.none(),
        error_messages={
            "invalid_choice": _("This service does not accept referrals through Brug.")
        },
    )

    def __init__(self, *args, exclude=None, referring=None, **kwargs):
        super().__init__(*args, **kwargs)
        services = referable_services()
        if exclude is not None:
            services = services.exclude(pk=exclude)
        self.fields["service"].queryset = services
        self.referring = referring  # the follow-up draft's organisation

    def clean(self):
        data = super().clean()
        if self.referring is not None:
            check_pathway(self, data.get("service"), self.referring)
        return data


class MessageForm(forms.Form):
    submission_key = SubmissionKeyField()  # the same message sent twice is posted once
    text = forms.CharField(
        label=_("Message to the other worker"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MESSAGE_MAX}),
        help_text=_("Short and practical. No medical or personal details beyond what is needed."),
        error_messages={"required": transitions.NO_MESSAGE},
    )


class ListFilterForm(forms.Form):
    """Filters of the 'My referrals' and inbox lists."""

    show = forms.ChoiceField(required=False)
    urgency = forms.ChoiceField(required=False, choices=[("", _("Any urgency")), *Urgency.choices])
    q = forms.CharField(required=False, max_length=40, label=_("Reference or number"))

    def __init__(self, *args, shows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = shows


class ClientLookupForm(forms.Form):
    """A referral administrator's exact lookup of a client (referrals.retention)."""

    q = forms.CharField(max_length=40, label=_("Reference or number"))
