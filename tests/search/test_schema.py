"""The search schema (search.schema) drives every consumer: the documents, the query
parameters, the API's parameters, the Elasticsearch mapping, both backends' filters and facets,
and the filter panel. A filter added to the registry is checked here everywhere at once."""

import types
import typing
from datetime import time

import pytest
from django.http import QueryDict

from directory.factories import (
    LocationPageFactory,
    OpeningHoursFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from search import facets, schema
from search.backends import get_backend
from search.documents import build_documents
from search.models import SearchEntry
from search.query import SearchParameters, SearchQuery, parse
from search.sync import rebuild_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_network(network):
    """Beside the network's service (interpreter, waiting list, closed on most hours), a paid
    one that accepts clients, with a keyword, at an always-open wheelchair-accessible place."""
    org = network["organisation"]
    place = LocationPageFactory(
        parent=org, title="Open Huis", slug="open-huis", wheelchair_access="yes"
    )
    for weekday in range(7):
        OpeningHoursFactory(location=place, weekday=weekday, opens=time(0), closes=time(23, 59))
    publish(place)
    alias_everywhere(place)
    service = ServicePageFactory(
        parent=org,
        title="Taalcafé",
        slug="taalcafe",
        summary="Nederlands oefenen.",
        needs=[network["need"]],
        cost="paid",
        capacity_status="accepting",
    )
    service.tags.add("Taal")
    service.locations.set([place, network["location"]])
    publish(service)
    alias_everywhere(service)
    rebuild_all()
    return network


def _is(value, expected) -> bool:
    """Whether a JSON value is of a declared type (str, list[str], dict[str, str], X | None)."""
    if isinstance(expected, types.UnionType):
        return any(_is(value, option) for option in typing.get_args(expected))
    if expected is None or expected is type(None):
        return value is None
    origin = typing.get_origin(expected)
    if origin is list:
        (item,) = typing.get_args(expected)
        return isinstance(value, list) and all(_is(v, item) for v in value)
    if origin is dict:
        _key, item = typing.get_args(expected)
        return isinstance(value, dict) and all(_is(v, item) for v in value.values())
    return isinstance(value, expected)


def test_documents_have_exactly_the_declared_keys_and_types(varied_network):
    keys = set(SearchEntry.objects.values_list("service_key", flat=True))
    documents = [doc for key in keys for doc in build_documents(key)]
    assert len(documents) == 3
    for doc in documents:
        assert set(doc) == set(schema.DOCUMENT_KEYS)
        for key, value in doc.items():
            assert _is(value, schema.FIELDS_BY_KEY[key].type), (key, value)


def test_every_filter_tests_a_mapped_field():
    mapped = schema.mapping()["properties"]
    for spec in schema.FILTERS:
        assert spec.key in mapped, spec.param
        if spec.any_key:
            assert spec.any_key in mapped, spec.param
        if spec.rule != schema.OPEN_AT:  # open now is computed from the schedules
            assert spec.key in schema.DOCUMENT_KEYS, spec.param


def test_the_elasticsearch_mapping_is_the_schemas(varied_network):
    from search.backends.elasticsearch import service_document, to_source

    assert service_document()._doc_type.mapping.to_dict() == schema.mapping()
    mapped = set(schema.mapping()["properties"])
    for entry in SearchEntry.objects.all():
        # What is sent is mapped; what the index has no field for stays in the database.
        assert set(to_source(entry.to_document())) <= mapped


def test_every_filter_is_a_query_parameter_and_attribute(varied_network):
    form = SearchParameters({})
    for spec in schema.FILTERS:
        assert spec.param in form.fields
        assert hasattr(SearchQuery(), spec.query_attribute)
    query, errors = parse(QueryDict("tag=Taal&need=housing&free=true&open_now=1"), "nl")
    assert errors == {}
    assert (query.tag, query.need, query.free, query.open_now) == (
        ["Taal"],
        ["housing"],
        True,
        True,
    )
    _query, errors = parse(QueryDict("need=nothing-like-it"), "nl")
    assert list(errors) == ["need"]


def test_every_filter_is_described_in_the_openapi_schema(client):
    api = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/services", "/api/v1/map"):
        described = {
            p["name"]: p.get("description", "") for p in api["paths"][path]["get"]["parameters"]
        }
        for spec in [*schema.FILTERS, *schema.CLIENT_PARAMETERS]:
            assert described.get(spec.param) == spec.description, (path, spec.param)


def test_the_filter_panel_shows_every_filter_with_its_label(varied_network):
    params = QueryDict("q=woning")
    panel = facets.build_panel(params, facets.Links("/nl/search/", params), counts=None)
    groups = {group.name: group for group in panel.groups}
    for spec in schema.LIST_FILTERS:
        assert groups[spec.param].legend == str(spec.label)
    flags = {option.name: option.label for option in groups["flags"].options}
    assert flags == {spec.param: str(spec.label) for spec in schema.FLAG_FILTERS}


def _cases():
    """Every filter of the registry, with a value documents have."""
    for spec in schema.FILTERS:
        if spec.kind == schema.FLAG:
            yield spec, True
            continue
        values = set()
        for entry in SearchEntry.objects.all():
            value = entry.data[spec.key]
            values.update(value if isinstance(value, list) else [value])
        for value in sorted(values):
            yield spec, [value]


@pytest.mark.usefixtures("search_backend")
def test_every_filter_filters_and_counts_as_its_predicate_on_each_backend(varied_network):
    from search.backends.base import facet_counts
    from search.schema import opening_hours

    docs = [entry.to_document() for entry in SearchEntry.objects.all()]
    moment = opening_hours.now_in_brussels()
    services = {}
    for doc in docs:
        services.setdefault(doc["service_key"], []).append(doc)
    expected_facets = facet_counts(list(services.values()), moment)
    answer = get_backend().search(SearchQuery(page_size=100))
    assert answer.fallback is False
    for spec in schema.FILTERS:
        expected = {k: n for k, n in expected_facets[spec.param].items() if n}
        assert {k: n for k, n in answer.facets[spec.param].items() if n} == expected, spec.param

    tried = 0
    for spec, value in _cases():
        query = SearchQuery(page_size=100, **{spec.query_attribute: value})
        wanted = spec.wanted(query)
        expected = {d["service_key"] for d in docs if spec.matches(d, wanted, moment)}
        found = {hit.service_key for hit in get_backend().search(query).hits}
        assert found == expected, (spec.param, value)
        tried += 1
    assert tried > len(schema.FILTERS)


def test_the_outbox_and_fallback_know_no_engine():
    import ast
    from pathlib import Path

    import search.backends.fallback as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if "elasticsearch" in name}


def test_an_unreachable_node_raises_the_backend_neutral_exception(settings, varied_network):
    from search.backends import BackendUnavailable
    from search.backends.elasticsearch import ElasticsearchBackend
    from tests.conftest import free_port

    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"
    backend = ElasticsearchBackend()
    key = str(varied_network["service"].translation_key)
    for call in (
        lambda: backend.add(key, []),
        lambda: backend.search(SearchQuery(text="woning")),
        lambda: backend.map(SearchQuery(bbox=(4.0, 50.0, 5.0, 51.0)), 10),
        lambda: backend.suggest("wo"),
        lambda: backend.indexed_count(),
    ):
        with pytest.raises(BackendUnavailable):
            call()


@pytest.mark.usefixtures("search_backend")
def test_writes_go_through_the_backend_interface(varied_network):
    from search.backends import preferred_backend
    from search.backends.database import DatabaseBackend

    backend = preferred_backend() or DatabaseBackend()
    key = str(varied_network["service"].translation_key)
    documents = build_documents(key)
    backend.delete(key)
    backend.refresh_index()
    assert key not in {h.service_key for h in backend.search(SearchQuery(text="woning")).hits}
    backend.add_bulk(documents)
    backend.refresh_index()
    assert key in {h.service_key for h in backend.search(SearchQuery(text="woning")).hits}
    backend.delete(key)
    backend.add(key, documents)  # a replace: refreshed at once, without refresh_index
    assert key in {h.service_key for h in backend.search(SearchQuery(text="woning")).hits}
    everything = DatabaseBackend().documents()
    backend.rebuild(everything)
    backend.refresh_index()
    assert backend.indexed_count() == len(everything) == 3
