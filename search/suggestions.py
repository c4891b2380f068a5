"""Suggestions while typing and "did you mean", from the network's own vocabulary: service
and organisation names and need labels in every language (the documents' `suggest` phrases).

Both backends offer the same: Elasticsearch completes from its completion field, the
database backend from this module's in-memory vocabulary; "did you mean" always comes from
here, by comparing each unknown query word with the words people can find.
"""

import bisect
import difflib
from dataclasses import dataclass, field
from functools import cached_property

from search import analysis
from search.entries_cache import rebuilt_when_entries_change

MIN_WORD = 3


def fold_text(text: str) -> str:
    return " ".join(analysis.tokens(text))


def inputs(phrase: str) -> list[str]:
    """What a phrase can be completed from: its start, and the start of each later word
    ("devoirs" completes to "École de devoirs"), folded so "ecole" finds "École"."""
    words = analysis.tokens(phrase)
    return [" ".join(words[i:]) for i in range(len(words)) if i == 0 or len(words[i]) >= MIN_WORD]


def display_for(option_text: str, phrases: list[str]) -> str:
    """The phrase (in its own spelling) that a folded completion input came from."""
    for phrase in phrases:
        if option_text in inputs(phrase):
            return phrase
    return option_text


@dataclass
class Vocabulary:
    phrases: list[str] = field(default_factory=list)

    @cached_property
    def _keys(self) -> list[tuple[str, str]]:
        return sorted({(key, phrase) for phrase in self.phrases for key in inputs(phrase)})

    @cached_property
    def words(self) -> set[str]:
        return {w for phrase in self.phrases for w in analysis.tokens(phrase) if len(w) >= 2}

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        start = fold_text(prefix)
        if not start:
            return []
        found: list[str] = []
        i = bisect.bisect_left(self._keys, (start, ""))
        while i < len(self._keys) and self._keys[i][0].startswith(start) and len(found) < limit:
            if self._keys[i][1] not in found:
                found.append(self._keys[i][1])
            i += 1
        return found

    def correct(self, text: str, more_words: frozenset[str] = frozenset()) -> str | None:
        """The query with each unknown word replaced by the closest known one, if any (known:
        the phrases' words and `more_words`, e.g. the taxonomy's synonyms)."""
        words = analysis.tokens(text)
        known = self.words | more_words
        changed = False
        corrected = []
        for word in words:
            if len(word) < MIN_WORD or word in known:
                corrected.append(word)
                continue
            close = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
            if close:
                changed = True
            corrected.append(close[0] if close else word)
        return " ".join(corrected) if changed else None


@rebuilt_when_entries_change
def vocabulary() -> Vocabulary:
    """The vocabulary of the live search entries."""
    from search.models import SearchEntry

    phrases = set()
    for suggest in SearchEntry.objects.values_list("data__suggest", flat=True).iterator():
        phrases.update(suggest or ())
    return Vocabulary(sorted(phrases))
