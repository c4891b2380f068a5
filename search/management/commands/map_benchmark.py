"""`manage.py map_benchmark --sizes 100000`: the map API on a synthetic network, timed.

Loads the same synthetic services as search_benchmark, half of them in ten cities as in a
real network (a normal spread of ~2.5 km around each centre), the rest over Belgium; then
requests /api/v1/map in-process (validation, search, clustering and JSON: the server's
time) at zoom 8 (all of Belgium) and zoom 14 (one city), with and without words, on each
backend, and prints p50/p95 and the size of the GeoJSON answer as a Markdown table.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import override_settings

from core.benchmarking import percentiles
from search.management.commands.search_benchmark import Command as SearchBenchmark

# A phone-sized view (412 x 860 px) at each zoom; zoom 14 over Leuven.
VIEWS = {
    "zoom 8, Belgium": {"bbox": "2.5,49.5,6.4,51.5", "zoom": 8},
    "zoom 14, one city": {"bbox": "4.6800,50.8600,4.7353,50.9000", "zoom": 14},
}
WORDS = {"no words": {}, "words": {"q": "woning begeleiding"}}
# Centres of the cities where half the synthetic services are (lat, lon, weight).
CITIES = [
    (50.8466, 4.3517, 5),  # Brussels
    (51.2211, 4.3997, 4),  # Antwerp
    (51.0543, 3.7174, 3),  # Ghent
    (50.8798, 4.7005, 2),  # Leuven
    (50.6326, 5.5797, 3),  # Liège
    (50.4108, 4.4446, 2),  # Charleroi
    (50.4674, 4.8720, 1),  # Namur
    (51.2093, 3.2247, 1),  # Bruges
    (50.9307, 5.3325, 1),  # Hasselt
    (51.0259, 4.4776, 1),  # Mechelen
]
CITY_SPREAD_DEGREES = 0.03


def in_cities(rng, doc) -> None:
    if rng.random() < 0.5 and doc.get("point"):
        lat, lon, _weight = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        doc["point"] = {
            "lat": rng.gauss(lat, CITY_SPREAD_DEGREES),
            "lon": rng.gauss(lon, CITY_SPREAD_DEGREES * 1.6),
        }


BACKENDS = {
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
    "database (embedded)": "search.backends.database.DatabaseBackend",
}


class Command(BaseCommand):
    help = "Benchmark /api/v1/map on a synthetic network."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", nargs="+", type=int, default=[100_000])
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, sizes, repeat, seed, **options):
        loader = SearchBenchmark()
        client = Client(SERVER_NAME="127.0.0.1")
        rows = [
            "| services | backend | view | words | p50 ms | p95 ms | features | GeoJSON KB |",
            "|---:|---|---|---|---:|---:|---:|---:|",
        ]
        backends = dict(BACKENDS)
        if not settings.ELASTICSEARCH_URL:
            backends.pop("elasticsearch")
        try:
            for size in sizes:
                docs = loader._load(size, seed, place=in_cities)
                if settings.ELASTICSEARCH_URL:
                    from search.backends import elasticsearch as es

                    with override_settings(BRUG_SEARCH_INDEX="brug-bench"):
                        es.rebuild(docs)
                for label, path in backends.items():
                    for view, area in VIEWS.items():
                        for words, text in WORDS.items():
                            row = self._measure(client, path, {**area, **text}, repeat)
                            rows.append(f"| {size} | {label} | {view} | {words} | {row} |")
                            self.stdout.write(rows[-1])
        finally:
            loader._clean()
        self.stdout.write("\n".join(rows))

    def _measure(self, client, backend: str, params: dict, repeat: int) -> str:
        with override_settings(BRUG_SEARCH_BACKEND=backend, BRUG_SEARCH_INDEX="brug-bench"):
            answer = client.get("/api/v1/map", params)  # warm-up
            assert answer.status_code == 200, answer.content
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get("/api/v1/map", params)
                samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(samples)
        features = len(answer.json()["features"])
        size_kb = len(answer.content) / 1024
        return f"{p50:.1f} | {p95:.1f} | {features} | {size_kb:.1f}"
