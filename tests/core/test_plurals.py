"""A plural message in every plural form of the language, for scripts (core/plurals.py)."""

from django.utils import translation

from core.plurals import by_plural_category

ONE, MANY = "%(count)s service here", "%(count)s services here"


def test_every_plural_category_of_the_language_has_its_text():
    with translation.override("ar"):
        forms = by_plural_category(ONE, MANY)
    assert set(forms) == {"zero", "one", "two", "few", "many", "other"}
    with translation.override("en"):
        assert by_plural_category(ONE, MANY) == {"one": ONE, "other": MANY}


def test_a_language_babel_does_not_know_falls_back_to_other():
    with translation.override("xx"):
        assert by_plural_category(ONE, MANY) == {"other": MANY}
