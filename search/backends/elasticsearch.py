"""The Elasticsearch backend (elasticsearch-dsl, Elasticsearch 8).

The documents come analysed (search.analysis), so the index needs only the whitespace analyser
every distribution has. Versioned indices sit behind an alias; `rebuild` fills a new index and
switches the alias in one atomic call, and deletes its half-built index when it fails. Writes
never create an index in place of a missing alias (IndexMissing). Every call has its own
timeout (BRUG_ELASTICSEARCH_TIMEOUTS); an unreachable node raises BackendUnavailable.
"""

import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, bulk, parallel_bulk
from elasticsearch_dsl import Document
from elasticsearch_dsl.field import construct_field

from directory import eligibility, opening_hours
from search import analysis, clusters, schema, suggestions, taxonomy
from search.backends.base import (
    LANGUAGE_PREFERENCE,
    NAME_WEIGHT,
    NEED_INTENT_WEIGHT,
    NEED_WEIGHT,
    TEXT_WEIGHT,
    Area,
    BackendUnavailable,
    Hit,
    IndexMissing,
    RebuildFailed,
    SearchBackend,
    SearchResponse,
    selected_groups,
    without_group,
)
from search.clusters import MapResponse
from search.documents import any_open_periods, open_periods
from search.query import SearchQuery

__all__ = ["ElasticsearchBackend", "IndexMissing", "RebuildFailed"]

UNAVAILABLE = (TransportError, ApiError, ConnectionError)
logger = logging.getLogger(__name__)
# Seconds per kind of request, unless BRUG_ELASTICSEARCH_TIMEOUTS says otherwise: a search must
# fail fast (the database answers instead); filling or refreshing a whole index under load may
# take minutes.
TIMEOUTS = {"search": 5, "write": 10, "bulk": 120, "refresh": 120, "alias": 30}


# What a marker's popup needs (search.clusters.point_feature).
MAP_SOURCE = [
    "service_key",
    "name",
    "names",
    "organisation",
    "organisation_names",
    "needs",
    "languages",
    "accepting",
    "interpreter",
    "waiting_weeks",
    "referrable",
    "point",
    "area",
    "open_periods",
    "appointment_periods",
]


def _bounding_box(area) -> dict:
    west, south, east, north = area
    return {
        "geo_bounding_box": {
            "point": {
                "top_left": {"lat": north, "lon": west},
                "bottom_right": {"lat": south, "lon": east},
            }
        }
    }


def _distance_sort(query: SearchQuery) -> dict:
    """Nearest first from the query's place; the hit's sort value is its distance in km."""
    lat, lon = query.point
    return {
        "_geo_distance": {
            "point": {"lat": lat, "lon": lon},
            "order": "asc",
            "unit": "km",
            "distance_type": "arc",
        }
    }


def _sort(query: SearchQuery) -> list:
    """The list's order: by distance, by name, or by score; with a place, the distance is
    always among the sort values (DISTANCE_AT), so no hit's distance is computed in Python."""
    name_sort = {f"sort_names.{query.language}": "asc"}
    if query.sort == "distance" and query.point:
        return [_distance_sort(query), name_sort]
    if query.sort == "name" or not query.has_text:
        return [name_sort] + ([_distance_sort(query)] if query.point else [])
    return ["_score", name_sort] + ([_distance_sort(query)] if query.point else [])


def _distance_of(item: dict, query: SearchQuery) -> float | None:
    """A hit's distance from the query's place, from its sort values (see _sort)."""
    if query.point is None or not item.get("_source", {}).get("point"):
        return None
    at = 0 if query.sort == "distance" else -1
    value = (item.get("sort") or [None])[at]
    return float(value) if isinstance(value, int | float) else None


def location_filtered(query: SearchQuery) -> bool:
    """Whether the query keeps some locations of a service and drops others."""
    return bool(
        query.bbox
        or (query.point and query.radius_km is not None)
        or any(spec.location and spec.wanted(query) for spec in schema.FILTERS)
    )


class _Index:
    settings = {"number_of_shards": 1, "number_of_replicas": 0}


def service_document() -> type[Document]:
    """The mapping of search.schema, as an elasticsearch-dsl document (made when an index is
    built, from the schema of the code that builds it)."""
    return type(Document)(
        "ServiceDocument",
        (Document,),
        {
            "__doc__": "One service at one location, as indexed.",
            **{
                key: construct_field(dict(field))
                for key, field in schema.mapping()["properties"].items()
            },
            "Index": _Index,
        },
    )


def filter_clause(spec: schema.Filter, wanted, now: str) -> dict:
    """A filter of the schema as a query clause (its rule, on its key)."""
    if spec.rule == schema.ANY_OF:
        return {"terms": {spec.key: sorted(wanted)}}
    if spec.rule == schema.OPEN_AT:
        return {"term": {spec.key: now}}
    if spec.rule == schema.UNLESS_ASKED:
        return {"bool": {"must_not": {"term": {spec.key: True}}}}
    return {"term": {spec.key: True}}


def _now() -> str:
    """This moment for the "open now" range queries (one clock for both backends)."""
    return opening_hours.now_in_brussels().astimezone(UTC).isoformat()


def client(kind: str = "search") -> Elasticsearch:
    """The client, with the timeout for this kind of request (TIMEOUTS)."""
    return _client(settings.ELASTICSEARCH_URL).options(request_timeout=timeout(kind))


def timeout(kind: str) -> float:
    return {**TIMEOUTS, **getattr(settings, "BRUG_ELASTICSEARCH_TIMEOUTS", {})}[kind]


def node_urls(url: str) -> list[str]:
    """The nodes of ELASTICSEARCH_URL: one URL, or several separated by commas (a cluster)."""
    return [node.strip() for node in url.split(",") if node.strip()]


@cache
def _client(url: str) -> Elasticsearch:
    """One client (and connection pool) per ELASTICSEARCH_URL, not one per request.
    A request that cannot reach a node goes on to the next one (at most once to each);
    otherwise no retries here: search.sync retries writes, and a search falls back to the
    database."""
    nodes = node_urls(url)
    return Elasticsearch(
        nodes,
        request_timeout=TIMEOUTS["search"],
        max_retries=len(nodes) - 1,
        retry_on_timeout=False,
    )


def alias_name() -> str:
    return settings.BRUG_SEARCH_INDEX


def to_source(doc: dict) -> dict:
    # What the index has no field for (the schedules become opening periods below).
    # (and "hours_any": entries built before schedules were per location).
    skip = {f.key for f in schema.FIELDS if f.mapping is None} | {"hours_any"}
    source = {k: v for k, v in doc.items() if k not in skip}
    today = opening_hours.now_in_brussels().date()
    source["open_periods"] = open_periods(doc, today)
    source["appointment_periods"] = open_periods(doc, today, appointment_only=True)
    if doc.get("location_rank", 0) == 0:
        source["open_periods_any"] = any_open_periods(doc, today)
    source["sort_names"] = {
        code: doc["names"].get(code, doc["name"]).casefold() for code, _n in settings.LANGUAGES
    }
    source["service_number"] = service_number(doc["service_key"])
    source["suggest_inputs"] = sorted(
        {text for phrase in doc.get("suggest", []) for text in suggestions.inputs(phrase)}
    )
    if not doc.get("point"):
        source.pop("point", None)
    for name in (
        "eligible_statuses",
        "age_min",
        "age_max",
        "gender",
        "service_area",
        "referral_from",
    ):
        if source.get(name) in (None, "", []):
            source.pop(name, None)  # "no limit" is a missing field for `exists`
    return source


def service_number(service_key: str) -> int:
    """A positive 63-bit number from the service's UUID (collisions: negligible)."""
    return uuid.UUID(str(service_key)).int >> 65


def _doc_id(doc: dict) -> str:
    return f"{doc['service_key']}:{doc.get('location_key') or '-'}"


def rebuild(documents: list[dict]) -> str:
    """Build a new versioned index, fill it, switch the alias, drop the old indices.
    On any failure the new index is deleted and the old one keeps serving (RebuildFailed)."""
    alias = alias_name()
    index = f"{alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    old = indices_behind_alias()
    step = "create"
    try:
        mapping = service_document()._doc_type.mapping.to_dict()
        # No refreshes while filling: nobody searches the new index before the alias moves.
        client("alias").indices.create(
            index=index,
            mappings=mapping,
            settings={
                **_Index.settings,
                "number_of_replicas": settings.BRUG_SEARCH_REPLICAS,
                "refresh_interval": "-1",
            },
        )
        step = "bulk"
        _fill(index, documents)
        step = "refresh"
        client("alias").indices.put_settings(
            index=index, settings={"index": {"refresh_interval": None}}
        )
        client("refresh").indices.refresh(index=index)
        step = "alias swap"
        swap = [{"remove": {"index": name, "alias": alias}} for name in old]
        swap.append({"add": {"index": index, "alias": alias}})
        client("alias").indices.update_aliases(actions=swap)
    except Exception as error:
        _drop_half_built(index)
        serving = f"{alias} still serves {', '.join(old)}" if old else f"{alias} has no index"
        message = (
            f"Rebuilding the search index failed at the {step} step: {error}. "
            f"The new index {index} was deleted; {serving}."
        )
        logger.error(message)
        raise RebuildFailed(message) from error
    for name in old:
        client("alias").indices.delete(index=name, ignore_unavailable=True)
    return index


def _fill(index: str, documents: list[dict], **options) -> None:
    actions = (
        {"_index": index, "_id": _doc_id(doc), "_source": to_source(doc)} for doc in documents
    )
    for ok, item in parallel_bulk(
        client("bulk"), actions, chunk_size=1000, thread_count=2, **options
    ):
        if not ok:  # pragma: no cover - parallel_bulk raises on errors by default
            raise RuntimeError(f"Indexing failed: {item}")


def _drop_half_built(index: str) -> None:
    try:
        client("alias").indices.delete(index=index, ignore_unavailable=True)
    except UNAVAILABLE:  # the node is gone; the next rebuild uses another name anyway
        logger.warning("Could not delete the half-built index %s", index)


def indices_behind_alias() -> list[str]:
    es = client("alias")
    alias = alias_name()
    return (
        list(es.indices.get_alias(name=alias).keys()) if es.indices.exists_alias(name=alias) else []
    )


def outdated_fields() -> list[str]:
    """The schema's top-level fields the index behind the alias lacks or types otherwise. A
    field added to the schema after the index was built would otherwise be mapped by
    Elasticsearch's guess at the first document that has it (an id list as analysed text,
    which no `terms` filter matches); only a rebuild gives it its mapping."""
    es = client("alias")
    alias = alias_name()
    if not es.indices.exists_alias(name=alias):
        return []
    live: dict = {}
    for index in es.indices.get_mapping(index=alias).body.values():
        live.update(index["mappings"].get("properties", {}))
    wanted = schema.mapping()["properties"]
    return sorted(
        key
        for key, field in wanted.items()
        if key not in live or live[key].get("type", "object") != field.get("type", "object")
    )


def indexed_count() -> int | None:
    """How many documents the alias serves; None when the alias is missing."""
    es = client("alias")
    alias = alias_name()
    if not es.indices.exists_alias(name=alias):
        return None
    return int(es.count(index=alias)["count"])


def replace_service(service_key: str, documents: list[dict]) -> None:
    """Replace one service's documents in the live index (raises when the node is down, and
    IndexMissing when the alias is gone: never an empty index in its place)."""
    es = client("write")
    alias = alias_name()
    if not es.indices.exists_alias(name=alias):
        raise IndexMissing(f"alias {alias} is missing")
    # The plain distribution has no delete-by-query (reindex module): find the ids, then bulk.
    found = es.search(
        index=alias, query={"term": {"service_key": str(service_key)}}, size=10_000, source=False
    )
    keep = {_doc_id(d) for d in documents}
    actions = [
        {"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]}
        for hit in found["hits"]["hits"]
        if hit["_id"] not in keep
    ]
    actions += [{"_index": alias, "_id": _doc_id(d), "_source": to_source(d)} for d in documents]
    if not actions:
        return
    try:
        # require_alias: a write to an alias that vanished meanwhile fails, and does not
        # auto-create an index of that name with a guessed mapping.
        bulk(es, actions, refresh=True, require_alias=True)
    except BulkIndexError as error:
        if any(_missing(item) for item in error.errors):
            raise IndexMissing(f"alias {alias} is missing") from error
        raise


def _missing(item: dict) -> bool:
    result = next(iter(item.values()), {})
    return (result.get("error") or {}).get("type") == "index_not_found_exception"


def _unlimited_or(field: str, clause: dict) -> dict:
    """The field is missing (the service sets no limit), or the clause holds."""
    return {
        "bool": {
            "should": [{"bool": {"must_not": {"exists": {"field": field}}}}, clause],
            "minimum_should_match": 1,
        }
    }


def eligibility_filters(query: SearchQuery) -> dict[str, dict]:
    """One filter per rule of directory.eligibility the client is checked against."""
    client = query.client
    checks = {}
    if client.status:
        checks["status"] = _unlimited_or(
            "eligible_statuses", {"term": {"eligible_statuses": client.status}}
        )
    if client.age is not None:
        checks["age"] = {
            "bool": {
                "filter": [
                    _unlimited_or("age_min", {"range": {"age_min": {"lte": client.age}}}),
                    _unlimited_or("age_max", {"range": {"age_max": {"gte": client.age}}}),
                ]
            }
        }
    if client.postcodes:
        checks["area"] = _unlimited_or(
            "service_area", {"terms": {"service_area": sorted(client.postcodes)}}
        )
    if client.gender:
        checks["gender"] = _unlimited_or("gender", {"term": {"gender": client.gender}})
    if client.checks_pathway:
        checks[eligibility.PATHWAY] = _unlimited_or(
            "referral_from", {"terms": {"referral_from": sorted(client.organisations)}}
        )
    return checks


@contextmanager
def _reachable():
    """The client's errors of an unreachable or failing node, as the backend interface's."""
    try:
        yield
    except UNAVAILABLE as error:
        raise BackendUnavailable(str(error)) from error


@dataclass
class Answers:
    """One search's answers from the node: the list's, the map's, and per list filter in use
    its facet's without its own selection."""

    results: dict
    map: dict | None = None
    groups: list = field(default_factory=list)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def search(
        self, query: SearchQuery, map_zoom: int | None = None, map_area: Area | None = None
    ) -> SearchResponse:
        with _reachable():
            return super().search(query, map_zoom, map_area)

    def add(self, service_key: str, documents: list[dict]) -> None:
        with _reachable():
            replace_service(str(service_key), documents)

    def add_bulk(self, documents: list[dict]) -> None:
        with _reachable():
            _fill(alias_name(), documents, require_alias=True)

    def refresh_index(self) -> None:
        with _reachable():
            client("refresh").indices.refresh(index=alias_name())

    def rebuild(self, documents: list[dict]) -> str:
        with _reachable():
            return rebuild(documents)

    def indexed_count(self) -> int | None:
        with _reachable():
            return indexed_count()

    def outdated_fields(self) -> list[str]:
        with _reachable():
            return outdated_fields()

    def cluster_health(self) -> str | None:
        with _reachable():
            return str(client("search").cluster.health()["status"])

    def run(
        self, query: SearchQuery, map_zoom: int | None = None, map_area: Area | None = None
    ) -> SearchResponse:
        es = client()
        filters = self._filters(query)
        answers = self._search(es, query, filters, True, map_zoom, map_area)
        relaxed = False
        if query.can_relax and self._count(answers.results) == 0:
            answers = self._search(es, query, filters, False, map_zoom, map_area)
            relaxed = self._count(answers.results) > 0
        response = self._response(answers.results, query, relaxed)
        for spec, answer in answers.groups:
            wider = without_group(query, spec)
            response.facets[spec.param] = self._response(answer, wider, relaxed).facets[spec.param]
        if answers.map is not None:
            response.map = self._map_response(answers.map, query, map_zoom)
            response.map.relaxed = relaxed
        response.hidden = self._hidden(es, query, every_word=not relaxed)
        return response

    def _search(
        self, es, query: SearchQuery, filters, every_word: bool, map_zoom, map_area=None
    ) -> "Answers":
        """The list's search; with `map_zoom` the map's beside it (in `map_area`); and per
        list filter in use, its facet without its own selection (selected_groups): in one
        round trip (a multi-search) when there is more than the list."""
        body = self._body(query, filters, every_word)
        groups = selected_groups(query)
        if map_zoom is None and not groups:
            return Answers(es.search(index=alias_name(), **body))
        bodies = [body]
        if map_zoom is not None:
            map_filters = [*filters, {"exists": {"field": "point"}}]
            if map_area is not None:
                map_filters.append(_bounding_box(map_area))
            bodies.append(self._map_body(query, map_filters, map_zoom, every_word))
        for spec in groups:
            wider = without_group(query, spec)
            facet_body = self._body(wider, self._filters(wider), every_word)
            facet_body.pop("collapse", None)
            bodies.append({**facet_body, "size": 0})
        header = {"index": alias_name()}
        searches = []
        for item in bodies:
            if "from_" in item:
                item["from"] = item.pop("from_")
            searches += [header, item]
        answers = es.msearch(searches=searches)["responses"]
        for item in answers:
            if "error" in item:
                raise BackendUnavailable(str(item["error"]))
        first_group = 2 if map_zoom is not None else 1
        return Answers(
            answers[0],
            answers[1] if map_zoom is not None else None,
            list(zip(groups, answers[first_group:], strict=True)),
        )

    def _hidden(self, es, query: SearchQuery, every_word: bool) -> dict[str, int]:
        """How many services the other filters keep but the client cannot use, per reason
        (one search without the eligibility filters, counting distinct services)."""
        checks = eligibility_filters(query)
        if not checks:
            return {}
        services = {"services": {"cardinality": {"field": "service_number"}}}
        aggs = dict(services)
        for reason, check in checks.items():
            aggs[f"hidden_{reason}"] = {"filter": {"bool": {"must_not": [check]}}, "aggs": services}
        answer = es.search(
            index=alias_name(),
            query={
                "bool": {
                    "must": [self._text_query(query, every_word)],
                    "filter": self._filters(query, eligibility=False),
                    "must_not": [{"bool": {"filter": list(checks.values())}}],
                }
            },
            aggs=aggs,
            size=0,
            track_total_hits=False,
        )
        result = answer["aggregations"]
        total = int(result["services"]["value"])
        if not total:
            return {}
        counts = {"total": total}
        for reason in eligibility.checked_reasons(query.client):
            bucket = result.get(f"hidden_{reason}")
            counts[reason] = int(bucket["services"]["value"]) if bucket else 0
        return counts

    @staticmethod
    def _count(answer) -> int:
        aggregations = answer["aggregations"]
        if "primary" in aggregations:
            return int(aggregations["primary"]["doc_count"])
        return int(aggregations["services"]["value"])

    def _filters(self, query: SearchQuery, eligibility: bool = True) -> list[dict]:
        filters = list(eligibility_filters(query).values()) if eligibility else []
        now = _now()
        for spec in schema.FILTERS:
            wanted = spec.wanted(query)
            if wanted:
                filters.append(filter_clause(spec, wanted, now))
        if query.bbox:
            filters.append(_bounding_box(query.bbox))
        if query.point and query.radius_km is not None:
            lat, lon = query.point
            filters.append(
                {
                    "geo_distance": {
                        "distance": f"{query.radius_km}km",
                        "point": {"lat": lat, "lon": lon},
                    }
                }
            )
        return filters

    def _text_query(self, query: SearchQuery, every_word: bool) -> dict:
        # Per word, the weight of the best field it is in (search.backends.base.text_score):
        # a word counts once, whichever of its stems matched, as in the database backend.
        words = [
            {
                "dis_max": {
                    "queries": [
                        {
                            "constant_score": {
                                "filter": {"terms": {field: sorted(alts)}},
                                "boost": weight,
                            }
                        }
                        for field, weight in (
                            ("name_terms", NAME_WEIGHT),
                            ("need_terms", NEED_WEIGHT),
                            ("terms", TEXT_WEIGHT),
                        )
                    ]
                }
            }
            for alts in analysis.word_alternatives(query.text)
        ]
        if not words:
            return {"match_all": {}}
        if every_word:
            text_query = {"bool": {"must": words}}
        else:
            text_query = {"bool": {"should": words, "minimum_should_match": 1}}
        named = taxonomy.vocabulary().named(query.text)
        if named:
            # Each need the query names that a service has weighs more (search.taxonomy).
            intent = [
                {
                    "constant_score": {
                        "filter": {"term": {"needs": slug}},
                        "boost": NEED_INTENT_WEIGHT,
                    }
                }
                for slug in sorted(named)
            ]
            text_query = {"bool": {"must": [text_query], "should": intent}}
        return {
            "function_score": {
                "query": text_query,
                "functions": [
                    {
                        "filter": {"term": {"languages_available": query.language}},
                        "weight": LANGUAGE_PREFERENCE,
                    }
                ],
                "boost_mode": "multiply",
            }
        }

    def _body(self, query: SearchQuery, filters: list[dict], every_word: bool) -> dict:
        text_query = self._text_query(query, every_word)
        body = {
            "query": {"bool": {"must": [text_query], "filter": filters}},
            "sort": _sort(query),
            "from_": (query.page - 1) * query.page_size,
            "size": query.page_size,
            "aggs": self._aggs(query),
            "track_total_hits": False,
            "_source": ["service_key", "location_key", "name", "names", "point", "area"],
        }
        if query.point or location_filtered(query):
            # The service's nearest (or matching) location stands for it.
            body["collapse"] = {"field": "service_key"}
        else:
            # Every document of a service matches alike: show its first location.
            body["post_filter"] = {"term": {"location_rank": 0}}
        return body

    def _aggs(self, query: SearchQuery) -> dict:
        """Facet counts count services, not documents. Without a filter on locations every
        document of a matching service matches, so counting the services' first documents
        (location_rank 0) is exact and cheap; with one (an area, a radius, wheelchair, open
        now), a cardinality of service numbers per bucket: exact up to 3,000 services, within
        a few per cent beyond."""
        now = _now()
        flags = schema.FLAG_FILTERS
        terms = {
            f"facet_{spec.param}": {"terms": {"field": spec.key, "size": 200}}
            for spec in schema.LIST_FILTERS
        }
        if location_filtered(query):
            services = {"services": {"cardinality": {"field": "service_number"}}}
            aggs = dict(services)
            for name, terms_agg in terms.items():
                aggs[name] = {**terms_agg, "aggs": services}
            for spec in flags:
                condition = filter_clause(spec, True, now)
                aggs[f"flag_{spec.param}"] = {"filter": condition, "aggs": services}
            for spec in schema.WIDENING_FILTERS:
                condition = {"term": {spec.key: True}}
                aggs[f"flag_{spec.param}"] = {"filter": condition, "aggs": services}
            return aggs
        # Location flags count when any location has them (fields of the first document).
        primary = dict(terms)
        for spec in flags:
            any_spec = replace(spec, key=spec.any_key) if spec.any_key else spec
            primary[f"flag_{spec.param}"] = {"filter": filter_clause(any_spec, True, now)}
        # A widening filter counts the services it lets in (ended projects).
        for spec in schema.WIDENING_FILTERS:
            primary[f"flag_{spec.param}"] = {"filter": {"term": {spec.key: True}}}
        return {"primary": {"filter": {"term": {"location_rank": 0}}, "aggs": primary}}

    def map(self, query: SearchQuery, zoom: int) -> MapResponse:
        with _reachable():
            return self._map_both(query, zoom)

    def _map_both(self, query: SearchQuery, zoom: int) -> MapResponse:
        es = client()
        filters = [*self._filters(query), {"exists": {"field": "point"}}]
        relaxed = False
        response = self._map(es, query, filters, zoom, every_word=True)
        if response.points == 0 and query.can_relax:
            response = self._map(es, query, filters, zoom, every_word=False)
            relaxed = response.points > 0
        response.relaxed = relaxed
        return response

    def _map(self, es, query: SearchQuery, filters, zoom: int, every_word: bool) -> MapResponse:
        answer = es.search(index=alias_name(), **self._map_body(query, filters, zoom, every_word))
        return self._map_response(answer, query, zoom)

    def _map_body(self, query: SearchQuery, filters, zoom: int, every_word: bool) -> dict:
        """One request: the cells (always), and at high zoom the points too, which are sent
        instead of the cells when there are few enough. With a place, hits are sorted by
        distance, so each carries its distance as its sort value."""
        wants_points = zoom >= clusters.POINTS_FROM_ZOOM
        one: dict = {"size": 1, "_source": MAP_SOURCE}
        body = {
            "query": {"bool": {"must": [self._text_query(query, every_word)], "filter": filters}},
            "aggs": {
                "services": {"cardinality": {"field": "service_number"}},
                "cells": {
                    "geotile_grid": {
                        "field": "point",
                        "precision": clusters.cluster_precision(zoom),
                        "size": clusters.MAX_FEATURES + 1,
                    },
                    "aggs": {
                        "centroid": {"geo_centroid": {"field": "point"}},
                        "one": {"top_hits": one},
                    },
                },
            },
            "_source": MAP_SOURCE,
            "size": clusters.MAX_POINTS if wants_points else 0,
            "track_total_hits": True,
        }
        if query.point:
            body["sort"] = one["sort"] = [_distance_sort(query)]
        return body

    def _map_response(self, answer, query: SearchQuery, zoom: int) -> MapResponse:
        moment = opening_hours.now_in_brussels()
        points = answer["hits"]["total"]["value"]
        services = int(answer["aggregations"]["services"]["value"])

        def feature(hit):
            km = float(hit["sort"][0]) if query.point and hit.get("sort") else None
            return clusters.point_feature(hit["_source"], query.language, query.point, moment, km)

        if clusters.wants_points(zoom, points):
            return MapResponse(
                backend=self.name,
                services=services,
                points=points,
                clustered=False,
                features=[feature(hit) for hit in answer["hits"]["hits"]],
            )
        buckets = answer["aggregations"]["cells"]["buckets"]
        features = []
        for bucket in buckets[: clusters.MAX_FEATURES]:
            if bucket["doc_count"] == 1:
                features.append(feature(bucket["one"]["hits"]["hits"][0]))
                continue
            centroid = bucket["centroid"]["location"]
            features.append(
                clusters.cluster_feature(
                    centroid["lat"],
                    centroid["lon"],
                    bucket["doc_count"],
                    clusters.tile_bounds(*clusters.parse_tile_key(bucket["key"])),
                )
            )
        return MapResponse(
            backend=self.name,
            services=services,
            points=points,
            clustered=True,
            features=features,
            truncated=len(buckets) > clusters.MAX_FEATURES,
        )

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        with _reachable():
            return self._suggest(prefix, limit)

    def _suggest(self, prefix: str, limit: int) -> list[str]:
        text = suggestions.fold_text(prefix)
        if not text:
            return []
        answer = client().search(
            index=alias_name(),
            suggest={
                "complete": {
                    "prefix": text,
                    "completion": {
                        "field": "suggest_inputs",
                        "size": limit * 3,
                        "skip_duplicates": True,
                    },
                }
            },
            source=["suggest"],
        )
        found: list[str] = []
        for option in answer["suggest"]["complete"][0]["options"]:
            phrase = suggestions.display_for(option["text"], option["_source"].get("suggest", []))
            if phrase not in found:
                found.append(phrase)
        return found[:limit]

    def _response(self, answer, query: SearchQuery, relaxed: bool) -> SearchResponse:
        hits = []
        for item in answer["hits"]["hits"]:
            source = item["_source"]
            distance = _distance_of(item, query)
            hits.append(
                Hit(
                    service_key=source["service_key"],
                    name=source["names"].get(query.language, source["name"]),
                    score=float(item.get("_score") or 0),
                    distance_km=distance,
                    location_key=source.get("location_key"),
                    point=source.get("point"),
                    area=bool(source.get("area")),
                )
            )
        aggregations = answer["aggregations"]
        primary = aggregations.get("primary", {})

        def count(bucket) -> int:
            return int(bucket["services"]["value"]) if "services" in bucket else bucket["doc_count"]

        def agg(name):
            return aggregations[name] if name in aggregations else primary[name]

        facets = {
            spec.param: {
                bucket["key"]: count(bucket) for bucket in agg(f"facet_{spec.param}")["buckets"]
            }
            for spec in schema.LIST_FILTERS
        }
        for spec in (*schema.FLAG_FILTERS, *schema.WIDENING_FILTERS):
            facets[spec.param] = {"true": count(agg(f"flag_{spec.param}"))}
        return SearchResponse(
            backend=self.name,
            count=self._count(answer),
            hits=hits,
            facets=facets,
            relaxed=relaxed,
        )
