"""The search entries' state (search.entries_cache), read on every public request: read
again at most every BRUG_ENTRIES_STATE_SECONDS per process, and then it sees every change."""

import pytest

from search import entries_cache
from search.synthetic import add_synthetic_entries, remove_synthetic_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(entries_cache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(entries_cache, "_last", [0.0, ""])
    return now


def test_the_state_is_read_once_a_second_and_then_sees_additions_and_removals(
    settings, clock, django_assert_num_queries
):
    settings.BRUG_ENTRIES_STATE_SECONDS = 1.0
    with django_assert_num_queries(1):
        empty = entries_cache.entries_state()
        assert entries_cache.entries_state() == empty  # within the second: no query
    add_synthetic_entries(3)
    assert entries_cache.entries_state() == empty  # not yet read again
    clock[0] += 1.5
    added = entries_cache.entries_state()
    assert added != empty
    remove_synthetic_entries()
    clock[0] += 1.5
    assert entries_cache.entries_state() not in (added, "")


def test_without_a_period_every_call_reads_the_state(settings, clock, django_assert_num_queries):
    settings.BRUG_ENTRIES_STATE_SECONDS = 0
    with django_assert_num_queries(2):
        entries_cache.entries_state()
        entries_cache.entries_state()
