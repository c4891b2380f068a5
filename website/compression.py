"""Gzip for HTML and JSON (static files come compressed from WhiteNoise).

BREACH guesses a secret from the compressed size of responses that also echo what an attacker
sent. Public pages hold no secret a visitor has not typed themselves, and Django's gzip adds
random padding (Heal the Breach) and masks every CSRF token anew; a signed-in person's screens
(a referral's client, the staff's CSRF-protected forms) are sent uncompressed. See
docs/architecture.md, "HTTP: compression and caching"."""

from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)
