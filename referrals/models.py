"""Warm hand-offs: a client record (minimal), the referral with its consent and state, and its
timeline of events and messages.

Client data is minimal by design (see docs/architecture.md, "Referrals"): an internal
reference, a first name or initials, an optional phone, the preferred language and whether an
interpreter is needed. The state only changes through referrals.workflow, which keeps the
timeline and the audit log. Nothing here is ever shown on the public site.
"""

import datetime
import math
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Lengths the forms and the workflow's rules (referrals.transitions) both read.
NOTE_MAX = 2000
MESSAGE_MAX = 1000
DECLINE_DETAIL_MAX = 500
INTAKE_PLACE_MAX = 200
INTAKE_WITH_MAX = 100

# The columns the managers' figures read instead of converting every row's times: written
# with the times they come from (Referral.save and referrals.workflow), never on their own.
FIGURE_COLUMNS = ("sent_week", "sent_month", "hours_to_acceptance", "hours_to_intake")
FIGURE_SOURCES = ("sent_at", "accepted_at", "intake_at")


def _whole_hours(end, start) -> int | None:
    """end − start in whole hours, halves away from zero (as the databases' round())."""
    if end is None or start is None:
        return None
    hours = (end - start).total_seconds() / 3600
    return int(math.copysign(math.floor(abs(hours) + 0.5), hours))


def figure_columns(sent_at, accepted_at, intake_at) -> dict:
    """The week (its Monday) and month (its first day) a referral was sent, in the network's
    time zone, and the whole hours from sending to the acceptance and to the intake."""
    if sent_at is None:
        week = month = None
    else:
        day = sent_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
        week, month = day - datetime.timedelta(days=day.weekday()), day.replace(day=1)
    return {
        "sent_week": week,
        "sent_month": month,
        "hours_to_acceptance": _whole_hours(accepted_at, sent_at),
        "hours_to_intake": _whole_hours(intake_at, sent_at),
    }


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    INTAKE_PLANNED = "intake_planned", _("Intake planned")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Client did not come")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REDIRECTED = "redirected", _("Redirected to another service")


OPEN_STATES = (State.DRAFT, State.SENT, State.ACCEPTED, State.INTAKE_PLANNED)
# Open and with the receiving side (sent, not yet closed).
SENT_OPEN_STATES = tuple(state for state in OPEN_STATES if state != State.DRAFT)
CLOSED_STATES = (
    State.DECLINED,
    State.COMPLETED,
    State.NO_SHOW,
    State.WITHDRAWN,
    State.REDIRECTED,
)


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Within a few weeks")
    SOON = "soon", _("This week")
    URGENT = "urgent", _("Within two working days")


class DeclineReason(models.TextChoices):
    FULL = "full", _("Full or waiting list")
    NOT_ELIGIBLE = "not_eligible", _("Client not eligible")
    WRONG_SERVICE = "wrong_service", _("Wrong service for this need")
    OTHER = "other", _("Other reason")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally")
    WRITTEN = "written", _("In writing")


class SharedItem(models.TextChoices):
    """What the client agreed may be shared with the receiving organisation."""

    NOTE = "note", _("The hand-over note")
    PHONE = "phone", _("The contact phone number")
    LANGUAGE = "language", _("Language and interpreter needs")


class Interpreting(models.TextChoices):
    NONE = "none", _("Not needed")
    INTERPRETER = "interpreter", _("An interpreter")
    INTERCULTURAL = "intercultural", _("An intercultural worker")


class ClientRecord(models.Model):
    """The person being referred, as little as a hand-off needs. Owned by the referring
    organisation; anonymised after the retention period or on request."""

    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="client_records",
    )
    reference = models.CharField(
        _("internal reference"),
        max_length=40,
        help_text=_("Your own case number, so you can find the client in your files."),
    )
    name = models.CharField(
        _("first name or initials"),
        max_length=40,
        help_text=_("No family name: the first name or initials are enough."),
    )
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    language = models.ForeignKey(
        "directory.Language",
        verbose_name=_("preferred language"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self):
        # Never the name: this text may end up in logs and the audit trail.
        return f"C-{self.pk}"


class ReferralQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for referral in objs:
            referral.fill_figure_columns()
        return super().bulk_create(objs, *args, **kwargs)


class Referral(models.Model):
    """One client handed over from a referring worker to a service."""

    client = models.ForeignKey(
        ClientRecord, verbose_name=_("client"), on_delete=models.PROTECT, related_name="referrals"
    )
    referring_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referring worker"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="referrals_sent",
    )
    referring_organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    service = models.ForeignKey(
        "directory.ServicePage",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # The service's organisation when the referral was made (who may see and answer it).
    receiving_organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("receiving organisation"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    needs = models.ManyToManyField("directory.Need", verbose_name=_("needs"), related_name="+")
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    handover_note = models.TextField(
        _("hand-over note"),
        max_length=NOTE_MAX,
        blank=True,
        help_text=_(
            "What the receiving worker needs to know, so the client does not have to tell "
            "their story again. Only what the client agreed to share."
        ),
    )
    # The client's consent, for this receiving organisation. A draft may lack it (a follow-up
    # made by a redirect needs the client's consent for the new organisation); sending needs it.
    consent_method = models.CharField(
        _("consent given"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_shares = models.JSONField(_("may be shared"), default=list, blank=True)
    consent_organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("consent to share with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_valid_until = models.DateField(_("consent valid until"), null=True, blank=True)
    consent_recorded_at = models.DateTimeField(_("consent recorded on"), null=True, blank=True)
    # The client took their consent back (referrals.consent hides their data from the
    # receiving side from then on); recording new consent clears it.
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn on"), null=True, blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # Optimistic locking: every change bumps it; an action based on an older one is refused.
    version = models.PositiveIntegerField(default=0)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )

    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When and by whom the receiving side accepted (kept after a later decline, withdrawal or
    # redirect), so the managers' figures count acceptances and intake workers' caseloads from
    # this row alone, without reading the timeline.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_detail = models.CharField(_("explanation"), max_length=DECLINE_DETAIL_MAX, blank=True)

    intake_at = models.DateTimeField(_("intake on"), null=True, blank=True)
    intake_place = models.CharField(_("place"), max_length=INTAKE_PLACE_MAX, blank=True)
    intake_with = models.CharField(_("with"), max_length=INTAKE_WITH_MAX, blank=True)
    intake_interpreting = models.CharField(
        _("interpreting"), max_length=15, choices=Interpreting.choices, blank=True
    )

    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The new-referral form's random key: a second POST of the same form (a double click, a
    # retry) finds this referral instead of making another (directory/submissions.py).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    # figure_columns(): what the figures group and count by, so that a query over 250,000
    # referrals converts no time zone and subtracts no times per row.
    sent_week = models.DateField(null=True, blank=True, editable=False)
    sent_month = models.DateField(null=True, blank=True, editable=False)
    hours_to_acceptance = models.IntegerField(null=True, blank=True, editable=False)
    hours_to_intake = models.IntegerField(null=True, blank=True, editable=False)
    # Its needs' ids, sorted, comma-separated (referrals.need_sets keeps it): the figures by
    # need count per set of needs in the same scan as the others, instead of joining every
    # referral with its need rows.
    need_set = models.CharField(max_length=500, blank=True, default="", editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["referring_user", "state"], name="referral_sender_state"),
            models.Index(
                fields=["receiving_organisation", "state", "sent_at"], name="referral_inbox"
            ),
            models.Index(fields=["referring_organisation", "state"], name="referral_from_org"),
            models.Index(
                fields=["state", "sent_at"],
                condition=Q(state="sent"),
                name="referral_waiting",
            ),
            # The managers' figures select referrals by the day they were sent and count
            # from these columns only: on PostgreSQL an index-only scan (SQLite ignores
            # `include` and gets a plain index on sent_at).
            models.Index(
                fields=["sent_at"],
                include=[
                    "state",
                    "accepted_at",
                    "answered_at",
                    "intake_at",
                    "closed_at",
                    "decline_reason",
                    "receiving_organisation",
                    "referring_organisation",
                    "service",
                    "referring_user",
                    "accepted_by",
                    *FIGURE_COLUMNS,
                    "need_set",
                ],
                name="referral_figures",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referring_user", "submission_key"], name="referral_submitted_once"
            )
        ]
        permissions = [
            ("see_referrals", _("Can see referrals")),
            ("administer_referrals", _("Can see every referral (referral administrator)")),
            ("view_network_figures", _("Can see the whole network's referral figures")),
        ]

    def __str__(self):
        # A number, never the client: this text goes to the audit log.
        return f"R-{self.pk}"

    def save(self, *args, update_fields=None, **kwargs):
        self.fill_figure_columns()
        if update_fields is not None and set(update_fields) & set(FIGURE_SOURCES):
            update_fields = {*update_fields, *FIGURE_COLUMNS}
        super().save(*args, update_fields=update_fields, **kwargs)

    def fill_figure_columns(self) -> None:
        """Set the figures' columns from the times (bulk_create calls no save())."""
        for name, value in figure_columns(self.sent_at, self.accepted_at, self.intake_at).items():
            setattr(self, name, value)

    def shares(self, item: str) -> bool:
        return item in (self.consent_shares or [])


EVENT_LABELS = {
    "created": _("Referral created"),
    "send": _("Referral sent"),
    "accept": _("Accepted"),
    "decline": _("Declined"),
    "plan_intake": _("Intake planned"),
    "complete": _("Intake done"),
    "no_show": _("Client did not come"),
    "withdraw": _("Withdrawn"),
    "redirect": _("Redirected to another service"),
    "intake_confirmed": _("Intake confirmed with the client"),
    "message": _("Message"),
    "reminded": _("Reminder sent to the receiving organisation"),
    "escalated": _("No answer: the network's curators were told"),
    "listing_merged": _("Moved to the listing that stays after a merge of duplicates"),
    "withdraw_consent": _("The client withdrew their consent"),
    "renew_consent": _("The client's consent was renewed"),
    "consent_expired": _("The client's consent expired"),
    "client_erased": _("Client data erased"),
}


class ReferralEvent(models.Model):
    """One step on a referral's timeline: who, when, what. No client details in `detail`."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_time")]

    def __str__(self):
        return f"{self.referral} {self.action}"

    @property
    def label(self):
        return EVENT_LABELS.get(self.action, self.action)


class ReferralMessage(models.Model):
    """A short message between the two workers on a referral (not an e-mail thread)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=MESSAGE_MAX)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="referral_message_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.referral} message {self.pk}"


class ClientPlan(models.Model):
    """The client's own plan: services, where, when, what to bring, and the appointment, in
    the client's language, behind a link the client opens without an account
    (referrals.plans holds the rules).

    Only the SHA-256 of the link's token is kept. The plan stores no client data of its own:
    what it shows of the client (the first name, the appointment) is read from the referral
    at each opening, only when the coach ticked it and while the referral's consent holds.
    """

    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="client_plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    services = models.ManyToManyField(
        "directory.ServicePage", through="PlanService", related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    shows_first_name = models.BooleanField(default=False)
    shows_appointment = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("open until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("client plan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_key"], name="client_plan_made_once"
            )
        ]

    def __str__(self):
        # A number, never the client: this text goes to the audit log.
        return f"P-{self.pk}"


class PlanService(models.Model):
    """One service of a plan (its original page), in the coach's order."""

    plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey("directory.ServicePage", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "service"], name="plan_service_once")
        ]

    def __str__(self):
        return f"{self.plan} {self.service_id}"
