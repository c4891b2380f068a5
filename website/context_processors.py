"""Template context shared by every public page."""

from django.conf import settings

from directory.opening_hours import now_in_brussels


def site_chrome(request):
    return {
        "DEMO_NOTICE": settings.BRUG_DEMO_NOTICE,
        "today": now_in_brussels().date(),
    }
