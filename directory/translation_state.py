"""Translations that stay true: which translations are behind their source.

A translated page (a real translation, not an alias) is *in line with* one published revision
of its source (the original: the first version of its translation key that is not an alias).
That revision is recorded in a `TranslationSync` row:

- when the translation is published: the source's revision that was live when the published
  translation revision was written (from the source's publish log), so a translation written
  before a source change and approved after it stays out of date;
- when someone marks it up to date (the source's live revision).

When the source is published, its translatable fields (`translatable_fields` on the page model)
are compared with the recorded revision; any difference makes the translation *out of date*
until it catches up. Aliases follow their source on every publish and are never out of date:
they are listed as *not translated*. Translations that existed before these rows get theirs on
first use, in line with the source as it was when the translation was last published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from directory.models import TranslationSync
from directory.models.originals import original_of, originals

PAGE_TEXT_FIELDS = ("title", "seo_title", "search_description")


def translatable_fields(model) -> list[str]:
    """The fields a translator translates: the model's `translatable_fields`, or for another page
    type its title, SEO texts and own free-text fields."""
    declared = getattr(model, "translatable_fields", None)
    if declared is not None:
        return list(declared)
    own = [
        f.name
        for f in model._meta.concrete_fields
        if f.model is not Page
        and isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.EmailField | models.URLField | models.SlugField)
        and not f.choices
    ]
    return [*PAGE_TEXT_FIELDS, *own]


def source_of(page) -> Page | None:
    """The page a translation was made from (its original), or None for an original or an
    alias."""
    if page.alias_of_id:
        return None
    original = original_of(page)
    if original is None or original.pk == page.pk:
        return None
    return original


def translations_of(source: Page):
    """The real translations of an original page."""
    return Page.objects.filter(
        translation_key=source.translation_key, alias_of__isnull=True
    ).exclude(pk=source.pk)


def _value(content: dict, name: str):
    value = content.get(name)
    return "" if value is None else value


def changed_fields(model, old: Revision | None, new: Revision | None) -> list[str]:
    """The translatable fields that differ between two revisions of a source."""
    if new is None or (old is not None and old.pk == new.pk):
        return []
    fields = translatable_fields(model)
    if old is None:
        return [name for name in fields if _value(new.content, name)]
    return [name for name in fields if _value(old.content, name) != _value(new.content, name)]


def source_revision_at(source: Page, moment) -> Revision | None:
    """The source's revision that was live at `moment` (from its publish log)."""
    entries = PageLogEntry.objects.filter(
        page_id=source.pk, action="wagtail.publish", revision__isnull=False, timestamp__lte=moment
    ).order_by("-timestamp", "-pk")
    for revision_id in entries.values_list("revision_id", flat=True)[:5]:
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is not None:
            return revision
    return source.live_revision


def _apply(state: TranslationSync, source: Page, in_line_with: Revision | None) -> None:
    state.source_revision = in_line_with
    state.synced_at = timezone.now()
    _recompare(state, source)


def _recompare(state: TranslationSync, source: Page) -> None:
    changed = changed_fields(source.specific_class, state.source_revision, source.live_revision)
    state.changed_fields = changed
    if not changed:
        state.source_changed_at = None
    elif state.source_changed_at is None:
        state.source_changed_at = timezone.now()


def state_of(translation: Page) -> TranslationSync | None:
    """The translation's state, made on first use; None for an original or an alias."""
    state = TranslationSync.objects.filter(translation_id=translation.pk).first()
    if state is not None:
        return state
    source = source_of(translation)
    if source is None:
        return None
    moment = translation.last_published_at or translation.latest_revision_created_at
    state = TranslationSync(translation_id=translation.pk)
    _apply(state, source, source_revision_at(source, moment) if moment else source.live_revision)
    state.save()
    return state


def ensure_states() -> None:
    """A state for every translation that has none yet (those made before these records, or
    by a command)."""
    missing = (
        Page.objects.filter(alias_of__isnull=True, translation_sync__isnull=True, depth__gt=1)
        .exclude(pk__in=originals(Page.objects.all()).values("pk"))
        .order_by("pk")
    )
    for page in missing:
        state_of(page)


def on_published(page, revision) -> None:
    """Keep the states true when a source or a translation is published."""
    if page.alias_of_id:
        return
    source = source_of(page)
    if source is None:  # the source itself: its translations may now be behind
        for translation in translations_of(page):
            state = state_of(translation)
            if state is not None:
                _recompare(state, page)
                state.save()
        return
    state = TranslationSync.objects.filter(translation_id=page.pk).first() or TranslationSync(
        translation_id=page.pk
    )
    moment = revision.created_at if revision is not None else timezone.now()
    _apply(state, source, source_revision_at(source, moment))
    state.save()


def mark_up_to_date(translation: Page) -> TranslationSync | None:
    """The translation says what the source says now (checked by a person)."""
    source = source_of(translation)
    if source is None:
        return None
    state = state_of(translation)
    _apply(state, source, source.live_revision)
    state.save()
    return state


# The queue -------------------------------------------------------------------------------


def target_locales():
    """The content locales other than the default: those that are translated into."""
    return Locale.objects.exclude(language_code=settings.LANGUAGE_CODE).order_by("language_code")


def editable_pages(user):
    """The pages this person may edit (Wagtail's page permissions, per subtree)."""
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])


@dataclass
class LocaleQueue:
    locale: Locale
    outdated: list = field(default_factory=list)  # TranslationSync rows, with .translation
    untranslated: list = field(default_factory=list)  # aliases

    @property
    def name(self) -> str:
        return self.locale.get_display_name()


def outdated_for(user):
    editable = editable_pages(user)
    return (
        TranslationSync.objects.filter(source_changed_at__isnull=False)
        .filter(translation__in=editable.values("pk"))
        .select_related("translation", "translation__locale", "translation__content_type")
        .order_by("translation__locale__language_code", "-source_changed_at", "translation_id")
    )


def outdated_count(user) -> int:
    ensure_states()
    return outdated_for(user).count()


def queue_for(user) -> list[LocaleQueue]:
    """Per target locale: the out-of-date translations and the untranslated pages (aliases)
    this person may edit."""
    ensure_states()
    queues = {locale.pk: LocaleQueue(locale) for locale in target_locales()}
    for state in outdated_for(user):
        if state.translation.locale_id in queues:
            queues[state.translation.locale_id].outdated.append(state)
    aliases = (
        editable_pages(user)
        .filter(alias_of__isnull=False, locale_id__in=queues)
        .select_related("content_type")
        .order_by("path")
    )
    for alias in aliases:
        queues[alias.locale_id].untranslated.append(alias)
    return list(queues.values())


def field_labels(model, names) -> list[str]:
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field removed since: show its name
            labels.append(name)
    return labels
