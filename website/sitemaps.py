"""/sitemap.xml: every public page in every UI language, with its alternates.

One entry per page and language (a content language's translation or alias, the original
under an interface-only language's prefix; core.languages), each listing all versions with
hreflang plus x-default (the default language's), on the configured public address
(core.public_url) whatever host the request came by. The search and map pages and the need
pages are there too, per language. A page's own rules still apply: a confidential location
offers no URL (LocationPage.get_sitemap_urls)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap

from core import languages, public_url
from directory.models import Need

# A sitemap file holds at most 50,000 URLs; each item gives one per language.
PER_FILE = 50_000 // len(settings.LANGUAGES)


def entries(paths: dict[str, str], lastmod=None) -> list[dict]:
    """One sitemap entry per language, each with every version as an alternate."""
    alternates = [
        {"lang_code": code, "location": public_url.absolute(path)} for code, path in paths.items()
    ]
    if settings.LANGUAGE_CODE in paths:
        default = public_url.absolute(paths[settings.LANGUAGE_CODE])
        alternates.append({"lang_code": "x-default", "location": default})
    return [
        {"location": public_url.absolute(path), "lastmod": lastmod, "alternates": alternates}
        for path in paths.values()
    ]


class PageSitemap(Sitemap):
    """The site's pages, from the default language's tree (every other version comes with
    its original)."""

    limit = PER_FILE

    def _urls(self, page, protocol, domain):
        urls = []
        for item in self.paginator.page(page).object_list:
            if not item.get_sitemap_urls(self.request):
                continue  # the page keeps itself out (a confidential location)
            urls += entries(languages.page_paths(item, self.request), self.lastmod(item))
        return urls


class ViewSitemap(Sitemap):
    """Search, the map and one page per need, in every language."""

    limit = PER_FILE

    def items(self):
        home = self.get_wagtail_site().root_page.specific  # its URLs keep the prefix
        views = [("search", None), ("map", None)]
        needs = Need.objects.order_by("parent_id", "slug").values_list("slug", flat=True)
        return [*views, *((None, (home, slug)) for slug in needs)]

    def _urls(self, page, protocol, domain):
        urls = []
        for name, need in self.paginator.page(page).object_list:
            if need is not None:
                home, slug = need
                paths = languages.page_paths(home, self.request, suffix=f"needs/{slug}/")
            else:
                paths = {}
                for code, _name in settings.LANGUAGES:
                    with translation.override(code):
                        paths[code] = reverse(name)
            urls += entries(paths)
        return urls

    def lastmod(self, item):
        return None
