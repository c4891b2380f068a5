"""The taxonomy as search reads it: the needs a query names, and the needs a query that found
nothing is close to, from every need's labels and synonyms in every language.

A query that names a need ("housing", "житло", "logement") is about that need: its services
rank above a service whose name merely shares a stem ("House of the Child" for "housing");
both backends add the same weight (search.backends.base.NEED_INTENT_WEIGHT). A query that finds
nothing is offered the needs whose words are close to its words (one typo, another language's
spelling), so a visitor always has somewhere to go.
"""

import difflib
from dataclasses import dataclass, field
from functools import cached_property

from search import analysis
from search.entries_cache import rebuilt_when_entries_change

CLOSE_CUTOFF = 0.8  # difflib ratio: one typo in a word of five letters or more
MIN_CLOSE_WORD = 4
MAX_CLOSE_NEEDS = 5


@dataclass
class NeedPhrase:
    need: str  # slug
    terms: tuple[str, ...]  # analysed in the label's language
    words: tuple[str, ...]  # folded, unstemmed: what "close to" compares


@dataclass
class NeedVocabulary:
    phrases: list[NeedPhrase] = field(default_factory=list)

    @cached_property
    def words(self) -> dict[str, set[str]]:
        """Each folded word of a label or synonym, with the needs it names."""
        found: dict[str, set[str]] = {}
        for phrase in self.phrases:
            for word in phrase.words:
                if len(word) >= MIN_CLOSE_WORD:
                    found.setdefault(word, set()).add(phrase.need)
        return found

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every folded word of the labels, synonyms and search synonym groups ("did you
        mean" corrects to them)."""
        groups = {w for group in analysis.SYNONYM_GROUPS for p in group for w in analysis.tokens(p)}
        return frozenset(w for p in self.phrases for w in p.words if len(w) >= 2) | groups

    def named(self, text: str) -> set[str]:
        """The needs a query names: a label or synonym all of whose terms are among the
        query's words (each word in any language's stem)."""
        alternatives = analysis.word_alternatives(text)
        if not alternatives:
            return set()
        forms = set().union(*alternatives)
        return {p.need for p in self.phrases if p.terms and set(p.terms) <= forms}

    def close(self, text: str) -> list[str]:
        """The needs whose label or synonym words are near the query's words, closest first."""
        ranked: dict[str, float] = {}
        vocabulary = list(self.words)
        for word in analysis.tokens(text):
            if len(word) < MIN_CLOSE_WORD:
                continue
            for near in difflib.get_close_matches(word, vocabulary, n=8, cutoff=CLOSE_CUTOFF):
                ratio = difflib.SequenceMatcher(None, word, near).ratio()
                for need in self.words[near]:
                    ranked[need] = max(ranked.get(need, 0.0), ratio)
        ordered = sorted(ranked, key=lambda need: (-ranked[need], need))
        return ordered[:MAX_CLOSE_NEEDS]


@rebuilt_when_entries_change
def vocabulary() -> NeedVocabulary:
    """The needs' labels and synonyms, rebuilt when the search entries change: a label edit
    reaches search when the services are indexed again, as the documents' own labels do."""
    from directory.models import NeedLabel

    phrases = []
    rows = NeedLabel.objects.values_list("need__slug", "language", "label", "synonyms")
    for slug, language, label, synonyms in rows:
        for text in [label, *synonyms.split(",")]:
            for variant in _with_synonym_group(text):
                phrases.append(
                    NeedPhrase(
                        slug,
                        tuple(analysis.index_terms(variant, language)),
                        tuple(analysis.tokens(variant)),
                    )
                )
    return NeedVocabulary(phrases)


def _with_synonym_group(text: str) -> list[str]:
    """A label or synonym, and the other phrases of its search synonym group when it is one
    of them ("wonen" also names housing as "huisvesting")."""
    words = analysis.tokens(text)
    if not words:
        return []
    for group in analysis.SYNONYM_GROUPS:
        if any(analysis.tokens(phrase) == words for phrase in group):
            return [text, *(phrase for phrase in group if analysis.tokens(phrase) != words)]
    return [text]
