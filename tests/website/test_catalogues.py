"""Every interface language's catalogue is complete, compiled, and keeps the placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
# The source strings are English; the English catalogue may leave them as they are.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s", "", p) for p in PLACEHOLDER.findall(text))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(code):
    po = catalogue(code)
    left = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries() if not e.obsolete]
    assert left == [], f"{code}: {len(left)} entries untranslated or fuzzy, e.g. {left[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders(code):
    wrong = []
    for entry in catalogue(code).translated_entries():
        if entry.msgid_plural:
            # One form may drop the number ("one message"); none may invent a placeholder.
            allowed = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
            forms = entry.msgstr_plural.values()
            if any(not set(placeholders(form)) <= allowed for form in forms):
                wrong.append(entry.msgid)
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert wrong == [], f"{code}: placeholders changed in {wrong[:5]}"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_compiled_catalogue_is_current(code):
    po = catalogue(code)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo if e.msgid}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()}
        for e in po.translated_entries()
    }
    stale = [key for key, value in source.items() if compiled.get(key) != value]
    assert stale == [], f"{code}: run compilemessages ({len(stale)} entries differ)"


@pytest.mark.parametrize("code", TRANSLATED)
def test_machine_drafted_catalogues_say_so(code):
    po = catalogue(code)
    drafted = po.metadata.get("X-Machine-Drafted") == "yes"
    assert drafted == ("MACHINE-DRAFTED" in po.header)


@pytest.mark.parametrize("code", TRANSLATED)
def test_django_own_strings_are_translated_in_every_language(code):
    """Weekday and month names and form errors come from Django's catalogues, which lack
    Pashto, Tigrinya and Somali (locale_django/ fills them)."""
    from datetime import date

    from django import forms
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(code):
        day = Template('{{ d|date:"l j F" }}').render(Context({"d": date(2026, 12, 1)}))
        with pytest.raises(forms.ValidationError) as error:
            forms.EmailField().clean("")
    assert "Tuesday" not in day and "December" not in day, (code, day)
    assert error.value.messages != ["This field is required."], code
