"""`manage.py relevance_benchmark`: nDCG@5 per language of the relevance set on each backend
(search.relevance), and the queries that miss the floor. The set's judgements are for the demo
network's first 14 organisations (`load_demo --limit 14`); see docs/benchmarks.md."""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from search import relevance

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


class Command(BaseCommand):
    help = "nDCG@5 per language of the relevance set, per backend."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            action="append",
            choices=sorted(BACKENDS),
            help="A backend to measure (repeatable; default: the database backend, and "
            "Elasticsearch when ELASTICSEARCH_URL is set).",
        )
        parser.add_argument("--queries", default=str(relevance.QUERIES))

    def handle(self, *args, backend=None, queries, **options):
        from django.conf import settings

        names = backend or ["database"] + (["elasticsearch"] if settings.ELASTICSEARCH_URL else [])
        entries = relevance.load(queries)
        tables = {}
        for name in names:
            judged = relevance.judge(import_string(BACKENDS[name])(), entries)
            tables[name] = relevance.ndcg_by_language(judged)
            passed = sum(item.passed for item in judged)
            self.stdout.write(f"{name}: {passed}/{len(judged)} queries pass the floor")
            for item in judged:
                if not item.passed:
                    self.stdout.write(f"  miss: {item.describe()}")
                elif item.ndcg < 1:
                    self.stdout.write(f"  nDCG@5 {item.ndcg:.3f}: {item.describe()}")
        languages = list(next(iter(tables.values())))
        self.stdout.write("")
        self.stdout.write("| language | " + " | ".join(names) + " |")
        self.stdout.write("|---|" + "---:|" * len(names))
        for lang in languages:
            cells = " | ".join(f"{tables[name][lang]:.3f}" for name in names)
            self.stdout.write(f"| {lang} | {cells} |")
