"""Template helpers for the public site: language switcher, pictograms, open-now badges."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core import languages, public_url
from directory import extension_points, opening_hours, translation_fallbacks
from directory.confidentiality import can_see_address
from directory.opening_hours import OpenStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per UI language to this same page in that language."""
    request = context.get("request")
    page = context.get("page")
    current = context.get("LANGUAGE_CODE")
    urls = {}
    if request is not None:
        if isinstance(page, Page) and page.pk:
            urls = _alternates(request, page)
        else:  # a view of its own (search, map): the same question in another language
            urls = {code: translate_url(request.get_full_path(), code) for code in _codes()}
    links = []
    for code, name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": urls.get(code),
                "bidi": info["bidi"],
                "current": code == current,
            }
        )
    return links


def _codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _alternates(request, page) -> dict[str, str]:
    """languages.alternate_paths, once per request (the switcher and <head> both ask)."""
    cached = getattr(request, "_brug_alternates", None)
    if cached is None or cached[0] != (request.path, getattr(page, "pk", None)):
        cached = (
            (request.path, getattr(page, "pk", None)),
            languages.alternate_paths(request, page),
        )
        request._brug_alternates = cached
    return dict(cached[1])


# Views other than Wagtail pages whose addresses search engines may know (website/urls.py).
PUBLIC_VIEWS = {"search", "map"}


@register.simple_tag(takes_context=True)
def head_links(context) -> str:
    """The canonical URL of this page and its alternates in every UI language (hreflang, and
    x-default: the default language's), absolute on the configured public address."""
    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page):
        page = None
        # Of the other views, only those for everyone (not a form, a token's page, an error).
        match = getattr(request, "resolver_match", None)
        if getattr(match, "url_name", None) not in PUBLIC_VIEWS:
            return ""
    paths = _alternates(request, page)
    if settings.LANGUAGE_CODE in paths:
        paths["x-default"] = paths[settings.LANGUAGE_CODE]
    canonical = format_html('<link rel="canonical" href="{}">', public_url.absolute(request.path))
    alternates = format_html_join(
        "\n  ",
        '<link rel="alternate" hreflang="{}" href="{}">',
        ((code, public_url.absolute(path)) for code, path in paths.items()),
    )
    return format_html("{}\n  {}", canonical, alternates)


# The description search engines show under the page's title, when the page has none of its
# own in the visitor's language (names are not translated).
SITE_DESCRIPTION = _(
    "Find the services that help newcomers in Belgium: what they offer, for whom, where and when."
)
LISTING_DESCRIPTION = _("%(name)s: what it offers, for whom, where and when.")


@register.simple_tag(takes_context=True)
def meta_description(context) -> str:
    """The page's own summary (service), short description (organisation) or introduction
    (home page, organisation list) when it is in the visitor's language; else a sentence."""
    from directory.models import LocationPage, OrganisationPage, ServicePage

    page = context.get("page")
    if not isinstance(page, Page):
        return str(SITE_DESCRIPTION)
    own = page.search_description or next(
        (
            getattr(page, field)
            for field in ("summary", "short_description", "intro")
            if getattr(page, field, "")
        ),
        "",
    )
    if own and not shown_untranslated(page):
        return " ".join(own.split())
    if isinstance(page, ServicePage | OrganisationPage | LocationPage):
        return LISTING_DESCRIPTION % {"name": page.title}
    return str(SITE_DESCRIPTION)


@register.simple_tag
def term_label(term, language=None):
    return term.label(language)


@register.filter
def open_status_class(status) -> str:
    return {
        OpenStatus.OPEN: "status--open",
        OpenStatus.BY_APPOINTMENT: "status--appointment",
    }.get(status, "status--closed")


@register.simple_tag
def content_attrs(page) -> str:
    """lang/dir attributes for a page's content when it is in another language than the
    interface (an alias, or any page in an interface-only language).

    Put on each element holding content, not on the page, so that the interface around it
    stays in the visitor's language for screen readers and bidirectional layout.
    """
    if not shown_untranslated(page):
        return ""
    return translation_fallbacks.lang_attrs(content_language(page))


@register.simple_tag
def field_text(page, name):
    """One content field of a page as shown: `{% field_text page "cost_details" as cost %}`,
    then `<span{{ cost.attrs }}>{{ cost }}</span>` (rich text: `{{ cost.value|richtext }}`).
    A field a translation never translated shows the source's text with the source's
    lang/dir (directory/translation_fallbacks.py); any other with the page's content_attrs."""
    return translation_fallbacks.field_text(page, name, content_attrs(page))


@register.simple_tag
def content_language(page) -> str:
    """The language the page's content is written in (an alias shows its source's)."""
    source = page.alias_of if getattr(page, "alias_of_id", None) else page
    return source.locale.language_code


@register.filter
def shown_untranslated(page) -> bool:
    """True when the page's content is not in the visitor's language."""
    if getattr(page, "alias_of_id", None):
        return True
    locale = getattr(page, "locale", None)
    return locale is not None and locale.language_code != languages.base(get_language())


@register.simple_tag(takes_context=True)
def address_visible(context, location) -> bool:
    """Whether the visitor may see this location's street address (a confidential location's
    only with a role explicitly granted it; see directory/confidentiality.py)."""
    request = context.get("request")
    return can_see_address(getattr(request, "user", None), location)


@register.simple_tag
def next_opening(place):
    """When a location (or any location of a service) opens next, with "today"/"tomorrow"
    for the wording; None when nothing opens in the coming weeks."""
    now = opening_hours.now_in_brussels()
    opening = place.next_opening(now)
    if opening is None:
        return None
    days = (opening.date - now.date()).days
    opening.relative = {0: "today", 1: "tomorrow"}.get(days, "later")
    return opening


@register.simple_tag
def field_checked(page, field):
    """When a person last checked one fact of a page (directory.field_freshness); a service
    without its own phone or e-mail shows its organisation's."""
    from directory.field_freshness import last_checked
    from directory.models import ServicePage

    if isinstance(page, ServicePage) and field in ("phone", "email"):
        own = page.contact_phone if field == "phone" else page.contact_email
        if not own:
            page = page.organisation
    return last_checked(page, field)


@register.simple_tag(takes_context=True)
def refer_url(context) -> str | None:
    """Where the signed-in person starts a referral (an app above the directory provides it,
    directory.extension_points), or None: then no "Refer" button is shown."""
    request = context.get("request")
    return extension_points.refer_url(request) if request is not None else None
