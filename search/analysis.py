"""Text analysis shared by both search backends: normalise, fold, tokenise, stem, synonyms.

Done in Python so that the database backend and Elasticsearch see the very same terms (and so
that the plain Elasticsearch distribution, which ships without the analysis-common module and
its language analysers, still matches "woningen" with "woning"). Each text is analysed in its
own language with a Snowball stemmer; a query is analysed in every UI language, because a
visitor's words may be in any of them.
"""

import re
import unicodedata
from functools import cache

import snowballstemmer
from anyascii import anyascii

STEMMERS = {"nl": "dutch", "fr": "french", "en": "english", "ar": "arabic"}

# Marks that change nothing a person means: direction marks, tatweel, zero-width joiners.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u0640\ufeff]")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_TOKEN = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile("[\u0600-\u06ff]")

# Names people use for the same organisation or thing, across languages. Each group is one
# meaning; a query term from a group also finds the others.
SYNONYM_GROUPS = [
    [
        "ocmw",
        "cpas",
        "public social welfare centre",
        "sociaal huis",
        "centre public d'action sociale",
    ],
    ["k&g", "kind en gezin", "kindengezin", "office de la naissance et de l'enfance"],
    ["caw", "centrum algemeen welzijnswerk", "general welfare centre"],
    ["cgg", "centrum geestelijke gezondheidszorg", "mental health centre", "santé mentale"],
    ["loi", "lokaal opvanginitiatief", "ila", "initiative locale d'accueil"],
    ["leuven", "louvain"],
    ["brussel", "bruxelles", "brussels"],
    ["vdab", "job office", "office de l'emploi"],
]


def normalise(text: str) -> str:
    """Unicode-normalised, case-folded text without invisible marks or Arabic diacritics."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_FOLD)
    return text.casefold()


def fold(token: str) -> str:
    """ASCII-fold Latin tokens (é → e); Arabic and other scripts keep their letters."""
    return token if _ARABIC.search(token) else anyascii(token).lower()


def tokens(text: str) -> list[str]:
    return [fold(t) for t in _TOKEN.findall(normalise(text)) if t.strip("_")]


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


def stem(token: str, language: str) -> str:
    if language not in STEMMERS:
        return token
    return _stemmer(language).stemWord(token)


def index_terms(text: str, language: str) -> list[str]:
    """The terms a text in `language` is indexed under (stemmed in its own language)."""
    return [stem(t, language) for t in tokens(text)]


def word_alternatives(text: str) -> list[set[str]]:
    """For each word of a query, its stems in every UI language (and the word itself)."""
    return [{stem(w, lang) for lang in STEMMERS} | {w} for w in tokens(text)]


def query_terms(text: str) -> list[set[str]]:
    """For each word of a query, every form it may be indexed under: its stem in each UI
    language (the visitor may type in any) and its synonyms' terms."""
    alternatives = word_alternatives(text)
    for extra in synonym_terms(text):
        alternatives.append(extra)
    return alternatives


@cache
def _synonym_index() -> list[tuple[tuple[str, ...], frozenset[str]]]:
    entries = []
    for group in SYNONYM_GROUPS:
        forms = frozenset(
            " ".join(index_terms(phrase, lang)) for phrase in group for lang in STEMMERS
        )
        for phrase in group:
            entries.append((tuple(tokens(phrase)), forms))
    return entries


def synonym_terms(text: str) -> list[set[str]]:
    """Synonym phrases found in a query, each as the set of analysed forms of its group."""
    words = tokens(text)
    found = []
    for phrase, forms in _synonym_index():
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            found.append(set(forms))
    return found


def expand_synonyms(text: str) -> str:
    """Append every synonym of a phrase found in a document's text (index side)."""
    extra = []
    lowered = " ".join(tokens(text))
    for group in SYNONYM_GROUPS:
        if any(re.search(rf"\b{re.escape(' '.join(tokens(p)))}\b", lowered) for p in group):
            extra.extend(group)
    return f"{text} {' '.join(extra)}" if extra else text


def has_words(text: str) -> bool:
    """True when a query has something to search for (not only punctuation or marks)."""
    return bool(tokens(text))
