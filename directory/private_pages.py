"""Public pages are the same for everyone, except what a signed-in person's rights add to them
(the "Refer" buttons of a coach). Such a response says `Cache-Control: private` and varies on
the cookie, so a shared cache (a proxy, a CDN — some ignore `Vary`) never stores it and never
hands one person's page to another; the anonymous page, unchanged, stays cacheable."""

from django.utils.cache import patch_cache_control, patch_vary_headers

_PERSONAL = "_brug_personal"


def mark_personal(request) -> None:
    """This response shows what only this signed-in person may see."""
    setattr(request, _PERSONAL, True)


class PrivateWhenPersonalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _PERSONAL, False):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
