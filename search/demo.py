"""Demo searches that found nothing (search.unmet's aggregate), for the managers' gap report
on demo data: needs the network does not cover, in the visitors' own words and languages,
spread over the last months. Deterministic and idempotent."""

import datetime
import random

from django.utils import timezone

from search.models import UnmetQuery

# (language, words as search.unmet keeps them, searches over the year)
QUERIES = [
    ("nl", "kinderopvang s avonds", 34),
    ("nl", "rijbewijs theorie arabisch", 21),
    ("fr", "aide juridique gratuite tienen", 17),
    ("ar", "طبيب اسنان مجاني", 26),
    ("nl", "tandarts zonder afspraak", 19),
    ("en", "night shelter women", 12),
    ("uk", "психолог українською", 9),
    ("nl", "huiswerkbegeleiding diest", 8),
    ("fr", "logement urgence famille", 15),
    ("ar", "دروس سباحة للنساء", 7),
    ("en", "driving lessons", 6),
    ("nl", "schuldbemiddeling tigrinya", 5),
]


def load_unmet_queries(today=None, seed=11) -> int:
    if UnmetQuery.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts: dict = {}
    for language, text, total in QUERIES:
        for _n in range(total):
            day = today - datetime.timedelta(days=int(300 * rng.random() ** 1.5))
            key = (day, language, text)
            counts[key] = counts.get(key, 0) + 1
    UnmetQuery.objects.bulk_create(
        UnmetQuery(day=day, language=language, text=text, count=n)
        for (day, language, text), n in counts.items()
    )
    return len(counts)
