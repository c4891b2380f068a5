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
