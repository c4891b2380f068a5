"""The public search page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale

from search.forms import SearchForm
from search.queries import search_services

PAGE_SIZE = 20


def search(request):
    form = SearchForm(request.GET or None)
    page_obj = None
    if form.is_bound and form.is_valid() and form.has_query():
        found = search_services(
            form.cleaned_data["q"], Locale.get_active(), form.cleaned_data["need"]
        )
        page_obj = Paginator(found.results, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "search/search.html", {"form": form, "page_obj": page_obj}, status=status
    )
