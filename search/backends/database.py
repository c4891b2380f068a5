"""The embedded backend: the database's own full text (SQLite FTS5, PostgreSQL tsvector; see
search.fulltext) over the analysed terms of each search entry, the point and flag filters in
SQL, then the shared filter, facet and sort rules in Python — plenty for a network of a few
thousand services, with no server to run."""

import math

from directory.opening_hours import now_in_brussels
from search import analysis, fulltext
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
# A service with a version in the visitor's language ranks a little higher.
LANGUAGE_PREFERENCE = 1.2


class DatabaseBackend(SearchBackend):
    name = "database"

    def run(self, query: SearchQuery) -> SearchResponse:
        response = self._run(query, every_word=True)
        if response.count == 0 and query.can_relax:
            relaxed = self._run(query, every_word=False)
            relaxed.relaxed = relaxed.count > 0
            return relaxed
        return response

    def _run(self, query: SearchQuery, every_word: bool) -> SearchResponse:
        if query.has_text:
            scores = self._text_scores(query, every_word)
            entries = SearchEntry.objects.filter(pk__in=scores)
        else:
            scores = {}
            entries = SearchEntry.objects.all()
        entries = prefilter(entries, query)
        moment = now_in_brussels()
        needs = query.needs_with_children()
        best: dict[str, tuple[dict, float | None, float]] = {}
        matching: dict[str, list[dict]] = {}
        for entry in entries.only("pk", "data"):
            doc = entry.data
            if not matches_filters(doc, query, needs, moment):
                continue
            distance = distance_km(doc, query)
            if query.radius_km is not None and (distance is None or distance > query.radius_km):
                continue
            key = doc["service_key"]
            matching.setdefault(key, []).append(doc)
            current = best.get(key)
            # One result per service: its nearest (or first) matching location.
            if current is None or (distance is not None and (current[1] or 1e9) > distance):
                score = scores.get(entry.pk, 0.0)
                if query.language in doc.get("languages_available", ()):
                    score *= LANGUAGE_PREFERENCE
                best[key] = (doc, distance, score)
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
            facets=facet_counts(list(matching.values()), moment),
        )

    def _text_scores(self, query: SearchQuery, every_word: bool) -> dict[int, float]:
        alternatives = analysis.word_alternatives(query.text)
        return fulltext.match(alternatives, every_word, MAX_TEXT_MATCHES)


def prefilter(entries, query: SearchQuery):
    """What SQL can narrow cheaply before the documents are read: the area and the flags
    that belong to the service or location row."""
    if query.bbox:
        west, south, east, north = query.bbox
        entries = entries.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
        )
    if query.point and query.radius_km is not None:
        lat, lon = query.point
        # A box around the circle (a little wider than needed); the exact distance follows.
        dlat = query.radius_km / 110.0 * 1.01
        dlon = query.radius_km / (111.32 * max(math.cos(math.radians(lat)), 0.01)) * 1.01
        entries = entries.filter(
            latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
        )
    for flag in ("interpreter", "free", "accepting", "wheelchair"):
        if getattr(query, flag):
            entries = entries.filter(**{f"data__{flag}": True})
    return entries


def sort_hits(hits: list[Hit], query: SearchQuery) -> list[Hit]:
    if query.sort == "distance":
        return sorted(hits, key=lambda h: (h.distance_km is None, h.distance_km or 0, h.name))
    if query.sort == "name" or not query.has_text:
        return sorted(hits, key=lambda h: h.name.casefold())
    return sorted(hits, key=lambda h: (-h.score, h.name.casefold()))


__all__ = ["DatabaseBackend", "sort_hits"]
