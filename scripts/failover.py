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

Standard library only (threads and urllib): no load-testing dependency for one script.
"""

import argparse
import json
import os
import signal
import statistics
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
    results = []  # (seconds since start, kind, status, ms)
    lock = threading.Lock()
    started = time.monotonic()
    stop = threading.Event()

    def load(offset: int):
        mix = traffic(args.base, pages[offset:] + pages[:offset])
        for _ in range(offset):
            next(mix)
        while not stop.is_set():
            kind, url = next(mix)
            status, ms, backend = fetch(url)
            with lock:
                results.append((time.monotonic() - started, kind, status, ms, backend))

    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    killed_at = restarted_at = None
    last_seen = None
    while (elapsed := time.monotonic() - started) < args.duration:
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
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    cluster.release()

    end_of_during = cluster.healthy_again_at or args.duration
    phases = {
        "before": lambda t: t < (killed_at or args.duration),
        "during": lambda t: killed_at is not None and killed_at <= t < end_of_during,
        "after": lambda t: t >= end_of_during,
    }
    print("\n".join(cluster.log))
    print(f"\n{args.threads} threads, {len(pages)} service pages, {args.duration:.0f} s\n")
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
    print("\nfinal cluster:", json.dumps(cluster.health()))
    time.sleep(2)
    honcho = Path(sys.executable).parent / "honcho"
    counts = subprocess.run(  # noqa: S603 - our own command
        [
            str(honcho),
            "-e",
            args.env,
            "run",
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            COUNT_CODE,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    print("index vs database:", counts.stdout.strip().splitlines()[-1:] or counts.stderr[-500:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
