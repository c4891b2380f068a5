"""A web worker exempts what it loaded from the garbage collector's full collections
(core/heap.py): at start, and once more when its first requests have filled its caches."""

import gc
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.signals import request_finished

from core import heap
from tests.conftest import free_port
from tests.security.test_sessions import ROOT


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    installed = []
    yield installed
    for receiver in installed:  # a test that failed early leaves none behind
        request_finished.disconnect(receiver)
    gc.unfreeze()  # the rest of the test run collects as before


@pytest.mark.django_db
def test_a_worker_freezes_what_it_loaded_then_once_more_after_its_first_requests(
    client, unfrozen, caplog
):
    caplog.set_level("INFO", logger="core.heap")
    receivers = len(request_finished.receivers)
    unfrozen.append(heap.install(after_requests=2))
    assert len(request_finished.receivers) == receivers + 1
    at_start = gc.get_freeze_count()
    assert at_start > 10_000  # Django, Wagtail and the gazetteer

    client.get("/healthz")
    assert "heap settled after" not in caplog.text
    client.get("/nl/")
    assert caplog.text.count("heap settled after 2 requests") == 1
    assert gc.get_freeze_count() > at_start  # the templates and pages the requests loaded

    assert len(request_finished.receivers) == receivers  # settled once, then gone
    client.get("/nl/")
    assert caplog.text.count("heap settled after") == 1


def test_zero_settles_only_at_start(unfrozen, monkeypatch):
    receivers = len(request_finished.receivers)
    assert heap.install(after_requests=0) is None
    assert len(request_finished.receivers) == receivers
    for value, expected in (("", 50), ("many", 50), ("-3", 0), ("7", 7)):
        monkeypatch.setenv("BRUG_HEAP_SETTLE_AFTER", value)
        assert heap._settle_after() == expected


def test_gunicorn_runs_the_hook_in_each_worker(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-strong-random-looking-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.sqlite3",
        "BRUG_SSL_REDIRECT": "0",
        "BRUG_HEAP_SETTLE_AFTER": "2",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 (the project's own command line)
            [
                *(sys.executable, "-m", "gunicorn", "website.wsgi:application"),
                *("--config", "python:website.gunicorn_conf"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        answered = 0
        while answered < 4 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    answered += r.status == 200
            except OSError:
                time.sleep(0.2)
        assert answered == 4
        text = ""
        while time.monotonic() < deadline:
            text = log.read_text()
            if text.count("heap settled at start") == 2 and "heap settled after 2" in text:
                break
            time.sleep(0.2)
        assert text.count("heap settled at start") == 2, text
        assert "heap settled after 2 requests" in text, text
    finally:
        server.terminate()
        server.wait(timeout=30)
