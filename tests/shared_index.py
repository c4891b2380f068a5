"""An Elasticsearch index per data layer (tests/layers.py), shared by the layer's tests while
none of them writes to it. Building an index takes a second or more, and most search tests only
read: each test keeps its own alias (what the product reads and writes), pointed at the shared
index. A test that writes (an edit re-indexed, a rebuild, a deleted alias) changes the index's
indexing counters or its alias, and the next test of the layer gets a fresh one."""

import uuid
from contextlib import suppress
from dataclasses import dataclass

from django.test import override_settings

RUN = uuid.uuid4().hex[:8]
PREFIX = f"brug-test-layer-{RUN}"


@dataclass
class Shared:
    alias: str
    index: str
    fingerprint: tuple | None


_shared: dict[int, Shared] = {}
_nodes: set[str] = set()  # the nodes holding them, for drop_all


def index_layer(layer: int) -> None:
    """Point the test's own alias at the layer's index, building that index when there is none
    yet or a test has written to it."""
    from search.backends import preferred_backend
    from search.backends.elasticsearch import ElasticsearchBackend, alias_name, client

    if not isinstance(preferred_backend(), ElasticsearchBackend):
        return  # the database backend reads the layer's search entries
    es = client("alias")
    shared = _shared.get(layer)
    if shared is None or fingerprint(shared) != shared.fingerprint:
        shared = _shared[layer] = build(f"{PREFIX}-{layer}")
    es.indices.update_aliases(actions=[{"add": {"index": shared.index, "alias": alias_name()}}])


def build(alias: str) -> Shared:
    from django.conf import settings

    from search.sync import rebuild_index

    _nodes.add(settings.ELASTICSEARCH_URL)
    with override_settings(BRUG_SEARCH_INDEX=alias):
        index = rebuild_index()
    shared = Shared(alias, index, None)
    shared.fingerprint = fingerprint(shared)
    return shared


def fingerprint(shared: Shared) -> tuple | None:
    """What changes when anyone writes to the index or moves its alias (None: it is gone)."""
    from search.backends.elasticsearch import client

    es = client("alias").options(ignore_status=404)
    behind = es.indices.get_alias(name=shared.alias)
    if shared.index not in behind:
        return None
    stats = es.indices.stats(index=shared.index, metric="indexing")
    indexing = stats["indices"][shared.index]["primaries"]["indexing"]
    return (indexing["index_total"], indexing["delete_total"])


def release(alias: str) -> None:
    """The end of a test: its alias leaves the shared index (its own indices are deleted by
    the caller)."""
    from search.backends.elasticsearch import client

    client("alias").options(ignore_status=404).indices.delete_alias(index="_all", name=alias)


def drop_all() -> None:
    from elasticsearch import ConnectionError

    from search.backends.elasticsearch import client

    for url in _nodes:
        # (a node a test started for itself is stopped by now)
        with override_settings(ELASTICSEARCH_URL=url), suppress(ConnectionError):
            client("alias").indices.delete(index=f"{PREFIX}-*", ignore_unavailable=True)
    _nodes.clear()
    _shared.clear()
