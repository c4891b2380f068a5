"""An initiatives list (a spreadsheet saved as CSV, as networks keep them: "alle initiatieven
uit 2016-2017 (457)") into draft projects for the curators' review, the way the HSDS import
makes drafts (directory.drafts). docs/initiatives.md describes the columns.

- Each row is a project: a service with its dates, focus regions, target groups and contact,
  under its organisation. The organisation is found by name (the same words, or the
  duplicate rules of directory.duplicates); one Brug does not know yet becomes a draft
  organisation of its own, under review like the project, and is flagged as a possible
  duplicate when a similar one exists (directory.duplicates.flag).
- Never a duplicate: a row whose project is already a service (the duplicate rules, or a
  similar name in the same organisation) is matched and left as it is.
- Idempotent: pages get translation keys made from the names, so a second import of the same
  file finds what the first made and changes nothing.
- Partners become "joint project" partnerships concerning the project, recorded but
  unconfirmed (directory.partnerships.record_unconfirmed) until a curator confirms them.
- What cannot be mapped is reported (row, field, reason) and left empty; the row's other
  fields are imported. A row without a name or an organisation is not imported.
- A dry run does all of it inside a transaction that is rolled back.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation

from directory.drafts import paragraphs, submit_for_review, unique_slug
from directory.duplicates import (
    NAME_SIMILARITY,
    REASON_LABELS,
    Listing,
    ListingIndex,
    _place_of,
    flag,
    name_similarity,
    name_words,
    normalise_email,
    normalise_phone,
)
from directory.models import (
    OrganisationIndexPage,
    OrganisationPage,
    Partnership,
    ServicePage,
    TargetGroup,
)
from directory.models.organisations import OrganisationType
from directory.models.partnerships import PartnershipKind
from directory.partnerships import record_unconfirmed
from directory.phones import PhoneError, to_e164
from directory.regions import MAX_REGIONS, canonical_region
from directory.written_dates import parse_date, split_period

# The columns, with the headers accepted for each (folded: lower case, no accents), in
# English, Dutch and French.
COLUMNS = {
    "name": ("name", "naam", "nom", "title", "titel", "titre", "initiative", "initiatief",
             "project", "projet"),
    "organisation": ("organisation", "organization", "organisatie", "organisme"),
    "description": ("description", "beschrijving", "omschrijving"),
    "target group": ("target group", "target groups", "doelgroep", "doelgroepen", "doelpubliek",
                     "voor wie", "public cible", "public"),
    "place": ("place", "places", "plaats", "plaatsen", "lieu", "lieux", "region", "regions",
              "regio", "focus regions"),
    "partners": ("partners", "partner", "partenaires", "partenaire"),
    "start": ("start", "starts on", "start date", "begin", "startdatum", "van", "debut",
              "date de debut"),
    "end": ("end", "ends on", "end date", "einde", "einddatum", "tot", "fin", "date de fin"),
    "contact": ("contact", "contactpersoon", "contact person"),
}  # fmt: skip
REQUIRED = ("name", "organisation")
# One cell, several values.
LIST_SEPARATORS = re.compile(r"\s*[;,|\n]\s*")
# "Erkende vluchtelingen en subsidiair beschermden": tried when the whole phrase is no term.
AND_WORDS = re.compile(r"\s+(?:en|et|and|&)\s+")
# Translation keys made from names (uuid5), so a second import finds the first one's pages.
KEYS = uuid.UUID("6f0e6f4e-7b1c-4d38-9d0e-2f1b6a0c4e57")
NAME_LENGTH = 255
CONTACT_NAME_LENGTH = 100


def _listing(name: str, regions, contact, organisation_key: str = "") -> Listing:
    """A row as the duplicate rules compare listings (directory.duplicates)."""
    return Listing(
        0,
        "",
        {name},
        places={_place_of(region) for region in regions},
        phones={normalise_phone(contact.phone)} - {""},
        emails={normalise_email(contact.email)} - {""},
        organisation_key=organisation_key,
    )


class FileError(Exception):
    """The file cannot be read at all."""


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass
class Problem:
    row: int | None
    field: str
    reason: str


@dataclass
class Report:
    """What an import did and could not do, row by row. `created`, `unchanged` and `matched`
    hold (row, what) pairs."""

    created: list[tuple[int, str]] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    matched: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    def problem(self, row: int | None, column: str, reason) -> None:
        self.problems.append(Problem(row, column, str(reason)))

    def lines(self) -> list[str]:
        """One line per finding, by row (the file's own problems first)."""
        found = [(row, f"created {what}") for row, what in self.created]
        found += [(row, f"unchanged (imported before): {what}") for row, what in self.unchanged]
        found += [(row, f"matches an existing listing: {what}") for row, what in self.matched]
        found += [(p.row or 0, f"{p.field}: {p.reason}") for p in self.problems]
        found.sort(key=lambda item: item[0])
        return [f"{f'row {row}' if row else 'file'}: {text}" for row, text in found]


# Reading the file


def fold(text: str) -> str:
    """Lower case, without accents, punctuation as spaces: how headers and terms compare."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252: what Excel's plain
    "CSV" gives on a Belgian Windows machine."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise FileError("the file is neither UTF-8 nor Windows-1252 text") from None


def _delimiter(header: str) -> str:
    """The header line's separator: Excel in Belgium writes ";", most other tools ","."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read(path) -> tuple[list[Row], list[Problem]]:
    """The file's rows by column name, and the problems of the file itself (columns that are
    not read). FileError when it cannot be read at all."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FileError(f"cannot open {path}: {error.strerror or error}") from None
    if b"\x00" in raw[:4096] or raw.startswith(b"PK\x03\x04"):
        raise FileError("this is not a CSV file (a spreadsheet? save it as CSV first)")
    text = _decode(raw).lstrip("\ufeff")
    header = next((line for line in text.splitlines() if line.strip()), "")
    if not header:
        raise FileError("the file is empty")
    delimiter = _delimiter(header)
    # Excel's own hint on the first line ("sep=;"), which it writes and reads itself.
    if header.strip().lower().startswith("sep=") and len(header.strip()) == 5:
        delimiter = header.strip()[4]
        text = text[text.index(header) + len(header) :].lstrip("\r\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise FileError(f"not a readable CSV file: {error}") from None
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        raise FileError("the file has no header row (it is empty)")
    by_header = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    columns, problems = [], []
    for cell in records[0]:
        column = by_header.get(fold(cell))
        if column is None and cell.strip():
            problems.append(Problem(None, cell.strip(), "unknown column, not read"))
        columns.append(column)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileError(
            f"no {' and no '.join(repr(c) for c in missing)} column: the first row must name "
            f"the columns ({', '.join(COLUMNS)})"
        )
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {}
        for column, cell in zip(columns, cells, strict=False):
            if column and not values.get(column):
                values[column] = cell
        rows.append(Row(number, values))
    return rows, problems


# Mapping the cells


def split_list(text: str) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def _key(*parts: str) -> uuid.UUID:
    return uuid.uuid5(KEYS, "/".join(parts))


def _name_key(name: str) -> str:
    return " ".join(name_words(name)) or fold(name)


@dataclass
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


def parse_contact(text: str, row: Row, report: Report) -> Contact:
    """ "Isabel Corthier, isabel@caritas.example.org, 016 35 72 10": the e-mail, the phone (in
    E.164, as the HSDS import stores them) and the rest as the contact person."""
    contact, names = Contact(), []
    for part in split_list(text):
        if "@" in part:
            address = part.removeprefix("mailto:").strip()
            try:
                validate_email(address)
            except ValidationError as error:
                report.problem(row.number, "contact", f"{address}: {error.messages[0]}")
                continue
            contact.email = contact.email or address
        elif sum(ch.isdigit() for ch in part) >= 6:
            try:
                phone = to_e164(part)
            except PhoneError as error:
                report.problem(row.number, "contact", f"{part}: {error}")
                continue
            contact.phone = contact.phone or phone
        else:
            names.append(part)
    contact.name = ", ".join(names)
    if len(contact.name) > CONTACT_NAME_LENGTH:
        report.problem(row.number, "contact", "the contact person's name is too long: cut")
        contact.name = contact.name[:CONTACT_NAME_LENGTH]
    return contact


def _date(row: Row, column: str, text: str, report: Report) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text, last_day=column == "end")
    except ValueError:
        report.problem(
            row.number, column, f"“{text}” is not a date (e.g. 2018-02-01 or 1 februari 2018)"
        )
        return None


def parse_dates(row: Row, report: Report) -> tuple[date | None, date | None]:
    """The start and end; a period in the start cell ("1 februari 2018 – 31 januari 2019")
    gives both."""
    start_text, end_text = row.get("start"), row.get("end")
    if start_text and not end_text:
        start_text, end_text = split_period(start_text)
    starts_on = _date(row, "start", start_text, report)
    ends_on = _date(row, "end", end_text, report)
    if starts_on and ends_on and ends_on < starts_on:
        report.problem(row.number, "end", "the end date is before the start date: left empty")
        ends_on = None
    return starts_on, ends_on


def parse_places(row: Row, report: Report) -> list[str]:
    """Focus regions as the gazetteer names them; each unknown place is reported."""
    regions = []
    for part in split_list(row.get("place")):
        name = canonical_region(part)
        if name is None:
            report.problem(
                row.number, "place", f"unknown place “{part}” (use municipality or province names)"
            )
        elif name not in regions:
            regions.append(name)
    if len(regions) > MAX_REGIONS:
        report.problem(row.number, "place", f"more than {MAX_REGIONS} places: the rest left out")
    return regions[:MAX_REGIONS]


class Terms:
    """Target groups by any label or synonym in any language (labels first), or code."""

    def __init__(self):
        self.by_words: dict[str, TargetGroup] = {}
        groups = TargetGroup.objects.prefetch_related("labels")
        synonyms = {}
        for group in groups:
            self.by_words.setdefault(fold(group.slug), group)
            for row in group.labels.all():
                self.by_words.setdefault(fold(row.label), group)
                for word in row.synonym_list():
                    synonyms.setdefault(fold(word), group)
        for words, group in synonyms.items():
            self.by_words.setdefault(words, group)

    def find(self, row: Row, report: Report) -> list[TargetGroup]:
        found = []
        for part in split_list(row.get("target group")):
            groups = [self.by_words.get(fold(part))]
            if groups[0] is None:
                groups = [self.by_words.get(fold(p)) for p in AND_WORDS.split(part)]
            if None in groups:
                report.problem(row.number, "target group", f"no target group “{part}”")
                continue
            found += [g for g in groups if g not in found]
        return found


# The import


class Importer:
    def __init__(self, curator):
        self.curator = curator
        self.report = Report()
        self.index = OrganisationIndexPage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE
        ).first()
        self.terms = Terms()
        self.organisations = ListingIndex(OrganisationPage)
        self.services = ListingIndex(ServicePage)
        # The organisations' own names, folded (for "the same words": CPAS Louvain = OCMW
        # Leuven, whatever the place).
        self.named: dict[str, set[int]] = {}
        for listing in self.organisations.listings.values():
            if listing.pk not in self.organisations.lost:
                for name in listing.names:
                    self.named.setdefault(_name_key(name), set()).add(listing.pk)

    def run(self, rows: list[Row]) -> Report:
        if self.index is None:
            self.report.problem(None, "-", "no organisation list: run setup_site first")
            return self.report
        for row in rows:
            self.report.rows += 1
            try:
                with transaction.atomic():
                    self.row(row)
            except ValidationError as error:
                fields = getattr(error, "error_dict", None) or {"-": error.error_list}
                name, errors = next(iter(fields.items()))
                reasons = " ".join(m for e in errors for m in ValidationError(e).messages)
                self.report.problem(row.number, name, f"{reasons}: row not imported")
        return self.report

    def row(self, row: Row) -> None:
        name, organisation_name = row.get("name"), row.get("organisation")
        if not name:
            self.report.problem(row.number, "name", "no name: row not imported")
            return
        if not organisation_name:
            self.report.problem(row.number, "organisation", "no organisation: row not imported")
            return
        if len(name) > NAME_LENGTH:
            self.report.problem(row.number, "name", f"longer than {NAME_LENGTH} characters: cut")
            name = name[:NAME_LENGTH]
        regions = parse_places(row, self.report)
        contact = parse_contact(row.get("contact"), row, self.report)
        starts_on, ends_on = parse_dates(row, self.report)
        groups = self.terms.find(row, self.report)
        partners = self.partners(row)
        # The project's key comes from the names as the file gives them: a second import
        # finds it whatever the organisation turned out to be.
        key = _key("initiative", _name_key(organisation_name), _name_key(name))
        service = ServicePage.objects.filter(translation_key=key, alias_of__isnull=True).first()
        if service is not None:
            self.report.unchanged.append((row.number, f"“{name}”"))
        else:
            organisation = self.find_organisation(row, organisation_name, regions, contact)
            if organisation is False:
                return
            service = self.find_service(row, name, organisation, regions, contact)
            if service is None:
                organisation = organisation or self.create_organisation(row, organisation_name)
                service = self.create_service(
                    row, key, name, organisation, regions, contact, starts_on, ends_on, groups
                )
        # A partnership concerns the service: its own organisation is one side.
        organisation = service.get_parent().specific.original()
        for partner in partners:
            if partner.translation_key != organisation.translation_key:
                self.partnership(row, organisation, partner, service, starts_on, ends_on)

    # Organisations

    def _by_words(
        self, row: Row, name: str, column="organisation"
    ) -> OrganisationPage | None | bool:
        """The organisation whose name has the same words; False when several have."""
        pks = self.named.get(_name_key(name), set())
        if len(pks) > 1:
            self.report.problem(row.number, column, f"several organisations are called “{name}”")
            return False
        return OrganisationPage.objects.get(pk=next(iter(pks))) if pks else None

    def find_organisation(self, row, name: str, regions, contact) -> OrganisationPage | None:
        """The organisation: one with the same words in its name (CPAS Louvain is OCMW
        Leuven), else one the duplicate rules match (a similar name in the project's place,
        the same e-mail or phone). None when Brug has none; False when several are alike."""
        page = self._by_words(row, name)
        if page is not None:
            return page
        matches = self.organisations.matches(_listing(name, regions, contact))
        return OrganisationPage.objects.get(pk=matches[0][0].pk) if matches else None

    def create_organisation(self, row, name: str) -> OrganisationPage:
        """A draft organisation under review (a curator completes its type and description),
        flagged when it looks like one elsewhere."""
        key = _key("organisation", _name_key(name))
        if OrganisationPage.objects.filter(translation_key=key).exists():
            # An earlier import made it, and a curator renamed or merged it since: the row
            # says a name Brug no longer uses for it.
            raise ValidationError(
                {
                    "organisation": "an earlier import created this organisation and it was "
                    "renamed or merged since; name the organisation as it is now called"
                }
            )
        page = OrganisationPage(
            title=name[:NAME_LENGTH],
            slug=unique_slug(self.index, name),
            short_description=name[:200],
            organisation_type=OrganisationType.NGO,
            translation_key=key,
            live=False,
        )
        page.full_clean(exclude=["path", "depth", "url_path", "slug", "translation_key"])
        self.index.add_child(instance=page)
        submit_for_review(page, self.curator)
        flag(page, found_by="import")
        self._remember(self.organisations, Listing(page.pk, str(key), {name}))
        self.named.setdefault(_name_key(name), set()).add(page.pk)
        self.report.created.append((row.number, f"organisation “{name}” (draft, for review)"))
        return page

    def partners(self, row: Row) -> list[OrganisationPage]:
        """The partners Brug knows (the same words, or a similar name); the rest reported."""
        found = []
        for name in split_list(row.get("partners")):
            page = self._by_words(row, name, "partners")
            if page is False:
                continue
            if page is None:
                page = self._similar(name)
            if page is None:
                self.report.problem(
                    row.number, "partners", f"no organisation “{name}”: no partnership recorded"
                )
                continue
            if page not in found:
                found.append(page)
        return found

    def _similar(self, name: str) -> OrganisationPage | None:
        """The one organisation with the most similar name (wherever it is), when it is
        similar enough by the duplicate rules; None when two are as alike."""
        scored = [
            (score, other.pk)
            for other, reasons, score in self.organisations.matches(Listing(0, "", {name}))
            if "name" in reasons
        ]
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return OrganisationPage.objects.get(pk=scored[0][1])

    # Services

    def find_service(self, row, name, organisation, regions, contact) -> ServicePage | None:
        """The service this row already is: a duplicate by the directory's rules, or a
        similar name (or its own contact) in the same organisation."""
        organisation_key = str(organisation.original().translation_key) if organisation else ""
        listing = _listing(name, regions, contact, organisation_key)
        found = [
            (other, [str(REASON_LABELS[r]) for r in reasons])
            for other, reasons, _score in self.services.matches(listing)
        ]
        if not found and organisation:
            found = self._in_organisation(listing, organisation.original())
        if not found:
            return None
        other, reasons = found[0]
        page = ServicePage.objects.get(pk=other.pk)
        self.report.matched.append(
            (row.number, f"“{name}” = {page.title} ({', '.join(reasons)}); left unchanged")
        )
        return page

    def _in_organisation(self, listing: Listing, organisation: OrganisationPage):
        """Among the organisation's services (wherever they are): a similar name, or the
        same contact when it is the service's own and not the organisation's desk."""
        desk = {normalise_phone(organisation.phone), normalise_email(organisation.email)}
        found = []
        for other in self.services.listings.values():
            if other.organisation_key != listing.organisation_key or other.pk in self.services.lost:
                continue
            score = max(name_similarity(a, b) for a in listing.names for b in other.names)
            own = (listing.phones | listing.emails) & (other.phones | other.emails) - desk
            if score >= NAME_SIMILARITY:
                found.append((score, other, ["similar name in the same organisation"]))
            elif own:
                found.append((score, other, ["same contact in the same organisation"]))
        found.sort(key=lambda item: (-item[0], item[1].pk))
        return [(other, reasons) for _score, other, reasons in found]

    def create_service(
        self, row, key, name, organisation, regions, contact, starts_on, ends_on, groups
    ) -> ServicePage:
        organisation = organisation.original()
        summary, description = paragraphs(row.get("description"))
        page = ServicePage(
            title=name,
            slug=unique_slug(organisation, name),
            summary=summary or name[:200],
            description=description,
            contact_name=contact.name,
            contact_email=contact.email,
            contact_phone=contact.phone,
            project_starts_on=starts_on,
            project_ends_on=ends_on,
            focus_regions=regions,
            translation_key=key,
            live=False,
        )
        page.full_clean(exclude=["path", "depth", "url_path", "slug", "translation_key"])
        page.target_groups.set(groups)
        organisation.add_child(instance=page)
        submit_for_review(page, self.curator)
        self._remember(
            self.services,
            Listing(
                page.pk,
                str(key),
                {name},
                phones={normalise_phone(contact.phone)} - {""},
                emails={normalise_email(contact.email)} - {""},
                organisation_key=str(organisation.translation_key),
            ),
        )
        self.report.created.append(
            (row.number, f"project “{name}” of {organisation.title} (draft, for review)")
        )
        return page

    def partnership(self, row, organisation, partner, service, starts_on, ends_on) -> None:
        organisation, partner = organisation.original(), partner.original()
        service = service.original()
        recorded = Partnership.objects.involving(organisation).involving(partner)
        if recorded.filter(services=service).exists():
            return
        if earlier := recorded.first():
            # Recorded by a curator or the two sides: a list neither changes nor doubles it.
            self.report.problem(
                row.number,
                "partners",
                f"{partner.title}: already a partner of {organisation.title} "
                f"({earlier.get_kind_display().lower()}, without this project): add the "
                "project there if it belongs",
            )
            return
        record_unconfirmed(
            self.curator,
            services=[service],
            organisation=organisation,
            partner=partner,
            kind=PartnershipKind.JOINT_PROJECT,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        self.report.created.append(
            (
                row.number,
                f"partnership {organisation.title} – {partner.title} (joint project, to be "
                "confirmed)",
            )
        )

    @staticmethod
    def _remember(index: ListingIndex, listing: Listing) -> None:
        """A page this import made is compared with the next rows too."""
        index.listings[listing.key] = listing
        for block in listing.block_keys():
            index.blocks.setdefault(block, []).append(listing)


def import_rows(rows: list[Row], curator, dry_run: bool = False) -> Report:
    """Import the rows (messages in English: they are the command's output)."""
    with translation.override("en"), transaction.atomic():
        report = Importer(curator).run(rows)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_file(path, curator, dry_run: bool = False) -> Report:
    """Read and import a file; FileError when it cannot be read at all."""
    rows, problems = read(path)
    report = import_rows(rows, curator, dry_run=dry_run)
    report.problems[:0] = problems
    return report
