"""Light stemmers for languages Snowball has none for (search.analysis).

Ukrainian: Snowball has no Ukrainian stemmer (its Russian one mangles Ukrainian endings such
as -ів, -ї, -ою), so inflectional endings are stripped here, longest first, keeping a stem of
at least three letters: "житло", "житла", "житлом" → "житл"; "бездомний", "бездомних" →
"бездомн". Conservative on purpose: a word left whole still matches the same word.
"""

# Adjective and participle, noun, and verb endings (infinitive and present forms people type).
_ENDINGS = (
    "ими іми ого ому ій ий ої ою ім им их іх ая яя ее ие ує ую юю а я "
    "ами ями ові еві єві ах ях ам ям ом ем єм ів їв ей ею єю о е є и і ї у ю ь й "
    "ати яти ити іти ути ють ять ить ать ете ємо емо ти"
)
_UKRAINIAN_ENDINGS = sorted(
    set(_ENDINGS.split(" ")),
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
