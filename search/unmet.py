"""Searches that found nothing, kept in aggregate so the network sees its unmet needs in the
visitors' own words — without anything that identifies the visitor.

What is kept: the day (no time), the language of the page, the words normalised (Unicode
normalised, case-folded, accents folded for Latin script, punctuation dropped, spaces
collapsed, at most 100 characters) and a count. What is never kept: the address, the user,
the session, the time of day, filters or places. A query that holds what looks like a phone
or national number (six or more digits, whatever separates them) or an e-mail address is not
kept at all. Only words that found nothing in the whole network count: a search narrowed by
a filter or a map area that finds nothing says more about the filter than about the network.

Both search views call `record()` after the backend answered (whichever backend it was).
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from search import analysis
from search.models import UnmetQuery

MAX_LENGTH = 100
# Six or more digits, whatever stands between them (spaces, dots, dashes, slashes, +):
# phone numbers, national register numbers, bank accounts. Postcodes (four digits) stay.
_NUMBER = re.compile(r"\d(?:[\s./\-+()]*\d){5,}")


def normalised(text: str) -> str | None:
    """The words as they are kept, or None when the query must not be kept."""
    if not text or "@" in text or _NUMBER.search(text):
        return None
    words = analysis.tokens(text)
    kept = " ".join(words)[:MAX_LENGTH].strip()
    return kept or None


def is_unnarrowed(query) -> bool:
    """Words only: no filter, no place, no map area."""
    return not (
        query.need
        or query.target_group
        or query.spoken_language
        or query.org_type
        or query.tag
        or query.interpreter
        or query.free
        or query.open_now
        or query.wheelchair
        or query.accepting
        or query.point
        or query.bbox
    )


def record(query, count: int) -> bool:
    """Count a search whose words found nothing. Returns whether it was counted."""
    if count or not query.has_text or not is_unnarrowed(query):
        return False
    text = normalised(query.text)
    if text is None:
        return False
    day = timezone.localdate()
    language = (query.language or "")[:8]
    matching = UnmetQuery.objects.filter(day=day, language=language, text=text)
    if matching.update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            UnmetQuery.objects.create(day=day, language=language, text=text, count=1)
    except IntegrityError:  # someone else created the row between our update and insert
        matching.update(count=F("count") + 1)
    return True
