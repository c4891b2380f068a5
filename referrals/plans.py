"""The client's plan: what a coach hands over — the chosen services with where to go (or the
front door of a confidential place), opening hours, what to bring, how to get there, and the
appointment when one is planned — in the client's language, on paper or behind a link the
client opens on a phone without an account.

- The link's token is random (`secrets.token_urlsafe`) and only its SHA-256 is stored, so it is
  shown once, when it is made; a coach who lost it makes a new one (the old one stops working).
- A link works until its expiry and stops at once when the coach revokes it; an unknown,
  expired or revoked token all answer the same "not found". Wrong tokens are counted per
  client address (directory.ratelimit): past the limit every plan lookup from that address is
  refused for the hour, whatever the token.
- The plan shows nothing of the client but what the coach ticked — the first name, the
  appointment — read from the referral at each opening and only while the referral's consent
  holds (referrals.consent: not expired, not withdrawn, the referral not withdrawn, the client
  not erased). No reference, phone, note or language of the client, ever.
- A confidential location shows only its municipality and its front door
  (directory.confidentiality), whoever looks.
- Who manages a plan: the coach who made it and the coordinators of their organisation, as
  for referrals (referrals.access); anyone else is refused as if it did not exist.

Making, renewing and revoking are in Wagtail's audit log (`brug.plan.*`, on the plan "P-n",
with the referral's number and no client data).
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from directory import ratelimit, submissions
from directory.confidentiality import can_see_address
from directory.models import Role, ServicePage
from referrals import access, consent
from referrals.models import ClientPlan, PlanService, Referral, State

MAX_SERVICES = 4  # what fits on one A4 page
VALID_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64  # longer is never a token of ours: refused before any lookup


class PlanError(Exception):
    """A plan that cannot be made or changed that way, with a message for the coach."""


def miss_limit() -> int:
    return getattr(settings, "BRUG_PLAN_MISSES_PER_HOUR", 20)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


# Who ------------------------------------------------------------------------------------


def may_make(user) -> bool:
    return access.can_refer(user)


def manageable(user):
    """The plans this person may open in the admin, print, renew and revoke."""
    if not (user.is_authenticated and user.is_active):
        return ClientPlan.objects.none()
    own = access.sending_organisations(user)
    coordinated = access.organisations_with_roles(user, Role.COORDINATOR)
    return ClientPlan.objects.filter(
        Q(organisation__in=own, created_by=user) | Q(organisation__in=coordinated)
    )


def may_plan_from(user, referral: Referral) -> bool:
    """Plans are made on the referring side: the referral's coach or a coordinator there."""
    return access.acts_for_sender(user, referral) and referral.state != State.DRAFT


def plannable_services():
    """Live services, once each (their original page)."""
    return ServicePage.objects.live().originals().order_by("title")


# Making and changing ----------------------------------------------------------------------


def create(
    user,
    organisation,
    services,
    language: str,
    days: int = DEFAULT_DAYS,
    *,
    referral: Referral | None = None,
    shows_first_name: bool = False,
    shows_appointment: bool = False,
    key=None,
) -> ClientPlan:
    """A new plan with its link. `plan.token` is the link's token (shown once); on a replay of
    the same form (`key`) the first plan comes back with `replayed` set and no token."""
    if referral is not None:
        if not may_plan_from(user, referral):
            raise PermissionDenied
        organisation = referral.referring_organisation
    if organisation is None or organisation.pk not in access.sending_organisations(user):
        raise PermissionDenied
    services = _checked_services(services, first=referral.service if referral else None)
    if language not in dict(settings.LANGUAGES):
        raise PlanError(_("Choose a language."))
    if days not in VALID_DAYS:
        raise PlanError(_("Choose how long the link works."))
    token, digest = _new_token()
    now = timezone.now()

    def make():
        plan = ClientPlan.objects.create(
            organisation=organisation,
            created_by=user,
            referral=referral,
            language=language,
            shows_first_name=bool(referral and shows_first_name),
            shows_appointment=bool(referral and shows_appointment),
            token_hash=digest,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
            submission_key=key,
        )
        PlanService.objects.bulk_create(
            PlanService(plan=plan, service=service, position=i)
            for i, service in enumerate(services)
        )
        _log(plan, "created", user, services=[s.pk for s in services])
        return plan

    plan, made = submissions.create_once(ClientPlan, key, {"created_by": user}, make)
    plan.replayed = not made
    plan.token = token if made else None
    return plan


def _checked_services(services, first=None) -> list[ServicePage]:
    """The services once each, as originals, `first` (the referral's) at the top."""
    chosen, seen = [], set()
    services = list(services)
    if first is not None and any(s.original().pk == first.pk for s in services):
        services.insert(0, first)
    for service in services:
        service = service.original()
        if service.pk not in seen:
            seen.add(service.pk)
            chosen.append(service)
    if not chosen:
        raise PlanError(_("Choose at least one service."))
    if len(chosen) > MAX_SERVICES:
        raise PlanError(_("At most %(count)s services fit on one page.") % {"count": MAX_SERVICES})
    live = set(plannable_services().filter(pk__in=seen).values_list("pk", flat=True))
    if live != seen:
        raise PlanError(_("A chosen service is no longer listed."))
    return chosen


@transaction.atomic
def revoke(plan: ClientPlan, user) -> None:
    """The link stops working at once (revoking twice changes nothing)."""
    if ClientPlan.objects.filter(pk=plan.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        plan.refresh_from_db()
        _log(plan, "revoked", user)


@transaction.atomic
def new_link(plan: ClientPlan, user) -> str:
    """A new token for a plan that is not revoked; the old link stops working. Returns it."""
    token, digest = _new_token()
    if not ClientPlan.objects.filter(pk=plan.pk, revoked_at__isnull=True).update(token_hash=digest):
        raise PlanError(_("This plan was revoked: make a new plan instead."))
    plan.refresh_from_db()
    _log(plan, "new_link", user)
    return token


def _log(plan: ClientPlan, action: str, user, **data) -> None:
    log(
        instance=plan,
        action=f"brug.plan.{action}",
        user=user,
        data={
            "referral": plan.referral_id,
            "language": plan.language,
            "expires": plan.expires_at.isoformat(),
            "first_name": plan.shows_first_name,
            "appointment": plan.shows_appointment,
            **data,
        },
    )


def state(plan: ClientPlan, now=None) -> str:
    now = now or timezone.now()
    if plan.revoked_at is not None:
        return "revoked"
    return "expired" if plan.expires_at <= now else "active"


# Opening the link -----------------------------------------------------------------------


def refused_address(address: str) -> bool:
    """Too many wrong tokens from this address in the last hour."""
    return ratelimit.exceeded("plan-miss", address, miss_limit())


def find(token: str, address: str) -> ClientPlan | None:
    """The plan this token opens now, or None (unknown, expired and revoked alike). A miss
    counts against the address."""
    plan = None
    if token and len(token) <= TOKEN_MAX_LENGTH:
        plan = (
            ClientPlan.objects.filter(
                token_hash=hash_token(token),
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .select_related("referral__client", "referral__service")
            .first()
        )
    if plan is None:
        ratelimit.allow("plan-miss", address, miss_limit())
    return plan


# What the plan shows ----------------------------------------------------------------------


@dataclass
class Appointment:
    at: datetime.datetime
    service: ServicePage
    place: str
    with_whom: str
    interpreting: str


@dataclass
class Span:
    """Consecutive days with the same hours: one line of the plan (Monday – Friday …)."""

    first: datetime.date
    last: datetime.date
    day: object  # the first day's directory.opening_hours.Day (ranges, kind, note)
    key: tuple = ()


@dataclass
class Place:
    location: object  # a LocationPage in the plan's language
    shows_address: bool
    week: list[Span] = field(default_factory=list)


@dataclass
class ServiceSheet:
    service: ServicePage  # in the plan's language (a translation, an alias or the original)
    organisation: object
    places: list[Place] = field(default_factory=list)


@dataclass
class Sheet:
    plan: ClientPlan
    first_name: str | None
    appointment: Appointment | None
    services: list[ServiceSheet]


def shows_client(plan: ClientPlan, today: datetime.date | None = None) -> bool:
    """Whether the plan may show anything of the client now: it was made from a referral
    whose consent holds, that was not withdrawn, whose client was not erased."""
    referral = plan.referral
    return bool(
        referral is not None
        and referral.client.anonymised_at is None
        and referral.state not in consent.GONE_STATES
        and consent.is_valid(referral, today)
    )


def sheet(plan: ClientPlan, today: datetime.date | None = None) -> Sheet:
    """Everything the plan shows, in the active language (call it inside the plan's)."""
    client = shows_client(plan, today)
    referral = plan.referral
    first_name = referral.client.name if client and plan.shows_first_name else None
    appointment = None
    if (
        client
        and plan.shows_appointment
        and referral.state == State.INTAKE_PLANNED
        and referral.intake_at
    ):
        appointment = Appointment(
            at=referral.intake_at,
            service=referral.service.localized,
            place=referral.intake_place,
            with_whom=referral.intake_with,
            interpreting=(
                referral.get_intake_interpreting_display()
                if referral.intake_interpreting not in ("", "none")
                else ""
            ),
        )
    items = list(plan.items.select_related("service"))
    live = set(
        ServicePage.objects.live()
        .filter(pk__in=[item.service_id for item in items])
        .values_list("pk", flat=True)
    )
    services = [item.service for item in items if item.service_id in live]
    return Sheet(
        plan=plan,
        first_name=first_name,
        appointment=appointment,
        services=[_service_sheet(service) for service in services],
    )


def _service_sheet(service: ServicePage) -> ServiceSheet:
    shown = service.localized
    places = [
        # Nobody signed in: the plan is for the client, so a confidential street never shows.
        Place(
            location=location,
            shows_address=can_see_address(None, location),
            week=compact_week(location.week()),
        )
        for location in shown.shown_locations()
    ]
    return ServiceSheet(service=shown, organisation=shown.organisation, places=places)


def compact_week(days) -> list[Span]:
    """This week's days (directory.opening_hours.week_of), consecutive days with the same
    hours, kind and note in one line: seven table rows would not leave room on one A4 for
    four services."""
    spans: list[Span] = []
    for day in days:
        key = (
            tuple(
                (r.opens, r.closes, r.closes_next_day, r.by_appointment_only) for r in day.ranges
            ),
            day.kind,
            day.note,
        )
        if spans and spans[-1].key == key:
            spans[-1].last = day.date
        else:
            spans.append(Span(first=day.date, last=day.date, day=day, key=key))
    return spans
