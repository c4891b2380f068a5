"""Template context shared by every public page."""

from django.conf import settings

from directory import opening_hours


def site_chrome(request):
    return {
        "DEMO_NOTICE": settings.BRUG_DEMO_NOTICE,
        "today": opening_hours.now_in_brussels().date(),
    }
