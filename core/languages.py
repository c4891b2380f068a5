"""Interface languages and content languages.

Every language in LANGUAGES has a translated interface, taxonomy and search. Only those in
WAGTAIL_CONTENT_LANGUAGES are Wagtail locales with a page tree of their own; in the others
(interface-only languages) the site shows each page in its original language, under the
visitor's language prefix, so that the interface stays theirs while they move around.
"""

from django.conf import settings
from django.utils.translation import get_language


def base(code: str | None) -> str:
    return (code or settings.LANGUAGE_CODE).split("-")[0]


def content_codes() -> set[str]:
    return {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}


def is_interface_only(code: str | None) -> bool:
    code = base(code)
    return code in dict(settings.LANGUAGES) and code not in content_codes()


def interface_path(path: str, page_language: str) -> str:
    """A default-locale page's path under the active interface-only language's prefix
    (/nl/organisations/ → /uk/organisations/); any other path as it is."""
    active = base(get_language())
    prefix = f"/{page_language}/"
    if (
        page_language == settings.LANGUAGE_CODE
        and is_interface_only(active)
        and path.startswith(prefix)
    ):
        return f"/{active}/{path[len(prefix) :]}"
    return path


class InterfaceLanguageUrlMixin:
    """Keeps the visitor's interface-only language in the URLs of default-locale pages (the
    pages Wagtail serves for such a language, see Locale.get_active)."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None:
            return None
        site_id, root_url, page_path = parts
        return site_id, root_url, interface_path(page_path, self.locale.language_code)
