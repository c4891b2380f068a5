"""Retrying a task later, in the worker, never by sleeping.

A task that meets an unreachable server (Elasticsearch, SMTP) enqueues itself again with
`run_after` a little later, for a bounded number of attempts (a tuple of delays in seconds).
The immediate backend (`make run`, the fast tests) runs a task inside the request that
enqueued it and cannot defer one: there a retry without a delay runs at once, and a retry
with a delay is not made (the caller keeps its durable record, e.g. the search outbox)."""

from datetime import timedelta

from django.utils import timezone


def retry_later(task, attempt: int, delays, *args, **kwargs) -> bool:
    """Enqueue `task(*args, attempt=attempt + 1, **kwargs)` after the delay for attempt
    `attempt` (1 is the first run). False when the attempts are used up, or when the backend
    cannot wait and the delay is not zero."""
    if attempt > len(delays):
        return False
    delay = float(delays[attempt - 1])
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    elif delay > 0:
        return False
    task.enqueue(*args, attempt=attempt + 1, **kwargs)
    return True
