"""A missing Elasticsearch, PostgreSQL or browser fails the suite: only a developer's
explicit opt-out (`make test-fast`) skips, and never in CI."""

import pytest

from tests.conftest import require_component


def test_missing_component_fails_by_default(monkeypatch):
    monkeypatch.delenv("BRUG_TEST_ALLOW_SKIP", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.fail.Exception, match="Elasticsearch is not available"):
        require_component("Elasticsearch", "run `make test`")


def test_in_ci_the_opt_out_does_not_turn_it_into_a_skip(monkeypatch):
    monkeypatch.setenv("BRUG_TEST_ALLOW_SKIP", "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium is not available"):
        require_component("Chromium", "install Debian's chromium package")


def test_a_developer_may_opt_out_outside_ci(monkeypatch):
    monkeypatch.setenv("BRUG_TEST_ALLOW_SKIP", "1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_component("PostgreSQL", "run `make test`")
