"""Live facts: fields that describe the present rather than the content (capacity, the date a
person last verified a listing). They change without moderation through plain functions
(directory/capacity.py, directory/verification.py) that write the audit log, and they are kept
when an older revision is published — otherwise approving a draft written last month would
put last month's waiting list back online."""


class LiveFactsMixin:
    """Keeps `live_fact_fields` from the current database row when a revision is restored
    (publishing, previewing or editing a draft)."""

    live_fact_fields: tuple[str, ...] = ()

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.live_fact_fields:
            setattr(obj, name, getattr(self, name))
        return obj
