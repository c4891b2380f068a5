"""Error pages in the visitor's language, with the site's chrome; robots.txt."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core import public_url


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Kept to the bare template: the database may be what failed.
    return render(request, "500.html", status=500)


def robots_txt(request):
    """Everything public may be crawled; the admin may not. Points to the sitemap."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('wagtailadmin_home')}",
        f"Sitemap: {public_url.absolute(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
