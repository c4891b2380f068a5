"""`manage.py referral_benchmark`: the referral screens on a big network, timed (server time).

Builds (in the configured database; meant for a scratch PostgreSQL, see docs/benchmarks.md)
5,000 services in 100 organisations, 400 coaches and 200 intake workers, and 100,000
referrals with their client records and timelines spread over two years and every state.
Then requests, in-process through Django's full stack as the real users: "My referrals" of a
busy coach, the inbox of a busy organisation (default tab, and all), a referral's page in
every state (a draft as its coach, the others as the receiving intake worker), and
the state transitions (accept, plan the intake, decline). Prints p50/p95 per screen. Like a
web worker (core/heap.py), it exempts what the warm-up loaded from full garbage collections
unless told `--no-settle`.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from core import heap
from core.benchmarking import percentiles
from directory.models import (
    Membership,
    OrganisationIndexPage,
    OrganisationPage,
    Role,
    ServicePage,
)
from directory.roles import ROLE_GROUPS, ensure_roles
from referrals.models import ClientRecord, Referral, ReferralEvent, State

PREFIX = "bench-"
STATES = [
    (State.SENT, 8),
    (State.ACCEPTED, 6),
    (State.INTAKE_PLANNED, 8),
    (State.COMPLETED, 45),
    (State.DECLINED, 12),
    (State.NO_SHOW, 6),
    (State.WITHDRAWN, 5),
    (State.REDIRECTED, 5),
    (State.DRAFT, 5),
]
PAGE_STATES = [
    State.DRAFT,
    State.SENT,
    State.ACCEPTED,
    State.INTAKE_PLANNED,
    State.COMPLETED,
    State.DECLINED,
    State.REDIRECTED,
]


class Command(BaseCommand):
    help = "Benchmark the referral screens with 100,000 referrals and 5,000 services."

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=100_000)
        parser.add_argument("--services", type=int, default=5_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument(
            "--reuse", action="store_true", help="measure again on the data of an earlier run"
        )
        parser.add_argument(
            "--no-settle",
            action="store_true",
            help="leave the garbage collector as it is (a web worker settles it: core/heap.py)",
        )

    def handle(self, *args, referrals, services, repeat, seed, reuse, no_settle, **options):
        self.settle = not no_settle
        if connection.vendor != "postgresql":
            self.stderr.write("Meant for PostgreSQL (DATABASE_URL=postgres://…); running anyway.")
        if get_user_model().objects.filter(username__startswith=PREFIX).exists():
            if not reuse:
                raise CommandError("Benchmark data exists; use a scratch database or --reuse.")
        else:
            started = time.perf_counter()
            self._build(random.Random(seed), services, referrals)
            self.stdout.write(f"data built in {time.perf_counter() - started:.0f} s")
        world = self._busiest()
        rows = ["| screen | p50 ms | p95 ms |", "|---|---:|---:|"]
        for label, user, method, url_or_fn in self._cases(world):
            samples = self._time(user, method, url_or_fn, repeat)
            p50, p95 = percentiles(samples)
            rows.append(f"| {label} | {p50:.1f} | {p95:.1f} |")
            self.stdout.write(rows[-1])
        self.stdout.write("\n".join(rows))
        self.stdout.write("The data stays in this scratch database; drop it when done.")

    # Data ------------------------------------------------------------------------------

    @override_settings(WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE=False)
    def _build(self, rng, service_count, referral_count):
        ensure_roles()
        index = OrganisationIndexPage.objects.first()
        if index is None:
            raise CommandError("Run `manage.py setup_site` first.")
        organisations, services = [], []
        per_org = max(service_count // 100, 1)
        for number in range(100):
            organisation = index.add_child(
                instance=OrganisationPage(
                    title=f"Bench organisation {number}",
                    slug=f"{PREFIX}org-{number}",
                    short_description="Benchmark.",
                    organisation_type="ngo",
                )
            )
            organisations.append(organisation)
            for index_in_org in range(per_org):
                service = organisation.add_child(
                    instance=ServicePage(
                        title=f"Bench service {number}-{index_in_org}",
                        slug=f"{PREFIX}service-{number}-{index_in_org}",
                        summary="Benchmark.",
                        accepts_referrals=True,
                    )
                )
                services.append((service, organisation))
        users = get_user_model()
        groups = {role: ensure_group(role) for role in (Role.COACH, Role.INTAKE_WORKER)}
        coaches = users.objects.bulk_create(
            users(username=f"{PREFIX}coach-{n}", email=f"coach{n}@bench.invalid")
            for n in range(400)
        )
        intake = users.objects.bulk_create(
            users(username=f"{PREFIX}intake-{n}", email=f"intake{n}@bench.invalid")
            for n in range(200)
        )
        # Coaches in the first 20 organisations; intake workers, two per organisation.
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=organisations[n % 20], role=Role.COACH)
                for n, u in enumerate(coaches)
            ]
            + [
                Membership(user=u, organisation=organisations[n % 100], role=Role.INTAKE_WORKER)
                for n, u in enumerate(intake)
            ]
        )
        for user in coaches:
            user.groups.add(groups[Role.COACH])
        for user in intake:
            user.groups.add(groups[Role.INTAKE_WORKER])

        now = timezone.now()
        states = [s for s, _w in STATES]
        weights = [w for _s, w in STATES]
        batch = 5000
        for start in range(0, referral_count, batch):
            size = min(batch, referral_count - start)
            with transaction.atomic():
                coach_numbers = [rng.randrange(len(coaches)) for _ in range(size)]
                records = ClientRecord.objects.bulk_create(
                    ClientRecord(
                        organisation=organisations[n % 20],
                        reference=f"B-{start + i}",
                        name="X.",
                    )
                    for i, n in enumerate(coach_numbers)
                )
                made = []
                for record, n in zip(records, coach_numbers, strict=True):
                    service, receiver = rng.choice(services)
                    state = rng.choices(states, weights)[0]
                    created = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                    sent = None if state == State.DRAFT else created + datetime.timedelta(hours=1)
                    made.append(
                        Referral(
                            client=record,
                            referring_user=coaches[n],
                            referring_organisation=organisations[n % 20],
                            service=service,
                            receiving_organisation_id=receiver.pk,
                            urgency="routine",
                            consent_method="verbal",
                            consent_organisation_id=receiver.pk,
                            consent_valid_until=(created + datetime.timedelta(days=90)).date(),
                            state=state,
                            created_at=created,
                            sent_at=sent,
                            answered_at=sent + datetime.timedelta(days=2)
                            if sent and state != State.SENT
                            else None,
                            closed_at=created + datetime.timedelta(days=20)
                            if state
                            in (
                                State.COMPLETED,
                                State.DECLINED,
                                State.NO_SHOW,
                                State.WITHDRAWN,
                                State.REDIRECTED,
                            )
                            else None,
                            intake_at=created + datetime.timedelta(days=10)
                            if state in (State.INTAKE_PLANNED, State.COMPLETED, State.NO_SHOW)
                            else None,
                            intake_place="Office"
                            if state in (State.INTAKE_PLANNED, State.COMPLETED, State.NO_SHOW)
                            else "",
                        )
                    )
                referrals = Referral.objects.bulk_create(made)
                ReferralEvent.objects.bulk_create(
                    ReferralEvent(
                        referral=r,
                        actor_id=r.referring_user_id,
                        at=r.created_at,
                        action=a,
                        to_state=r.state,
                    )
                    for r in referrals
                    for a in (
                        ("created",) if r.state == State.DRAFT else ("created", "send", "accept")
                    )
                )
            self.stdout.write(f"referrals: {start + size}")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")

    def _busiest(self) -> dict:
        """The coach with the most referrals, an intake worker of the busiest organisation."""
        busiest_coach = (
            Referral.objects.values("referring_user")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()["referring_user"]
        )
        busiest_org = (
            Referral.objects.values("receiving_organisation")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()["receiving_organisation"]
        )
        intake_worker = (
            Membership.objects.filter(organisation_id=busiest_org, role=Role.INTAKE_WORKER)
            .first()
            .user
        )
        return {"coach": get_user_model().objects.get(pk=busiest_coach), "intake": intake_worker}

    def _cases(self, world):
        coach, intake = world["coach"], world["intake"]
        inbox_org = Membership.objects.get(user=intake).organisation_id
        sent_to_them = Referral.objects.filter(receiving_organisation_id=inbox_org)
        # One referral page per state, as the side that acts on it then; the newest of each,
        # so its consent is still valid and every action (redirect too) is offered.
        pages = []
        for state in PAGE_STATES:
            if state == State.DRAFT:
                viewer, found = coach, Referral.objects.filter(referring_user=coach)
            else:
                viewer, found = intake, sent_to_them
            some = found.filter(state=state).order_by("-created_at").first()
            if some is not None:
                pages.append((f"Referral page, {state.replace('_', ' ')}", viewer, some.pk))
        yield "My referrals (open), the busiest coach", coach, "get", "/admin/referrals/"
        yield "My referrals (all, page 2)", coach, "get", "/admin/referrals/?show=all&p=2"
        yield "Inbox (new), the busiest organisation", intake, "get", "/admin/referrals/inbox/"
        yield "Inbox (all)", intake, "get", "/admin/referrals/inbox/?show=all"
        for label, viewer, pk in pages:
            yield label, viewer, "get", f"/admin/referrals/{pk}/"
        # Referrals to move, made ready (again) for this run: completed ones set back.
        # Completed or open ones (an earlier run with --reuse moved completed ones already).
        movable = (State.COMPLETED, State.SENT, State.ACCEPTED, State.INTAKE_PLANNED)
        ready = list(
            sent_to_them.filter(state__in=movable)
            .exclude(pk__in=[pk for _label, _viewer, pk in pages])
            .order_by("pk")
            .values_list("pk", flat=True)[:400]
        )
        # With a consent still valid: accepting and planning need it.
        consent_until = timezone.localdate() + datetime.timedelta(days=90)
        Referral.objects.filter(pk__in=ready[:200]).update(
            state=State.SENT, answered_at=None, consent_valid_until=consent_until
        )
        Referral.objects.filter(pk__in=ready[200:]).update(
            state=State.ACCEPTED, consent_valid_until=consent_until
        )
        waiting = list(Referral.objects.filter(pk__in=ready[:200]))
        accepted = list(Referral.objects.filter(pk__in=ready[200:]))

        def accept():
            referral = waiting.pop()
            return f"/admin/referrals/{referral.pk}/accept/", {"version": referral.version}

        def plan():
            referral = accepted.pop()
            when = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
            return f"/admin/referrals/{referral.pk}/plan_intake/", {
                "version": referral.version,
                "when": when,
                "place": "Office",
                "interpreting": "none",
            }

        yield "Transition: accept", intake, "post", accept
        yield "Transition: plan the intake", intake, "post", plan

    def _time(self, user, method, target, repeat):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        samples = []
        for attempt in range(repeat + 1):
            if callable(target):
                url, data = target()
            else:
                url, data = target, None
            started = time.perf_counter()
            response = client.post(url, data) if method == "post" else client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in (200, 302):
                raise CommandError(f"{url}: {response.status_code}")
            if attempt:
                samples.append(elapsed)
            elif self.settle:  # the first one warms up, as a web worker's first requests do
                heap.settle()
        return samples


def ensure_group(role):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=ROLE_GROUPS[role])
