"""Signals the directory sends, and the handlers it connects to its own models.

`listing_facts_changed` is sent after a live fact (capacity, last verified) changed without a
publish; `search` listens to it the way it listens to `page_published`. `organisation_merged`
and `service_merged` are sent when a curator merges two listings (directory.merging), so that
apps the directory does not know (referrals) can move their rows.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

# Sent with `pages`: the original pages whose live facts changed.
listing_facts_changed = Signal()

# Sent inside the merge's transaction with `old`, `new` (original pages) and `user`, after
# the directory moved its own rows (directory.merging). Other apps move theirs: the referrals
# app points referrals to/from `old` at `new` (receiving or referring organisation, service).
organisation_merged = Signal()
service_merged = Signal()


def on_organisation_saved(sender, instance, created, **kwargs):
    """A new locale version of an organisation (an alias or a translation) gets the team's
    permissions too, so editors can translate and edit it."""
    if created and not kwargs.get("raw"):
        from directory.roles import sync_team_permissions

        sync_team_permissions(instance)


def on_page_published(sender, instance, **kwargs):
    """Note which tracked fields (phone, e-mail, address, hours, capacity) changed."""
    from directory.field_freshness import record_changes

    record_changes(instance)


def on_any_page_published(sender, instance, revision=None, **kwargs):
    """Keep the translations' "source changed" state true (directory.translation_state)."""
    from directory.translation_state import on_published

    on_published(instance, revision)


def on_team_deleted(sender, instance, **kwargs):
    from django.contrib.auth.models import Group

    Group.objects.filter(pk=instance.group_id).delete()


def connect():
    from directory.models import OrganisationPage, OrganisationTeam

    post_save.connect(on_organisation_saved, sender=OrganisationPage, dispatch_uid="brug_team_sync")
    post_delete.connect(on_team_deleted, sender=OrganisationTeam, dispatch_uid="brug_team_gone")
    from wagtail.signals import page_published

    from directory.models import LocationPage, ServicePage

    page_published.connect(on_any_page_published, dispatch_uid="brug_translation_state")
    for model in (OrganisationPage, ServicePage, LocationPage):
        page_published.connect(
            on_page_published, sender=model, dispatch_uid=f"brug_fields_{model.__name__}"
        )
