"""The embedded backend: the database's own full text (SQLite FTS5, PostgreSQL tsvector; see
search.fulltext) over the analysed terms of each search entry, the point and flag filters in
SQL, then the shared filter, facet and sort rules in Python — plenty for a network of a few
thousand services, with no server to run."""

import math
from dataclasses import dataclass, field

from django.db import transaction

from directory import opening_hours
from search import analysis, clusters, fulltext, schema, taxonomy
from search.backends.base import (
    LANGUAGE_PREFERENCE,
    Area,
    Hit,
    SearchBackend,
    SearchResponse,
    distance_km,
    facet_counts,
    hidden_counts,
    matches_filters,
    not_eligible,
    selected_groups,
    text_score,
    wanted_filters,
)
from search.clusters import MapResponse
from search.models import TEXT_FIELDS, SearchEntry
from search.query import SearchQuery

# The best text matches (entries, one per service and location) the embedded backend reads;
# beyond it an answer says its count is "at least" (SearchResponse.capped).
MAX_TEXT_MATCHES = 5000


@dataclass
class Matches:
    """What a query matches: per service its documents as (doc, distance, entry id); the
    text scores; the reasons of the services left out because the client cannot use them;
    whether the text matches were capped; and per list filter in use, the documents that
    miss only that list's selection (its facet counts them too: selected_groups)."""

    matching: dict[str, list[tuple[dict, float | None, int]]] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)
    hidden: dict[str, set[str]] = field(default_factory=dict)
    capped: bool = False
    widened: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    relaxed: bool = False


class DatabaseBackend(SearchBackend):
    """Searches the search entries, and keeps them: its index is the entries table."""

    name = "database"
    durable = True

    @transaction.atomic
    def add(self, service_key: str, documents: list[dict]) -> None:
        SearchEntry.objects.filter(service_key=service_key).delete()
        self.add_bulk(documents)

    def add_bulk(self, documents: list[dict]) -> None:
        SearchEntry.objects.bulk_create(
            (SearchEntry.from_document(doc) for doc in documents), batch_size=500
        )
        # Now for this transaction's own requests, and after commit for everyone else's.
        clusters.forget_network_extent()
        transaction.on_commit(clusters.forget_network_extent)

    @transaction.atomic
    def rebuild(self, documents: list[dict]) -> str:
        SearchEntry.objects.all().delete()
        self.add_bulk(documents)
        return SearchEntry._meta.db_table

    def indexed_count(self) -> int:
        return SearchEntry.objects.count()

    def documents(self, service_key=None) -> list[dict]:
        """The documents as stored (what another backend's index is built from)."""
        entries = SearchEntry.objects.all()
        if service_key is not None:
            entries = entries.filter(service_key=service_key)
        return [entry.to_document() for entry in entries.iterator()]

    def run(
        self, query: SearchQuery, map_zoom: int | None = None, map_area: Area | None = None
    ) -> SearchResponse:
        found = self._matching(query)
        best: dict[str, tuple[dict, float | None, float]] = {}
        for key, docs in found.matching.items():
            # One result per service: its nearest (or first) matching location.
            doc, distance, entry_pk = min(
                docs, key=lambda item: item[1] if item[1] is not None else math.inf
            )
            score = found.scores.get(entry_pk, 0.0)
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
                area=bool(doc.get("area")),
            )
            for key, (doc, distance, score) in best.items()
        ]
        hits = sort_hits(hits, query)
        start = (query.page - 1) * query.page_size
        moment = opening_hours.now_in_brussels()
        services = {key: [d for d, _dist, _pk in docs] for key, docs in found.matching.items()}
        facets = facet_counts(list(services.values()), moment)
        for param, extra in found.widened.items():
            wider = {key: list(docs) for key, docs in services.items()}
            for key, docs in extra.items():
                wider.setdefault(key, []).extend(docs)
            facets[param] = facet_counts(list(wider.values()), moment)[param]
        return SearchResponse(
            backend=self.name,
            count=len(hits),
            hits=hits[start : start + query.page_size],
            facets=facets,
            relaxed=found.relaxed,
            hidden=hidden_counts(found.hidden, query.client),
            map=None
            if map_zoom is None
            else self._features(query, map_zoom, found.matching, found.relaxed, map_area),
            capped=found.capped,
        )

    def map(self, query: SearchQuery, zoom: int) -> MapResponse:
        found = self._matching(query)
        return self._features(query, zoom, found.matching, found.relaxed)

    def _features(
        self, query: SearchQuery, zoom: int, matching, relaxed: bool, area: Area | None = None
    ) -> MapResponse:
        """The map of the matching documents (in `area`, when given): points, or clusters on
        the tile grid."""
        docs = [d for docs in matching.values() for d, _dist, _pk in docs if d.get("point")]
        if area is not None:
            west, south, east, north = area
            docs = [
                d
                for d in docs
                if west <= d["point"]["lon"] <= east and south <= d["point"]["lat"] <= north
            ]
        response = MapResponse(
            backend=self.name,
            services=len({d["service_key"] for d in docs}),
            points=len(docs),
            clustered=not clusters.wants_points(zoom, len(docs)),
            relaxed=relaxed,
        )
        moment = opening_hours.now_in_brussels()
        if not response.clustered:
            response.features = [
                clusters.point_feature(d, query.language, query.point, moment) for d in docs
            ]
            return response
        cells = clusters.grid(docs, clusters.cluster_precision(zoom))
        response.truncated = len(cells) > clusters.MAX_FEATURES
        for bounds, lat, lon, members in cells[: clusters.MAX_FEATURES]:
            if len(members) == 1:
                feature = clusters.point_feature(members[0], query.language, query.point, moment)
            else:
                feature = clusters.cluster_feature(lat, lon, len(members), bounds)
            response.features.append(feature)
        return response

    def _matching(self, query: SearchQuery) -> Matches:
        found = self._match(query, every_word=True)
        if not found.matching and query.can_relax:
            found = self._match(query, every_word=False)
            found.relaxed = bool(found.matching)
        return found

    def _match(self, query: SearchQuery, every_word: bool) -> Matches:
        found = Matches()
        alternatives = analysis.word_alternatives(query.text) if query.has_text else []
        named = taxonomy.vocabulary().named(query.text) if alternatives else set()
        if alternatives:
            # One more than the cap, to know whether it cut anything off.
            ids = fulltext.match(alternatives, every_word, MAX_TEXT_MATCHES + 1)
            if len(ids) > MAX_TEXT_MATCHES:
                found.capped = True
                ids = sorted(ids, key=ids.get, reverse=True)[:MAX_TEXT_MATCHES]
            entries = SearchEntry.objects.filter(pk__in=ids)
        else:
            entries = SearchEntry.objects.all()
        moment = opening_hours.now_in_brussels()
        groups = {spec.param for spec in selected_groups(query)}
        wanted = wanted_filters(query)
        fixed = [(spec, values) for spec, values in wanted if spec.param not in groups]
        grouped = [(spec, values) for spec, values in wanted if spec.param in groups]
        found.widened = {param: {} for param in groups}
        client = query.client
        fields = ("pk", "data", *TEXT_FIELDS) if alternatives else ("pk", "data")
        for entry in prefilter(entries, query).only(*fields):
            doc = entry.data
            if not matches_filters(doc, query, fixed, moment):
                continue
            missed = [
                spec.param for spec, values in grouped if not spec.matches(doc, values, moment)
            ]
            if len(missed) > 1:
                continue
            distance = distance_km(doc, query)
            if query.radius_km is not None and (distance is None or distance > query.radius_km):
                continue
            reasons = not_eligible(doc, client)
            if reasons:
                if not missed:
                    found.hidden.setdefault(doc["service_key"], set()).update(reasons)
                continue
            if missed:
                found.widened[missed[0]].setdefault(doc["service_key"], []).append(doc)
                continue
            if alternatives:
                found.scores[entry.pk] = text_score(
                    alternatives,
                    entry.name_terms,
                    entry.need_terms,
                    entry.terms,
                    named_needs=len(named.intersection(doc["needs"])),
                )
            found.matching.setdefault(doc["service_key"], []).append((doc, distance, entry.pk))
        return found


def prefilter(entries, query: SearchQuery):
    """What SQL can narrow cheaply before the documents are read: the area and the flags
    stored in the entry's document."""
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
    for spec in schema.FLAG_FILTERS:
        if spec.rule == schema.TRUE and spec.wanted(query):
            entries = entries.filter(**{f"data__{spec.key}": True})
    return entries


def sort_hits(hits: list[Hit], query: SearchQuery) -> list[Hit]:
    if query.sort == "distance":
        return sorted(hits, key=lambda h: (h.distance_km is None, h.distance_km or 0, h.name))
    if query.sort == "name" or not query.has_text:
        return sorted(hits, key=lambda h: h.name.casefold())
    return sorted(hits, key=lambda h: (-h.score, h.name.casefold()))


__all__ = ["DatabaseBackend", "sort_hits"]
