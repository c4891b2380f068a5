"""Light stemmers for languages Snowball has none for (search.analysis).

Ukrainian: Snowball has no Ukrainian stemmer (its Russian one mangles Ukrainian endings such
as -ів, -ї, -ою), so inflectional endings are stripped here, longest first, keeping a stem of
at least three letters: "житло", "житла", "житлом" → "житл"; "бездомний", "бездомних" →
"бездомн". Conservative on purpose: a word left whole still matches the same word.
"""

_UKRAINIAN_ENDINGS = sorted(
    {
        # adjectives and participles
        "ими",
        "іми",
        "ого",
        "ому",
        "ими",
        "ій",
        "ий",
        "ої",
        "ою",
        "ою",
        "ім",
        "им",
        "их",
        "іх",
        "ая",
        "яя",
        "ее",
        "ие",
        "ує",
        "ую",
        "юю",
        "а",
        "я",
        # nouns
        "ами",
        "ями",
        "ові",
        "еві",
        "єві",
        "ах",
        "ях",
        "ам",
        "ям",
        "ом",
        "ем",
        "єм",
        "ів",
        "їв",
        "ей",
        "ою",
        "ею",
        "єю",
        "о",
        "е",
        "є",
        "и",
        "і",
        "ї",
        "у",
        "ю",
        "ь",
        "й",
        # verbs (infinitive and present forms people type)
        "ати",
        "яти",
        "ити",
        "іти",
        "ути",
        "ють",
        "ять",
        "ить",
        "ать",
        "ете",
        "ємо",
        "емо",
        "ти",
    },
    key=len,
    reverse=True,
)
MIN_STEM = 3


def ukrainian(word: str) -> str:
    for ending in _UKRAINIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


STEMMERS = {"uk": ukrainian}
