"""The public search page and the map page: the search query API rendered as cards beside a
filter form with facet counts (search.facets holds the presentation rules), and a map of the
same search (search.map_widget, search/static/search/map.js)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Locale, Site

from directory import pathways
from directory.models import Need, ServicePage
from search import facets, unmet
from search import query as search_query
from search.backends import get_backend
from search.cards import html_cards
from search.map_widget import build_map, popup_vocabulary


def search(request):
    return _search_page(request, "search/search.html", always=False, other="map")


def map_page(request):
    """The map with the list beside it; it shows the whole network until narrowed down."""
    return _search_page(request, "search/map.html", always=True, other="search")


def _coach(user) -> set[str]:
    """The organisations (keys) a signed-in coach refers from: their cards' "Refer" follows
    the pathways reserved for partners (directory.pathways)."""
    return pathways.organisation_keys(pathways.referring_organisations(user))


def _search_page(request, template: str, always: bool, other: str):
    query, errors = search_query.parse(request.GET, get_language())
    query = search_query.for_coach(query, request.user)
    links = facets.Links(request.path, request.GET)
    params = request.GET.copy()
    params.pop("partial", None)
    context = {
        "q": request.GET.get("q", ""),
        "errors": errors,
        "home": _home_page(request),
        # The same search as a map, or as a list (the map page's list is the area shown).
        "other_view": f"{reverse(other)}?{params.urlencode()}" if params else reverse(other),
        "map_page": other == "search",
    }
    counts = None
    partial = request.GET.get("partial") == "results"
    if query is not None and (always or facets.is_filtered(query)):
        backend = get_backend()
        # One search fills the list, the facets and the map's first markers (map.js asks the
        # map API again only when the visitor moves the map); the list alone needs no map.
        the_map = None if partial else build_map(query)
        response = backend.search(
            query,
            map_zoom=the_map["zoom"] if the_map else None,
            map_area=the_map["area"] if the_map else None,
        )
        if not partial:
            unmet.record(query, response.count)
        page_obj = Paginator(range(response.count), query.page_size).get_page(query.page)
        if response.count and query.page > page_obj.number:
            return redirect(links.page(page_obj.number))  # past the end: the last page
        counts = facets.group_counts(response)
        context.update(
            response=response,
            query=query,
            cards=html_cards(
                request, response.hits, Locale.get_active(), _coach(request.user), query
            ),
            page_obj=page_obj,
            pagination=facets.page_links(links, page_obj),
            suggestions=[
                (text, links.with_text(text)) for text in getattr(response, "suggestions", [])
            ],
            hidden_note=facets.hidden_note(response.hidden),
            close_needs=_needs(response.close_needs),
            map=the_map,
            map_features=response.map.geojson() if response.map is not None else None,
            map_vocabulary=None if partial else popup_vocabulary(),
        )
    context["panel"] = facets.build_panel(request.GET, links, counts, errors, query)
    status = 400 if errors else 200
    if partial:
        # The list for an area the visitor moved the map to (map.js), without the page.
        return render(request, "search/includes/results.html", context, status=status)
    return render(request, template, context, status=status)


def _needs(slugs: list[str]) -> list[Need]:
    """The needs in the order given (closest first), with their labels."""
    found = {n.slug: n for n in Need.objects.filter(slug__in=slugs).prefetch_related("labels")}
    return [found[slug] for slug in slugs if slug in found]


def service_by_key(request, key):
    """A service's page in the visitor's language, from its stable key (map popups)."""
    page = (
        ServicePage.objects.live().filter(translation_key=key, locale=Locale.get_active()).first()
    )
    if page is None:
        raise Http404
    return redirect(page.url)


def _home_page(request):
    """This language's home page, which serves the topic pages the tiles link to."""
    site = Site.find_for_request(request)
    return site.root_page.localized.specific if site else None
