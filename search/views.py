"""The public search page: the search query API, rendered as cards beside a filter form with
facet counts (search.facets holds the presentation rules)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from wagtail.models import Locale, Site

from search import facets
from search import query as search_query
from search.backends import get_backend
from search.results import present


def search(request):
    query, errors = search_query.parse(request.GET, get_language())
    links = facets.Links(request.path, request.GET)
    context = {"q": request.GET.get("q", ""), "errors": errors, "home": _home_page(request)}
    counts = None
    if query is not None and facets.is_filtered(query):
        backend = get_backend()
        response = backend.search(query)
        page_obj = Paginator(range(response.count), query.page_size).get_page(query.page)
        if response.count and query.page > page_obj.number:
            return redirect(links.page(page_obj.number))  # past the end: the last page
        counts = facets.group_counts(query, response, backend.search)
        context.update(
            response=response,
            query=query,
            results=present(response.hits, Locale.get_active()),
            page_obj=page_obj,
            pagination=facets.page_links(links, page_obj),
            suggestions=[
                (text, links.with_text(text)) for text in getattr(response, "suggestions", [])
            ],
        )
    context["panel"] = facets.build_panel(request.GET, links, counts, errors, query)
    return render(request, "search/search.html", context, status=400 if errors else 200)


def _home_page(request):
    """This language's home page, which serves the topic pages the tiles link to."""
    site = Site.find_for_request(request)
    return site.root_page.localized.specific if site else None
