"""Shared test data built once, not once per test: the "layers" behind the fixtures `home`,
`organisation_index`, `housing`, `network`, `orgs`, `people` and `world`.

Most tests ask for the same few worlds (the site in four locales, the referral network, the
self-service organisations), and building one takes seconds of page saves. So the tests are
ordered by the set of layered fixtures they ask for, and each set is built once inside an
outer transaction that stays open while its tests run; every test still runs in its own
savepoint (pytest-django's transaction nests inside), and the next set starts by rolling the
outer one back. This is Django's `TestCase.setUpTestData`, keyed by fixture instead of by
class. Each test gets deep copies of the instances, so one test changing an object in memory
cannot reach the next.

A test sees exactly the data it asks for, as before: tests that ask for different sets never
share a layer. Tests that need a real commit (`transactional_db`, `live_server`) and tests
whose fixtures change how pages are saved (NOT_LAYERED) build their data per test, as the
fixtures always did.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.utils import translation

# Fixtures that must be in place before pages are saved (e.g. turning on Wagtail's own index):
# a test asking for one builds its data itself.
NOT_LAYERED = {"wagtail_admin_search", "transactional_db", "live_server"}


@dataclass(frozen=True)
class Layer:
    build: Callable
    needs: tuple[str, ...]
    language: str | None  # the language active while building (None: the default language)
    each_layer: Callable | None  # run once on the whole layer, when it is built


LAYERS: dict[str, Layer] = {}


def layered(
    *needs: str,
    language: str | None = None,
    each_layer: Callable | None = None,
    each_test: Callable | None = None,
):
    """Make the decorated builder `name(*needs)` the layered fixture `name`: written like a
    fixture whose arguments are the layered fixtures it builds on. `each_layer()` runs once
    when a layer holding the fixture is built, after all its data (e.g. the search entries);
    `each_test(value, layer)` runs for every test on top of the shared data (e.g. giving the
    test a search index), with `layer` naming the shared layer, or None when the test built
    the data alone (then each_layer has not run)."""

    def register(build):
        name = build.__name__
        if name in LAYERS and LAYERS[name].build.__qualname__ != build.__qualname__:
            raise ValueError(f"two layered fixtures are named {name!r}")
        LAYERS[name] = Layer(build, needs, language, each_layer)

        def fixture(request, _brug_layers, db, **_needs):
            value = _brug_layers.value(request, name)
            if each_test is not None:
                _brug_layers.each_test(request.node, name, each_test, value)
            return value

        # The needs are parameters, so that pytest's closure of a test (its layer key) holds
        # them and sets them up first.
        fixture.__signature__ = inspect.Signature(
            [
                inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                for arg in ("request", "_brug_layers", "db", *needs)
            ]
        )
        fixture.__name__ = name
        fixture.__doc__ = build.__doc__
        return pytest.fixture(name=name)(fixture)

    return register


def layer_key(item) -> tuple[str, ...] | None:
    """The layered fixtures a test asks for, or None when it builds its own data."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return None
    if names & NOT_LAYERED:
        return None
    return tuple(sorted(names & LAYERS.keys()))


def order_by_layer(items) -> None:
    """Keep pytest-django's order (database tests, then transactional ones, then the rest) and,
    among the database tests, put tests that share a layer side by side."""
    first_seen: dict = {}
    for item in items:
        first_seen.setdefault(layer_key(item), len(first_seen))

    def rank(indexed):
        position, item = indexed
        key = layer_key(item)
        uses_db = item.get_closest_marker("django_db") or "db" in getattr(item, "fixturenames", ())
        if key is None or not uses_db:
            return (1, position)  # transactional and database-free tests: where they were
        return (0, first_seen[key], position)

    ordered = [item for _position, item in sorted(enumerate(items), key=rank)]
    items[:] = ordered


class Layers:
    """The one open layer: its key, its outer transaction and the values built in it."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.key: tuple[str, ...] | None = None
        self.atomics: dict = {}
        self.values: dict = {}
        self.ran: set = set()  # the per-test hooks run for the current test
        self.built = 0  # layers built so far: the current one's number names it

    def enter(self, key: tuple[str, ...] | None) -> None:
        if key == self.key:
            return
        self.leave()
        if not key:
            return
        with self.blocker.unblock():
            self.atomics = {alias: transaction.atomic(using=alias) for alias in connections}
            for atomic in self.atomics.values():
                atomic.__enter__()
            self.key = key
            self.built += 1
            order = self._in_build_order(key)
            for name in order:
                self.values[name] = self._build(name, [self.values[n] for n in LAYERS[name].needs])
            for hook in dict.fromkeys(LAYERS[n].each_layer for n in order if LAYERS[n].each_layer):
                hook()

    def leave(self) -> None:
        if self.atomics:
            with self.blocker.unblock():
                for alias, atomic in reversed(self.atomics.items()):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)
        self.key, self.atomics, self.values = None, {}, {}

    def value(self, request, name: str):
        if name in self.values:
            return copy.deepcopy(self.values[name])
        # Not layered (a transactional test): built for this test alone, as fixtures are.
        return self._build(name, [request.getfixturevalue(n) for n in LAYERS[name].needs])

    def each_test(self, node, name: str, hook: Callable, value) -> None:
        """Run a fixture's per-test hook. In a layer all its data is in place before the first
        fixture, so a hook shared by several fixtures (indexing for search) runs once."""
        if name not in self.values:
            hook(value, None)
            return
        if (node.nodeid, hook) in self.ran:
            return
        self.ran = {item for item in self.ran if item[0] == node.nodeid} | {(node.nodeid, hook)}
        hook(value, self.built)

    @staticmethod
    def _build(name: str, needs: list):
        with translation.override(LAYERS[name].language or settings.LANGUAGE_CODE):
            return LAYERS[name].build(*needs)

    @staticmethod
    def _in_build_order(key) -> list[str]:
        ordered: list[str] = []

        def visit(name):
            for need in LAYERS[name].needs:
                visit(need)
            if name not in ordered:
                ordered.append(name)

        for name in key:
            visit(name)
        return ordered


@pytest.fixture(scope="session")
def _brug_layers(django_db_setup, django_db_blocker):
    layers = Layers(django_db_blocker)
    yield layers
    layers.leave()


@pytest.fixture
def _brug_layer(request, _brug_layers):
    _brug_layers.enter(layer_key(request.node))


@pytest.fixture
def _django_db_helper(_brug_layer, _django_db_helper):
    """pytest-django's per-test transaction, opened inside the test's layer: the arguments are
    set up in order, so the layer is entered first."""
    return _django_db_helper
