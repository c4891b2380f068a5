"""Error pages in the visitor's language, with the site's chrome."""

from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Kept to the bare template: the database may be what failed.
    return render(request, "500.html", status=500)
