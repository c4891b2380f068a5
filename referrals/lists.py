""" "My referrals" (the referring side) and the inbox (the receiving side): which referrals each
tab holds, the counts on the tabs (one query), and what a row shows.

Overdue, for the busy worker: sent and not answered within the agreed working days; accepted
and no intake planned within them; or an intake that took place over a day ago without an
outcome. Rows show no client details but the referring organisation's own case reference (to
the referring side only); the client's data is on the referral's page, where viewing it is
logged.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory.models import Role
from referrals import access, consent
from referrals.models import CLOSED_STATES, OPEN_STATES, SENT_OPEN_STATES, Referral, State, Urgency
from referrals.working_days import working_days_before

SENT, RECEIVED = "sent", "received"

SHOWS = {
    SENT: [
        ("open", _("Open")),
        ("waiting", _("Waiting for the other side")),
        ("overdue", _("Overdue")),
        ("drafts", _("Drafts")),
        ("closed", _("Closed")),
        ("all", _("All")),
    ],
    RECEIVED: [
        ("new", _("New")),
        ("to_plan", _("Accepted, intake to plan")),
        ("planned", _("Intake planned")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
        ("all", _("All")),
    ],
}
URGENCY_ORDER = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def overdue_condition(now: datetime.datetime) -> Q:
    cutoff = working_days_before(now, settings.BRUG_REFERRAL_ANSWER_DAYS)
    return (
        Q(state=State.SENT, sent_at__lt=cutoff)
        | Q(state=State.ACCEPTED, answered_at__lt=cutoff)
        | Q(state=State.INTAKE_PLANNED, intake_at__lt=now - datetime.timedelta(days=1))
    )


def tab_conditions(side: str, now) -> dict[str, Q]:
    conditions = {
        "open": Q(state__in=OPEN_STATES),
        "waiting": Q(state__in=[State.SENT, State.ACCEPTED]),
        "drafts": Q(state=State.DRAFT),
        "new": Q(state=State.SENT),
        "to_plan": Q(state=State.ACCEPTED),
        "planned": Q(state=State.INTAKE_PLANNED),
        "overdue": overdue_condition(now),
        "closed": Q(state__in=CLOSED_STATES),
        "all": Q(),
    }
    return {value: conditions[value] for value, _label in SHOWS[side]}


def base(user, side: str):
    """The referrals of this side of the person's work (not everything they may see)."""
    if side == SENT:
        coordinated = access.organisations_with_roles(user, Role.COORDINATOR)
        condition = Q(referring_user=user) | Q(referring_organisation__in=coordinated)
        return access.visible_referrals(user).filter(condition)
    if access.is_administrator(user) and not access.inbox_organisations(user):
        return access.visible_referrals(user).exclude(state=State.DRAFT)
    return (
        access.visible_referrals(user)
        .filter(receiving_organisation__in=access.inbox_organisations(user))
        .exclude(state=State.DRAFT)
    )


def referrals(user, side: str, show: str, filters: dict, now):
    queryset = base(user, side).filter(tab_conditions(side, now)[show])
    if filters.get("urgency"):
        queryset = queryset.filter(urgency=filters["urgency"])
    text = (filters.get("q") or "").strip()
    if text:
        number = text.upper().removeprefix("R-")
        condition = Q(pk=int(number)) if number.isdecimal() and len(number) <= 18 else Q(pk__in=[])
        if side == SENT:
            condition |= Q(client__reference__iexact=text)
        queryset = queryset.filter(condition)
    order = ["-sent_at", "-created_at"] if show in ("closed", "all") else ["sent_at", "created_at"]
    # Pages' titles come in one light query in rows(): joining the page tables here made
    # PostgreSQL spend ten times longer planning than running the query.
    if side == SENT:
        queryset = queryset.select_related("client")  # for the referring side's own reference
    return queryset.order_by(*order)


def counts(user, side: str, now) -> dict[str, int]:
    aggregates = {
        value: Count("pk", filter=condition)
        for value, condition in tab_conditions(side, now).items()
        if value not in ("all", "closed")
    }
    return base(user, side).aggregate(**aggregates)


@dataclass
class Row:
    referral: Referral
    reference: str  # the referring organisation's case reference (referring side only)
    service: str
    counterpart: str  # the other organisation
    overdue: bool
    next_step: str


def rows(referrals, user, side: str, now) -> list[Row]:
    referrals = list(referrals)
    overdue_ids = set(
        Referral.objects.filter(pk__in=[r.pk for r in referrals])
        .filter(overdue_condition(now))
        .values_list("pk", flat=True)
    )
    page_ids = {r.service_id for r in referrals}
    page_ids |= {r.receiving_organisation_id for r in referrals}
    page_ids |= {r.referring_organisation_id for r in referrals}
    titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    result = []
    for referral in referrals:
        counterpart = (
            referral.receiving_organisation_id
            if side == SENT
            else referral.referring_organisation_id
        )
        result.append(
            Row(
                referral=referral,
                reference=referral.client.reference if side == SENT else "",
                service=titles.get(referral.service_id, ""),
                counterpart=titles.get(counterpart, ""),
                overdue=referral.pk in overdue_ids,
                next_step=str(next_step(referral, side)),
            )
        )
    return result


def next_step(referral: Referral, side: str):
    """What this side does next, in a few words."""
    state = referral.state
    if side == SENT:
        if state in SENT_OPEN_STATES and not consent.is_valid(referral):
            return _("Renew the client's consent, or withdraw")
        return {
            State.DRAFT: _("Record consent and send"),
            State.SENT: _("Wait for an answer"),
            State.ACCEPTED: _("Wait for the intake date"),
            State.INTAKE_PLANNED: _("Confirm the intake with the client"),
            State.DECLINED: _("Refer elsewhere if needed"),
        }.get(state, "")
    if state in (State.SENT, State.ACCEPTED) and not consent.is_valid(referral):
        return _("Wait for the client's renewed consent")
    return {
        State.SENT: _("Accept or decline"),
        State.ACCEPTED: _("Plan the intake"),
        State.INTAKE_PLANNED: _("Record the outcome after the intake"),
    }.get(state, "")
