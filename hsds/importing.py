"""An HSDS 3.0 JSON package (organisations with their locations, services) into the directory,
as draft pages submitted to curator review.

- Idempotent: a record whose id is already a page's translation key is left as it is, so
  importing the same file twice changes nothing.
- Never a duplicate of an existing listing: before a page is made, the directory's own
  duplicate rules (directory.duplicates: enterprise number, phone, e-mail, a similar name in
  the same place) compare it with every listing; a match is reported and its services are
  attached to the existing organisation instead.
- Taxonomy terms become needs: Brug's own need codes directly, other terms through the
  crosswalk (term id or code → need slug); unmapped terms are listed, never dropped silently.
- Every record is checked against the official schema and by the directory's own model
  validation (postcodes, coordinates, phones in E.164 through directory.phones); a bad record
  is reported (record, field, reason) and the good ones are imported.
- HSDS fields Brug cannot store are reported by name.
- A dry run does all of it inside a transaction that is rolled back.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from directory import eligibility
from directory.drafts import paragraphs as _paragraphs
from directory.drafts import submit_for_review as _submit
from directory.drafts import unique_slug as _unique_slug
from directory.duplicates import (
    Listing,
    ListingIndex,
    _place_of,
    normalise_email,
    normalise_enterprise_number,
    normalise_phone,
)
from directory.eligibility import DocumentType
from directory.models import (
    HoursException,
    Language,
    LocationPage,
    Need,
    OpeningHours,
    OrganisationIndexPage,
    OrganisationPage,
    ServicePage,
    TargetGroup,
)
from directory.models.locations import CoordinatePrecision
from directory.models.organisations import OrganisationType
from directory.models.services import Access, Capacity, Cost
from directory.opening_hours import holiday_on
from directory.phones import PhoneError, to_e164
from hsds import schemas, tabular
from hsds import taxonomy as brug_taxonomy
from hsds.models import TermCrosswalk
from hsds.schedules import DAYS

# What the import reads of each table; anything else with a value is reported as not stored.
READ = {
    "organization": {
        "id", "name", "description", "email", "website", "uri", "phones", "locations",
        "organization_identifiers", "attributes", "services", "contacts",
    },
    "location": {
        "id", "location_type", "organization_id", "name", "description", "latitude",
        "longitude", "addresses", "phones", "contacts", "schedules", "attributes",
        "accessibility", "languages",
    },
    "service": {
        "id", "organization_id", "name", "description", "url", "email", "status",
        "minimum_age", "maximum_age", "phones", "contacts", "languages", "attributes",
        "service_at_locations", "organization", "last_modified", "service_areas",
        "application_process", "fees_description", "wait_time", "interpretation_services",
        "eligibility_description", "assured_date", "required_documents", "schedules",
    },
}  # fmt: skip
# The schema each record is checked against (the spec compiles no location schema).
SCHEMAS = {
    "organization": "compiled/organization.json",
    "location": "location.json",
    "service": "compiled/service.json",
}


@dataclass
class Problem:
    record: str
    field: str
    reason: str


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmapped_terms: Counter = field(default_factory=Counter)
    not_stored: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        lines = [f"created: {name}" for name in self.created]
        lines += [f"unchanged (already imported): {name}" for name in self.unchanged]
        lines += [f"matches an existing listing: {name}" for name in self.matched]
        lines += [f"error: {p.record}: {p.field}: {p.reason}" for p in self.problems]
        lines += [f"unmapped term: {t} ({n})" for t, n in sorted(self.unmapped_terms.items())]
        lines += [f"not stored: {f} ({n})" for f, n in sorted(self.not_stored.items())]
        return lines


class RecordError(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def load(path: Path) -> dict:
    """A JSON package, a list of services (as /services?full=true gives), or the tabular
    data package in a folder (or its datapackage.json), as nested records."""
    path = Path(path)
    if path.is_dir() or path.name == "datapackage.json":
        return tabular.read(path if path.is_dir() else path.parent)
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        data = {"services": data}
    elif isinstance(data, dict) and "id" in data:  # a record: a package has no id
        data = _one_record(data)
    return data


def _one_record(record: dict) -> dict:
    """One fully nested record as a package (the spec's own examples are such files): an
    organization (with its locations and services), or a service (with its organization)."""
    if "status" not in record:  # required of a service, unknown to an organization
        return {"organizations": [record]}
    organisation = record.get("organization")
    if not isinstance(organisation, dict):
        return {"services": [record]}
    return {
        "organizations": [organisation],
        "services": [{**record, "organization_id": organisation.get("id")}],
    }


def _attributes(record: dict, last: str = "value") -> list[tuple[str, str, str, str]]:
    """(taxonomy id, term code, term id, value) of a record's attributes (or the term's name
    instead of the value)."""
    found = []
    for row in record.get("attributes") or []:
        term = row.get("taxonomy_term") or {}
        found.append(
            (
                term.get("taxonomy_id") or (term.get("taxonomy_detail") or {}).get("id", ""),
                term.get("code", ""),
                row.get("taxonomy_term_id") or term.get("id", ""),
                (term.get("name") if last == "name" else row.get("value")) or "",
            )
        )
    return found


def _brug(record: dict) -> dict[str, list[str]]:
    """The record's Brug attributes: code → values."""
    taxonomy = brug_taxonomy.BY_CODE[brug_taxonomy.ATTRIBUTES].id
    values: dict[str, list[str]] = {}
    for taxonomy_id, code, _term, value in _attributes(record):
        if taxonomy_id == taxonomy:
            values.setdefault(code, []).append(value)
    return values


def _not_stored(table: str, record: dict, report: Report) -> None:
    for name, value in record.items():
        if name not in READ[table] and value not in (None, "", [], {}):
            report.not_stored[f"{table}.{name}"] += 1
    # Partnerships are confirmed by curators in Brug, never taken from a package.
    partnerships = brug_taxonomy.BY_CODE[brug_taxonomy.PARTNERSHIPS].id
    if any(taxonomy_id == partnerships for taxonomy_id, *_rest in _attributes(record)):
        report.not_stored[f"{table}.attributes ({brug_taxonomy.PARTNERSHIPS})"] += 1


def _phone(record: dict, country: str = "BE") -> str:
    numbers = [p.get("number", "") for p in record.get("phones") or [] if p.get("number")]
    if not numbers:
        return ""
    try:
        return to_e164(numbers[0], country)
    except PhoneError as error:
        raise RecordError("phones.number", f"{numbers[0]}: {error}") from None


def _clean(page, record_name: str) -> None:
    try:
        page.full_clean(exclude=["path", "depth", "url_path", "slug", "translation_key"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise RecordError(name, " ".join(messages)) from None


def _key(record: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(record.get("id")))
    except ValueError:
        raise RecordError("id", "not a UUID") from None


class Importer:
    def __init__(self, curator, crosswalk: dict[str, str] | None = None):
        self.curator = curator
        # The curators' crosswalk, and a file's entries over it.
        self.crosswalk = {
            row.term: row.need.slug
            for row in TermCrosswalk.objects.filter(need__isnull=False).select_related("need")
        }
        self.crosswalk.update(crosswalk or {})
        self.report = Report()
        self.organisations: dict[str, OrganisationPage] = {}  # HSDS id → page
        self.locations: dict[str, LocationPage] = {}
        self.index = OrganisationIndexPage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE
        ).first()

    def run(self, data: dict) -> Report:
        if self.index is None:
            self.report.problems.append(Problem("(package)", "-", "no organisation list"))
            return self.report
        for row in data.get("unattached") or []:  # the tabular package's orphans
            reason = f"{row['id']}: no such record in the package"
            self.report.problems.append(Problem(row["record"], row["field"], reason))
        services = list(data.get("services") or [])
        for record in data.get("organizations") or []:
            self._each("organization", record, self.organisation)
            # A fully nested organisation (the spec's organization_full) holds its services.
            services += [
                {"organization_id": record.get("id"), **service}
                for service in record.get("services") or []
                if isinstance(service, dict) and service.get("name")
            ]
        for record in services:
            self._each("service", record, self.service)
        return self.report

    def _each(self, table: str, record: dict, handle) -> None:
        name = f"{table} {record.get('name') or record.get('id')}"
        validator = schemas.validator(SCHEMAS[table])
        errors = sorted(
            validator.iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path]
        )
        if errors:
            error = errors[0]
            path = ".".join(str(p) for p in error.absolute_path) or "(record)"
            self.report.problems.append(Problem(name, path, error.message))
            return
        _not_stored(table, record, self.report)
        try:
            with transaction.atomic():
                handle(record, name)
        except RecordError as error:
            self.report.problems.append(Problem(name, error.field, error.reason))

    # Organisations

    def organisation(self, record: dict, name: str) -> None:
        key = _key(record)
        existing = OrganisationPage.objects.filter(translation_key=key).first()
        if existing is not None:
            self.organisations[str(key)] = existing
            self.report.unchanged.append(name)
            return
        phone = _phone(record)
        identifiers = record.get("organization_identifiers") or []
        enterprise = next(
            (i["identifier"] for i in identifiers if i.get("identifier_scheme") == "BE-BCE_KBO"),
            "",
        )
        cities = {
            address.get("city", "")
            for location in record.get("locations") or []
            for address in location.get("addresses") or []
        }
        listing = Listing(
            0,
            str(key),
            {record["name"]},
            places={_place_of(c) for c in cities if c},
            phones={normalise_phone(phone)} - {""},
            emails={normalise_email(record.get("email") or "")} - {""},
            enterprise_number=normalise_enterprise_number(enterprise),
        )
        matches = ListingIndex(OrganisationPage).matches(listing)
        if matches:
            other, reasons, _score = matches[0]
            page = OrganisationPage.objects.get(pk=other.pk)
            self.organisations[str(key)] = page
            self.report.matched.append(f"{name} = {page.title} ({', '.join(reasons)})")
            return
        summary, description = _paragraphs(record.get("description", ""))
        kinds = _brug(record).get("organisation-type") or []
        page = OrganisationPage(
            title=record["name"],
            slug=_unique_slug(self.index, record["name"]),
            short_description=summary or record["name"],
            description=description,
            organisation_type=kinds[0] if kinds and kinds[0] in OrganisationType.values else "ngo",
            website=record.get("website") or "",
            email=record.get("email") or "",
            phone=phone,
            enterprise_number=enterprise,
            translation_key=key,
            live=False,
        )
        _clean(page, name)
        page.tags.add(*(_brug(record).get("keyword") or []))
        self.index.add_child(instance=page)
        _submit(page, self.curator)
        self.organisations[str(key)] = page
        self.report.created.append(name)
        for location in record.get("locations") or []:
            self._each("location", location, lambda r, n, org=page: self.location(r, n, org))

    # Locations

    def location(self, record: dict, name: str, organisation: OrganisationPage) -> None:
        key = _key(record)
        existing = LocationPage.objects.filter(translation_key=key).first()
        if existing is not None:
            self.locations[str(key)] = existing
            self.report.unchanged.append(name)
            return
        addresses = [a for a in record.get("addresses") or [] if a.get("address_type") != "postal"]
        if not addresses:
            raise RecordError("addresses", "a location needs a street address")
        address = addresses[0]
        street, _sep, number = (address.get("address_1") or "").rpartition(" ")
        if not any(ch.isdigit() for ch in number):
            street, number = address.get("address_1") or "", ""
        brug = _brug(record)
        page = LocationPage(
            title=record.get("name") or address.get("address_1"),
            slug=_unique_slug(organisation, record.get("name") or "location"),
            street=street,
            house_number=number,
            postcode=address.get("postal_code") or "",
            municipality=address.get("city") or "",
            country=(address.get("country") or "BE").upper()[:2],
            latitude=_degrees(record.get("latitude")),
            longitude=_degrees(record.get("longitude")),
            wheelchair_access=(brug.get("wheelchair-access") or ["unknown"])[0],
            open_on_public_holidays=(brug.get("open-on-public-holidays") or ["false"])[0] == "true",
            translation_key=key,
            live=False,
        )
        precision = (brug.get("coordinate-precision") or [""])[0]
        if precision in CoordinatePrecision.values:
            page.coordinate_precision = precision
        try:
            page.front_door_phone = _phone(record, page.country)
        except RecordError as error:
            raise RecordError("phones.number", error.reason) from None
        notes = self._schedules(page, record)
        page.hours_note = "; ".join(notes)[:200]
        _clean(page, name)
        organisation.add_child(instance=page)
        _submit(page, self.curator)
        self.locations[str(key)] = page
        self.report.created.append(name)

    def _schedules(self, page: LocationPage, record: dict) -> list[str]:
        """Weekly rules into opening hours, dated ones into closures and special hours; the
        rest (MONTHLY rules such as "first Saturday") into the note on the hours."""
        notes = []
        hours, exceptions = [], []
        for row in record.get("schedules") or []:
            days = [DAYS.index(d) for d in (row.get("byday") or "").split(",") if d in DAYS]
            opens, closes = _time(row.get("opens_at")), _time(row.get("closes_at"))
            valid_from, valid_to = _date(row.get("valid_from")), _date(row.get("valid_to"))
            dated = valid_from is not None and valid_to is not None
            description = row.get("description") or ""
            if row.get("freq") == "WEEKLY" and opens and closes and days and not description:
                appointment = "appointment" in (row.get("attending_type") or "").lower()
                for day in days:
                    hours.append(
                        OpeningHours(
                            weekday=day,
                            opens=opens,
                            closes=closes,
                            closes_next_day=closes <= opens,
                            by_appointment_only=appointment,
                            valid_from=valid_from,
                            valid_until=valid_to,
                        )
                    )
            elif dated and not opens and valid_from == valid_to and holiday_on(valid_from):
                continue  # a public holiday: Brug closes on them by itself
            elif dated and not opens:
                exceptions.append(
                    HoursException(
                        kind="closed",
                        starts_on=valid_from,
                        ends_on=valid_to,
                        weekday=days[0] if len(days) == 1 else None,
                        note=description.partition(": ")[2][:120],
                    )
                )
            elif dated and opens and closes:
                for day in days or [None]:
                    exceptions.append(
                        HoursException(
                            kind="special",
                            starts_on=valid_from,
                            ends_on=valid_to,
                            weekday=day if len(days) < 7 else None,
                            opens=opens,
                            closes=closes,
                            closes_next_day=closes <= opens,
                            note=description.partition(": ")[2][:120],
                        )
                    )
                    if len(days) == 7:
                        break
            else:
                notes.append(description or row.get("notes") or _rule(row))
        page.opening_hours = hours
        page.hours_exceptions = exceptions
        return [note for note in notes if note]

    # Services

    def service(self, record: dict, name: str) -> None:
        key = _key(record)
        if ServicePage.objects.filter(translation_key=key).exists():
            self.report.unchanged.append(name)
            return
        organisation = self.organisations.get(str(record.get("organization_id"))) or (
            OrganisationPage.objects.filter(translation_key=record.get("organization_id")).first()
        )
        if organisation is None:
            raise RecordError("organization_id", "no such organisation in the file or here")
        phone = _phone(record)
        listing = Listing(
            0,
            str(key),
            {record["name"]},
            phones={normalise_phone(phone)} - {""},
            emails={normalise_email(record.get("email") or "")} - {""},
            organisation_key=str(organisation.translation_key),
        )
        matches = ListingIndex(ServicePage).matches(listing)
        if matches:
            other, reasons, _score = matches[0]
            page = ServicePage.objects.get(pk=other.pk)
            self.report.matched.append(f"{name} = {page.title} ({', '.join(reasons)})")
            return
        needs, groups = self._terms(record)
        if not needs:
            raise RecordError("attributes", "no taxonomy term maps to a Brug need")
        brug = _brug(record)
        summary, description = _paragraphs(record.get("description", ""))
        contacts = record.get("contacts") or [{}]
        page = ServicePage(
            title=record["name"],
            slug=_unique_slug(organisation, record["name"]),
            summary=summary or record["name"],
            description=description,
            contact_name=contacts[0].get("name") or "",
            contact_email=record.get("email") or contacts[0].get("email") or "",
            contact_phone=phone,
            age_min=record.get("minimum_age"),
            age_max=record.get("maximum_age"),
            residence_statuses=sorted(brug.get("residence-status") or []),
            gender=(brug.get("gender") or [""])[0],
            service_area=sorted(
                a["extent"] for a in record.get("service_areas") or [] if a.get("extent")
            ),
            cost=_choice(brug.get("cost"), Cost, Cost.FREE),
            access=_choice(brug.get("access"), Access, Access.APPOINTMENT),
            capacity_status=_choice(brug.get("capacity"), Capacity, Capacity.ACCEPTING),
            interpreter_available=(brug.get("interpreter") or ["false"])[0] == "true"
            or bool(record.get("interpretation_services")),
            accepts_referrals=(brug.get("accepts-referrals") or ["false"])[0] == "true",
            translation_key=key,
            live=False,
        )
        weeks = brug.get("waiting-weeks") or []
        if page.capacity_status == Capacity.WAITING_LIST and weeks and weeks[0].isdecimal():
            page.waiting_weeks = int(weeks[0])
        # Brug's own export prefixes its labels (in the package's language): taken off again.
        page.access_details = _details(record.get("application_process"), Access(page.access).label)
        page.cost_details = _details(record.get("fees_description"), Cost(page.cost).label)
        derived = {f"{line.label}: {line.text}" for line in eligibility.describe(page)}
        lines = (record.get("eligibility_description") or "").splitlines()
        page.eligibility = "\n".join(line for line in lines if line not in derived)
        labels = {str(label): code for code, label in DocumentType.choices}
        page.documents_to_bring = [
            labels[row["document"]]
            for row in record.get("required_documents") or []
            if row.get("document") in labels
        ]
        page.last_verified = _date(record.get("assured_date"))
        _clean(page, name)
        # Parental relations: kept on the page until it is saved (by add_child).
        page.needs.set(needs)
        page.target_groups.set(groups)
        page.tags.add(*(brug.get("keyword") or []))
        page.languages.set(self._languages(record))
        keys = [str(row.get("location_id")) for row in record.get("service_at_locations") or []]
        known = LocationPage.objects.filter(translation_key__in=[k for k in keys if _is_uuid(k)])
        found = {**{str(loc.translation_key): loc for loc in known}, **self.locations}
        page.locations.set([found[k] for k in keys if k in found])
        organisation.add_child(instance=page)
        _submit(page, self.curator)
        self.report.created.append(name)

    def _terms(self, record: dict) -> tuple[list[Need], list[TargetGroup]]:
        """The record's needs (Brug's codes, else the crosswalk) and target groups; the terms
        that map to neither are counted in the report."""
        needs_taxonomy = brug_taxonomy.BY_CODE[brug_taxonomy.NEEDS].id
        attributes_taxonomy = brug_taxonomy.BY_CODE[brug_taxonomy.ATTRIBUTES].id
        groups_taxonomy = brug_taxonomy.BY_CODE[brug_taxonomy.TARGET_GROUPS].id
        by_slug = {need.slug: need for need in Need.objects.all()}
        groups_by_slug = {group.slug: group for group in TargetGroup.objects.all()}
        needs, groups = [], []
        for taxonomy_id, code, term_id, name in _attributes(record, "name"):
            if taxonomy_id == attributes_taxonomy:
                continue
            if taxonomy_id == groups_taxonomy and code in groups_by_slug:
                groups.append(groups_by_slug[code])
                continue
            slug = code if taxonomy_id == needs_taxonomy else ""
            slug = slug or self.crosswalk.get(str(term_id)) or self.crosswalk.get(code, "")
            if slug in by_slug:
                needs.append(by_slug[slug])
            else:
                self.report.unmapped_terms[code or str(term_id)] += 1
                # Listed in the curators' crosswalk, to be given a need.
                TermCrosswalk.objects.get_or_create(
                    term=code or str(term_id), defaults={"name": name[:200]}
                )
        return needs, groups

    def _languages(self, record: dict) -> list[Language]:
        languages = []
        for row in record.get("languages") or []:
            code = (row.get("code") or "").strip().lower()
            if not code:
                continue
            language, _created = Language.objects.get_or_create(
                code=code, defaults={"native_name": row.get("name") or code}
            )
            languages.append(language)
        return languages


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _degrees(value) -> Decimal | None:
    """A coordinate as the directory stores it (six decimals, about 10 cm)."""
    return None if value is None else Decimal(str(round(float(value), 6)))


def _details(text: str | None, label) -> str:
    text, prefix = text or "", f"{label}: "
    if text.startswith(prefix):
        return text[len(prefix) :]
    return "" if text == str(label) else text


def _choice(values, choices, default):
    return values[0] if values and values[0] in choices.values else default


def _time(value) -> time | None:
    try:
        return time.fromisoformat(str(value)[:5]) if value else None
    except ValueError:
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _rule(row: dict) -> str:
    parts = [row.get(k) for k in ("freq", "byday", "bymonthday", "opens_at", "closes_at")]
    return " ".join(str(p) for p in parts if p)


def import_package(data: dict, curator, crosswalk=None, dry_run: bool = False) -> Report:
    """Import a package (in its `language`, Brug's default when it names none)."""
    language = data.get("language") or settings.LANGUAGE_CODE
    with translation.override(language), transaction.atomic():
        report = Importer(curator, crosswalk).run(data)
        if dry_run:
            transaction.set_rollback(True)
    return report
