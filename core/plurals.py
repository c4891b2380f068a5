"""Plural texts for the browser: a gettext plural message in every plural form of the active
language, keyed by CLDR plural category ("one", "few", "other"…), so that a script picks the
right one for any count with `Intl.PluralRules` and stays translatable in the catalogues."""

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, ngettext

# Counts up to here meet every category a language has for whole numbers (Arabic's "many"
# starts at 11, its "other" at 100; categories such as French "many" at a million fall back
# to "other").
_SAMPLES = range(112)


def by_plural_category(singular: str, plural: str) -> dict[str, str]:
    """{category: text} for the active language; "other" is always there."""
    try:
        rule = Locale.parse((get_language() or "en").replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError):
        return {"other": ngettext(singular, plural, 2)}
    texts = {}
    for count in _SAMPLES:
        texts.setdefault(rule(count), ngettext(singular, plural, count))
    texts.setdefault("other", ngettext(singular, plural, 2))
    return texts
