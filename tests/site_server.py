"""`site_server`: the product served over real HTTP to the browser tests, inside the test's own
transaction (and so on the shared data layers of tests/layers.py).

pytest-django's `live_server` makes every test transactional: its data is committed, and the
whole database is flushed afterwards, which costs seconds per test and, with requests still in
flight, fails ("database table is locked"). On the in-memory SQLite database the server's
threads share the test's connection anyway, so they see the test's uncommitted data. Here the
server reads requests in threads as usual (a browser keeps idle connections open), but runs
the application for one request at a time, body and `request_finished` included, so the
connection is never used by two requests at once; and it stops taking requests before the
test's transaction is rolled back. Tests that need a real commit (on_commit work such as
e-mails, or PostgreSQL) keep `live_server`.
"""

import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread


class OneAtATime:
    """A WSGI application that runs the wrapped one for one request at a time, and only while
    a test is running (`open`)."""

    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()
        self.open = False

    def __call__(self, environ, start_response):
        with self.lock:
            if not self.open:  # between tests: there is no transaction to serve from
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"No test is running."]
            result = self.application(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                if hasattr(result, "close"):
                    result.close()  # request_finished, still under the lock


class SerialWSGIServer(ThreadedWSGIServer):
    def set_app(self, application):
        self.gate = OneAtATime(application)
        super().set_app(self.gate)


class SerialLiveServerThread(LiveServerThread):
    server_class = SerialWSGIServer


class SiteServer:
    def __init__(self, thread):
        self.thread = thread

    @property
    def url(self) -> str:
        return f"http://{self.thread.host}:{self.thread.port}"


@pytest.fixture(scope="session")
def _site_server_thread(django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    from tests.conftest import require_component

    connection = connections["default"]  # the wrapper itself, not the thread-local proxy
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        require_component(
            "The in-memory SQLite test database",
            "browser tests share the test's connection; run them without BRUG_TEST_DATABASE_URL",
        )
    thread = SerialLiveServerThread(
        "localhost", StaticFilesHandler, connections_override={connection.alias: connection}
    )
    thread.daemon = True
    connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread
    thread.terminate()
    connection.dec_thread_sharing()


@pytest.fixture
def site_server(_site_server_thread, db, request):
    """The running product at `site_server.url`, serving this test's data."""
    gate = _site_server_thread.httpd.gate
    with gate.lock:
        gate.open = True
    yield SiteServer(_site_server_thread)
    # The browser's pages go first, then the server finishes the request it is running (the
    # lock) and takes no more, all before the test's transaction is rolled back.
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    with gate.lock:
        gate.open = False
