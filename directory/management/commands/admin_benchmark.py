"""`manage.py admin_benchmark`: the editors' admin screens on the demo data, timed.

Run on a database holding the demo network (`setup_site`, `load_demo`; see
docs/benchmarks.md). Signs in an editor of the demo organisation and a curator (made here,
named `bench-…`, once) and requests, in-process through Django's full stack (session, Wagtail
admin, templates): the edit page of the organisation's service with the most needs, as the
editor and as the curator, the editor's dashboard and their organisation in the explorer.
Prints p50/p95 per screen (wall clock and CPU), the size of the answer and its number of
queries. Like a web worker (core/heap.py), it exempts what the warm-up loaded from the
garbage collector's full collections unless told `--no-settle`.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from core import heap
from core.benchmarking import percentiles
from directory.models import OrganisationPage, Role, ServicePage
from directory.roles import add_member, curators_group, ensure_roles

DEMO_ORGANISATION = "ocmw-leuven"


class Command(BaseCommand):
    help = "Benchmark the service edit page and the editor's admin screens on the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--language", default="nl", help="the admin language of both")
        parser.add_argument(
            "--no-settle",
            action="store_true",
            help="leave the garbage collector as it is (a web worker settles it: core/heap.py)",
        )

    def handle(self, *args, repeat, language, no_settle, **options):
        self.settle = not no_settle
        organisation = (
            OrganisationPage.objects.originals().filter(slug=DEMO_ORGANISATION).first()
            or OrganisationPage.objects.originals().order_by("pk").first()
        )
        if organisation is None:
            raise CommandError("No organisations: run `manage.py load_demo` first.")
        service = (
            ServicePage.objects.child_of(organisation)
            .annotate(need_count=Count("needs"))
            .order_by("-need_count", "pk")
            .first()
        )
        if service is None:
            raise CommandError(f"{organisation.title} has no services.")
        ensure_roles()
        editor = self._person("bench-editor", language)
        add_member(editor, organisation, Role.EDITOR)
        curator = self._person("bench-curator", language)
        curator.groups.add(curators_group())
        cases = [
            ("Service edit page, editor", editor, f"/admin/pages/{service.pk}/edit/"),
            ("Service edit page, curator", curator, f"/admin/pages/{service.pk}/edit/"),
            ("Dashboard, editor", editor, "/admin/"),
            ("Explorer at the organisation, editor", editor, f"/admin/pages/{organisation.pk}/"),
        ]
        self.stdout.write(
            f"{organisation.title}: “{service.title}” ({service.need_count} needs), "
            f"{repeat} requests each after a warm-up, admin in {language}, "
            + ("heap settled after the warm-up" if self.settle else "heap not settled")
        )
        # CPU time beside the wall-clock time: on a shared machine the wall clock also counts
        # the time other processes held the cores (SQLite runs in this process, so the CPU
        # time includes the queries).
        rows = [
            "| screen | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | KB | queries |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            for label, user, url in cases:
                p50, p95, cpu50, cpu95, size, queries = self._time(user, url, repeat)
                rows.append(
                    f"| {label} | {p50:.0f} | {p95:.0f} | {cpu50:.0f} | {cpu95:.0f} "
                    f"| {size / 1024:.0f} | {queries} |"
                )
                self.stdout.write(rows[-1])
        self.stdout.write("\n".join(rows))

    def _person(self, username, language):
        from wagtail.users.models import UserProfile

        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@brug.invalid"}
        )
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        return user

    def _time(self, user, url, repeat):
        client = Client()
        client.force_login(user)
        response = client.get(url)  # warm-up: caches, templates, the session
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code} for {user}")
        if self.settle:
            heap.settle()  # as a web worker does once its caches are warm
        queries = []  # counted by a wrapper: each request resets Django's own query log
        with connection.execute_wrapper(
            lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
        ):
            client.get(url)
        samples, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return (*percentiles(samples), *percentiles(cpu), len(response.content), len(queries))
