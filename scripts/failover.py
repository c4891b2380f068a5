#!/usr/bin/env python3
"""Failover under load against the `make prod` stack (a benchmark, not a test).

Sends a bounded mix of public traffic over loopback (the search page, the search API, the
map API, service pages) from a few threads for --duration seconds. At --kill-at seconds it
SIGKILLs one Elasticsearch node (its wrapper is held off restarting it by the node's `hold`
file); at --restart-at it lets the wrapper start it again. Then it prints, per phase (before
the kill, while the node is gone or rejoining, after the cluster is green with every node
again): requests, errors, 5xx, p50/p95/p99 in ms — and the documents in the index against
the search entries and live services in the database.

    make prod-demo          # in another terminal, wait until /readyz is ready
    .venv/bin/python scripts/failover.py --duration 240 --kill-at 60 --restart-at 120

`--scenario worker` kills the task worker instead: while the same load runs, an editor
process publishes --edits new revisions of service pages (Wagtail's own publish, which queues
the re-index task in the database as an editor's publish does), each with a unique marker word
in the summary; at --kill-at the `manage.py db_worker` process is SIGKILLed (scripts/prod.sh
is held off restarting it by .cache/prod/worker.hold), edits go on while it is down, and at
--restart-at it may start again. Then every marker must be found through the public search
API, answered by Elasticsearch, and the index must hold as many documents as the database has
search entries:

    .venv/bin/python scripts/failover.py --scenario worker --duration 180 --kill-at 50 \
        --restart-at 100 --edits 20

Standard library only (threads and urllib): no load-testing dependency for one script.
"""

import argparse
import json
import os
import secrets
import signal
import statistics
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["woning", "taal", "logement", "housing", "juridisch", "werk", "gezondheid", "école"]
# Live services (one per translation key, aliases aside), their search entries (one per
# service location), and what the index holds: documents and distinct services.
COUNT_CODE = (
    "import json; from directory.models import ServicePage; from search.models import "
    "SearchEntry; from search.backends import elasticsearch as es; "
    "live = ServicePage.objects.live().filter(alias_of__isnull=True); "
    "agg = es.client().search(index=es.alias_name(), size=0, aggs={'s': {'cardinality': "
    "{'field': 'service_key', 'precision_threshold': 40000}}}); "
    "print(json.dumps({'live_services': live.values('translation_key').distinct().count(), "
    "'search_entries': SearchEntry.objects.count(), 'indexed_documents': es.indexed_count(), "
    "'indexed_services': agg['aggregations']['s']['value']}))"
)


# The editor: one Django process with the stack's settings that reads JSON commands on stdin
# and answers each with one JSON line (a process per edit would cost seconds of start-up).
EDITOR_CODE = r"""
import json, re, sys, time
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from directory.models import ServicePage

def pick(n):
    live = ServicePage.objects.live().filter(
        alias_of__isnull=True, locale__language_code=settings.LANGUAGE_CODE
    ).order_by("pk")
    pages, keys = [], set()
    for page in live:
        if page.translation_key not in keys:
            keys.add(page.translation_key)
            pages.append({"id": page.pk, "lang": page.locale.language_code,
                          "title": page.title})
        if len(pages) == n:
            break
    return pages

def edit(page_id, marker):
    # What the editor's "Publish" does: a new revision, published (signals, on_commit task).
    page = ServicePage.objects.get(pk=page_id)
    base = re.sub(r"( fomark[a-z]+)+$", "", page.summary)
    page.summary = (base[: 200 - len(marker) - 1] + " " + marker).strip()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    page.save_revision(user=user, log_action=True).publish(user=user)
    return {"published": page_id}

def queue():
    rows = DBTaskResult.objects.values("status").annotate(n=Count("id"))
    oldest = DBTaskResult.objects.filter(status="READY").aggregate(t=Min("enqueued_at"))["t"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"statuses": {r["status"]: r["n"] for r in rows}, "oldest_ready_seconds": age}

for line in sys.stdin:
    command = json.loads(line)
    try:
        if command["do"] == "pick":
            answer = pick(command["n"])
        elif command["do"] == "edit":
            answer = edit(command["id"], command["marker"])
        elif command["do"] == "queue":
            answer = queue()
        else:
            answer = None
    except Exception as error:
        answer = {"error": repr(error)}
    print("ANSWER " + json.dumps(answer), flush=True)
"""


def fetch(url: str, timeout: float = 10.0) -> tuple[int, float, str]:
    """The status (0 for no answer), the time taken in ms, and the backend that answered a
    search API request ("elasticsearch", or "database" when the product fell back)."""
    started = time.monotonic()
    backend = ""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            body = response.read()
            status = response.status
        if "/api/v1/services" in url:
            answer = json.loads(body)
            backend = "database" if answer.get("fallback") else answer.get("backend", "")
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError, ValueError):  # no answer, or a broken one
        status = 0
    return status, (time.monotonic() - started) * 1000, backend


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return json.load(response)


def service_pages(base: str) -> list[str]:
    """Service page URLs from the search API (the public pages a visitor opens)."""
    found = []
    for q in QUERIES[:4]:
        answer = get_json(f"{base}/api/v1/services?q={urllib.parse.quote(q)}&limit=20")
        for item in answer.get("results", []):
            url = item.get("url") or ""
            if url:
                found.append(url if url.startswith("http") else base + url)
    return sorted(set(found))


def traffic(base: str, pages: list[str]):
    """An endless mix: search page, API search, map API, a service page."""
    i = 0
    bbox = "4.2,50.7,4.9,51.0"
    while True:
        q = urllib.parse.quote(QUERIES[i % len(QUERIES)])
        yield "search page", f"{base}/nl/search/?q={q}"
        yield "api search", f"{base}/api/v1/services?q={q}"
        yield "map api", f"{base}/api/v1/map?bbox={bbox}&zoom={8 + i % 6}"
        if pages:
            yield "service page", pages[i % len(pages)]
        i += 1


class Cluster:
    """Watches the cluster's health and kills/restarts one node."""

    def __init__(self, es: str, cluster_dir: Path, node: int):
        self.nodes, self.node = [u.strip() for u in es.split(",") if u.strip()], node
        self.run_dir = cluster_dir / f"node-{node}"
        self.healthy_again_at = None
        self.log = []

    def health(self) -> dict:
        """The cluster's health as any node that answers sees it."""
        for url in self.nodes:
            try:
                return get_json(f"{url}/_cluster/health")
            except (urllib.error.URLError, OSError, ValueError):
                continue
        return {"status": "unreachable", "number_of_nodes": 0}

    def primary_node(self) -> int:
        """The node that holds the search index's primary shard (the hardest one to lose)."""
        with urllib.request.urlopen(  # noqa: S310 - loopback
            f"{self.nodes[0]}/_cat/shards/brug-services?h=prirep,node", timeout=10
        ) as response:
            rows = [line.split() for line in response.read().decode().splitlines()]
        return next(int(node.rsplit("-", 1)[1]) for kind, node in rows if kind == "p")

    def kill(self):
        (self.run_dir / "hold").touch()
        pid = int((self.run_dir / "es.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        return pid

    def release(self):
        (self.run_dir / "hold").unlink(missing_ok=True)


class Editor:
    """The editor process (EDITOR_CODE) with the stack's environment."""

    def __init__(self, env: str):
        honcho = Path(sys.executable).parent / "honcho"
        command = [str(honcho), "-e", env, "run", sys.executable, "manage.py", "shell"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [*command, "-c", EDITOR_CODE],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lock = threading.Lock()

    def ask(self, **command):
        with self.lock:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
            while True:  # the stack logs to stdout too
                line = self.process.stdout.readline()
                if not line:
                    raise RuntimeError("the editor process ended")
                if line.startswith("ANSWER "):
                    return json.loads(line[len("ANSWER ") :])

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Worker:
    """The stack's `manage.py db_worker` process, killed and held down by its `hold` file."""

    def __init__(self, prod_dir: Path):
        self.hold = prod_dir / "worker.hold"

    @staticmethod
    def pids() -> list[int]:
        """db_worker processes started from this checkout."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                cwd = (entry / "cwd").resolve()
            except OSError:
                continue
            if b"manage.py" in argv and b"db_worker" in argv and cwd == ROOT:
                found.append(int(entry.name))
        return found

    def kill(self) -> list[int]:
        self.hold.touch()
        pids = self.pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def release(self):
        self.hold.unlink(missing_ok=True)


def markers_found(base: str, pending: dict) -> dict:
    """{marker: backend} of the pending markers ({marker: page}) the search API finds on the
    edited page (its summary carries the marker), and which backend answered."""
    found = {}
    for marker, page in pending.items():
        url = f"{base}/api/v1/services?q={marker}&lang={page['lang']}"
        try:
            answer = get_json(url)
        except (urllib.error.URLError, OSError, ValueError):
            continue
        backend = "database" if answer.get("fallback") else answer.get("backend", "")
        if any(marker in (r.get("summary") or "") for r in answer.get("results", [])):
            found[marker] = backend
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--es",
        default="http://127.0.0.1:9421,http://127.0.0.1:9422,http://127.0.0.1:9423",
        help="the cluster's nodes (the health is asked of any that answers)",
    )
    parser.add_argument(
        "--node", default="primary", help="the node to kill: 1-3, or the primary shard's"
    )
    parser.add_argument("--cluster-dir", default=str(ROOT / ".cache/prod/elasticsearch"))
    parser.add_argument("--duration", type=float, default=240)
    parser.add_argument("--kill-at", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=120)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--scenario", choices=["node", "worker"], default="node", help="what to kill"
    )
    parser.add_argument("--edits", type=int, default=20, help="worker scenario: edits to make")
    parser.add_argument(
        "--settle", type=float, default=120, help="worker scenario: longest wait for the index"
    )
    parser.add_argument(
        "--env",
        default="deploy/loopback.env,.cache/prod/secret.env,.env.prod",
        help="honcho env files of the stack (for the document counts)",
    )
    args = parser.parse_args()

    cluster = Cluster(args.es, Path(args.cluster_dir), 0)
    node = cluster.primary_node() if args.node == "primary" else int(args.node)
    cluster = Cluster(args.es, Path(args.cluster_dir), node)
    before = cluster.health()
    if before.get("status") != "green":
        print(f"The cluster is not green: {before}", file=sys.stderr)
        return 2
    pages = service_pages(args.base)
    load = Load(args.base, pages, args.threads)
    if args.scenario == "worker":
        return worker_scenario(args, load)
    killed_at = restarted_at = None
    last_seen = None
    while (elapsed := load.elapsed()) < args.duration:
        if killed_at is None and elapsed >= args.kill_at:
            pid = cluster.kill()
            killed_at = elapsed
            cluster.log.append(f"{elapsed:6.1f}s SIGKILL node {node} (pid {pid})")
        if killed_at is not None and restarted_at is None and elapsed >= args.restart_at:
            cluster.release()
            restarted_at = elapsed
            cluster.log.append(f"{elapsed:6.1f}s node {node} allowed to start again")
        if killed_at is not None:
            health = cluster.health()
            seen = (health["status"], health["number_of_nodes"])
            if seen != last_seen:
                last_seen = seen
                cluster.log.append(f"{elapsed:6.1f}s cluster {seen[0]}, {seen[1]} nodes")
            back = seen == ("green", before["number_of_nodes"])
            if restarted_at is not None and cluster.healthy_again_at is None and back:
                cluster.healthy_again_at = elapsed
        time.sleep(1)
    load.stop()
    cluster.release()

    end_of_during = cluster.healthy_again_at or args.duration
    phases = {
        "before": lambda t: t < (killed_at or args.duration),
        "during": lambda t: killed_at is not None and killed_at <= t < end_of_during,
        "after": lambda t: t >= end_of_during,
    }
    print("\n".join(cluster.log))
    print(f"\n{args.threads} threads, {len(pages)} service pages, {args.duration:.0f} s\n")
    print_table(load.results, phases)
    print("\nfinal cluster:", json.dumps(cluster.health()))
    time.sleep(2)
    print("index vs database:", index_counts(args.env))
    return 0


class Load:
    """The public traffic, from a few threads, until stopped."""

    def __init__(self, base: str, pages: list[str], threads: int):
        self.results = []  # (seconds since start, kind, status, ms, backend)
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.stopping = threading.Event()
        self.base, self.pages = base, pages
        self.threads = [
            threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)
        ]
        for thread in self.threads:
            thread.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def run(self, offset: int):
        mix = traffic(self.base, self.pages[offset:] + self.pages[:offset])
        for _ in range(offset):
            next(mix)
        while not self.stopping.is_set():
            kind, url = next(mix)
            status, ms, backend = fetch(url)
            with self.lock:
                self.results.append((self.elapsed(), kind, status, ms, backend))

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=15)


def worker_scenario(args, load: Load) -> int:
    """Edits before, while and after the task worker is gone; every one must reach the index."""
    worker, editor = Worker(ROOT / ".cache/prod"), Editor(args.env)
    log = []

    def note(text: str):
        log.append(f"{load.elapsed():6.1f}s {text}")
        print(log[-1], file=sys.stderr, flush=True)

    if not worker.pids():
        print("No `manage.py db_worker` of this checkout is running.", file=sys.stderr)
        return 2
    pages = editor.ask(do="pick", n=args.edits)
    if "error" in pages or len(pages) < args.edits:
        print(f"Could not pick {args.edits} service pages: {pages}", file=sys.stderr)
        return 2
    run = "".join(secrets.choice(string.ascii_lowercase) for _ in range(4))
    # Letters only (a digit would be a token of its own); the same prefix for every run, so the
    # next run's edit replaces this run's marker instead of piling them up.
    letters = string.ascii_lowercase
    markers = {f"fomark{run}{letters[i // 26]}{letters[i % 26]}": p for i, p in enumerate(pages)}
    # Edits spread from 10 s until 30 s after the worker may start again; the one just before
    # the kill is the edit "in flight" (queued, maybe claimed, when the worker dies).
    first, last = 10.0, min(args.restart_at + 30, args.duration - 20)
    step = (last - first) / max(args.edits - 1, 1)
    plan = sorted([first + i * step for i in range(args.edits)])
    plan = [t if abs(t - args.kill_at) > step / 2 else args.kill_at - 0.5 for t in plan]
    edited_at, found_at, backends = {}, {}, {}
    killed_at = restarted_at = worker_back_at = None
    killed_pids: list[int] = []
    queue_at_kill = queue_at_restart = None
    pending = dict(markers)
    found_lock = threading.Lock()
    polling = threading.Event()

    def poll():  # markers that reached the index (not counted in the load's figures)
        while not polling.is_set():
            with found_lock:
                waiting = {m: p for m, p in pending.items() if m in edited_at}
            for marker, backend in markers_found(args.base, waiting).items():
                with found_lock:
                    found_at[marker], backends[marker] = load.elapsed(), backend
                    pending.pop(marker, None)
            time.sleep(1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    queue = iter(markers.items())
    while (elapsed := load.elapsed()) < args.duration or worker_back_at is None:
        if plan and elapsed >= plan[0]:
            plan.pop(0)
            marker, page = next(queue)
            answer = editor.ask(do="edit", id=page["id"], marker=marker)
            if "error" in answer:
                note(f"edit of page {page['id']} failed: {answer['error']}")
            else:
                with found_lock:
                    edited_at[marker] = load.elapsed()
        if killed_at is None and elapsed >= args.kill_at:
            queue_at_kill = editor.ask(do="queue")
            killed_pids = worker.kill()
            killed_at = load.elapsed()
            note(f"SIGKILL db_worker {killed_pids}; queue {queue_at_kill}")
        if killed_at is not None and restarted_at is None and elapsed >= args.restart_at:
            queue_at_restart = editor.ask(do="queue")
            worker.release()
            restarted_at = load.elapsed()
            note(f"worker allowed to start again; queue {queue_at_restart}")
        back = restarted_at is not None and worker_back_at is None
        if back and [p for p in worker.pids() if p not in killed_pids]:
            worker_back_at = load.elapsed()
            note(f"db_worker running again ({worker.pids()})")
        if elapsed > args.duration + 120:
            break
        time.sleep(0.2)
    # Then wait (the load still running) until every edit is searchable, for up to --settle s.
    deadline = load.elapsed() + args.settle
    while load.elapsed() < deadline:
        with found_lock:
            if not pending:
                break
        time.sleep(1)
    load.stop()
    polling.set()
    poller.join(timeout=30)
    worker.release()
    queue_after = editor.ask(do="queue")
    editor.close()

    all_found = max(found_at.values()) if len(found_at) == len(markers) else None
    # The backlog: the edits made before the worker was back (queued or in flight when it died,
    # or made while it was down); "caught up" once the last of them is searchable.
    backlog = [m for m, t in edited_at.items() if t < (worker_back_at or float("inf"))]
    caught_up = max(found_at[m] for m in backlog) if all(m in found_at for m in backlog) else None
    phases = {
        "before": lambda t: t < killed_at,
        "worker down": lambda t: killed_at <= t < (worker_back_at or float("inf")),
        "catching up": lambda t: (worker_back_at or float("inf")) <= t < (caught_up or 0),
        "after": lambda t: t >= max(caught_up or load.elapsed(), worker_back_at or 0),
    }
    print("\n".join(log))
    print(f"\n{args.threads} threads, {len(load.pages)} service pages, {args.edits} edits\n")
    print_table(load.results, phases)
    late = {m: found_at[m] - edited_at[m] for m in found_at}
    during = [m for m, t in edited_at.items() if killed_at <= t < (worker_back_at or 1e9)]
    print(f"\nedits made: {len(edited_at)} ({len(during)} while the worker was down)")
    print(f"edits found through the search API: {len(found_at)} of {len(markers)}")
    print("answered by:", {b: list(backends.values()).count(b) for b in set(backends.values())})
    if pending:
        print("NOT FOUND:", ", ".join(f"{m} (page {p['id']})" for m, p in pending.items()))
    if caught_up is not None and worker_back_at is not None:
        print(
            f"worker restart -> the last edit made before it was back searchable: "
            f"{caught_up - worker_back_at:.1f} s"
        )
    if all_found is not None and worker_back_at is not None:
        print(
            f"worker restart -> the last edit of all searchable: {all_found - worker_back_at:.1f} s"
        )
    print(
        "edit at s -> searchable after s: "
        + ", ".join(
            f"{edited_at[m]:.1f} {late[m]:.1f}" for m in sorted(late, key=lambda m: edited_at[m])
        )
    )
    print("queue after:", queue_after)
    time.sleep(2)
    print("index vs database:", index_counts(args.env))
    return 0 if not pending else 1


def print_table(results: list, phases: dict):
    print("| phase | requests | errors | 5xx | p50 ms | p95 ms | p99 ms | API answered by |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, inside in phases.items():
        rows = [r for r in results if inside(r[0])]
        times = [r[3] for r in rows]
        errors = sum(1 for r in rows if not 200 <= r[2] < 400)
        server = sum(1 for r in rows if r[2] >= 500)
        backends = {}
        for r in rows:
            if r[4]:
                backends[r[4]] = backends.get(r[4], 0) + 1
        answered = ", ".join(f"{b} {n}" for b, n in sorted(backends.items())) or "-"
        print(
            f"| {name} | {len(rows)} | {errors} | {server} | {percentile(times, 0.50):.0f} | "
            f"{percentile(times, 0.95):.0f} | {percentile(times, 0.99):.0f} | {answered} |"
        )
    statuses = {}
    for r in results:
        statuses[(r[1], r[2])] = statuses.get((r[1], r[2]), 0) + 1
    print(
        "\nstatus per kind:", ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items()))
    )


def index_counts(env: str) -> str:
    honcho = Path(sys.executable).parent / "honcho"
    counts = subprocess.run(  # noqa: S603 - our own command
        [str(honcho), "-e", env, "run", sys.executable, "manage.py", "shell", "-c", COUNT_CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return "".join(counts.stdout.strip().splitlines()[-1:]) or counts.stderr[-500:]


if __name__ == "__main__":
    sys.exit(main())
