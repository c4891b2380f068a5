"""The taxonomy speaks every interface language: each need and target group of the demo data
has a label and synonyms in every settings.LANGUAGES code, the loader brings them into a
directory loaded before, and every spoken language has a name in every interface language."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from directory.demo.loader import _read, load_taxonomy
from directory.language_names import display_name
from directory.models import Language, Need, NeedLabel, TargetGroup, TargetGroupLabel
from search.sync import rebuild_entries
from website.models import SiteNotice

UI_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def demo_terms():
    for need in _read("needs.json"):
        yield need
        yield from need.get("children", [])
    yield from _read("target_groups.json")


def test_every_demo_term_has_a_label_and_synonyms_in_every_ui_language():
    missing = [
        (term["slug"], code)
        for term in demo_terms()
        for code in UI_LANGUAGES
        if not (term["labels"].get(code, {}).get("label", "").strip())
        or not term["labels"][code].get("synonyms", "").strip()
    ]
    assert missing == []
    for term in demo_terms():
        assert set(term["labels"]) <= set(UI_LANGUAGES), term["slug"]
        for code, words in term["labels"].items():
            synonyms = [s.strip() for s in words["synonyms"].split(",")]
            assert all(synonyms), (term["slug"], code, "empty synonym")
            assert len(synonyms) == len(set(synonyms)), (term["slug"], code, "repeated synonym")


@pytest.mark.django_db
def test_loading_the_taxonomy_again_updates_labels_in_place_and_idempotently():
    load_taxonomy()
    housing = Need.objects.get(slug="housing")
    assert housing.labels.count() == len(UI_LANGUAGES)
    with translation.override("uk"):
        assert housing.label() == "Житло"
    # A directory loaded before the new languages existed, with a label edited since.
    NeedLabel.objects.filter(language__in=["uk", "fa", "ti"]).delete()
    TargetGroupLabel.objects.filter(language="so").delete()
    housing.labels.filter(language="fr").update(label="Old", synonyms="")
    rows = NeedLabel.objects.count() + TargetGroupLabel.objects.count()

    changed = load_taxonomy()

    needs, groups = Need.objects.count(), TargetGroup.objects.count()
    assert changed == 3 * needs + groups + 1
    assert NeedLabel.objects.count() == needs * len(UI_LANGUAGES)
    assert TargetGroupLabel.objects.count() == groups * len(UI_LANGUAGES)
    assert NeedLabel.objects.count() + TargetGroupLabel.objects.count() == rows + changed - 1
    assert housing.labels.get(language="fr").label == "Logement"
    assert "مسکن" in housing.labels.get(language="fa").synonym_list()
    assert load_taxonomy() == 0


@pytest.mark.django_db
def test_load_demo_again_brings_new_labels_into_search(client, settings):
    settings.ELASTICSEARCH_URL = ""
    settings.BRUG_SEARCH_BACKEND = "search.backends.database.DatabaseBackend"
    call_command("load_demo", limit=3)
    # A directory loaded before the Ukrainian labels existed.
    NeedLabel.objects.filter(language="uk").delete()
    rebuild_entries()
    assert found(client, "Wonen") and not found(client, "житло")

    call_command("load_demo", limit=3)

    assert NeedLabel.objects.filter(language="uk").count() == Need.objects.count()
    assert found(client, "житло") > 0  # the Dutch-only housing services, by their need


@pytest.mark.django_db
def test_load_demo_if_empty_only_adds_the_labels_a_demo_lacks(client, settings):
    settings.ELASTICSEARCH_URL = ""
    settings.BRUG_SEARCH_BACKEND = "search.backends.database.DatabaseBackend"
    call_command("load_demo", limit=3)
    NeedLabel.objects.filter(language="uk").delete()
    TargetGroupLabel.objects.filter(language="tr").delete()
    housing = Need.objects.get(slug="housing")
    housing.labels.filter(language="es").update(label="Casa", synonyms="casa, techo")
    rebuild_entries()
    assert not found(client, "житло")

    call_command("load_demo", if_empty=True)

    assert NeedLabel.objects.filter(language="uk").count() == Need.objects.count()
    assert TargetGroupLabel.objects.filter(language="tr").count() == TargetGroup.objects.count()
    assert housing.labels.get(language="es").synonyms == "casa, techo"  # the curator's words
    assert found(client, "житло") > 0

    # A real directory (no demo notice) is left entirely alone.
    SiteNotice.objects.update(show_demo_notice=False)
    NeedLabel.objects.filter(language="uk").delete()
    call_command("load_demo", if_empty=True)
    assert not NeedLabel.objects.filter(language="uk").exists()


def found(client, query) -> int:
    """How many services the Ukrainian search page finds."""
    response = client.get("/uk/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode().count('<article class="card service-card"')


# Spoken languages' names


def spoken_codes():
    return [record["code"] for record in _read("languages.json")]


@pytest.mark.parametrize("ui", UI_LANGUAGES)
def test_every_spoken_language_has_a_distinct_name_in_every_ui_language(ui):
    names = {code: display_name(code, ui) for code in spoken_codes()}
    assert all(names.values()), [code for code, name in names.items() if not name]
    assert len(set(names.values())) == len(names), names  # Dari is not Persian
    assert all(name != code for code, name in names.items())


@pytest.mark.parametrize(
    ("ui", "dari"),
    [
        ("nl", "Dari"),
        ("fr", "dari"),
        ("en", "Dari"),
        ("ar", "الدارية"),
        ("uk", "дарі"),
        ("ru", "дари"),
        ("fa", "دری"),
        ("ps", "دري"),
        ("ti", "ዳሪ"),
        ("so", "Dari"),
        ("tr", "Darice"),
        ("es", "darí"),
    ],
)
def test_a_spoken_languages_name_follows_the_visitors_language(ui, dari):
    language = Language(code="prs", native_name="دری")
    with translation.override(ui):
        assert language.name == dari


def test_an_unknown_code_falls_back_to_the_name_in_the_language_itself():
    with translation.override("uk"):
        assert Language(code="xqz", native_name="Xqz-own").name == "Xqz-own"
