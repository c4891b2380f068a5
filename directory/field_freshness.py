"""Field-level freshness: "last verified" per fact, not only per listing.

For an organisation's phone and e-mail, a service's contact phone, e-mail and capacity, and a
location's address and opening hours (weekly hours, closures, the holiday rule, the note), a
`FieldCheck` row records when the value last *changed* (seen when a page is published, or
when capacity is set in one click) and when a person last *confirmed* it ('still correct',
which confirms every field of the listing). A fingerprint of the value tells a real change
from a re-publish. The curators' report and the editors' reminder say which fields changed or
were confirmed when; the public pages say when the hours and the phone were last checked.

Rows belong to a page's original (translations and aliases show the same facts). Pages that
existed before these records began get a row on migration (directory/migrations) with the
listing's 'last verified' date as their confirmation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.models import FieldCheck, LocationPage, OrganisationPage, ServicePage
from directory.models.freshness import TrackedField
from directory.models.originals import original_of

FIELDS = {
    "organisationpage": {"phone": ("phone",), "email": ("email",)},
    "servicepage": {
        "phone": ("contact_phone",),
        "email": ("contact_email",),
        "capacity": ("capacity_status", "waiting_weeks"),
    },
    "locationpage": {
        "address": ("street", "house_number", "postcode", "municipality", "country"),
        "hours": ("open_on_public_holidays", "hours_note"),
    },
}


def _kind(page) -> str:
    return page._meta.model_name


def tracked(page) -> list[str]:
    return list(FIELDS.get(_kind(page), {}))


def value_of(page, field: str):
    """A tracked field's value as plain data (works on historical models in migrations)."""
    value = {name: getattr(page, name) for name in FIELDS[_kind(page)][field]}
    if field == "hours":
        value["weekly"] = sorted(
            (h.weekday, str(h.opens), str(h.closes), h.closes_next_day, h.by_appointment_only,
             str(h.valid_from), str(h.valid_until))
            for h in page.opening_hours.all()
        )  # fmt: skip
        value["dated"] = sorted(
            (e.kind, str(e.starts_on), str(e.ends_on), e.weekday, str(e.opens), str(e.closes),
             e.closes_next_day, e.by_appointment_only)
            for e in page.hours_exceptions.all()
        )  # fmt: skip
    return value


def fingerprint(page, field: str) -> str:
    text = json.dumps(value_of(page, field), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _original(page):
    if not isinstance(page, OrganisationPage | ServicePage | LocationPage):
        page = page.specific
    if page.alias_of_id:
        return None
    original = original_of(page)
    return page if original is None or original.pk == page.pk else None


def record_changes(page, today: date | None = None) -> list[str]:
    """After a publish (or a one-click capacity change): note which tracked fields of the
    original changed. A field seen for the first time on a page's first publish counts as
    changed then. Returns the fields that changed."""
    page = _original(page)
    if page is None or not tracked(page):
        return []
    today = today or timezone.localdate()
    existing = {c.field: c for c in FieldCheck.objects.filter(page=page)}
    first_publish = not existing and (
        page.first_published_at is None or timezone.localdate(page.first_published_at) == today
    )
    changed = []
    for field in tracked(page):
        print_ = fingerprint(page, field)
        check = existing.get(field)
        if check is None:
            FieldCheck.objects.create(
                page=page, field=field, fingerprint=print_,
                changed_on=today if first_publish else None,
            )  # fmt: skip
            if first_publish:
                changed.append(field)
        elif check.fingerprint != print_:
            check.fingerprint, check.changed_on = print_, today
            check.save(update_fields=["fingerprint", "changed_on"])
            changed.append(field)
    return changed


def confirm(pages, today: date | None = None) -> None:
    """A person confirmed these listings are correct: every tracked field is confirmed."""
    today = today or timezone.localdate()
    for page in pages:
        page = _original(page)
        if page is None:
            continue
        existing = {c.field: c for c in FieldCheck.objects.filter(page=page)}
        for field in tracked(page):
            check = existing.get(field)
            if check is None:
                FieldCheck.objects.create(
                    page=page, field=field, fingerprint=fingerprint(page, field),
                    confirmed_on=today,
                )  # fmt: skip
            else:
                check.confirmed_on = today
                check.save(update_fields=["confirmed_on"])


@dataclass
class FieldState:
    """One field of one listing, as the report and the reminder describe it."""

    field: str
    changed_on: date | None
    confirmed_on: date | None
    fallback: date | None = None  # the listing's 'last verified', when nothing is recorded

    @property
    def label(self) -> str:
        return str(TrackedField(self.field).label)

    @property
    def last_checked(self) -> date | None:
        dates = [d for d in (self.changed_on, self.confirmed_on) if d]
        return max(dates) if dates else self.fallback

    def describe(self) -> str:
        """ "phone: changed 3 March 2026, confirmed 14 October 2026"."""
        parts = []
        if self.changed_on:
            parts.append(_("changed %(date)s") % {"date": _day(self.changed_on)})
        if self.confirmed_on:
            parts.append(_("confirmed %(date)s") % {"date": _day(self.confirmed_on)})
        if not parts:
            if self.fallback:
                parts.append(
                    _("verified with the listing %(date)s") % {"date": _day(self.fallback)}
                )
            else:
                parts.append(_("never checked"))
        return f"{self.label}: {', '.join(parts)}"


def _day(value: date) -> str:
    return date_format(value, "j M Y")


def states(pages, fallback: dict[int, date | None] | None = None) -> dict[int, list[FieldState]]:
    """The tracked fields of these pages (originals), by page id, in a single query."""
    pages = [p for p in pages if p is not None]
    fallback = fallback or {}
    checks: dict[int, dict[str, FieldCheck]] = {}
    for check in FieldCheck.objects.filter(page_id__in=[p.pk for p in pages]):
        checks.setdefault(check.page_id, {})[check.field] = check
    result = {}
    for page in pages:
        mine = checks.get(page.pk, {})
        result[page.pk] = [
            FieldState(
                field,
                mine[field].changed_on if field in mine else None,
                mine[field].confirmed_on if field in mine else None,
                fallback.get(page.pk),
            )
            for field in tracked(page)
        ]
    return result


def last_checked(page, field: str) -> date | None:
    """When a person last looked at this field of a page (for the public pages). Every
    field's date is read at the first question and kept on the page instance: a service page
    asks about three facts."""
    page = page.specific if hasattr(page, "specific") else page
    checks = page.__dict__.get("_brug_field_checks")
    if checks is None:
        original = original_of(page) or page
        checks = page.__dict__["_brug_field_checks"] = {
            check.field: check.last_checked for check in FieldCheck.objects.filter(page=original)
        }
    return checks.get(field)


def backfill(apps, schema_editor) -> None:
    """Migration: a row per tracked field of every existing original page, its value's
    fingerprint, and the listing's 'last verified' date as confirmation."""
    check_model = apps.get_model("directory", "FieldCheck")
    organisations = apps.get_model("directory", "OrganisationPage")
    verified = {}
    for org in organisations.objects.filter(alias_of__isnull=True):
        verified[org.path] = org.last_verified
    for name in ("OrganisationPage", "ServicePage", "LocationPage"):
        model = apps.get_model("directory", name)
        seen = set()
        for page in model.objects.filter(alias_of__isnull=True).order_by("pk"):
            if page.translation_key in seen:
                continue
            seen.add(page.translation_key)
            parent_verified = verified.get(page.path[:-4])
            confirmed = getattr(page, "last_verified", None) or parent_verified
            for field in FIELDS[model._meta.model_name]:
                check_model.objects.get_or_create(
                    page_id=page.pk,
                    field=field,
                    defaults={"fingerprint": fingerprint(page, field), "confirmed_on": confirmed},
                )
