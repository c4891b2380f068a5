"""A page's *original*: the first page of its translation key that is not an alias (the
language it was written in). Translations and aliases in other locales share the key;
memberships, reports and reminders count each organisation, service or location once."""

from django.db import models


def originals(queryset):
    """Only the original page of each translation key in `queryset`."""
    first = (
        queryset.model.objects.filter(
            alias_of__isnull=True, translation_key=models.OuterRef("translation_key")
        )
        .order_by("pk")
        .values("pk")[:1]
    )
    return queryset.filter(alias_of__isnull=True, pk=models.Subquery(first))


def original_of(page):
    """The original of this page (itself, when it is the original)."""
    return originals(type(page).objects.filter(translation_key=page.translation_key)).first()
