"""HTTP caching of the public pages and the public API for anonymous visitors.

An ETag names what a page shows: its address (and, for the API, the asked language), the
directory's revision and the five minutes it was built in ("open now" changes with the
clock). The revision changes with every publish, unpublish, move or deletion of a page (the
page log), every edit logged in the admin (snippets such as the taxonomy, settings such as the
site notice) and every change of the search entries (a capacity change, a re-index). A
request whose If-None-Match holds it gets a 304 before the view runs. `Cache-Control: public,
max-age=0, must-revalidate`: a browser or proxy may keep the page but asks every time, so a
publish shows at once (a max-age would hide it for that long); the question costs a 304.

Never for a person signed in (or with a session of any kind: a page's password passed, a
form's messages), never for a response that sets a cookie or already says how to cache it
(`private` pages that show a signed-in person's actions), and only for answers of 200."""

import hashlib
import time

from django.conf import settings
from django.http import HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from wagtail.models import ModelLogEntry, PageLogEntry

from search.entries_cache import entries_state

# The views whose answers are the same for every anonymous visitor asking the same address.
PUBLIC_VIEWS = {"search", "map", "wagtail_serve", "sitemap", "robots_txt"}
PUBLIC_NAMESPACES = {"api-v1"}
BUCKET = 300  # seconds: "open now" is never older than this


def revision() -> str:
    """Changes whenever something public may have changed (a few indexed aggregates)."""
    page_log = PageLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    model_log = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return f"{page_log}:{model_log}:{entries_state()}"


def public_kind(request) -> str | None:
    """ "api" or "page" for an anonymous GET of a public address, else None."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if set(match.namespaces) & PUBLIC_NAMESPACES:
        return "api"
    return "page" if match.url_name in PUBLIC_VIEWS else None


def etag_for(request, kind: str, now: float) -> str:
    parts = [request.get_full_path(), revision(), str(int(now // BUCKET))]
    if kind == "api":
        parts.append(request.headers.get("Accept-Language", ""))  # the answer's language
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _headers(response, kind: str, etag: str) -> None:
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    if kind == "api":
        patch_vary_headers(response, ("Accept-Language",))


class PublicCachingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = public_kind(request)
        if kind is None:
            return self.get_response(request)
        now = time.time()
        etag = etag_for(request, kind, now)
        asked = parse_etags(request.headers.get("If-None-Match", ""))
        if etag in asked or f"W/{etag}" in asked:  # the gzipped copy's ETag is weak
            response = HttpResponseNotModified()
            _headers(response, kind, etag)
            # The kept page's policy (and its script's nonce) stays: a 304's headers would
            # replace the stored ones.
            response._csp_exempt = True
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.has_header("Cache-Control")
            and not response.streaming
        ):
            _headers(response, kind, etag)
        return response
