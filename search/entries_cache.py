"""Per-process values built from the search entries (the "did you mean" and the taxonomy's
vocabularies), rebuilt when the entries change."""

from functools import wraps

from django.db.models import Count, Max


def entries_state() -> str:
    """Changes whenever an entry is added, removed or updated. Read on every public request,
    so it must stay cheap at 100,000 services: COUNT(*) walks the smallest index (COUNT of a
    column read every row, 0.4 s in SQLite) and the newest change comes from its index."""
    from search.models import SearchEntry

    state = SearchEntry.objects.aggregate(n=Count("*"), at=Max("updated_at"))
    return f"{state['n']}:{state['at']}"


def rebuilt_when_entries_change(build):
    """Cache `build()` per process until the search entries change; only the current state
    is kept."""
    cached: dict[str, object] = {}

    @wraps(build)
    def current():
        key = entries_state()
        if key not in cached:
            value = build()
            cached.clear()
            cached[key] = value
        return cached[key]

    current.cache_clear = cached.clear
    return current
