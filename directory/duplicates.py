"""Likely duplicates of organisations and services.

A listing is flagged when it shares an enterprise number, a phone number or an e-mail address
with another one, or when its name is close to another's in the same municipality. Names are
compared after folding (accents, case, punctuation), without legal forms and filler words, with
the same word for the same thing in Dutch, French and English (OCMW = CPAS = PCSW, CAW, CGG =
CSM …) and with one name per place from the gazetteer (Louvain = Leuven, Luik = Liège): so
"CPAS Louvain" is "OCMW Leuven".

Flags are raised when a curator or editor creates (or edits) an organisation or a service in
the admin (wagtail_hooks), when data is imported (directory.demo.loader), and by
`manage.py find_duplicates` for what is already there. They wait in the curators' *Possible
duplicates* queue, where a side-by-side view leads to a merge (directory.merging) or to "not a
duplicate", which is remembered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.geocoding import gazetteer, place_key
from directory.models import (
    DuplicateCandidate,
    DuplicateStatus,
    LocationPage,
    OrganisationPage,
    ServicePage,
)
from directory.models.originals import original_of, originals

NAME_SIMILARITY = 0.8

REASON_LABELS = {
    "enterprise_number": _("same enterprise number"),
    "phone": _("same phone number"),
    "email": _("same e-mail address"),
    "name": _("similar name in the same municipality"),
}

# One word for one thing, whatever the language the listing was written in.
EQUIVALENT_WORDS = {
    "ocmw": "ocmw",
    "cpas": "ocmw",
    "pcsw": "ocmw",
    "caw": "caw",
    "cgg": "cgg",
    "csm": "cgg",
    "ssm": "cgg",
    "loi": "loi",
    "ila": "loi",
    "vdab": "vdab",
    "actiris": "vdab",
    "forem": "vdab",
    "kind": "kg",
    "gezin": "kg",
    "kg": "kg",
    "one": "kg",
    "bib": "bibliotheek",
    "bibliotheek": "bibliotheek",
    "bibliotheque": "bibliotheek",
    "library": "bibliotheek",
    "huis": "huis",
    "maison": "huis",
    "house": "huis",
    "nederlands": "nederlands",
    "neerlandais": "nederlands",
    "dutch": "nederlands",
    "vluchtelingenwerk": "vluchtelingenwerk",
    "refugies": "vluchteling",
    "vluchtelingen": "vluchteling",
    "refugees": "vluchteling",
}
# Legal forms and filler words that say nothing about which organisation it is.
IGNORED_WORDS = {
    "vzw", "asbl", "npo", "ivzw", "aisbl", "bv", "nv", "sa", "srl", "cv", "de", "het", "van",
    "voor", "en", "le", "la", "les", "l", "du", "des", "d", "pour", "et", "the", "of",
    "for", "and", "a", "an", "een", "in", "te",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _place(words: str) -> str | None:
    """The gazetteer's own name of a place called `words` ('louvain' → 'leuven')."""
    matches = gazetteer().matches(words) if not words.isdigit() else []
    exact = [p for p in matches if words in {place_key(n) for n in (p.name, *p.names)}]
    return place_key(exact[0].name) if exact else None


def name_words(name: str) -> tuple[str, ...]:
    """A name as comparable words: folded, filler words out, equivalents and places unified."""
    return tuple(sorted(set(_ordered_words(name))))


@lru_cache(maxsize=8192)
def _ordered_words(name: str) -> tuple[str, ...]:
    words = [w for w in place_key(name).split() if w not in IGNORED_WORDS]
    result: list[str] = []
    index = 0
    while index < len(words):
        # A place of two or three words first ("kessel lo", "sint joost ten node").
        for size in (3, 2, 1):
            phrase = " ".join(words[index : index + size])
            if size > 1 and len(words) - index < size:
                continue
            place = _place(phrase) if (size > 1 or len(phrase) > 3) else None
            if place:
                result.append(place.replace(" ", "-"))
                index += size
                break
        else:
            word = words[index]
            result.append(EQUIVALENT_WORDS.get(word, word))
            index += 1
    return tuple(dict.fromkeys(result))


def name_similarity(first: str, second: str) -> float:
    """0–1: how alike two names are once folded and unified (word overlap, or spelling)."""
    a, b = name_words(first), name_words(second)
    if not a or not b:
        return 0.0
    overlap = len(set(a) & set(b)) / len(set(a) | set(b))
    spelling = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    # "Buddywerking" and "Buddy werking": the words run together, in their own order.
    joined = SequenceMatcher(
        None, "".join(_ordered_words(first)), "".join(_ordered_words(second))
    ).ratio()
    return max(overlap, spelling, joined)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    for prefix, national in (("0032", "0"), ("32", "0"), ("0031", "0"), ("31", "0")):
        if digits.startswith(prefix) and len(digits) > 9:
            return national + digits[len(prefix) :]
    return digits


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def normalise_enterprise_number(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits.zfill(10) if 9 <= len(digits) <= 10 else ""


@dataclass
class Listing:
    """What is compared of one organisation or service (its original and translations)."""

    pk: int  # the original page
    key: str  # translation key
    names: set[str]
    places: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    enterprise_number: str = ""
    organisation_key: str = ""  # for a service: its organisation's translation key

    def block_keys(self) -> set[str]:
        """Keys two listings must share to be compared at all (so a scan is not n²)."""
        keys = {f"p:{p}" for p in self.phones} | {f"e:{e}" for e in self.emails}
        if self.enterprise_number:
            keys.add(f"k:{self.enterprise_number}")
        for name in self.names:
            for word in name_words(name):
                keys.add(f"w:{word}")
                keys.add(f"s:{word[:4]}")
        return keys


def _place_of(municipality: str) -> str:
    key = place_key(municipality)
    return (_place(key) or key).replace(" ", "-")


def _steplen() -> int:
    from wagtail.models import Page

    return Page.steplen


def organisation_listings() -> dict[str, Listing]:
    """Every organisation (by translation key), built in a few queries."""
    listings: dict[str, Listing] = {}
    by_path: dict[str, str] = {}
    rows = OrganisationPage.objects.filter(alias_of__isnull=True).order_by("pk")
    for row in rows.values("pk", "translation_key", "title", "phone", "email",
                           "enterprise_number", "path"):  # fmt: skip
        key = str(row["translation_key"])
        listing = listings.setdefault(key, Listing(row["pk"], key, set()))
        listing.names.add(row["title"])
        if row["phone"]:
            listing.phones.add(normalise_phone(row["phone"]))
        if row["email"]:
            listing.emails.add(normalise_email(row["email"]))
        if row["pk"] == listing.pk:
            listing.enterprise_number = normalise_enterprise_number(row["enterprise_number"])
        by_path[row["path"]] = key
    steplen = _steplen()
    locations = LocationPage.objects.filter(alias_of__isnull=True).values("path", "municipality")
    for row in locations:
        key = by_path.get(row["path"][:-steplen])
        if key:
            listings[key].places.add(_place_of(row["municipality"]))
    return listings


def service_listings() -> dict[str, Listing]:
    """Every service (by translation key), built in a few queries."""
    organisations = dict(OrganisationPage.objects.values_list("path", "translation_key"))
    listings: dict[str, Listing] = {}
    rows = ServicePage.objects.filter(alias_of__isnull=True).order_by("pk")
    steplen = _steplen()
    for row in rows.values("pk", "translation_key", "title", "contact_phone", "contact_email",
                           "path"):  # fmt: skip
        key = str(row["translation_key"])
        listing = listings.setdefault(key, Listing(row["pk"], key, set()))
        listing.names.add(row["title"])
        if row["contact_phone"]:
            listing.phones.add(normalise_phone(row["contact_phone"]))
        if row["contact_email"]:
            listing.emails.add(normalise_email(row["contact_email"]))
        if row["pk"] == listing.pk:
            listing.organisation_key = str(organisations.get(row["path"][:-steplen], ""))
    originals_by_pk = {listing.pk: listing for listing in listings.values()}
    links = ServicePage.locations.through.objects.filter(servicepage_id__in=list(originals_by_pk))
    for service_id, municipality in links.values_list(
        "servicepage_id", "locationpage__municipality"
    ):
        originals_by_pk[service_id].places.add(_place_of(municipality))
    return listings


def reasons_between(first: Listing, second: Listing) -> tuple[list[str], float]:
    """Why two listings look like one (see REASON_LABELS), and how alike their names are."""
    reasons = []
    if first.enterprise_number and first.enterprise_number == second.enterprise_number:
        reasons.append("enterprise_number")
    # Services of one organisation share its intake desk: contact details only count
    # between different organisations.
    same_organisation = first.organisation_key and first.organisation_key == second.organisation_key
    if not same_organisation:
        if first.phones & second.phones:
            reasons.append("phone")
        if first.emails & second.emails:
            reasons.append("email")
    score = max((name_similarity(a, b) for a in first.names for b in second.names), default=0.0)
    # An organisation without locations yet could be anywhere: its name decides.
    same_place = not first.places or not second.places or bool(first.places & second.places)
    if score >= NAME_SIMILARITY and same_place:
        reasons.append("name")
    return reasons, score


def merged_away() -> set[int]:
    """Pages that lost a merge (they stay, unpublished, for their history)."""
    merged = DuplicateCandidate.objects.filter(status=DuplicateStatus.MERGED)
    lost = set()
    for page_id, other_id, survivor_id in merged.values_list("page_id", "other_id", "survivor_id"):
        lost.add(other_id if survivor_id == page_id else page_id)
    return lost


class ListingIndex:
    """All listings of one kind, with the keys that decide which pairs are compared."""

    def __init__(self, model):
        self.model = model
        self.listings = organisation_listings() if model is OrganisationPage else service_listings()
        self.lost = merged_away()
        self.blocks: dict[str, list[Listing]] = {}
        for listing in self.listings.values():
            if listing.pk in self.lost:
                continue
            for key in listing.block_keys():
                self.blocks.setdefault(key, []).append(listing)

    def matches(self, listing: Listing) -> list[tuple[Listing, list[str], float]]:
        seen: dict[str, Listing] = {}
        for key in listing.block_keys():
            for other in self.blocks.get(key, []):
                if other.key != listing.key:
                    seen[other.key] = other
        found = []
        for other in seen.values():
            reasons, score = reasons_between(listing, other)
            if reasons:
                found.append((other, reasons, score))
        return sorted(found, key=lambda item: (-len(item[1]), -item[2], item[0].pk))


@dataclass
class Match:
    other: OrganisationPage | ServicePage
    reasons: list[str]
    score: float

    @property
    def reason_labels(self) -> str:
        return ", ".join(str(REASON_LABELS[r]) for r in self.reasons)


def _model_of(page):
    return OrganisationPage if isinstance(page.specific, OrganisationPage) else ServicePage


def find_duplicates(page, index: ListingIndex | None = None) -> list[Match]:
    """Listings that look like this one, the most alike first."""
    index = index or ListingIndex(_model_of(page))
    mine = index.listings.get(str(page.translation_key))
    if mine is None:
        return []
    found = index.matches(mine)
    pages = index.model.objects.in_bulk([other.pk for other, _r, _s in found])
    return [Match(pages[other.pk], reasons, score) for other, reasons, score in found]


def flag(page, found_by: str = "admin", index: ListingIndex | None = None):
    """Record this listing's likely duplicates in the curators' queue. A pair judged 'not a
    duplicate' stays judged unless a new reason appears. Returns the open flags."""
    page = original_of(page.specific) or page.specific
    flags = []
    for match in find_duplicates(page, index):
        newer, older = sorted([page, match.other], key=lambda p: -p.pk)
        candidate, created = DuplicateCandidate.objects.get_or_create(
            page=newer,
            other=older,
            defaults={
                "kind": "organisation" if isinstance(page, OrganisationPage) else "service",
                "reasons": match.reasons,
                "score": round(match.score, 3),
                "found_by": found_by,
            },
        )
        if not created:
            if candidate.status == DuplicateStatus.MERGED:
                continue
            new_reasons = set(match.reasons) - set(candidate.reasons)
            if candidate.status == DuplicateStatus.NOT_DUPLICATE and not new_reasons:
                continue
            if new_reasons or candidate.status != DuplicateStatus.OPEN:
                candidate.reasons = sorted(set(candidate.reasons) | set(match.reasons))
                candidate.status = DuplicateStatus.OPEN
                candidate.found_at = timezone.now()
                candidate.save()
        flags.append(candidate)
    return flags


def scan(found_by: str = "scan") -> int:
    """Flag likely duplicates among every organisation and service; the open flags after."""
    for model in (OrganisationPage, ServicePage):
        index = ListingIndex(model)
        for page in originals(model.objects.all()).order_by("pk"):
            if page.pk not in index.lost:
                flag(page, found_by, index)
    return DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count()


@dataclass
class Row:
    """One line of the side-by-side view."""

    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left.strip().casefold() != self.right.strip().casefold()


def _titles(page) -> str:
    versions = type(page).objects.filter(
        translation_key=page.translation_key, alias_of__isnull=True
    )
    return "; ".join(
        f"{v.locale.language_code}: {v.title}" for v in versions.select_related("locale")
    )


def _location_lines(locations) -> str:
    return "; ".join(f"{loc.title} ({loc.full_address})" for loc in locations)


def side_by_side(left, right) -> list[Row]:
    """What a curator compares before merging, field by field."""
    left, right = left.specific, right.specific

    def row(label, getter) -> Row:
        return Row(str(label), str(getter(left) or "—"), str(getter(right) or "—"))

    rows = [
        row(_("Names"), _titles),
        row(_("Published"), lambda p: _("yes") if p.live else _("no")),
        row(_("First published"), lambda p: p.first_published_at and p.first_published_at.date()),
    ]
    if isinstance(left, OrganisationPage):
        rows += [
            row(_("Type"), lambda p: p.get_organisation_type_display()),
            row(_("Enterprise number"), lambda p: p.enterprise_number),
            row(_("Phone"), lambda p: p.phone),
            row(_("E-mail"), lambda p: p.email),
            row(_("Website"), lambda p: p.website),
            row(_("Short description"), lambda p: p.short_description),
            row(_("Locations"), lambda p: _location_lines(p.locations())),
            row(_("Services"), lambda p: ", ".join(s.title for s in p.services())),
            row(_("Last verified on"), lambda p: p.last_verified),
        ]
    else:
        rows += [
            row(_("Organisation"), lambda p: p.get_parent().title),
            row(_("Summary"), lambda p: p.summary),
            row(_("Needs"), lambda p: ", ".join(str(n) for n in p.needs.all())),
            row(_("Contact phone"), lambda p: p.contact_phone),
            row(_("Contact e-mail"), lambda p: p.contact_email),
            row(_("Locations"), lambda p: _location_lines(p.locations.all())),
            row(_("Capacity"), lambda p: p.get_capacity_status_display()),
            row(_("Last verified on"), lambda p: p.last_verified),
        ]
    return rows
