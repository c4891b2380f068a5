"""Search tests run the same behaviour against both backends."""

import uuid

import pytest

from tests.conftest import require_component


@pytest.fixture(params=["database", "elasticsearch"])
def search_backend(request, settings):
    """The backend under test; Elasticsearch gets a fresh index alias per test."""
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
        settings.BRUG_SEARCH_BACKEND = "search.backends.database.DatabaseBackend"
        yield "database"
        return
    yield from _use_elasticsearch(request, settings)


@pytest.fixture
def elasticsearch_backend(request, settings):
    """Only the Elasticsearch backend (for what concerns the node itself, e.g. an outage)."""
    yield from _use_elasticsearch(request, settings)


def _use_elasticsearch(request, settings):
    url = request.config.getoption("--elasticsearch")
    if not url:
        require_component("Elasticsearch", "run `make test`, which starts a node")
    settings.ELASTICSEARCH_URL = url
    settings.BRUG_SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    settings.BRUG_SEARCH_INDEX = f"brug-test-{uuid.uuid4().hex[:12]}"
    yield "elasticsearch"
    from search.backends.elasticsearch import client
    from tests.shared_index import release

    release(settings.BRUG_SEARCH_INDEX)
    client().indices.delete(index=f"{settings.BRUG_SEARCH_INDEX}-*", ignore_unavailable=True)
