"""The relevance set's data: the demo network, a layer shared with the browser tests."""

from tests.browser.conftest import demo  # noqa: F401
from tests.conftest import index_for_search
from tests.layers import layered


@layered("demo", each_test=index_for_search)
def relevance_network(demo):  # noqa: F811
    """The demo network's first 14 organisations, indexed for the test's backend."""
    return demo
