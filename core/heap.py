"""The garbage collector in a long-running web worker.

Python's full collections walk every tracked object, and a worker holding Django, Wagtail and
the gazetteer has about 260,000 of them: each full collection paused a request for 150–280 ms,
about once every fifteen admin requests, which was most of the service edit page's p95
(docs/benchmarks.md, "Admin screens"). What a worker loads once lives as long as the worker,
so it is moved to the permanent generation (`gc.freeze`), which collections skip: once when
the worker has loaded the application, and again after its first requests, which fill the
template, URL and translation caches.
"""

import gc
import logging
import os

from django.core.signals import request_finished

logger = logging.getLogger(__name__)


# Enough requests for the caches a worker builds lazily (templates, URL resolvers, the
# catalogues of the languages asked for) to be there, few enough to come within a minute.
def _settle_after() -> int:
    """BRUG_HEAP_SETTLE_AFTER: 0 settles only at start; anything unreadable is the default."""
    try:
        return max(0, int(os.environ.get("BRUG_HEAP_SETTLE_AFTER") or 50))
    except ValueError:
        return 50


SETTLE_AFTER_REQUESTS = _settle_after()


def settle() -> None:
    """Collect what is garbage now, then exempt everything alive from later collections."""
    gc.collect()
    gc.freeze()


def install(after_requests: int = SETTLE_AFTER_REQUESTS):
    """For a web worker that has loaded the application and what it always needs
    (gunicorn's post_worker_init, website/gunicorn_conf.py). Returns the receiver that
    settles again, or None when `after_requests` is 0."""
    settle()
    logger.info("heap settled at start: %s objects frozen", gc.get_freeze_count())
    served = 0

    def settle_once_warm(**kwargs) -> None:
        nonlocal served
        served += 1
        # Only the request that disconnects settles (threads of a gthread worker race here).
        if served >= after_requests and request_finished.disconnect(settle_once_warm):
            settle()
            logger.info(
                "heap settled after %s requests: %s objects frozen", served, gc.get_freeze_count()
            )

    if after_requests <= 0:
        return None
    request_finished.connect(settle_once_warm, weak=False)
    return settle_once_warm
