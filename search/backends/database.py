"""The embedded backend: database full text through Wagtail's database search backend
(SQLite FTS5, PostgreSQL full text) over the analysed terms of each search entry, then the
shared filter, facet and sort rules in Python — plenty for a network of a few thousand
services, with no server to run."""

from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, PlainText

from directory.opening_hours import now_in_brussels
from search import analysis
from search.backends.base import (
    Hit,
    SearchBackend,
    SearchResponse,
    distance_km,
    facet_counts,
    matches_filters,
)
from search.models import SearchEntry
from search.query import SearchQuery

MAX_TEXT_MATCHES = 5000


class DatabaseBackend(SearchBackend):
    name = "database"

    def search(self, query: SearchQuery) -> SearchResponse:
        relaxed = False
        if query.has_text:
            scores = self._text_scores(query, every_word=True)
            if not scores:
                scores = self._text_scores(query, every_word=False)
                relaxed = bool(scores)
            entries = SearchEntry.objects.filter(pk__in=scores)
        else:
            scores = {}
            entries = SearchEntry.objects.all()
        moment = now_in_brussels()
        needs = query.needs_with_children()
        best: dict[str, tuple[dict, float | None, float]] = {}
        for entry in entries.only("pk", "data"):
            doc = entry.data
            if not matches_filters(doc, query, needs, moment):
                continue
            distance = distance_km(doc, query)
            if query.radius_km is not None and (distance is None or distance > query.radius_km):
                continue
            key = doc["service_key"]
            current = best.get(key)
            # One result per service: its nearest (or first) matching location.
            if current is None or (distance is not None and (current[1] or 1e9) > distance):
                best[key] = (doc, distance, scores.get(entry.pk, 0.0))
        docs = [value[0] for value in best.values()]
        hits = [
            Hit(
                service_key=key,
                name=doc["names"].get(query.language, doc["name"]),
                score=score,
                distance_km=distance,
                location_key=doc["location_key"],
                point=doc.get("point"),
            )
            for key, (doc, distance, score) in best.items()
        ]
        hits = sort_hits(hits, query)
        start = (query.page - 1) * query.page_size
        return SearchResponse(
            backend=self.name,
            count=len(hits),
            hits=hits[start : start + query.page_size],
            facets=facet_counts(docs, moment),
            relaxed=relaxed,
        )

    def _text_scores(self, query: SearchQuery, every_word: bool) -> dict[int, float]:
        alternatives = analysis.word_alternatives(query.text)
        parts = [Or([PlainText(term) for term in sorted(alts)]) for alts in alternatives]
        search_query = And(parts) if every_word else Or(parts)
        backend = get_search_backend()
        results = backend.search(search_query, SearchEntry.objects.all()).annotate_score("_score")
        return {entry.pk: float(entry._score or 0) for entry in results[:MAX_TEXT_MATCHES]}


def sort_hits(hits: list[Hit], query: SearchQuery) -> list[Hit]:
    if query.sort == "distance":
        return sorted(hits, key=lambda h: (h.distance_km is None, h.distance_km or 0, h.name))
    if query.sort == "name" or not query.has_text:
        return sorted(hits, key=lambda h: h.name.casefold())
    return sorted(hits, key=lambda h: (-h.score, h.name.casefold()))


__all__ = ["DatabaseBackend", "sort_hits"]
