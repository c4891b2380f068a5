"""Page titles in the admin's language.

Wagtail shows a page in the admin (explorer, choosers, dashboard panels, reports, its own
notification e-mails) by `get_admin_display_title()`. Every locale has its own tree, so a
French-speaking curator browsing the Dutch tree would read only Dutch titles, and an alias
(an untranslated page) repeats its source's title without saying so. Here a page is shown by
the title of its real translation in the active language where one exists, else by the title
of the content it shows, marked with that content's language: "Traumazorg (nl)".

`annotate_admin_titles()` fetches the same in the listing's own query (an explorer or chooser
page of 50 rows would otherwise cost 50 more queries); a page without the annotations asks
the database itself, once per language (a notification is rendered in each recipient's).
"""

from django.conf import settings
from django.db.models import F, OuterRef, Subquery, Value
from django.utils.translation import get_language
from wagtail.models import Page

_LANGUAGE = "brug_title_language"  # the language the annotations were made for
_FIELDS = ("brug_translated_title", "brug_content_title", "brug_content_language")


def active_content_language() -> str | None:
    """The active language when it has a page tree (a Wagtail locale), else None: on the
    public side in an interface-only language titles stay as they are."""
    code = (get_language() or "").split("-")[0]
    return code if code in dict(settings.WAGTAIL_CONTENT_LANGUAGES) else None


def annotate_admin_titles(pages, language: str | None = None):
    """Adds, to a queryset of pages, the title of each page's real translation in `language`
    (the active one by default) and the title and language of the content it shows."""
    language = language or active_content_language()
    if language is None:
        return pages
    translation = Page.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=language,
        alias_of__isnull=True,
    ).values("draft_title")[:1]
    return pages.annotate(
        **{
            _LANGUAGE: Value(language),
            "brug_translated_title": Subquery(translation),
            "brug_content_title": F("alias_of__draft_title"),
            "brug_content_language": F("alias_of__locale__language_code"),
            "brug_own_language": F("locale__language_code"),
        }
    )


def _titles(page, language: str) -> dict:
    if getattr(page, _LANGUAGE, None) == language:
        return {name: getattr(page, name) for name in (*_FIELDS, "brug_own_language")}
    cache = page.__dict__.setdefault("_brug_admin_titles", {})
    if language not in cache:
        rows = annotate_admin_titles(Page.objects.filter(pk=page.pk), language)
        cache[language] = rows.values(*_FIELDS, "brug_own_language").first() or {}
    return cache[language]


def admin_title(page) -> str | None:
    """The page's title for the admin's language, or None to keep Wagtail's."""
    language = active_content_language()
    if language is None or page.pk is None or (page.depth or 0) <= 1:
        return None
    titles = _titles(page, language)
    if not titles:
        return None
    if titles["brug_translated_title"]:
        return titles["brug_translated_title"]
    if page.alias_of_id and titles["brug_content_title"]:
        return f"{titles['brug_content_title']} ({titles['brug_content_language']})"
    return f"{page.draft_title or page.title} ({titles['brug_own_language']})"


class AdminTitleMixin:
    """For page models: the admin shows the page in the staff member's language."""

    def get_admin_display_title(self):
        return admin_title(self) or super().get_admin_display_title()
