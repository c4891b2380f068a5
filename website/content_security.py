"""The Content-Security-Policy sent with every response (django-csp's middleware builds the
header from settings.CONTENT_SECURITY_POLICY, made here).

Scripts come only from this server; the few inline scripts that must stay inline (folium's
map script, Wagtail's own panel and widget initialisers) carry the request's nonce. No
plugins, no framing by other sites, forms post only here. Images may also come from the map
tile host (derived from MAP_TILE_URL) and data: URIs (Leaflet's and Wagtail's icons)."""

import json
import re
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.urls import reverse


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its scheme and host, with a `{s}`
    subdomain placeholder widened to a wildcard (a.tile.example.org, b.… → *.tile.…)."""
    parts = urlsplit(tile_url.replace("{s}", "subdomain"))
    if not parts.scheme or not parts.hostname:
        return None  # a relative URL: tiles from this server, covered by 'self'
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("subdomain."):
        host = "*." + host.removeprefix("subdomain.")
    return f"{parts.scheme}://{host}"


def policy(tile_url: str) -> dict:
    """settings.CONTENT_SECURITY_POLICY for a map whose tiles come from tile_url."""
    tiles = tile_source(tile_url)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            # The public pages need no inline styles (Leaflet styles through the CSSOM, which
            # CSP allows); the admin adds 'unsafe-inline' (WagtailAdminMiddleware below).
            "style-src": [SELF],
            "img-src": [SELF, "data:", *([tiles] if tiles else [])],
            "font-src": [SELF],
            "connect-src": [SELF],
            "frame-src": [SELF],  # Wagtail's live preview
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [SELF],
        }
    }


# Wagtail 8's admin still starts its widgets and panels with small inline scripts (wagtail
# issue 7053). Each is a call of one of Wagtail's own initialisers with data only: a JSON
# string and a JSON object, or an escapejs'd string for JSON.parse. Scripts of exactly these
# shapes get the request's nonce; any other inline script stays blocked, so markup injected
# into an admin page still cannot run code of its own.
_JSON_STRING = r'"(?:[^"\\\n]|\\.)*"'
_ESCAPEJS_STRING = r'"(?:[^"\\]|\\u[0-9A-Fa-f]{4})*"'
_INITIALISERS = (
    re.compile(
        rf"(?:init(?:Date|Time|DateTime)Chooser|new [A-Z][A-Za-z]*Chooser)"
        rf"\((?P<id>{_JSON_STRING}), (?P<options>\{{.*\}})\);",
        re.S,
    ),
    re.compile(rf"createTaskChooser\((?P<id>{_JSON_STRING})\);"),
    re.compile(
        r"\(function\(\) \{ var panel = new (?:InlinePanel|MultipleChooserPanel)"
        rf"\(JSON\.parse\({_ESCAPEJS_STRING}\)\); \}}\)\(\);"
    ),
)
_INLINE_SCRIPT = re.compile(r"<script>(?P<body>.*?)</script>", re.S)


def is_wagtail_initialiser(body: str) -> bool:
    """Whether an inline script is one of Wagtail's widget or panel initialisers."""
    code = " ".join(body.split())
    for shape in _INITIALISERS:
        match = shape.fullmatch(code)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            if "id" in parts:
                json.loads(parts["id"])
            options = json.loads(parts["options"]) if "options" in parts else {}
        except ValueError:
            return False
        return isinstance(options, dict)
    return False


def with_nonce(html: str, nonce: str) -> str:
    """The page with the nonce on each of Wagtail's initialiser scripts."""

    def sign(match: re.Match) -> str:
        if not is_wagtail_initialiser(match["body"]):
            return match[0]
        return f'<script nonce="{nonce}">{match["body"]}</script>'

    return _INLINE_SCRIPT.sub(sign, html)


class WagtailAdminMiddleware:
    """What the Wagtail admin needs on top of the policy: its initialiser scripts get the
    nonce, and inline styles are allowed there, because the page editor's scripts (the rich
    text editor) insert <style> elements of their own, which no nonce can reach. Styles
    cannot run code, so scripts stay as strict as on the public pages. Placed after
    django-csp's middleware, so the nonce and the update reach the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(admin_prefix()):
            return response
        response._csp_update = {"style-src": [UNSAFE_INLINE]}
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script>" in response.content
        ):
            charset = response.charset or "utf-8"
            html = with_nonce(response.content.decode(charset), str(request.csp_nonce))
            response.content = html.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")
