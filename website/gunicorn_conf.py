"""gunicorn's settings for Brug's web processes (scripts/prod.sh web, make load-benchmark)."""

from core import heap


def post_worker_init(worker):
    # Exempt what the worker loaded from full collections (core/heap.py says why).
    heap.install()
