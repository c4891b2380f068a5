"""HTTP caching of the public pages and the public API for anonymous visitors.

An ETag names what a page shows: its address (and, for the API, the asked language), the
directory's revision and the five minutes it was built in ("open now" changes with the
clock). The revision changes with every publish, unpublish, move or deletion of a page (the
page log), every edit logged in the admin (snippets such as the taxonomy, settings such as the
site notice) and every change of the search entries (a capacity change, a re-index). A
request whose If-None-Match holds it gets a 304 before the view runs. `Cache-Control: public,
max-age=0, must-revalidate`: a browser or proxy may keep the page but asks every time, so a
publish shows at once (a max-age would hide it for that long); the question costs a 304.

Never for a person signed in (or with a session of any kind: a page's password passed; or
with messages waiting in a cookie), never for a response that sets a cookie or already says
how to cache it (`private` pages that show a signed-in person's actions), and only for
answers of 200.

A shared copy: the answer to an anonymous GET is kept in the shared cache under its ETag and
the active language for BRUG_PUBLIC_CACHE_SECONDS (at most the ETag's five minutes), so the
next visitor asking the same address gets it without the view running — the same rules of
freshness as a browser's copy, since the key is the ETag. What must be new in every
response is made again: the script nonce (django-csp's, put in the header as usual) and the
holes the page marked (core.response_holes: a form's single-use stamp). A page that
revalidates (`no-cache`, the service page with its stamp) may be kept; one that is `private`
or `no-store`, sets a cookie or carries a value nobody marked, never."""

import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from core import response_holes
from directory import feedback
from search.entries_cache import BUCKET, public_revision, time_bucket

# The views whose answers are the same for every anonymous visitor asking the same address.
PUBLIC_VIEWS = {"search", "map", "wagtail_serve", "sitemap", "robots_txt"}
PUBLIC_NAMESPACES = {"api-v1"}
# A session, or messages waiting to be shown to this visitor (Django keeps an anonymous
# visitor's messages in a cookie): their page is their own.
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}
SHARED_MAX_BYTES = 1_000_000
# How to make each kind of hole (core.response_holes) again for a visitor of a shared copy.
FILLERS = {"feedback-stamp": lambda request: feedback.new_stamp()}


def public_kind(request) -> str | None:
    """ "api" or "page" for an anonymous GET of a public address, else None."""
    if request.method not in ("GET", "HEAD") or PERSONAL_COOKIES & request.COOKIES.keys():
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if set(match.namespaces) & PUBLIC_NAMESPACES:
        return "api"
    return "page" if match.url_name in PUBLIC_VIEWS else None


def etag_for(request, kind: str, now: float) -> str:
    parts = [request.get_full_path(), public_revision(), time_bucket(now)]
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
        seconds = min(getattr(settings, "BRUG_PUBLIC_CACHE_SECONDS", 0), BUCKET)
        key = f"brug-public:{etag}:{get_language()}"
        if seconds and request.method == "GET":
            kept = cache.get(key)
            if kept is not None:
                return _from_copy(request, kept)
        response = self.get_response(request)
        if response.status_code != 200 or response.cookies or response.streaming:
            return response
        control = response.get("Cache-Control")
        if control is None:
            _headers(response, kind, etag)
        if seconds and request.method == "GET" and _shareable(request, response, control):
            cache.set(key, _copy(request, response), seconds)
        return response


def _shareable(request, response, control: str | None) -> bool:
    directives = {part.strip().split("=")[0].lower() for part in (control or "").split(",")}
    return (
        not directives & {"private", "no-store"}
        and len(response.content) <= SHARED_MAX_BYTES
        and all(kind in FILLERS for kind, _value in response_holes.of(request))
    )


def _copy(request, response) -> dict:
    nonce = getattr(request, "_csp_nonce", None)  # set when the page used it
    return {
        "status": response.status_code,
        "content": response.content,
        "headers": list(response.items()),
        "nonce": nonce if isinstance(nonce, str) else None,
        "holes": response_holes.of(request),
    }


def _from_copy(request, kept: dict) -> HttpResponse:
    content = kept["content"]
    if kept["nonce"]:
        # A fresh nonce: reading it makes django-csp put it in this response's header.
        content = content.replace(kept["nonce"].encode(), str(request.csp_nonce).encode())
    for kind, value in kept["holes"]:
        content = content.replace(value.encode(), FILLERS[kind](request).encode())
    response = HttpResponse(content, status=kept["status"])
    for header, value in kept["headers"]:
        response[header] = value
    response["Content-Length"] = str(len(content))
    return response
