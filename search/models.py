"""The search entries: one denormalised row per service and location (a service without a
location gets one row without a point). Both backends are fed from these rows' documents;
the database backend also searches them directly, through a full-text index the migrations
keep in the database itself (SQLite FTS5 table with triggers, PostgreSQL generated tsvector
column with a GIN index; see search.fulltext)."""

from django.db import models
from wagtail.search import index

TEXT_FIELDS = ("name_terms", "need_terms", "terms")


class SearchEntry(models.Model):
    service_key = models.UUIDField(db_index=True)
    location_key = models.UUIDField(null=True, blank=True)
    # Space-separated analysed terms (search.analysis), every language of the service:
    # names (service, organisation), need and target-group labels, and all of the text.
    name_terms = models.TextField(default="")
    need_terms = models.TextField(default="")
    terms = models.TextField()
    # Everything filters, facets, sorting and result cards need (see search.documents).
    data = models.JSONField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_key", "location_key"], name="unique_service_location_entry"
            )
        ]
        # The newest change is read on every public request (search.entries_cache). An index
        # of its own, not db_index: changing a field makes SQLite rebuild the table, which
        # would drop the full-text triggers (search.fulltext).
        indexes = [models.Index(fields=["updated_at"], name="search_entry_updated_at")]

    def __str__(self):
        return f"{self.data.get('name', self.service_key)}"

    @classmethod
    def from_document(cls, doc: dict) -> "SearchEntry":
        point = doc.get("point")
        return cls(
            service_key=doc["service_key"],
            location_key=doc.get("location_key"),
            data={k: v for k, v in doc.items() if k not in TEXT_FIELDS},
            latitude=point["lat"] if point else None,
            longitude=point["lon"] if point else None,
            **{name: doc.get(name, "") for name in TEXT_FIELDS},
        )

    def to_document(self) -> dict:
        return {**self.data, **{name: getattr(self, name) for name in TEXT_FIELDS}}


class WagtailIndexedEntry(SearchEntry, index.Indexed):
    """The same rows in Wagtail's own database search index, only for the benchmark that
    compares it with the project's backends (saving a SearchEntry does not index it here)."""

    search_fields = [
        index.SearchField("name_terms", boost=3),
        index.SearchField("need_terms", boost=2),
        index.SearchField("terms"),
    ]

    class Meta:
        proxy = True


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


class UnmetQuery(models.Model):
    """Words that found nothing in the whole network, counted per day and language: the
    network's unmet needs in the visitors' own words (see search.unmet). Nothing that
    identifies the searcher is kept — no address, user, session or time of day — and the
    text is normalised; queries that look like a phone or national number are never kept."""

    day = models.DateField()
    language = models.CharField(max_length=8)
    text = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "text"], name="unique_unmet_query_per_day"
            )
        ]
        indexes = [models.Index(fields=["day"], name="unmet_query_day")]

    def __str__(self):
        return f"{self.day} {self.language}: {self.text} ({self.count})"
