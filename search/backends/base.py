"""The backend interface and the filtering, faceting and sorting rules both backends share."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from geopy.distance import geodesic

from directory import eligibility
from search import schema
from search.query import SearchQuery

# An area of the map: west, south, east, north.
Area = tuple[float, float, float, float]

# The list filters' facets: parameter -> document key (search.schema).
FACET_FIELDS = {f.param: f.key for f in schema.LIST_FILTERS}


# How much a query word weighs where it is found: in a name (service or organisation), in a
# need or target-group label, elsewhere in the text. A word counts once, where it weighs
# most, whichever of its stems in the four languages matched: "woning" is found as the Dutch
# stem "woon", and a rare English stem "wone" must not outweigh a name.
NAME_WEIGHT = 6.0
NEED_WEIGHT = 3.0
TEXT_WEIGHT = 1.0
# A service gets this much more for each need the query names that it has (search.taxonomy:
# "housing", "житло"): above a service whose name only shares a stem ("House of the Child"),
# and "social housing" (social housing and housing) puts social housing above the rest.
NEED_INTENT_WEIGHT = 6.0
# A service with a version in the visitor's language ranks a little higher.
LANGUAGE_PREFERENCE = 1.2


def text_score(
    alternatives: list[set[str]],
    name_terms: str,
    need_terms: str,
    terms: str,
    named_needs: int = 0,
) -> float:
    """The ranking rule both backends apply: per query word, the weight of the best field it
    is found in (nothing for a word not found, when only some words must match); plus
    NEED_INTENT_WEIGHT for each need the query names that the service has."""
    names, needs, text = set(name_terms.split()), set(need_terms.split()), set(terms.split())
    score = NEED_INTENT_WEIGHT * named_needs
    for alts in alternatives:
        if alts & names:
            score += NAME_WEIGHT
        elif alts & needs:
            score += NEED_WEIGHT
        elif alts & text:
            score += TEXT_WEIGHT
    return score


@dataclass
class Hit:
    service_key: str
    name: str
    score: float = 0.0
    distance_km: float | None = None
    location_key: str | None = None
    point: dict | None = None
    area: bool = False  # the point is a confidential location's municipality, not its address


@dataclass
class SearchResponse:
    backend: str
    count: int
    hits: list[Hit]
    # Per filter, services per value; a list in use is counted without its own selection
    # (selected_groups).
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fallback: bool = False  # the preferred backend was unavailable
    relaxed: bool = False  # no service matched every word; these match some
    # Services left out because the client cannot use them: {"total": n, reason: n, …}.
    hidden: dict[str, int] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)  # "did you mean"
    # Nothing found: the needs (slugs) whose labels or synonyms are close to the words.
    close_needs: list[str] = field(default_factory=list)
    # Asked with `map_zoom`: the map's features of the same search (search.clusters), so a
    # page draws its first map from the answer that fills its list.
    map: object | None = None
    # The embedded backend considered only its best MAX_TEXT_MATCHES text matches: `count`
    # and the facets are "at least".
    capped: bool = False


class BackendUnavailable(Exception):
    """The backend cannot answer or take a write now (a node down, a timeout): the database
    answers meanwhile, and writes wait in the outbox (search.backends.fallback)."""


class IndexMissing(Exception):
    """The index is gone (a node that came back empty): only a full rebuild helps."""


class RebuildFailed(Exception):
    """A rebuild stopped; what it had built is deleted and the old index still serves."""


class SearchBackend:
    """Searching, and keeping the backend's index, as Wagtail's search backends do.

    Writes take a service's documents (search.documents): `add` replaces them, `delete`
    removes them, `add_bulk` and `refresh_index` serve a full `rebuild`. A backend that cannot
    be reached raises BackendUnavailable, one whose index is gone IndexMissing."""

    name = "base"
    # Whether the index is the search entries themselves (else a copy of them, kept by
    # search.backends.fallback).
    durable = False

    def search(
        self, query: SearchQuery, map_zoom: int | None = None, map_area: Area | None = None
    ) -> SearchResponse:
        """Answer a query; when it finds nothing (or only some words), offer corrections from
        the names and the taxonomy's words in every language, and the needs close to it.
        With `map_zoom`, the answer also carries the map's features of the search at that
        zoom (`response.map`, as `map()` gives them), in `map_area` when given (the area the
        map first shows, when that is not the whole search)."""
        from search import taxonomy
        from search.suggestions import vocabulary

        response = self.run(query, map_zoom, map_area)
        if query.has_text and (response.count == 0 or response.relaxed):
            corrected = vocabulary().correct(query.text, taxonomy.vocabulary().known_words)
            if corrected:
                probe = self.run(replace(query, text=corrected, page=1, page_size=1))
                if probe.count and not probe.relaxed:
                    response.suggestions = [corrected]
        if query.has_text and response.count == 0:
            response.close_needs = taxonomy.vocabulary().close(query.text)
        return response

    def run(
        self, query: SearchQuery, map_zoom: int | None = None, map_area: Area | None = None
    ) -> SearchResponse:  # pragma: no cover - interface
        raise NotImplementedError

    def map(self, query: SearchQuery, zoom: int):  # pragma: no cover - interface
        """The matching service-at-location points in `query.bbox`, or clusters of them
        (search.clusters.MapResponse)."""
        raise NotImplementedError

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Phrases that complete what a visitor is typing."""
        from search.suggestions import vocabulary

        return vocabulary().complete(prefix, limit)

    def add(self, service_key: str, documents: list[dict]) -> None:  # pragma: no cover
        """Replace the service's documents in the index (none: the service is gone)."""
        raise NotImplementedError

    def delete(self, service_key: str) -> None:
        self.add(service_key, [])

    def add_bulk(self, documents: list[dict]) -> None:  # pragma: no cover - interface
        """Add many services' documents at once (a rebuild)."""
        raise NotImplementedError

    def refresh_index(self) -> None:
        """Make what was written visible to searches."""

    def rebuild(self, documents: list[dict]) -> str:  # pragma: no cover - interface
        """A new index holding exactly these documents, swapped in whole (RebuildFailed
        leaves the old one serving); returns the new index's name."""
        raise NotImplementedError

    def indexed_count(self) -> int | None:  # pragma: no cover - interface
        """How many documents the index holds; None when it is missing."""
        raise NotImplementedError

    def outdated_fields(self) -> list[str]:
        """The schema's fields (search.schema.mapping) that the live index lacks or maps
        otherwise: it was built before they existed. A backend without a mapping: none."""
        return []

    def cluster_health(self) -> str | None:
        """The search cluster's health ("green", "yellow", "red"); None when the backend has
        no cluster of its own."""
        return None


def selected_groups(query: SearchQuery) -> list[schema.Filter]:
    """The list filters in use. Values within one list combine with "or", so both backends
    count such a list's facet without its own selection: how many services each value brings,
    not how many of the current results have it too (which would hide every other value once
    one is chosen). One backend call answers it all (no second search per list)."""
    return [spec for spec in schema.LIST_FILTERS if getattr(query, spec.query_attribute)]


def without_group(query: SearchQuery, spec: schema.Filter) -> SearchQuery:
    return replace(query, **{spec.query_attribute: []}, page=1, page_size=1)


def wanted_filters(query: SearchQuery) -> list[tuple[schema.Filter, object]]:
    """The schema's filters the query uses, with what it asks of each (computed once per
    query: a need brings its sub-needs from the database)."""
    wanted = [(spec, spec.wanted(query)) for spec in schema.FILTERS]
    return [(spec, values) for spec, values in wanted if values]


def matches_filters(
    doc: dict, query: SearchQuery, wanted: list[tuple[schema.Filter, object]], moment: datetime
) -> bool:
    """The filter rules, shared by the database backend and the tests of both backends:
    every filter in use (`wanted_filters`), then the area."""
    for spec, values in wanted:
        if not spec.matches(doc, values, moment):
            return False
    if query.bbox:
        point = doc.get("point")
        west, south, east, north = query.bbox
        if not point or not (west <= point["lon"] <= east and south <= point["lat"] <= north):
            return False
    return True


def not_eligible(doc: dict, client: eligibility.Client) -> list[str]:
    """Why the client cannot use the document's service (directory.eligibility rules)."""
    if not client:
        return []
    return eligibility.failing(
        {
            "statuses": doc.get("eligible_statuses"),
            "age_min": doc.get("age_min"),
            "age_max": doc.get("age_max"),
            "gender": doc.get("gender"),
            "service_area": doc.get("service_area"),
            "referral_from": doc.get("referral_from"),
        },
        client,
    )


def hidden_counts(hidden: dict[str, set[str]], client: eligibility.Client) -> dict[str, int]:
    """{"total": services hidden, reason: services hidden for it, …} (a service can fail
    more than one rule, so the reasons may add up to more than the total)."""
    if not hidden:
        return {}
    counts = {"total": len(hidden)}
    for reason in eligibility.checked_reasons(client):
        counts[reason] = sum(1 for reasons in hidden.values() if reason in reasons)
    return counts


def distance_km(doc: dict, query: SearchQuery) -> float | None:
    if query.point is None or not doc.get("point"):
        return None
    return geodesic(query.point, (doc["point"]["lat"], doc["point"]["lon"])).km


def facet_counts(services: list[list[dict]], moment: datetime) -> dict[str, dict[str, int]]:
    """Per filter value, how many of the matching services have it. Each service comes as
    its matching documents (one per location): a location flag such as wheelchair access
    counts when any of them has it."""
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    for docs in services:
        doc = docs[0]
        for name, key in FACET_FIELDS.items():
            values = doc[key] if isinstance(doc[key], list) else [doc[key]]
            for value in values:
                facets[name][value] = facets[name].get(value, 0) + 1
    for spec in schema.FLAG_FILTERS:
        count = sum(1 for docs in services if spec.any_matches(docs, moment))
        facets[spec.param] = {"true": count}
    # A widening filter counts the services it lets in (ended projects) among the results.
    for spec in schema.WIDENING_FILTERS:
        facets[spec.param] = {"true": sum(1 for docs in services if docs[0].get(spec.key))}
    return facets
