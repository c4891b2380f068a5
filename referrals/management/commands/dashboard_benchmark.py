"""`manage.py dashboard_benchmark`: the managers' figures on a big network, timed (server time).

Builds (in the configured database; meant for a scratch PostgreSQL, see docs/benchmarks.md)
100 organisations with 1,000 services, 400 coaches, 200 intake workers and 250,000
referrals — each with a client record, one or two needs and four timeline events, so
1,000,000 events — spread over two years and every state. Then requests each figures page
in-process through Django's full stack (session, middleware, templates), as a network
curator and as the manager of the busiest organisation, with every cache emptied before
each request ("cold") and, for comparison, with the figures cache on ("warm"). Prints
p50/p95 per view. Like a web worker (core/heap.py), it exempts what the warm-up loaded from
full garbage collections unless told `--no-settle`.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
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
    Need,
    OrganisationIndexPage,
    OrganisationPage,
    Role,
    ServicePage,
)
from directory.roles import ROLE_GROUPS, curators_group, ensure_roles
from referrals import need_sets
from referrals.models import ClientRecord, DeclineReason, Referral, ReferralEvent, State

PREFIX = "figures-"
STATES = [
    (State.SENT, 4),
    (State.ACCEPTED, 4),
    (State.INTAKE_PLANNED, 5),
    (State.COMPLETED, 50),
    (State.DECLINED, 15),
    (State.NO_SHOW, 8),
    (State.WITHDRAWN, 7),
    (State.REDIRECTED, 7),
]
CLOSED = {State.COMPLETED, State.DECLINED, State.NO_SHOW, State.WITHDRAWN, State.REDIRECTED}
ACCEPTED = {State.ACCEPTED, State.INTAKE_PLANNED, State.COMPLETED, State.NO_SHOW}


class Command(BaseCommand):
    help = "Benchmark the managers' figures with 250,000 referrals and 1,000,000 events."

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=250_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--seed", type=int, default=5)
        parser.add_argument(
            "--reuse", action="store_true", help="measure again on the data of an earlier run"
        )
        parser.add_argument(
            "--no-settle",
            action="store_true",
            help="leave the garbage collector as it is (a web worker settles it: core/heap.py)",
        )

    def handle(self, *args, referrals, repeat, seed, reuse, no_settle, **options):
        self.settle = not no_settle
        if connection.vendor != "postgresql":
            self.stderr.write("Meant for PostgreSQL (DATABASE_URL=postgres://…); running anyway.")
        users = get_user_model()
        if users.objects.filter(username__startswith=PREFIX).exists():
            if not reuse:
                raise CommandError("Benchmark data exists; use a scratch database or --reuse.")
        else:
            started = time.perf_counter()
            self._build(random.Random(seed), referrals)
            self.stdout.write(f"data built in {time.perf_counter() - started:.0f} s")
        self.stdout.write(
            f"referrals: {Referral.objects.count()}, events: {ReferralEvent.objects.count()}"
        )
        curator, manager = self._people()
        rows = ["| view | who | cache | p50 ms | p95 ms |", "|---|---|---|---:|---:|"]
        for label, user, url in self._cases(curator, manager):
            for warm in (False, True):
                samples = self._time(user, url, repeat, warm)
                p50, p95 = percentiles(samples)
                rows.append(
                    f"| {label} | {user.username.removeprefix(PREFIX)} | "
                    f"{'warm' if warm else 'cold'} | {p50:.1f} | {p95:.1f} |"
                )
                self.stdout.write(rows[-1])
        self.stdout.write("\n".join(rows))
        self.stdout.write("The data stays in this scratch database; drop it when done.")

    # Data ------------------------------------------------------------------------------

    @override_settings(WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE=False)
    def _build(self, rng, referral_count):
        ensure_roles()
        index = OrganisationIndexPage.objects.first()
        if index is None:
            raise CommandError("Run `manage.py setup_site` first.")
        needs = list(Need.objects.all()) or [
            Need.objects.create(slug=f"{PREFIX}need-{n}") for n in range(12)
        ]
        organisations, services = [], []
        for number in range(100):
            organisation = index.add_child(
                instance=OrganisationPage(
                    title=f"Figures organisation {number}",
                    slug=f"{PREFIX}org-{number}",
                    short_description="Benchmark.",
                    organisation_type="ngo",
                )
            )
            organisations.append(organisation)
            for n in range(10):
                service = organisation.add_child(
                    instance=ServicePage(
                        title=f"Figures service {number}-{n}",
                        slug=f"{PREFIX}service-{number}-{n}",
                        summary="Benchmark.",
                        accepts_referrals=True,
                        capacity_status="waiting_list" if n % 3 == 0 else "accepting",
                        waiting_weeks=rng.randint(2, 12) if n % 3 == 0 else None,
                    )
                )
                services.append((service, organisation))
            self.stdout.write(f"organisations: {number + 1}", ending="\r")
        users = get_user_model()
        coaches = users.objects.bulk_create(
            users(username=f"{PREFIX}coach-{n}", email=f"c{n}@bench.invalid") for n in range(400)
        )
        intake = users.objects.bulk_create(
            users(username=f"{PREFIX}intake-{n}", email=f"i{n}@bench.invalid") for n in range(200)
        )
        curator = users.objects.create(username=f"{PREFIX}curator", email="cu@bench.invalid")
        curator.groups.add(curators_group())
        manager = users.objects.create(username=f"{PREFIX}manager", email="m@bench.invalid")
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=organisations[n % 40], role=Role.COACH)
                for n, u in enumerate(coaches)
            ]
            + [
                Membership(user=u, organisation=organisations[n % 100], role=Role.INTAKE_WORKER)
                for n, u in enumerate(intake)
            ]
            # The manager of the busiest organisation (organisation 0 sends and receives).
            + [Membership(user=manager, organisation=organisations[0], role=Role.MANAGER)]
        )
        from django.contrib.auth.models import Group

        for role, people in ((Role.COACH, coaches), (Role.INTAKE_WORKER, intake)):
            Group.objects.get(name=ROLE_GROUPS[role]).user_set.add(*people)
        Group.objects.get(name=ROLE_GROUPS[Role.MANAGER]).user_set.add(manager)

        now = timezone.now()
        states = [s for s, _w in STATES]
        weights = [w for _s, w in STATES]
        day = datetime.timedelta(days=1)
        batch = 10_000
        through = Referral.needs.through
        for start in range(0, referral_count, batch):
            size = min(batch, referral_count - start)
            with transaction.atomic():
                coach_numbers = [rng.randrange(len(coaches)) for _ in range(size)]
                records = ClientRecord.objects.bulk_create(
                    ClientRecord(
                        organisation=organisations[n % 40], reference=f"F-{start + i}", name="X."
                    )
                    for i, n in enumerate(coach_numbers)
                )
                made = []
                for record, n in zip(records, coach_numbers, strict=True):
                    service, receiver = rng.choice(services)
                    state = rng.choices(states, weights)[0]
                    sent = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                    accepted = sent + day * rng.uniform(0.1, 8) if state in ACCEPTED else None
                    if state in (State.WITHDRAWN, State.REDIRECTED) and rng.random() < 0.5:
                        accepted = sent + day * rng.uniform(0.1, 8)
                    intake_at = (
                        accepted + day * rng.uniform(2, 40)
                        if accepted
                        and state in (State.INTAKE_PLANNED, *CLOSED)
                        and state not in (State.WITHDRAWN, State.REDIRECTED)
                        else None
                    )
                    answered = accepted or (
                        sent + day * rng.uniform(0.1, 8) if state == State.DECLINED else None
                    )
                    closed = None
                    if state in CLOSED:
                        closed = (intake_at or answered or sent) + day * rng.uniform(0.1, 3)
                    made.append(
                        Referral(
                            client=record,
                            referring_user=coaches[n],
                            referring_organisation=organisations[n % 40],
                            service=service,
                            receiving_organisation_id=receiver.pk,
                            consent_method="verbal",
                            consent_organisation_id=receiver.pk,
                            state=state,
                            created_at=sent,
                            sent_at=sent,
                            answered_at=answered,
                            accepted_at=accepted,
                            accepted_by=intake[receiver.pk % len(intake)] if accepted else None,
                            intake_at=intake_at,
                            closed_at=closed,
                            decline_reason=rng.choice(DeclineReason.values)
                            if state == State.DECLINED
                            else "",
                        )
                    )
                referrals = Referral.objects.bulk_create(made)
                through.objects.bulk_create(
                    through(referral_id=r.pk, need_id=need.pk)
                    for r in referrals
                    for need in rng.sample(needs, rng.choice((1, 1, 2)))
                )
                need_sets.refresh([r.pk for r in referrals])
                ReferralEvent.objects.bulk_create(
                    ReferralEvent(
                        referral=r,
                        actor_id=r.referring_user_id,
                        at=r.sent_at,
                        action=action,
                        to_state=r.state,
                    )
                    for r in referrals
                    for action in ("created", "send", "accept", r.state)
                )
            self.stdout.write(f"referrals: {start + size}", ending="\r")
        self.stdout.write("")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _people(self):
        users = get_user_model()
        curator = users.objects.get(username=f"{PREFIX}curator")
        manager = users.objects.get(username=f"{PREFIX}manager")
        return curator, manager

    def _cases(self, curator, manager):
        need = (
            Referral.needs.through.objects.values("need")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()["need"]
        )
        today = timezone.localdate()
        quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_quarter = (quarter - datetime.timedelta(days=1)).replace(day=1)
        last_quarter = last_quarter.replace(month=3 * ((last_quarter.month - 1) // 3) + 1)
        yield "Outcomes, last 12 months", curator, "/admin/figures/"
        yield (
            "Outcomes, last quarter",
            curator,
            (f"/admin/figures/?start={last_quarter}&end={quarter - datetime.timedelta(days=1)}"),
        )
        yield "Outcomes, by service, per week", curator, "/admin/figures/?by=service&interval=week"
        yield "Outcomes, by coach, one need", curator, f"/admin/figures/?by=coach&need={need}"
        yield (
            "Outcomes, two years, by need",
            curator,
            (
                "/admin/figures/?by=need&start="
                f"{timezone.localdate() - datetime.timedelta(days=729)}"
            ),
        )
        yield "Caseload and waiting times", curator, "/admin/figures/caseload/"
        yield "Gaps", curator, "/admin/figures/gaps/"
        yield "Outcomes export (XLSX)", curator, "/admin/figures/?export=xlsx&by=service"
        yield "Outcomes export (CSV)", curator, "/admin/figures/?export=csv&by=service"
        yield "Outcomes, manager", manager, "/admin/figures/"
        yield "Caseload, manager", manager, "/admin/figures/caseload/"

    def _time(self, user, url, repeat, warm):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        samples = []
        seconds = 300 if warm else 0
        with override_settings(BRUG_FIGURES_CACHE_SECONDS=seconds, DEBUG=False):
            for attempt in range(repeat + 1):
                if not warm:
                    cache.clear()  # the figures and the filter choices computed afresh
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{url}: {response.status_code}")
                if attempt:
                    samples.append(elapsed)
                elif self.settle:  # the first one warms up (connections, templates)
                    heap.settle()
        return samples
