"""A page's *original*: the first page of its translation key that is not an alias (the
language it was written in). Translations and aliases in other locales share the key;
memberships, reports and reminders count each organisation, service or location once."""

from django.db import models


def originals(queryset):
    """Only the original page of each translation key in `queryset`."""
    # One aggregate over the originals, not a subquery per row: a correlated `ORDER BY pk
    # LIMIT 1` is only fast with fresh statistics, and PostgreSQL then nests scans per row.
    firsts = (
        queryset.model.objects.filter(alias_of__isnull=True)
        .order_by()
        .values("translation_key")
        .annotate(first=models.Min("pk"))
        .values("first")
    )
    return queryset.filter(alias_of__isnull=True, pk__in=firsts)


def original_of(page):
    """The original of this page (itself, when it is the original): the first non-alias page
    of its translation key, as in `originals`, without that function's aggregate over every
    page of the model (one page's lookup is an indexed filter; the aggregate cost the service
    edit page tens of milliseconds)."""
    return (
        type(page)
        .objects.filter(translation_key=page.translation_key, alias_of__isnull=True)
        .order_by("pk")
        .first()
    )
