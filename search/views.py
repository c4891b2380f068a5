"""The public search page: the search query API, rendered as cards with facets."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language
from wagtail.models import Locale

from search import query as search_query
from search.backends import get_backend
from search.results import present


def search(request):
    context = {"q": request.GET.get("q", "")}
    status = 200
    if request.GET:
        query, errors = search_query.parse(request.GET, get_language())
        if errors:
            context["errors"] = errors
            status = 400
        elif query.has_text or query.need or query.point:
            response = get_backend().search(query)
            context.update(
                response=response,
                results=present(response.hits, Locale.get_active()),
                page_obj=Paginator(range(response.count), query.page_size).get_page(query.page),
                query=query,
            )
    return render(request, "search/search.html", context, status=status)
