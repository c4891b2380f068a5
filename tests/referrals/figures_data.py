"""A fixed data set for the managers' figures, every number of which is worked out by hand in
the tests (tests/referrals/test_figures.py).

Set A: 28 referrals from Caritas (the coach) to the CGG's trauma care, sent in January (10),
February (9) and March 2026 (9):

| id  | month | outcome                   | accepted after (days) | intake after (days) |
|-----|-------|---------------------------|----:|----:|
| c1–c5  | Jan | completed                | 1,1,2,2,3 | 5,6,7,7,8 |
| c6–c9  | Feb | completed                | 3,4,5,6 | 9,10,10,12 |
| c10    | Mar | completed                | 7 | 14 |
| n1, n2 | Mar | no-show                  | 8, 10 | 15, 20 |
| i1     | Mar | intake planned (open)    | 5 | 30 |
| a1     | Mar | accepted (open)          | 4 | |
| a2     | Feb | accepted (open)          | 3 | |
| w1     | Jan | withdrawn after accepted | 1 | |
| w2, w3 | Feb | withdrawn after accepted | 2, 2 | |
| w4     | Jan | withdrawn before an answer | | |
| r1     | Feb | redirected before an answer | | |
| d1, d2 | Jan | declined: full            | | |
| d6     | Jan | declined: not eligible    | | |
| d3     | Feb | declined: full            | | |
| d4, d5 | Mar | declined: full            | | |
| s1, s2 | Mar | sent, no answer (open)    | | |

Set B: 6 referrals from Caritas (the other coach) to the CAW, need "housing", sent in
February 2026, all completed (accepted after 1 day, intake after 3).
Set C: 1 referral from Caritas to the CGG sent in December 2025, completed.

Closed referrals closed soon after their last step, all within their month but a2 … (see
`closed_after`), so "open at the end of the month" is easy to count.
"""

import datetime

from django.utils import timezone

from directory.factories import NeedFactory
from referrals.models import ClientRecord, DeclineReason, Referral, State

ZONE = timezone.get_fixed_timezone(60)  # Brussels in winter (CET)

# (id, sent day, state, accepted after, intake after, decline reason)
SET_A = [
    ("c1", "2026-01-05", State.COMPLETED, 1, 5, ""),
    ("c2", "2026-01-06", State.COMPLETED, 1, 6, ""),
    ("c3", "2026-01-07", State.COMPLETED, 2, 7, ""),
    ("c4", "2026-01-08", State.COMPLETED, 2, 7, ""),
    ("c5", "2026-01-09", State.COMPLETED, 3, 8, ""),
    ("c6", "2026-02-02", State.COMPLETED, 3, 9, ""),
    ("c7", "2026-02-03", State.COMPLETED, 4, 10, ""),
    ("c8", "2026-02-04", State.COMPLETED, 5, 10, ""),
    ("c9", "2026-02-05", State.COMPLETED, 6, 12, ""),
    ("c10", "2026-03-02", State.COMPLETED, 7, 14, ""),
    ("n1", "2026-03-03", State.NO_SHOW, 8, 15, ""),
    ("n2", "2026-03-04", State.NO_SHOW, 10, 20, ""),
    ("i1", "2026-03-05", State.INTAKE_PLANNED, 5, 30, ""),
    ("a1", "2026-03-06", State.ACCEPTED, 4, None, ""),
    ("a2", "2026-02-06", State.ACCEPTED, 3, None, ""),
    ("w1", "2026-01-12", State.WITHDRAWN, 1, None, ""),
    ("w2", "2026-02-09", State.WITHDRAWN, 2, None, ""),
    ("w3", "2026-02-10", State.WITHDRAWN, 2, None, ""),
    ("w4", "2026-01-13", State.WITHDRAWN, None, None, ""),
    ("r1", "2026-02-11", State.REDIRECTED, None, None, ""),
    ("d1", "2026-01-14", State.DECLINED, None, None, DeclineReason.FULL),
    ("d2", "2026-01-15", State.DECLINED, None, None, DeclineReason.FULL),
    ("d6", "2026-01-16", State.DECLINED, None, None, DeclineReason.NOT_ELIGIBLE),
    ("d3", "2026-02-12", State.DECLINED, None, None, DeclineReason.FULL),
    ("d4", "2026-03-09", State.DECLINED, None, None, DeclineReason.FULL),
    ("d5", "2026-03-10", State.DECLINED, None, None, DeclineReason.FULL),
    ("s1", "2026-03-11", State.SENT, None, None, ""),
    ("s2", "2026-03-12", State.SENT, None, None, ""),
]
SET_B = [(f"b{n}", f"2026-02-{10 + n:02d}", State.COMPLETED, 1, 3, "") for n in range(1, 7)]
SET_C = [("x1", "2025-12-01", State.COMPLETED, 1, 4, "")]


def _day(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(hour=10, tzinfo=ZONE)


def make_referral(world, row, user, service, receiving, needs, accepted_by):
    name, sent_day, state, accepted_after, intake_after, reason = row
    sent = _day(sent_day)
    day = datetime.timedelta(days=1)
    accepted = sent + accepted_after * day if accepted_after is not None else None
    intake = sent + intake_after * day if intake_after is not None else None
    answered = accepted or (sent + 2 * day if state == State.DECLINED else None)
    closed = None
    if state in (State.COMPLETED, State.NO_SHOW):
        closed = intake + day
    elif state == State.DECLINED:
        closed = sent + 2 * day
    elif state == State.WITHDRAWN:
        closed = sent + 3 * day
    elif state == State.REDIRECTED:
        closed = sent + day
    client = ClientRecord.objects.create(
        organisation=world["caritas"], reference=name.upper(), name="A."
    )
    referral = Referral.objects.create(
        client=client,
        referring_user=user,
        referring_organisation=world["caritas"],
        service=service,
        receiving_organisation=receiving,
        state=state,
        created_at=sent,
        sent_at=sent,
        answered_at=answered,
        accepted_at=accepted,
        accepted_by=accepted_by if accepted else None,
        intake_at=intake,
        intake_place="Office" if intake else "",
        closed_at=closed,
        decline_reason=reason,
        consent_method="verbal",
        consent_organisation=receiving,
    )
    referral.needs.set(needs)
    return referral


def build(world) -> dict:
    users = world["users"]
    housing = NeedFactory(slug="housing", labels={"en": "Housing", "nl": "Wonen"})
    made = {}
    for row in SET_A + SET_C:
        made[row[0]] = make_referral(
            world,
            row,
            users["coach"],
            world["service"],
            world["cgg"],
            [world["need"]],
            users["intake"],
        )
    for row in SET_B:
        made[row[0]] = make_referral(
            world,
            row,
            users["other_coach"],
            world["caw_service"],
            world["caw"],
            [housing],
            users["caw_intake"],
        )
    return {"referrals": made, "housing": housing}


Q1 = {"start": "2026-01-01", "end": "2026-03-31"}
