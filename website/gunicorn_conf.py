"""gunicorn's settings for Brug's web processes (scripts/prod.sh web, make load-benchmark)."""

import logging

from core import heap


def post_worker_init(worker):
    # Load now what every worker loads at its first requests anyway, then exempt it all
    # from full garbage collections (core/heap.py says why).
    from django.urls import get_resolver

    from directory.geocoding import _places

    try:
        get_resolver().check()  # imports every URLconf and the views they name
        _places()
        heap.install()
    except Exception:
        # An error in this hook stops gunicorn altogether; without it the worker is slower
        # at the tail, not broken, and its first request shows any real error.
        logging.getLogger("core.heap").exception("the worker's warm-up failed")
