"""Text analysis shared by both search backends."""

import pytest

from search import analysis


def test_dutch_plural_and_singular_share_a_stem():
    assert analysis.index_terms("Woningen", "nl") == analysis.index_terms("woning", "nl")


def test_query_words_are_stemmed_in_every_ui_language():
    (logement,) = analysis.query_terms("Logements")
    assert analysis.index_terms("logement", "fr")[0] in logement


def test_diacritics_are_folded_for_latin_text():
    assert analysis.tokens("Études Café") == ["etudes", "cafe"]


def test_arabic_is_normalised_not_transliterated():
    # Diacritics, tatweel and hamza forms do not change the meaning.
    assert analysis.tokens("سَكَـن") == ["سكن"]
    assert analysis.tokens("إقامة") == analysis.tokens("اقامه")


def test_synonyms_connect_names_across_languages():
    expanded = analysis.expand_synonyms("OCMW Leuven")
    assert "cpas" in expanded and "louvain" in expanded
    groups = analysis.synonym_terms("CPAS Louvain")
    assert any("ocmw" in group for group in groups)
    assert any(any(term.startswith("leu") for term in group) for group in groups)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "\u200f\u200e", "?&<>", "\u0640"])
def test_queries_without_words_have_nothing_to_search(query):
    assert not analysis.has_words(query)


def test_every_ui_language_is_analysed(settings):
    assert analysis.languages() == [code for code, _name in settings.LANGUAGES]
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    assert "de" in analysis.languages()


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("ru", ["жильё", "жилье", "жилья"]),  # Snowball's Russian, ё folded after it
        ("uk", ["житло", "житла", "житлом"]),  # our light Ukrainian stemmer
        ("uk", ["бездомний", "бездомних", "бездомним"]),
        ("tr", ["konut", "konutlar"]),
        ("es", ["vivienda", "viviendas"]),
        ("fa", ["خانه", "خانه\u200cها"]),  # the zero-width non-joiner of a Persian plural
    ],
)
def test_new_languages_are_stemmed_in_their_own_letters(language, forms):
    stems = {tuple(analysis.index_terms(form, language)) for form in forms}
    assert len(stems) == 1
    ((term,),) = stems
    if language in ("ru", "uk", "fa"):
        assert not term.isascii()  # stemmed before folding, and not transliterated


def test_persian_and_arabic_letters_meet():
    # Persian ی/ک typed on an Arabic keyboard as ي/ك, and ە for ه.
    assert analysis.index_terms("مسکن", "fa") == analysis.index_terms("مسكن", "fa")
    assert analysis.tokens("یک") == analysis.tokens("يك")
    assert analysis.tokens("خانە") == analysis.tokens("خانه")


def test_words_without_a_stemmer_stay_whole():
    assert analysis.index_terms("ገዛ ምድላይ", "ti") == ["ገዛ", "ምድላይ"]  # Ge'ez is not transliterated
    assert analysis.index_terms("Guri raadin", "so") == ["guri", "raadin"]


def test_a_query_word_meets_the_label_in_its_language():
    (alternatives,) = analysis.word_alternatives("бездомных")
    assert analysis.index_terms("бездомний", "uk")[0] in alternatives
    (barinma,) = analysis.word_alternatives("barinma")  # typed without the dotless ı
    assert analysis.index_terms("barınma", "tr")[0] in barinma
