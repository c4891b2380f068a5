"""What the curators' listings report flags: stale listings, locations without a point on the
map or without opening hours, contact fields that would not pass today's validation (imported
or older data), and facts not checked for a period; each row says which of its fields
(phone, e-mail, address, hours, capacity) changed or were confirmed when
(directory.field_freshness)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory import field_freshness
from directory.models import LocationPage, OrganisationPage, ServicePage
from directory.models.originals import originals
from directory.validators import validate_phone
from directory.verification import is_stale

STALE = "stale"
NO_COORDINATES = "no_coordinates"
NO_HOURS = "no_hours"
BROKEN_CONTACT = "broken_contact"
STALE_FIELDS = "stale_fields"

ISSUE_LABELS = {
    STALE: _("Not verified recently"),
    NO_COORDINATES: _("No point on the map"),
    NO_HOURS: _("No opening hours"),
    BROKEN_CONTACT: _("Broken contact field"),
    STALE_FIELDS: _("A fact not checked recently"),
}


@dataclass
class ListingRow:
    """One page of the report with what is wrong with it."""

    page: Page
    kind: str
    organisation: OrganisationPage
    issues: list = field(default_factory=list)
    details: list = field(default_factory=list)
    last_verified: date | None = None
    fields: list = field(default_factory=list)  # field_freshness.FieldState

    @property
    def fields_text(self) -> str:
        """ "phone: changed 3 Mar 2026; hours: confirmed 14 Oct 2026" """
        return "; ".join(state.describe() for state in self.fields)

    @property
    def issue_labels(self) -> str:
        return "; ".join(str(ISSUE_LABELS[issue]) for issue in self.issues)

    @property
    def details_text(self) -> str:
        return "; ".join(str(d) for d in self.details)

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def organisation_title(self) -> str:
        return self.organisation.title

    # On screen, in the curator's admin language (core/admin_titles.py); the exports keep the
    # pages' own titles.
    @property
    def admin_title(self) -> str:
        return self.page.get_admin_display_title()

    @property
    def organisation_admin_title(self) -> str:
        return self.organisation.get_admin_display_title()


def _broken(value: str, validator) -> bool:
    if not value:
        return False
    try:
        validator(value)
    except ValidationError:
        return True
    return False


def _contact_problems(pairs) -> list[str]:
    """Field labels whose values are filled in but not valid."""
    return [str(label) for value, validator, label in pairs if _broken(value, validator)]


def listing_rows(today: date | None = None, issue: str | None = None) -> list[ListingRow]:
    """Every live page (originals) with at least one issue; optionally only one kind."""
    organisations = {
        o.path: o for o in OrganisationPage.objects.live().originals().order_by("title")
    }
    rows = []
    steplen = Page.steplen
    url = URLValidator()
    for org in organisations.values():
        row = ListingRow(org, str(_("organisation")), org, last_verified=org.last_verified)
        if is_stale(org.last_verified, today):
            row.issues.append(STALE)
        broken = _contact_problems(
            [
                (org.email, validate_email, _("e-mail")),
                (org.phone, validate_phone, _("phone")),
                (org.website, url, _("website")),
            ]
        )
        if broken:
            row.issues.append(BROKEN_CONTACT)
            row.details.extend(broken)
        rows.append(row)

    for service in originals(ServicePage.objects.live()).order_by("title"):
        org = organisations.get(service.path[:-steplen])
        if org is None:
            continue
        verified = service.last_verified or org.last_verified
        row = ListingRow(service, str(_("service")), org, last_verified=verified)
        if is_stale(verified, today):
            row.issues.append(STALE)
        broken = _contact_problems(
            [
                (service.contact_email, validate_email, _("contact e-mail")),
                (service.contact_phone, validate_phone, _("contact phone")),
            ]
        )
        if broken:
            row.issues.append(BROKEN_CONTACT)
            row.details.extend(broken)
        rows.append(row)

    locations = originals(LocationPage.objects.live()).annotate(hours=Count("opening_hours"))
    for location in locations.order_by("title"):
        org = organisations.get(location.path[:-steplen])
        if org is None:
            continue
        row = ListingRow(location, str(_("location")), org, last_verified=org.last_verified)
        if not location.has_point:
            row.issues.append(NO_COORDINATES)
        if not location.hours:
            row.issues.append(NO_HOURS)
        rows.append(row)

    _add_field_states(rows, today)
    rows = [r for r in rows if r.issues and (issue is None or issue in r.issues)]
    rows.sort(key=lambda r: (r.organisation.title.lower(), r.kind != str(_("organisation"))))
    return rows


def _add_field_states(rows: list[ListingRow], today: date | None) -> None:
    """Each row's facts with when they changed or were confirmed; a fact not checked for a
    period is an issue even when the listing as a whole was verified."""
    fallback = {row.page.pk: row.last_verified for row in rows}
    found = field_freshness.states([row.page for row in rows], fallback)
    for row in rows:
        row.fields = found.get(row.page.pk, [])
        if STALE not in row.issues and any(is_stale(s.last_checked, today) for s in row.fields):
            row.issues.append(STALE_FIELDS)
            row.details.extend(
                state.label for state in row.fields if is_stale(state.last_checked, today)
            )
