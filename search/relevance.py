"""Measuring relevance: a set of queries, each with the services that must come up, run
through a backend's public search (the relevance test in tests/search/relevance/ and
`manage.py relevance_benchmark`).

A query is judged on its first five results, named by the services' slugs (stable across
databases, unlike ids). It passes when at least three of them are relevant (all the relevant
ones, when fewer than three exist). A typo passes through "did you mean": when the query
finds nothing, the results of its first suggestion count (one click for the visitor); every
other query must find them itself. nDCG@5 with binary relevance sums 1/log2(rank + 1) over the
relevant results and divides by the best possible sum.
"""

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from search import query as search_query

TOP = 5
ENOUGH = 3
QUERIES = Path(settings.BASE_DIR) / "tests" / "search" / "relevance" / "queries.json"


@dataclass
class Judged:
    q: str
    lang: str
    kind: str  # label, synonym, name or typo
    relevant: set[str]
    top: list[str]  # the first results' slugs
    count: int
    via: str | None = None  # the suggestion followed, for a typo

    @property
    def found(self) -> int:
        return sum(1 for slug in self.top if slug in self.relevant)

    @property
    def passed(self) -> bool:
        return self.found >= min(ENOUGH, len(self.relevant))

    @property
    def ndcg(self) -> float:
        gain = sum(1 / math.log2(i + 2) for i, slug in enumerate(self.top) if slug in self.relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(TOP, len(self.relevant))))
        return gain / ideal

    def describe(self) -> str:
        via = f" (via {self.via!r})" if self.via else ""
        return f"{self.lang} {self.q!r}{via}: {self.found} relevant in {self.top} of {self.count}"


def load(path: Path = QUERIES) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def judge(backend, entries: list[dict]) -> list[Judged]:
    from directory.models import ServicePage

    slugs = {
        str(key): slug
        for key, slug in ServicePage.objects.filter(alias_of__isnull=True)
        .order_by("-pk")  # the original, created first, wins
        .values_list("translation_key", "slug")
    }
    judged = []
    for entry in entries:
        response = _search(backend, entry["q"], entry["lang"])
        via = None
        if entry["kind"] == "typo" and response.count == 0 and response.suggestions:
            via = response.suggestions[0]
            response = _search(backend, via, entry["lang"])
        judged.append(
            Judged(
                entry["q"],
                entry["lang"],
                entry["kind"],
                set(entry["relevant"]),
                [slugs.get(hit.service_key, hit.service_key) for hit in response.hits[:TOP]],
                response.count,
                via,
            )
        )
    return judged


def _search(backend, text: str, language: str):
    query, errors = search_query.parse({"q": text}, language)
    if errors:
        raise ValueError(f"{text!r}: {errors}")
    return backend.search(query)


def ndcg_by_language(judged: list[Judged]) -> dict[str, float]:
    """nDCG@5 per query language (in the order of settings.LANGUAGES), and "all"."""
    per: dict[str, list[float]] = defaultdict(list)
    for item in judged:
        per[item.lang].append(item.ndcg)
    order = [code for code, _name in settings.LANGUAGES]
    table = {lang: sum(per[lang]) / len(per[lang]) for lang in order if per[lang]}
    table["all"] = sum(item.ndcg for item in judged) / len(judged)
    return table
