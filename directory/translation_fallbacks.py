"""Field-level fallbacks on the public pages: a translated page whose field was never
translated shows the source's text, marked with the source's language.

A translation starts as a copy of its source. A field that still holds the source's text (as
it is now, or as it was when the translation was last brought in line with it), or that is
empty where the source has text, is not in the page's language: the page shows the source's
current text with `lang` and `dir` of the source language, so that Dutch inside an Arabic page
keeps its own direction and is read out as Dutch. Everything else is the translation's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

from core import languages
from directory.models import TranslationSync
from directory.translation_state import source_of

_UNSET = object()


@dataclass(frozen=True)
class FieldText:
    """A field's text as shown, with the attributes of the language it is written in."""

    value: str
    attrs: SafeString | str
    fallback: bool = False

    def __str__(self) -> str:
        return str(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)


def lang_attrs(code: str) -> SafeString:
    direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)


def _cached(page, key, compute):
    value = page.__dict__.get(key, _UNSET)
    if value is _UNSET:
        value = page.__dict__[key] = compute()
    return value


def _source(page):
    return _cached(page, "_brug_translation_source", lambda: source_of(page))


def remember_source(page, original) -> None:
    """Tell `page` its original, for a caller that fetched both at once (a list of pages in
    one locale): its field fallbacks then look nothing up."""
    is_translation = original is not None and original.pk != page.pk and not page.alias_of_id
    page.__dict__["_brug_translation_source"] = original if is_translation else None


def _in_line_content(page) -> dict:
    """The source's content as it was when the translation was last brought in line."""

    def compute():
        state = (
            TranslationSync.objects.filter(translation_id=page.pk)
            .select_related("source_revision")
            .first()
        )
        revision = state.source_revision if state is not None else None
        return revision.content if revision is not None else {}

    return _cached(page, "_brug_in_line_content", compute)


def field_text(page, name: str, page_attrs: SafeString | str = "") -> FieldText:
    """What the page shows for one content field, and in which language (see the module)."""
    own = getattr(page, name, "") or ""
    source = _source(page) if getattr(page, "pk", None) else None
    if source is None:
        return FieldText(own, page_attrs)
    current = getattr(source, name, "") or ""
    copies = {current, _in_line_content(page).get(name) or ""}
    if own and own not in copies:
        return FieldText(own, page_attrs)
    if not current:
        return FieldText("", mark_safe(""))
    code = source.locale.language_code
    attrs = lang_attrs(code) if code != languages.base(get_language()) else mark_safe("")
    return FieldText(current, attrs, fallback=True)
