"""Creates the skeleton every installation needs: one locale per content language, a home page and
an organisation list in each, the default Site, and the roles (groups, permissions, the
moderation workflow). Idempotent: safe to run on every start."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from core import public_url
from directory.models import OrganisationIndexPage
from directory.roles import ensure_roles
from referrals.roles import ensure_referral_roles
from website.models import HomePage

# One stable address in every language (/nl/organisations/, /ar/organisations/); titles are
# translated. Curators can change a slug in the admin.
INDEX_SLUG = "organisations"


@transaction.atomic
def ensure_site() -> HomePage:
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _n in settings.WAGTAIL_CONTENT_LANGUAGES
    }
    default = locales[settings.LANGUAGE_CODE]
    # The tree root comes from Wagtail's migrations; a flushed database needs a new one.
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=default)
    )

    home = HomePage.objects.filter(locale=default).first()
    if home is None:
        # Wagtail's "Welcome" placeholder (and the Site pointing at it) is not part of Brug.
        for page in root.get_children():
            if page.specific_class is Page:
                Site.objects.filter(root_page=page).delete()
                page.delete()
        with translation.override(default.language_code):
            home = HomePage(
                title="Brug",
                slug="home",
                locale=default,
                intro=_("Find the right help for newcomers in and around Leuven."),
            )
        root.add_child(instance=home)
        home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.root_page = home
    site.site_name = "Brug"
    # The Site follows the configured public address (core.public_url), as the sitemap,
    # the canonical links and the e-mails do.
    site.hostname, site.port = public_url.host_and_port()
    site.save()

    index = OrganisationIndexPage.objects.child_of(home).first()
    if index is None:
        with translation.override(default.language_code):
            index = OrganisationIndexPage(title=_("Organisations"), slug=INDEX_SLUG)
        home.add_child(instance=index)
        index.save_revision().publish()

    for code, locale in locales.items():
        if locale == default:
            continue
        _translate(home, locale, code, intro=True)
        _translate(index, locale, code)
    ensure_roles()
    ensure_referral_roles()
    return home


def _translate(page: Page, locale: Locale, code: str, intro: bool = False) -> None:
    """A real translation (not an alias) of a structural page, titled in the locale."""
    if page.has_translation(locale):
        return
    translated = page.copy_for_translation(locale)
    with translation.override(code):
        if isinstance(translated, OrganisationIndexPage):
            translated.title = _("Organisations")
        if intro:
            translated.intro = _("Find the right help for newcomers in and around Leuven.")
    translated.save_revision().publish()
