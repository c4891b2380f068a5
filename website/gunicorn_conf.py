"""gunicorn's settings for Brug's web processes (scripts/prod.sh web, make load-benchmark)."""

from core import heap


def post_worker_init(worker):
    # Load now what every worker loads at its first requests anyway, then exempt it all
    # from full garbage collections (core/heap.py says why).
    from django.urls import get_resolver

    from directory.geocoding import _places

    get_resolver().check()  # imports every URLconf and the views they name
    _places()
    heap.install()
