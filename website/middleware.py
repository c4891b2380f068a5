"""Django's LocaleMiddleware, except that a 404 of a URL outside the language prefix (the
admin, documents, the API) stays a 404 there.

Django answers any 404 without a language prefix with a redirect to /<lang>/<same path> when
that path would resolve, and Wagtail's page catch-all resolves every path: /admin/pages/12/
of a page that is gone went to /nl/admin/pages/12/, a public "not found" outside the admin.
"""

from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_response(self, request, response):
        resolved_unprefixed = getattr(
            request, "resolver_match", None
        ) is not None and not translation.get_language_from_path(request.path_info)
        if response.status_code == 404 and resolved_unprefixed:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
