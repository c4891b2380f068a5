"""Per-process values built from the search entries (the "did you mean" and the taxonomy's
vocabularies), rebuilt when the entries change."""

import threading
import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import get_language
from wagtail.models import ModelLogEntry, PageLogEntry

BUCKET = 300  # seconds: what the public pages say of "open now" is never older than this
# The last state read by this process: (when, state).
_last: list = [0.0, ""]


def entries_state() -> str:
    """Changes whenever an entry is added, removed or updated. Read on every public request,
    so it must stay cheap at 100,000 services: COUNT(*) walks the smallest index (COUNT of a
    column read every row, 0.4 s in SQLite), the newest change comes from its index, and a
    process reads it again only after BRUG_ENTRIES_STATE_SECONDS."""
    from search.models import SearchEntry

    now = time.monotonic()
    if settings.BRUG_ENTRIES_STATE_SECONDS and now - _last[0] < settings.BRUG_ENTRIES_STATE_SECONDS:
        return _last[1]
    state = SearchEntry.objects.aggregate(n=Count("*"), at=Max("updated_at"))
    _last[:] = [now, f"{state['n']}:{state['at']}"]
    return _last[1]


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


def time_bucket(now: float | None = None) -> str:
    """The five minutes `now` (default: this moment) is in: part of every public cache key."""
    return str(int((time.time() if now is None else now) // BUCKET))


def public_revision() -> str:
    """Changes whenever something public may have changed: every publish, unpublish, move or
    deletion of a page (the page log), every edit logged in the admin (the taxonomy, the site
    notice) and every change of the search entries (a capacity change, a re-index). Read once
    per request (OneRevisionPerRequest): a search page asked for it four times."""
    known = _this_request.get()
    if known is not None and "revision" in known:
        return known["revision"]
    page_log = PageLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    model_log = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    revision = f"{page_log}:{model_log}:{entries_state()}"
    if known is not None:
        known["revision"] = revision
    return revision


# What this request has read of the revision (a dict per request; None outside requests).
_this_request: ContextVar[dict | None] = ContextVar("brug_public_revision", default=None)


class OneRevisionPerRequest:
    """Middleware: public_revision() is worked out at most once per request. A change the
    request itself makes shows from the next request on (a write redirects)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _this_request.set({})
        try:
            return self.get_response(request)
        finally:
            _this_request.reset(token)


# The per-process values kept until the public revision changes (the tests empty them).
_PER_REVISION: list[dict] = []
_MISSING = object()


def rebuilt_when_public_changes(build):
    """Cache `build()` per process and language until public_revision() changes: what the
    public pages read of the taxonomy on every view (the filters' and the popups' labels)."""
    cached: dict[tuple[str, str], object] = {}
    _PER_REVISION.append(cached)
    lock = threading.Lock()  # a threaded server (runserver, gthread) asks from several threads

    @wraps(build)
    def current():
        key = (public_revision(), get_language())
        with lock:
            value = cached.get(key, _MISSING)
        if value is _MISSING:
            value = build()  # outside the lock: it reads the database
            with lock:
                if any(kept[0] != key[0] for kept in cached):
                    cached.clear()  # only the current revision's values are kept
                cached[key] = value
        return value

    current.cache_clear = cached.clear
    return current


def clear_per_revision() -> None:
    for cached in _PER_REVISION:
        cached.clear()
