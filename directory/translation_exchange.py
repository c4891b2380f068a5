"""Exchange files for translation agencies: PO files (gettext, read by every CAT tool).

Download: for a target locale and a set of source pages (originals), one entry per non-empty
translatable field: `msgid` the source's published text, `msgstr` the translation's current
text (its latest draft; empty while the field still holds the source's text), `msgctxt`
"<translation key>|<field>" so the entry finds its page again whatever its title or path, and
an extracted comment with the field's name and the page's path for the translator.

Upload: the entries whose `msgid` is still the source's text become a new draft revision of
the locale's version of each page (an alias is made a translation first), never published:
the translation goes through the curators' review like any edit. Entries for an unknown page
or field, and stale ones (the source has changed since the download), are reported and not
applied; empty and fuzzy ones are skipped. A value that fails the field's validation stops the
whole upload (nothing is written) with the reason, in the person's language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import polib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page

from directory import roles
from directory.models.originals import original_of, originals
from directory.translation_state import field_labels, source_of, translatable_fields

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SEPARATOR = "|"


class ExchangeError(Exception):
    """A file that cannot be read at all (the message is for the person)."""


def context_of(page, name: str) -> str:
    return f"{page.translation_key}{SEPARATOR}{name}"


def sources_for(pages, include_subtree: bool = False) -> list[Page]:
    """The originals of the given pages (any version), with their subtrees' originals."""
    found = {}
    for page in pages:
        source = source_of(page) or original_of(page) or page
        found.setdefault(source.pk, source)
        if include_subtree:
            for descendant in originals(Page.objects.descendant_of(source)):
                found.setdefault(descendant.pk, descendant)
    return [page.specific for page in Page.objects.filter(pk__in=found).order_by("path")]


def _draft(page):
    """The translation's text as its editor sees it (its latest revision)."""
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def export_po(sources, locale: Locale) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    now = timezone.now().strftime("%Y-%m-%d %H:%M%z")
    po.metadata = {
        "Project-Id-Version": "Brug",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Language": locale.language_code,
        "X-Source-Language": settings.LANGUAGE_CODE,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for source in sources:
        if source.locale_id == locale.pk:
            continue
        target = source.get_translation_or_none(locale)
        current = _draft(target.specific) if target and not target.alias_of_id else None
        names = translatable_fields(type(source))
        for name, label in zip(names, field_labels(type(source), names), strict=True):
            text = getattr(source, name, "") or ""
            if not text:
                continue
            translated = (getattr(current, name, "") or "") if current is not None else ""
            po.append(
                polib.POEntry(
                    msgctxt=context_of(source, name),
                    msgid=text,
                    msgstr="" if translated == text else translated,
                    comment=f"{label} ({name}) · {source.url_path}",
                    occurrences=[(source.url_path.strip("/") or "/", "")],
                )
            )
    return po


@dataclass
class ImportReport:
    locale: Locale | None = None
    updated: list = field(default_factory=list)  # pages with a new draft
    unknown: list = field(default_factory=list)  # msgctxt of entries that match nothing
    stale: list = field(default_factory=list)  # (page title, field label)
    refused: list = field(default_factory=list)  # page titles this person may not edit
    errors: list = field(default_factory=list)  # validation messages; nothing was written
    skipped: int = 0  # empty or fuzzy entries


def _read(data: bytes) -> polib.POFile:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ExchangeError(_("The file is too large (at most 5 MB)."))
    unreadable = ExchangeError(
        _("This file cannot be read as a PO file in UTF-8 (download one from Brug).")
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable from None
    # polib reads a one-line string that names an existing file as that file's path: an
    # upload must never make it open a file of the server.
    if "\n" not in text.strip():
        raise unreadable
    try:
        return polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError):
        raise unreadable from None


def _locale(po: polib.POFile) -> Locale:
    code = (po.metadata.get("Language") or "").strip().replace("_", "-").split("-")[0].lower()
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None or code == settings.LANGUAGE_CODE:
        raise ExchangeError(
            _("The file's language (“%(code)s”) is not one that pages are translated into.")
            % {"code": code or "?"}
        )
    return locale


def _clean_value(model_field, value: str, page):
    if isinstance(model_field, RichTextField):
        # The same sanitising as the admin's editor: only the field's features survive.
        converter = ContentstateConverter(features=model_field.features)
        value = converter.to_database_format(converter.from_database_format(value))
    return model_field.clean(value, page)


def _sources_by_key(keys) -> dict:
    pages = originals(Page.objects.filter(translation_key__in=keys))
    return {page.translation_key: page.specific for page in pages}


def _parse(po: polib.POFile, report: ImportReport) -> dict:
    """The applicable entries as {source page: {field: text}}; the rest reported."""
    entries = []
    for entry in po:
        if entry.obsolete:
            continue
        key, _sep, name = (entry.msgctxt or "").partition(SEPARATOR)
        try:
            entries.append((uuid.UUID(key), name, entry))
        except ValueError:
            report.unknown.append(entry.msgctxt or entry.msgid[:40])
    sources = _sources_by_key({key for key, _n, _e in entries})
    wanted: dict = {}
    for key, name, entry in entries:
        source = sources.get(key)
        if source is None or name not in translatable_fields(type(source)):
            report.unknown.append(entry.msgctxt)
            continue
        if not entry.msgstr or entry.fuzzy:
            report.skipped += 1
            continue
        if entry.msgid != (getattr(source, name, "") or ""):
            report.stale.append((source.title, *field_labels(type(source), [name])))
            continue
        wanted.setdefault(source, {})[name] = entry.msgstr
    return wanted


def _may_write(user, page) -> bool:
    if not page.permissions_for_user(user).can_edit():
        return False
    if roles.translator_refusal(user, page, "edit"):
        return False
    lock = page.get_lock()
    return lock is None or not lock.for_user(user)


def import_po(data: bytes, user) -> ImportReport:
    """Apply an uploaded PO file as drafts of the translations (see the module)."""
    po = _read(data)
    report = ImportReport(locale=_locale(po))
    plans = []
    for source, values in _parse(po, report).items():
        target = source.get_translation_or_none(report.locale)
        if target is None:
            report.unknown.extend(context_of(source, name) for name in values)
            continue
        target = target.specific
        is_original = not target.alias_of_id and source_of(target) is None
        if is_original or not _may_write(user, target):
            report.refused.append(target.title)
            continue
        draft = _draft(target) if not target.alias_of_id else target
        cleaned = {}
        for name, text in values.items():
            model_field = type(target)._meta.get_field(name)
            try:
                cleaned[name] = _clean_value(model_field, text, draft)
            except ValidationError as error:
                for message in error.messages:
                    report.errors.append(f"{source.title} · {model_field.verbose_name}: {message}")
        plans.append((target, cleaned))
    if report.errors:
        return report
    with transaction.atomic():
        try:
            report.updated = [target for target, cleaned in plans if _write(target, cleaned, user)]
        except ValidationError as error:  # the page as a whole no longer validates
            transaction.set_rollback(True)
            report.updated = []
            report.errors.extend(error.messages)
    return report


def _write(target, cleaned: dict, user) -> bool:
    if target.alias_of_id:
        ConvertAliasPageAction(target, user=user).execute(skip_permission_checks=True)
        target = type(target).objects.get(pk=target.pk)
    draft = _draft(target)
    changed = False
    for name, value in cleaned.items():
        if getattr(draft, name) != value:
            setattr(draft, name, value)
            changed = True
    if changed:
        draft.save_revision(user=user, log_action=True)
    return changed
