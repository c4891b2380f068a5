"""The search entries: one denormalised row per service and location (a service without a
location gets one row without a point). Both backends are fed from these rows' documents;
the database backend also searches them directly (Wagtail's database search over `terms`)."""

from django.db import models
from wagtail.search import index


class SearchEntry(index.Indexed, models.Model):
    service_key = models.UUIDField(db_index=True)
    location_key = models.UUIDField(null=True, blank=True)
    # Space-separated analysed terms (search.analysis), every language of the service.
    terms = models.TextField()
    # Everything filters, facets, sorting and result cards need (see search.documents).
    data = models.JSONField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [index.SearchField("terms"), index.FilterField("service_key")]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_key", "location_key"], name="unique_service_location_entry"
            )
        ]

    def __str__(self):
        return f"{self.data.get('name', self.service_key)}"


class SearchOutbox(models.Model):
    """Services whose Elasticsearch documents are behind the database (the node was down).

    Durable: a row survives restarts until `search_index replay` (or the next successful
    write) has copied the service's entries to Elasticsearch."""

    service_key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return str(self.service_key)
