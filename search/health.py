"""Is the preferred backend's index whole, and healing it when it is not.

A node can come back empty (its data wiped) or an alias can vanish; a write that then goes to
the node would rebuild nothing. So the next write, replay or `search_index check` compares the
index with the search entries (the durable truth): a missing alias, an index holding far
fewer documents than there are entries, or one built before a field of the schema existed,
marks the index for a full rebuild. The mark is a
sentinel row in the SearchOutbox, so search answers from the database at once (the
FallbackBackend does while the outbox is not empty), until a full rebuild has swapped the
alias and emptied the outbox."""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django_tasks import task

from core.task_retry import retry_later
from search.models import SearchEntry, SearchOutbox

logger = logging.getLogger(__name__)

# The outbox row that stands for "the whole index needs a rebuild" (no service has this key).
REBUILD_KEY = uuid.UUID(int=0)
# An index with fewer documents than this share of the entries is "behind" (a few missing
# documents are what the outbox is for; far fewer means the node lost its data).
MIN_SHARE = 0.9

OK, MISSING, BEHIND, OUTDATED = "ok", "missing", "behind", "outdated"


@dataclass(frozen=True)
class IndexState:
    status: str
    indexed: int | None  # documents behind the alias; None when the alias is missing
    expected: int  # search entries in the database
    outdated: tuple[str, ...] = ()  # the schema's fields the index lacks (OUTDATED)

    @property
    def healthy(self) -> bool:
        return self.status == OK

    def __str__(self):
        indexed = "no index" if self.indexed is None else f"{self.indexed} documents"
        fields = f", built without {', '.join(self.outdated)}" if self.outdated else ""
        return f"{self.status}: {indexed}, {self.expected} search entries in the database{fields}"


def index_state() -> IndexState:
    """The index compared with the entries (raises when the node is unreachable)."""
    from search.backends import preferred_backend

    backend = preferred_backend()
    expected = SearchEntry.objects.count()
    indexed = backend.indexed_count()
    if indexed is None:
        return IndexState(MISSING, None, expected)
    if indexed < expected * MIN_SHARE:
        # Counts see only what a refresh has made searchable: the services written just now
        # (a demo load, say) are not counted yet. Count again before calling the index behind.
        backend.refresh_index()
        indexed = backend.indexed_count()
    if indexed is None:
        return IndexState(MISSING, None, expected)
    if indexed < expected * MIN_SHARE:
        return IndexState(BEHIND, indexed, expected)
    # An index built before a field of the schema existed (a deploy that added one).
    outdated = backend.outdated_fields()
    if outdated:
        return IndexState(OUTDATED, indexed, expected, tuple(outdated))
    return IndexState(OK, indexed, expected)


def cluster_health() -> str | None:
    """The preferred backend's cluster health ("green", "yellow", "red"); None when the
    database serves alone (raises BackendUnavailable when the node is unreachable)."""
    from search.backends import preferred_backend

    backend = preferred_backend()
    return None if backend is None else backend.cluster_health()


def needs_rebuild() -> bool:
    return SearchOutbox.objects.filter(service_key=REBUILD_KEY).exists()


def heal(reason: str) -> None:
    """Answer from the database from now on and schedule a full rebuild (once: while the mark
    stands, every replay retries the rebuild itself)."""
    row, created = SearchOutbox.objects.get_or_create(service_key=REBUILD_KEY)
    row.attempts += 1
    row.last_error = f"full rebuild needed: {reason}"[:500]
    row.save()
    logger.warning("Search index %s; searching the database until a full rebuild", reason)
    if created:
        rebuild_index_task.enqueue()


def check_and_heal() -> IndexState:
    """The index's state; an unhealthy one is healed (see heal)."""
    state = index_state()
    if not state.healthy:
        heal(str(state))
    return state


@task()
def rebuild_index_task(attempt: int = 1) -> None:
    from search.sync import rebuild_index

    try:
        rebuild_index()
    except Exception as error:
        # The outbox keeps the mark: search stays on the database; the worker tries again
        # later (BRUG_SEARCH_RETRY_DELAYS), and every replay retries the rebuild itself.
        if retry_later(rebuild_index_task, attempt, settings.BRUG_SEARCH_RETRY_DELAYS):
            logger.warning("Rebuilding the search index failed (%s); retrying later", error)
            return
        logger.exception("Rebuilding the search index failed; the database answers meanwhile")
        return
    logger.warning("Search index rebuilt; the preferred backend answers again")
