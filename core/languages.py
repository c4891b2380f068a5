"""Interface languages and content languages.

Every language in LANGUAGES has a translated interface, taxonomy and search. Only those in
WAGTAIL_CONTENT_LANGUAGES are Wagtail locales with a page tree of their own; in the others
(interface-only languages) the site shows each page in its original language, under the
visitor's language prefix, so that the interface stays theirs while they move around.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
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


def page_versions(page) -> dict:
    """The live version of a Wagtail page shown in each UI language: a content language's own
    translation (or alias), the original for an interface-only language."""
    versions = page.get_translations(inclusive=True).live().select_related("locale")
    by_code = {version.locale.language_code: version for version in versions}
    default = by_code.get(settings.LANGUAGE_CODE)
    found = {}
    for code, _name in settings.LANGUAGES:
        version = default if is_interface_only(code) else by_code.get(code)
        if version is not None:
            found[code] = version
    return found


def page_paths(page, request=None, suffix: str = "") -> dict[str, str]:
    """The path of a page in each UI language it is shown in; `suffix` is a sub-page of a
    routable page (needs/housing/ under the home page)."""
    paths = {}
    for code, version in page_versions(page).items():
        with translation.override(code):
            parts = version.get_url_parts(request)
        if parts is not None:
            paths[code] = parts[2] + suffix
    return paths


def alternate_paths(request, page=None) -> dict[str, str]:
    """This request's page in every UI language (no query string): a Wagtail page by its
    versions, any other view by its URL pattern under each language prefix."""
    path = request.path
    if page is not None and getattr(page, "pk", None):
        own = page.get_url_parts(request)  # as the visitor sees it (/uk/… for an original)
        own_path = own[2] if own else None
        if own_path and path.startswith(own_path):
            return page_paths(page, request, suffix=path[len(own_path) :])
    return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
