"""ELASTICSEARCH_URL may name several nodes of a cluster: the client spreads over all of them,
and a new index has BRUG_SEARCH_REPLICAS replicas (0 on one node, 1 on a cluster)."""

from search.backends import elasticsearch as es


def test_several_nodes_separated_by_commas():
    url = "http://127.0.0.1:9421, http://127.0.0.1:9422,http://127.0.0.1:9423,"
    assert es.node_urls(url) == [
        "http://127.0.0.1:9421",
        "http://127.0.0.1:9422",
        "http://127.0.0.1:9423",
    ]
    client = es._client(url)
    hosts = sorted(node.config.port for node in client.transport.node_pool.all())
    assert hosts == [9421, 9422, 9423]
    # A node that does not answer: the request moves on to the next one, once to each.
    assert client._max_retries == 2


def test_one_node_is_one_url():
    assert es.node_urls("http://127.0.0.1:9301") == ["http://127.0.0.1:9301"]
    assert es._client("http://127.0.0.1:9301")._max_retries == 0


def index_replicas() -> int:
    (name,) = es.indices_behind_alias()
    return int(
        es.client("alias").indices.get_settings(index=name)[name]["settings"]["index"][
            "number_of_replicas"
        ]
    )


def test_a_new_index_has_the_configured_replicas(elasticsearch_backend, settings):
    es.rebuild([])
    assert index_replicas() == 0  # one node: a replica could never be placed
    settings.BRUG_SEARCH_REPLICAS = 1  # a cluster: every shard also on another node
    es.rebuild([])
    assert index_replicas() == 1
