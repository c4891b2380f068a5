"""schemathesis runs the official HSDS 3.0 OpenAPI document, as the API serves it at its
`openapi_url`, against the API: every operation, valid and invalid parameters. 0 response-
schema failures, 0 server errors, 0 bad requests accepted (an invalid parameter gets a 4xx
with a JSON error). The document's `$ref`s to the spec's raw GitHub files are made local
(hsds.schemas.bundled), so nothing is fetched.

In-process (schemathesis's WSGI mode on Django's WSGI application), inside the test's
transaction: the shared HSDS test network is what the API serves. Deterministic (fixed seed,
derandomized) and bounded. Checks the official document cannot support are left out, each
for its reason (docs/hsds.md, "Validation"):
- status_code_conformance: the document declares only 200 answers, no 400 or 404.
- positive_data_acceptance: the document types every parameter loosely (ids and proximity
  as any string, page and per_page as any integer, modified_after with the unknown format
  "datetime"), so values that name nothing (page 0, a non-date) count as valid there; the
  API must refuse them (400).
"""

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck

from hsds import schemas

pytestmark = pytest.mark.django_db

EXCLUDED_CHECKS = ["status_code_conformance", "positive_data_acceptance"]
CONFIG = {
    "seed": 19,
    "generation": {"mode": "all", "deterministic": True},
    # The WSGI client does not undo the site's gzip; an HTTP client would.
    "headers": {"Accept-Encoding": "identity"},
    "checks": {name: {"enabled": False} for name in EXCLUDED_CHECKS},
}
SERVER = "localhost"  # schemathesis's WSGI client sends this Host


@pytest.fixture
def in_test_transaction():
    """Django's WSGI application is called in the test's thread and transaction: the signal
    handlers that would close the test's connection after each request are off meanwhile
    (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def served_document() -> dict:
    """The document /hsds/openapi.json serves (the vendored one, this server in `servers`),
    its references made local."""
    document = {**schemas.openapi(), "servers": [{"url": f"http://{SERVER}/hsds"}]}
    return schemas.bundled(document)


def test_the_document_tested_is_the_one_served(client):
    url = client.get("/hsds/", HTTP_HOST=SERVER).json()["openapi_url"]
    assert schemas.bundled(client.get(url, HTTP_HOST=SERVER).json()) == served_document()


# Loaded when the module is: schemathesis.pytest.from_fixture (4.32) sets a pytest-internal
# attribute (Function._nodeid) that pytest 9 no longer has. The application still answers
# inside each test, on that test's data.
schema = schemathesis.openapi.from_dict(
    served_document(), config=schemathesis.Config.from_dict(CONFIG)
)
schema.app = WSGIHandler()


@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_to_the_official_document(case, hsds_network, in_test_transaction):
    case.call_and_validate()
