"""A spoken language's name in the visitor's language: CLDR's (through Babel), with the few
names CLDR lacks or gives wrongly for the interface languages filled in here."""

from babel import Locale
from babel.core import UnknownLocaleError

# ISO 639-3 codes that CLDR files under another key: Dari is Afghan Persian.
CLDR_KEYS = {"prs": "fa_AF"}

# (spoken language, interface language) -> name, where CLDR has none or a wrong one.
OWN_NAMES = {
    ("prs", "ps"): "دري",  # CLDR: "دری (افغانستان)"
    ("prs", "so"): "Dari",  # CLDR: "Faarsi" (Persian)
    ("tr", "so"): "Turki",  # CLDR: English "Turkish"
}


def display_name(code: str, in_language: str) -> str | None:
    """The name of language `code` in language `in_language`, or None when unknown."""
    code = code.strip().lower().replace("-", "_")
    in_language = in_language.split("-")[0].split("_")[0]
    if (code, in_language) in OWN_NAMES:
        return OWN_NAMES[(code, in_language)]
    try:
        names = Locale.parse(in_language).languages
    except (ValueError, UnknownLocaleError):
        return None
    key = CLDR_KEYS.get(code, code)
    name = names.get(key) or names.get(key.split("_")[0])
    return name or None
