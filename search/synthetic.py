"""Synthetic search entries for load runs on a real stack (`manage.py load_synthetic_entries`).

They are shaped by the search benchmark's generator and marked `synthetic` in their data, so
`search_index rebuild` (and the nightly job) keeps them although no service page stands
behind them, and `load_synthetic_entries --remove` finds them again."""

import random

from search.models import SearchEntry

MARK = "synthetic"


def synthetic_entries():
    return SearchEntry.objects.filter(data__has_key=MARK)


def add_synthetic_entries(services: int, seed: int = 7, batch_size: int = 2000) -> int:
    """Store `services` synthetic services' entries (one or two locations each) in bulk;
    returns the number of entries. Index them with `manage.py search_index rebuild`."""
    from search.management.commands.search_benchmark import synthetic_service

    rng = random.Random(seed)
    created = 0
    batch = []
    for _ in range(services):
        for doc in synthetic_service(rng):
            doc[MARK] = True
            doc["organisation"] = "Synthetic"
            batch.append(SearchEntry.from_document(doc))
        if len(batch) >= batch_size:
            created += len(SearchEntry.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(SearchEntry.objects.bulk_create(batch))
    return created


def remove_synthetic_entries() -> int:
    return synthetic_entries().delete()[0]
