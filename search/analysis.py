"""Text analysis shared by both search backends: normalise, fold, tokenise, stem, synonyms.

Done in Python so that the database backend and Elasticsearch see the very same terms (and so
that the plain Elasticsearch distribution, which ships without the analysis-common module and
its language analysers, still matches "woningen" with "woning"). Each text is analysed in its
own language; a query is analysed in every UI language (settings.LANGUAGES), because a
visitor's words may be in any of them.

Per language: a Snowball stemmer where there is one (SNOWBALL), a light stemmer of our own
(search.light_stemmers: Ukrainian), else the whole word (Pashto, Tigrinya, Somali). A word is
stemmed before it is folded, so a stemmer sees its own letters ("barınma", "жильё"); folding
then makes spellings meet: Latin script to ASCII (é → e), Arabic-script letters to one form
(Persian ی/ک and Arabic ي/ك, ە/ۀ/ھ → ه, Pashto ې/ۍ → ي), Cyrillic ё → е; other scripts (Ge'ez)
keep their letters.
"""

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from anyascii import anyascii
from django.conf import settings

from search import light_stemmers

# Snowball's algorithm per language code; a language of settings.LANGUAGES that is in neither
# this nor light_stemmers.STEMMERS is matched on whole words.
SNOWBALL = {
    "nl": "dutch",
    "fr": "french",
    "en": "english",
    "ar": "arabic",
    "ru": "russian",
    "tr": "turkish",
    "fa": "persian",
    "es": "spanish",
}

# Marks that change nothing a person means: direction marks, tatweel, zero-width joiners.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u0640\ufeff]")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
# After stemming: one form for letters that Arabic, Persian and Pashto keyboards write apart.
_ARABIC_SCRIPT_FOLD = str.maketrans(
    {"ی": "ي", "ې": "ي", "ۍ": "ي", "ى": "ي", "ک": "ك", "ە": "ه", "ۀ": "ه", "ھ": "ه", "ة": "ه"}
)
_CYRILLIC_FOLD = str.maketrans({"ё": "е"})
_TOKEN = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_CYRILLIC = re.compile("[\u0400-\u052f]")
_ETHIOPIC = re.compile("[\u1200-\u139f\u2d80-\u2ddf]")

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
    # The taxonomy says "wonen"; people and letters say "huisvesting".
    ["huisvesting", "wonen"],
]


def normalise(text: str) -> str:
    """Unicode-normalised, case-folded text without invisible marks or Arabic diacritics."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_FOLD)
    return text.casefold()


def fold(token: str) -> str:
    """One spelling per script: Arabic-script letters to one form, Cyrillic ё to е, Ge'ez
    as it is, Latin (and the rest) ASCII-folded (é → e)."""
    if _ARABIC.search(token):
        return token.translate(_ARABIC_SCRIPT_FOLD)
    if _CYRILLIC.search(token):
        return token.translate(_CYRILLIC_FOLD)
    if _ETHIOPIC.search(token):
        return token
    return anyascii(token).lower()


def words(text: str) -> list[str]:
    """The normalised words of a text, not yet folded (what a stemmer reads)."""
    return [t for t in _TOKEN.findall(normalise(text)) if t.strip("_")]


def tokens(text: str) -> list[str]:
    return [fold(t) for t in words(text)]


def languages() -> list[str]:
    """The languages a query is analysed in: every UI language."""
    return [code for code, _name in settings.LANGUAGES]


@cache
def _snowball(language: str):
    return snowballstemmer.stemmer(SNOWBALL[language])


def stem(token: str, language: str) -> str:
    if language in SNOWBALL:
        return _snowball(language).stemWord(token)
    if language in light_stemmers.STEMMERS:
        return light_stemmers.STEMMERS[language](token)
    return token


def index_terms(text: str, language: str) -> list[str]:
    """The terms a text in `language` is indexed under (stemmed in its own language, then
    folded)."""
    return [fold(stem(w, language)) for w in words(text)]


def word_alternatives(text: str) -> list[set[str]]:
    """For each word of a query, its stems in every UI language (and the word itself), from
    the word as typed and folded: "barinma" typed without the dotless ı still meets
    "barınma"."""
    codes = tuple(languages())
    return [set(_word_forms(word, codes)) for word in words(text)]


@lru_cache(maxsize=8192)
def _word_forms(word: str, codes: tuple[str, ...]) -> frozenset[str]:
    """A word's stems in those languages: a query's words are stemmed twice per search (the
    needs it names, the text query) in twelve languages, about 4 ms each time for two words;
    the same words come back in most searches."""
    forms = {word, fold(word)}
    return frozenset({fold(stem(form, lang)) for form in forms for lang in codes} | {fold(word)})


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
            " ".join(index_terms(phrase, lang)) for phrase in group for lang in languages()
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
