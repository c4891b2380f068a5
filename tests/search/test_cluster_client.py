"""ELASTICSEARCH_URL may name several nodes of a cluster: the client spreads over all of them."""

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
