"""`manage.py load_benchmark`: the public pages under load over HTTP, beside the raw
Elasticsearch `_search` of the same query (scripts/load-benchmark.sh prepares the stack and
runs it; docs/benchmarks.md holds the results).

Run with the production settings of the stack under test. It fills the scratch database when
asked (`--services N`: the demo directory and N synthetic services' search entries, indexed),
starts gunicorn on loopback, measures each target with ApacheBench (`ab`, bounded by time) at
each concurrency, and prints req/s, p50/p95/p99 and errors per run, the ratio of the HTTP
median to the raw median, and the compressed size of each page's first view."""

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from directory.models import ServicePage
from search.backends import elasticsearch as es
from search.query import parse
from search.synthetic import synthetic_entries

# The measurement: a text that matches about a fifth of the synthetic network.
WORDS = "woning begeleiding"
# ab reports these in "Percentage of the requests served within a certain time".
PERCENT_ROW = re.compile(r"^\s*(50|95|99)%\s+(\d+)", re.MULTILINE)


@dataclass
class Run:
    target: str
    concurrency: int
    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    errors: int


def parse_ab(output: str) -> tuple[int, float, dict[int, float], int]:
    """(complete requests, req/s, {50: ms, 95: ms, 99: ms}, errors) from ab's report.

    Errors are refused connections, broken receives, exceptions and non-2xx answers; ab's
    "Length" failures are not: a page with a nonce or a CSRF token differs in length from
    the first answer every time."""

    def number(pattern: str) -> str:
        found = re.search(pattern, output, re.MULTILINE)
        return found.group(1) if found else "0"

    percents = {int(p): float(ms) for p, ms in PERCENT_ROW.findall(output)}
    errors = sum(
        int(number(rf"^\s*\(.*\b{kind}: (\d+)")) for kind in ("Connect", "Receive", "Exceptions")
    ) + int(number(r"^Non-2xx responses:\s+(\d+)"))
    return (
        int(number(r"^Complete requests:\s+(\d+)")),
        float(number(r"^Requests per second:\s+([\d.]+)")),
        percents,
        errors,
    )


class Command(BaseCommand):
    help = "Measure the search page, the services and map APIs and a service page under load."

    def add_arguments(self, parser):
        parser.add_argument(
            "--services", type=int, default=0, help="fill to this many synthetic services first"
        )
        parser.add_argument("--seconds", type=int, default=30, help="per run (ab -t)")
        parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
        parser.add_argument("--port", type=int, default=8191)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument(
            "--without-shared-copies",
            action="store_true",
            help="every request runs its view (BRUG_PUBLIC_CACHE_SECONDS=0): the cost of a miss",
        )
        parser.add_argument(
            "--without-kept-cards",
            action="store_true",
            help="every result card is built (BRUG_CARD_CACHE_SECONDS=0): a miss of new services",
        )

    def handle(self, *args, services, seconds, concurrency, port, workers, **options):
        self.verbose = options["verbosity"] > 1
        self.shared_copies = not options["without_shared_copies"]
        self.kept_cards = not options["without_kept_cards"]
        if not shutil.which("ab"):
            raise CommandError("ApacheBench (`ab`, Debian's apache2-utils) is needed.")
        if not settings.ELASTICSEARCH_URL:
            raise CommandError("Set ELASTICSEARCH_URL: the runs compare with the raw node.")
        if services:
            # Filling adds synthetic services to the index: never on a real stack by mistake.
            if os.environ.get("BRUG_BENCHMARK_SCRATCH") != "1":
                raise CommandError(
                    "--services fills the database and the index with synthetic services: "
                    "only on a scratch stack (scripts/load-benchmark.sh sets "
                    "BRUG_BENCHMARK_SCRATCH=1)."
                )
            self._fill(services)
        base = f"http://127.0.0.1:{port}"
        targets = self._targets(base)
        server = self._start_gunicorn(port, workers)
        try:
            self._wait_ready(base)
            sizes = {name: self._first_view_bytes(url) for name, url in targets.items()}
            runs = [
                self._measure(name, url, level, seconds)
                for name, url in [*targets.items(), ("raw _search", self._raw_target())]
                for level in concurrency
            ]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        self._report(runs, sizes, services or synthetic_entries().count())

    def _fill(self, services: int) -> None:
        """The demo directory and `services` synthetic services, indexed (kept when the
        scratch database already holds that many)."""
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("setup_site")
        call_command("load_demo", if_empty=True)
        have = synthetic_entries().values("data__service_key").distinct().count()
        if have != services:
            call_command("load_synthetic_entries", remove=True)
            call_command("load_synthetic_entries", services)
        call_command("search_index", "rebuild")

    def _targets(self, base: str) -> dict[str, str]:
        service = ServicePage.objects.live().filter(locale__language_code="nl").first()
        if service is None:
            raise CommandError("No live service page: load the demo data (--services N).")
        words = urlencode({"q": WORDS})
        return {
            "search page": f"{base}/nl/search/?{words}",
            "services API": f"{base}/api/v1/services?{words}",
            "map API": f"{base}/api/v1/map?{words}&zoom=8&bbox=2.5,49.5,6.4,51.5",
            "service page": base + service.get_url(),
        }

    def _raw_target(self) -> tuple[str, dict]:
        """The node's `_search` URL and the list's body for the services API's query."""
        query, errors = parse({"q": WORDS}, "nl")
        if errors:
            raise CommandError(f"The benchmark's query is refused: {errors}")
        backend = es.ElasticsearchBackend()
        body = backend._body(query, backend._filters(query), every_word=True)
        body["from"] = body.pop("from_")
        node = settings.ELASTICSEARCH_URL.split(",")[0].rstrip("/")
        return f"{node}/{es.alias_name()}/_search", body

    def _start_gunicorn(self, port: int, workers: int) -> subprocess.Popen:
        command = [
            *(sys.executable, "-m", "gunicorn", "website.wsgi"),
            *("--config", "python:website.gunicorn_conf"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
            *("--access-logfile", "-" if self.verbose else "/dev/null"),
        ]
        env = os.environ.copy()
        if not self.shared_copies:
            env["BRUG_PUBLIC_CACHE_SECONDS"] = "0"
        if not self.kept_cards:
            env["BRUG_CARD_CACHE_SECONDS"] = "0"
        return subprocess.Popen(command, env=env)  # noqa: S603

    def _wait_ready(self, base: str) -> None:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise CommandError("gunicorn did not answer /readyz within a minute.")

    def _first_view_bytes(self, url: str) -> int:
        """What a first view transfers compressed: the HTML (with its embedded JSON)."""
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            body = answer.read()
            compressed = answer.headers.get("Content-Encoding") == "gzip"
        return len(body) if compressed else len(gzip.compress(body))

    def _measure(self, name: str, target, level: int, seconds: int) -> Run:
        command = ["ab", "-q", "-t", str(seconds), "-n", "10000000", "-c", str(level)]
        command += ["-H", "Accept-Encoding: gzip"]
        with tempfile.NamedTemporaryFile("w", suffix=".json") as body_file:
            if isinstance(target, tuple):  # the raw node: POST the body
                url, body = target
                json.dump(body, body_file)
                body_file.flush()
                command += ["-p", body_file.name, "-T", "application/json"]
            else:
                url = target
            output = subprocess.run(  # noqa: S603
                [*command, url], capture_output=True, text=True, check=False
            ).stdout
        done, per_second, percents, errors = parse_ab(output)
        if not done:
            raise CommandError(f"ab measured nothing for {name}:\n{output}")
        run = Run(name, level, done, per_second, percents[50], percents[95], percents[99], errors)
        self.stdout.write(
            f"{name} c={level}: {per_second:.1f} req/s, p50 {run.p50:.0f} ms, "
            f"p95 {run.p95:.0f} ms, errors {errors}"
        )
        return run

    def _report(self, runs: list[Run], sizes: dict[str, int], services: int) -> None:
        raw = {r.concurrency: r for r in runs if r.target == "raw _search"}
        lines = [
            f"{services} services, load average {os.getloadavg()[0]:.1f} at the end, shared "
            + ("copies on (repeat views of one address)" if self.shared_copies else "copies off")
            + (", kept result cards" if self.kept_cards else ", every card built"),
            "",
            "| target | c | req/s | p50 ms | p95 ms | p99 ms | errors | p50 / raw p50 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for run in runs:
            base = raw.get(run.concurrency)
            ratio = f"{run.p50 / base.p50:.1f}×" if base and base.p50 and run is not base else ""
            lines.append(
                f"| {run.target} | {run.concurrency} | {run.per_second:.1f} | {run.p50:.0f} | "
                f"{run.p95:.0f} | {run.p99:.0f} | {run.errors} | {ratio} |"
            )
        lines += ["", "| page | first view, compressed |", "|---|---:|"]
        lines += [f"| {name} | {size / 1024:.1f} KB |" for name, size in sizes.items()]
        self.stdout.write("\n".join(lines))
