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

Layers nest: each fixture of a set is built in a savepoint of its own, on top of the ones it
comes after, so the next set keeps the fixtures it starts with (the site in four locales is
in nearly every set) and rolls back only the rest. The sets are ordered so that those
starting alike are side by side. The data a test sees is what building its set from scratch,
in the same order, would give.

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
        where = (build.__module__, build.__qualname__)
        if (
            name in LAYERS
            and (LAYERS[name].build.__module__, LAYERS[name].build.__qualname__) != where
        ):
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
        # Sets that are built alike follow each other (they share the savepoints below).
        defined = list(LAYERS)
        builds = tuple(defined.index(name) for name in Layers.in_build_order(key))
        return (0, builds, first_seen[key], position)

    ordered = [item for _position, item in sorted(enumerate(items), key=rank)]
    items[:] = ordered


class Layers:
    """The open layer: its key, and a stack of the fixtures built for it, each in its own
    savepoint (the outermost also holding the outer transaction), with their values."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.key: tuple[str, ...] | None = None
        self.stack: list[tuple[str, dict]] = []  # (fixture, its atomic per database)
        self.hooks: dict = {}  # the atomics around the current set's each_layer hooks
        self.values: dict = {}
        self.ran: set = set()  # the per-test hooks run for the current test
        self.built = 0  # layers entered so far: the current one's number names it

    def enter(self, key: tuple[str, ...] | None) -> None:
        if key == self.key:
            return
        order = self.in_build_order(key) if key else []
        with self.blocker.unblock():
            self._roll_back(self.hooks)  # each set runs its own hooks, on its own data
            self.hooks = {}
            kept = 0
            while kept < min(len(self.stack), len(order)) and self.stack[kept][0] == order[kept]:
                kept += 1
            while len(self.stack) > kept:
                name, atomics = self.stack.pop()
                self._roll_back(atomics)
                del self.values[name]
            self.key = key or None
            if not key:
                return
            self.built += 1
            for name in order[kept:]:
                atomics = self._open()
                self.stack.append((name, atomics))
                self.values[name] = self._build(name, [self.values[n] for n in LAYERS[name].needs])
            hooks = list(dict.fromkeys(LAYERS[n].each_layer for n in order if LAYERS[n].each_layer))
            if hooks:
                self.hooks = self._open()
                for hook in hooks:
                    hook()

    def leave(self) -> None:
        self.enter(None)

    @staticmethod
    def _open() -> dict:
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        return atomics

    @staticmethod
    def _roll_back(atomics: dict) -> None:
        for alias, atomic in reversed(atomics.items()):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)

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
    def in_build_order(key) -> list[str]:
        """The fixtures of a set and all they build on, each after its needs: by depth, then in
        the order they were defined (the shared ones of tests/conftest.py first), so that sets
        with the same lower fixtures start with the same builds."""
        depth: dict[str, int] = {}

        def visit(name) -> int:
            if name not in depth:
                depth[name] = 1 + max((visit(need) for need in LAYERS[name].needs), default=-1)
            return depth[name]

        for name in key:
            visit(name)
        defined = list(LAYERS)
        return sorted(depth, key=lambda name: (depth[name], defined.index(name)))


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
