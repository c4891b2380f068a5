"""`manage.py search_benchmark --sizes 10000 100000`: a synthetic network, timed side by side.

Generates services (realistic words in nl/fr/en/ar, needs from the taxonomy, points spread
over Belgium) as search entries, indexes them into Elasticsearch (when ELASTICSEARCH_URL is
set) and measures p50/p95 of typical queries through the project's search API for: the
Elasticsearch backend, the embedded database backend, and Wagtail's own database search
backend on the same rows (text only: it has no filters, facets or distance). Prints a
Markdown table for docs/benchmarks.md. Its rows are marked and removed afterwards.
"""

import random
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from wagtail.search.backends import get_search_backend

from core.benchmarking import percentiles
from search import analysis
from search.backends.database import DatabaseBackend
from search.models import SearchEntry, WagtailIndexedEntry
from search.query import SearchQuery

WORDS = {
    "nl": "woning huur begeleiding gezin kinderen school taal cursus werk zoeken hulp "
    "psycholoog trauma dokter ziekenfonds inkomen schulden papieren verblijf advocaat "
    "vrijwilliger buddy ontmoeting sport fiets computer voedsel kleding",
    "fr": "logement loyer accompagnement famille enfants école langue cours travail "
    "recherche aide psychologue médecin mutuelle revenu dettes papiers séjour avocat",
    "en": "housing rent guidance family children school language course work job help "
    "therapy doctor insurance income debt papers residence lawyer volunteer",
    "ar": "سكن إيجار مرافقة عائلة أطفال مدرسة لغة دورة عمل مساعدة "
    "طبيب تأمين دخل ديون أوراق إقامة محامي",
}
NEEDS = [
    "housing",
    "mental-health",
    "legal",
    "income",
    "work",
    "language",
    "education",
    "health",
    "family",
    "administration",
    "participation",
    "food",
    "digital",
    "mobility",
]
LANGS = ["nl", "fr", "en", "ar", "prs", "ti", "uk", "ps", "so", "tr"]
GROUPS = ["recognised-refugee", "asylum-seeker", "family-with-children", "newcomer"]
ORG_TYPES = ["ngo", "public_social_service", "mental_health", "volunteer", "education"]
HOURS = [
    {
        "weekday": d,
        "opens": "09:00",
        "closes": "17:00",
        "closes_next_day": False,
        "by_appointment_only": False,
        "valid_from": None,
        "valid_until": None,
    }
    for d in range(5)
]


def synthetic_service(rng: random.Random) -> list[dict]:
    """A service's documents: one location, or two for one service in five."""
    doc = synthetic_document(rng)
    doc["wheelchair_any"] = doc["wheelchair"]
    doc["schedules_any"] = [{"hours": HOURS, "exceptions": [], "holidays_open": False}]
    if rng.random() >= 0.2:
        return [doc]
    second = {
        **doc,
        "location_key": str(uuid.uuid4()),
        "location_rank": 1,
        "wheelchair": rng.random() < 0.5,
        "point": {"lat": rng.uniform(49.5, 51.5), "lon": rng.uniform(2.5, 6.4)},
    }
    doc["wheelchair_any"] = second["wheelchair_any"] = doc["wheelchair"] or second["wheelchair"]
    return [doc, second]


def synthetic_document(rng: random.Random) -> dict:
    key = str(uuid.uuid4())
    language = rng.choice(["nl", "nl", "nl", "fr", "en", "ar"])
    text = " ".join(rng.choices(WORDS[language].split(), k=25))
    needs = rng.sample(NEEDS, k=rng.randint(1, 3))
    name = " ".join(rng.choices(WORDS[language].split(), k=3)).title()
    return {
        "service_key": key,
        "location_key": str(uuid.uuid4()),
        "location_rank": 0,
        "name": name,
        "names": {language: name},
        "organisation": "Bench",
        "languages_available": [language],
        "needs": needs,
        "target_groups": rng.sample(GROUPS, k=2),
        "languages": rng.sample(LANGS, k=3),
        "interpreter": rng.random() < 0.3,
        "free": rng.random() < 0.7,
        "accepting": rng.random() < 0.8,
        "capacity": "accepting",
        "org_type": rng.choice(ORG_TYPES),
        "tags": [],
        "wheelchair": rng.random() < 0.5,
        "point": {"lat": rng.uniform(49.5, 51.5), "lon": rng.uniform(2.5, 6.4)},
        "municipality": "",
        "hours": HOURS,
        "bench": True,
        "suggest": [name],
        "name_terms": " ".join(analysis.index_terms(name, language)),
        "need_terms": " ".join(analysis.index_terms(" ".join(needs), "en")),
        "terms": " ".join(analysis.index_terms(f"{name} {text} {' '.join(needs)}", language)),
    }


QUERIES = {
    "text": SearchQuery(text="woning begeleiding", language="nl"),
    "text+2 filters+distance": SearchQuery(
        text="logement",
        language="fr",
        need=["housing"],
        free=True,
        point=(50.88, 4.70),
        radius_km=50,
        sort="distance",
    ),
    "bbox+facets": SearchQuery(language="en", bbox=(4.3, 50.7, 5.0, 51.0)),
}


class Command(BaseCommand):
    help = "Benchmark the search backends on a synthetic network."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, sizes, repeat, seed, **options):
        rows = ["| services | backend | query | p50 ms | p95 ms |", "|---:|---|---|---:|---:|"]
        throughput = []
        for size in sizes:
            docs = self._load(size, seed)
            backends = {"database (embedded)": DatabaseBackend()}
            if settings.ELASTICSEARCH_URL:
                from search.backends import elasticsearch as es

                with override_settings(BRUG_SEARCH_INDEX="brug-bench"):
                    started = time.perf_counter()
                    es.rebuild(docs)
                    seconds = time.perf_counter() - started
                throughput.append(f"| {size} | {seconds:.1f} s | {size / seconds:.0f} services/s |")
                self.stdout.write(f"reindex {throughput[-1]}")
                backends = {"elasticsearch": es.ElasticsearchBackend(), **backends}
            for label, backend in backends.items():
                for name, query in QUERIES.items():
                    with override_settings(BRUG_SEARCH_INDEX="brug-bench"):
                        backend.search(query)  # warm-up
                        samples = []
                        for _ in range(repeat):
                            started = time.perf_counter()
                            backend.search(query)
                            samples.append((time.perf_counter() - started) * 1000)
                    p50, p95 = percentiles(samples)
                    rows.append(f"| {size} | {label} | {name} | {p50:.1f} | {p95:.1f} |")
                    self.stdout.write(rows[-1])
            wagtail = get_search_backend()
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                list(wagtail.search("woning begeleiding", WagtailIndexedEntry)[:20])
                samples.append((time.perf_counter() - started) * 1000)
            p50, p95 = percentiles(samples)
            rows.append(f"| {size} | wagtail database search | text | {p50:.1f} | {p95:.1f} |")
            self.stdout.write(rows[-1])
            self._clean()
        self.stdout.write("\n".join(rows))
        if throughput:
            self.stdout.write("\n| services | full reindex | throughput |\n|---:|---:|---:|")
            self.stdout.write("\n".join(throughput))

    def _load(self, size: int, seed: int, place=None) -> list[dict]:
        """`place(rng, doc)` may move a document's point (the map benchmark's cities)."""
        self._clean()
        rng = random.Random(seed)
        docs = [doc for _ in range(size) for doc in synthetic_service(rng)]
        if place is not None:
            for doc in docs:
                place(rng, doc)
        entries = (SearchEntry.from_document(d) for d in docs)
        SearchEntry.objects.bulk_create(entries, batch_size=2000)
        # The same rows in Wagtail's own database search index, for the comparison.
        get_search_backend().add_bulk(
            WagtailIndexedEntry, WagtailIndexedEntry.objects.filter(data__bench=True)
        )
        return docs

    def _clean(self):
        from django.contrib.contenttypes.models import ContentType
        from wagtail.search.models import IndexEntry

        # Wagtail files the proxy's rows under the concrete model's content type.
        entry_type = ContentType.objects.get_for_model(WagtailIndexedEntry)
        IndexEntry.objects.filter(content_type=entry_type).delete()
        SearchEntry.objects.filter(data__bench=True).delete()
