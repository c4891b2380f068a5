"""A plausible year of referrals between the demo organisations, so the managers' figures
tell a story out of the box (`manage.py load_demo_activity`, which `make run` calls after
`load_demo`).

The story: coaches of the OCMW, Caritas, the integration agency and others refer to every
service that accepts referrals; volume grows through the year; the mental-health centre and
the housing services are often full (declines "full", long waits); language and work
services accept almost everyone; one OCMW coach carries far more open referrals than the
others. Deterministic (a seeded generator, dates counted back from today), idempotent (does
nothing when demo referrals exist) and quick (bulk inserts).

Demo staff have no password (they cannot sign in); the demo accounts of
`ensure_demo_admin` are separate.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directory import pathways
from directory.models import Membership, OrganisationPage, Role, ServicePage
from directory.roles import add_member
from referrals import need_sets
from referrals.models import (
    ClientRecord,
    DeclineReason,
    Referral,
    ReferralEvent,
    State,
    Urgency,
)

REFERENCE_PREFIX = "DEMO-"
DAYS = 365
REFERRALS = 1200

# Referring organisations (by slug) and their coaches (first name, family name).
COACHES = {
    "ocmw-leuven": [("Sara", "Peeters"), ("Youssef", "El Amrani"), ("Lien", "Claes")],
    "caritas-international-leuven": [("Marie", "Dubois"), ("Ahmad", "Rahimi")],
    "agentschap-integratie-inburgering-leuven": [("Tom", "Wouters"), ("Nadia", "Haddad")],
    "vluchtelingenwerk-vlaanderen": [("Eva", "Janssens")],
    "loi-leuven": [("Koen", "Maes")],
    "caw-oost-brabant": [("Ines", "Vermeulen")],
}
# The coach who carries too much (seed 004): sends three times as much, answers slowly.
BUSY_COACH = "sara.peeters"
INTAKE_NAMES = [
    ("Lotte", "Mertens"),
    ("Karim", "Benali"),
    ("Ann", "Willems"),
    ("Pieter", "Goossens"),
    ("Fatima", "Ouali"),
    ("Jan", "Smets"),
    ("Hanne", "Jacobs"),
    ("Omar", "Aziz"),
]
# How often a service declines because it is full, by the main need it serves.
FULL_BY_NEED = {"mental-health": 0.35, "housing": 0.3, "children-family": 0.12}
SLOW_BY_NEED = {"mental-health": 3.0, "housing": 2.0}  # intake waits, times the usual
INITIALS = "ABCDEFGHIJKLMNOPRSTVWYZ"


@dataclass
class DemoActivity:
    referrals: int = 0
    events: int = 0
    skipped: bool = False


def _username(first, last):
    return f"{first}.{last}".lower().replace(" ", "")


def _person(first, last, organisation, role):
    users = get_user_model()
    username = _username(first, last)
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users(
            username=username, first_name=first, last_name=last, email=f"{username}@brug.invalid"
        )
        user.set_unusable_password()
        user.save()
    if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        add_member(user, organisation, role)
    return user


def _main_need(service) -> str:
    need = service.needs.select_related("parent").first()
    if need is None:
        return ""
    return need.parent.slug if need.parent_id else need.slug


@transaction.atomic
def load_referrals(now=None, count=REFERRALS, seed=7) -> DemoActivity:
    if ClientRecord.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return DemoActivity(skipped=True)
    now = now or timezone.now()
    rng = random.Random(seed)
    organisations = {o.slug: o for o in OrganisationPage.objects.originals()}
    coaches = []
    for slug, names in COACHES.items():
        if slug in organisations:
            coaches += [
                (_person(first, last, organisations[slug], Role.COACH), slug)
                for first, last in names
            ]
    services = list(
        ServicePage.objects.live().originals().filter(accepts_referrals=True).order_by("pk")
    )
    if not coaches or not services:
        return DemoActivity(skipped=True)
    receivers = {}
    intake_of = {}
    for service in services:
        organisation = service.get_parent().specific.original()
        receivers[service.pk] = organisation
        if organisation.pk not in intake_of:
            first, last = INTAKE_NAMES[len(intake_of) % len(INTAKE_NAMES)]
            suffix = "" if len(intake_of) < len(INTAKE_NAMES) else f"{len(intake_of)}"
            intake_of[organisation.pk] = _person(
                first, f"{last}{suffix}", organisation, Role.INTAKE_WORKER
            )
    # A coach refers only to the services open to their organisation (directory.pathways).
    reserved = pathways.of_services(services)
    open_to = {}
    for slug in {slug for _coach, slug in coaches}:
        keys = pathways.organisation_keys([organisations[slug]])
        open_to[slug] = [s for s in services if reserved[s.translation_key].open_to(s, keys)]
    needs = {service.pk: list(service.needs.all()[:2]) for service in services}
    main_need = {service.pk: _main_need(service) for service in services}
    weights = [3 if c.username == BUSY_COACH else 1 for c, _slug in coaches]

    plans = []
    for number in range(count):
        # Growing through the year: more referrals in recent months.
        age = DAYS * (1 - rng.random() ** 0.8)
        sent = now - datetime.timedelta(days=age)
        sent = sent.replace(hour=rng.randint(8, 16), minute=rng.randrange(60))
        if sent > now:
            sent = now - datetime.timedelta(hours=1)
        coach, slug = rng.choices(coaches, weights)[0]
        service = rng.choice(open_to[slug])
        plans.append(_plan(rng, number, now, sent, coach, slug, service, main_need[service.pk]))

    records = ClientRecord.objects.bulk_create(
        ClientRecord(
            organisation=organisations[plan["slug"]],
            reference=f"{REFERENCE_PREFIX}{plan['number'] + 1:04d}",
            name=f"{rng.choice(INITIALS)}.{rng.choice(INITIALS)}.",
            created_at=plan["sent"],
        )
        for plan in plans
    )
    referrals = Referral.objects.bulk_create(
        _referral(plan, record, receivers, intake_of)
        for plan, record in zip(plans, records, strict=True)
    )
    through = Referral.needs.through
    through.objects.bulk_create(
        through(referral_id=referral.pk, need_id=need.pk)
        for referral, plan in zip(referrals, plans, strict=True)
        for need in needs[plan["service"].pk]
    )
    need_sets.refresh([referral.pk for referral in referrals])
    events = ReferralEvent.objects.bulk_create(
        event
        for referral, plan in zip(referrals, plans, strict=True)
        for event in _events(referral, plan, intake_of[receivers[plan["service"].pk].pk])
    )
    return DemoActivity(referrals=len(referrals), events=len(events))


def _plan(rng, number, now, sent, coach, slug, service, need) -> dict:
    """What happened to one referral, and when (never after now)."""
    day = datetime.timedelta(days=1)
    slow = SLOW_BY_NEED.get(need, 1.0)
    # The busy coach's last three months: intakes wait, outcomes are not recorded.
    stalls = coach.username == BUSY_COACH and now - sent < 90 * day
    if stalls:
        slow *= 1.5
    plan = {
        "number": number,
        "sent": sent,
        "coach": coach,
        "slug": slug,
        "service": service,
        "state": State.SENT,
        "urgency": rng.choices(Urgency.values, (6, 3, 1))[0],
    }
    answer = sent + day * rng.uniform(0.2, 5.0) * (1.6 if need == "mental-health" else 1)
    if answer > now:
        return plan
    if rng.random() < 0.03:
        return {**plan, "state": State.WITHDRAWN, "closed": answer}
    if rng.random() < 0.04:
        return {**plan, "state": State.REDIRECTED, "closed": answer, "answered": None}
    if rng.random() < FULL_BY_NEED.get(need, 0.05):
        return {
            **plan,
            "state": State.DECLINED,
            "reason": DeclineReason.FULL,
            "answered": answer,
            "closed": answer,
        }
    if rng.random() < 0.07:
        reason = rng.choice([DeclineReason.NOT_ELIGIBLE, DeclineReason.WRONG_SERVICE])
        return {
            **plan,
            "state": State.DECLINED,
            "reason": reason,
            "answered": answer,
            "closed": answer,
        }
    plan.update(state=State.ACCEPTED, answered=answer, accepted=answer)
    planned = answer + day * rng.uniform(0.5, 4.0) * slow
    intake = planned + day * rng.uniform(3, 18) * slow
    if planned > now or (stalls and rng.random() < 0.3):
        return plan  # not planned yet — or still waiting for the busy coach's client
    plan.update(state=State.INTAKE_PLANNED, planned=planned, intake=intake)
    outcome = intake + day * rng.uniform(0, 2)
    if outcome > now or (stalls and rng.random() < 0.25):
        return plan
    roll = rng.random()
    if roll < 0.80:
        state = State.COMPLETED
    elif roll < 0.93:
        state = State.NO_SHOW
    elif roll < 0.97:
        state = State.WITHDRAWN
    else:
        state = State.REDIRECTED
    return {**plan, "state": state, "closed": outcome}


def _referral(plan, record, receivers, intake_of) -> Referral:
    receiving = receivers[plan["service"].pk]
    accepted = plan.get("accepted")
    return Referral(
        client=record,
        referring_user=plan["coach"],
        referring_organisation_id=record.organisation_id,
        service=plan["service"],
        receiving_organisation=receiving,
        urgency=plan["urgency"],
        consent_method="verbal",
        consent_shares=["note", "language"],
        consent_organisation=receiving,
        consent_valid_until=(plan["sent"] + datetime.timedelta(days=120)).date(),
        consent_recorded_at=plan["sent"],
        state=plan["state"],
        created_at=plan["sent"],
        sent_at=plan["sent"],
        answered_at=plan.get("answered"),
        accepted_at=accepted,
        accepted_by=intake_of[receiving.pk] if accepted else None,
        closed_at=plan.get("closed"),
        decline_reason=plan.get("reason", ""),
        intake_at=plan.get("intake"),
        intake_place="Onthaal" if plan.get("intake") else "",
        intake_interpreting="none" if plan.get("intake") else "",
    )


def _events(referral, plan, intake_worker):
    coach = plan["coach"]

    def event(at, action, from_state, to_state, actor, **detail):
        return ReferralEvent(
            referral=referral,
            actor=actor,
            at=at,
            action=action,
            from_state=from_state,
            to_state=to_state,
            detail=detail,
        )

    yield event(plan["sent"], "created", "", State.DRAFT, coach)
    yield event(plan["sent"], "send", State.DRAFT, State.SENT, coach)
    state = State.SENT
    if plan.get("accepted"):
        yield event(plan["accepted"], "accept", state, State.ACCEPTED, intake_worker)
        state = State.ACCEPTED
    if plan.get("planned"):
        yield event(plan["planned"], "plan_intake", state, State.INTAKE_PLANNED, intake_worker)
        state = State.INTAKE_PLANNED
    final = plan["state"]
    if final == state:
        return
    action = {
        State.DECLINED: "decline",
        State.COMPLETED: "complete",
        State.NO_SHOW: "no_show",
        State.WITHDRAWN: "withdraw",
        State.REDIRECTED: "redirect",
    }[final]
    actor = coach if final in (State.WITHDRAWN, State.REDIRECTED) else intake_worker
    detail = {"reason": plan["reason"]} if final == State.DECLINED else {}
    yield event(plan["closed"], action, state, final, actor, **detail)
