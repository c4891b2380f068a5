"""Brug's taxonomies in HSDS: needs and target groups (the directory's own terms, labelled in
the feed's language), and *Brug attributes*, the facts HSDS has no field for (structured
eligibility, capacity, interpreter, access, confidentiality …), so that nothing is dropped.

All three are published at /hsds/taxonomies and /hsds/taxonomy_terms. Their ids are UUID 5s
of their codes (hsds.ids), the same on every database. An attribute term's description names
the values it takes; docs/hsds.md documents them too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from directory.eligibility import Gender, ResidenceStatus
from directory.models import Need, TargetGroup
from directory.models.locations import CoordinatePrecision, WheelchairAccess
from directory.models.organisations import OrganisationType
from directory.models.partnerships import PartnershipKind
from directory.models.services import Access, Capacity, Cost
from hsds import ids

NEEDS = "brug-needs"
TARGET_GROUPS = "brug-target-groups"
ATTRIBUTES = "brug-attributes"
PARTNERSHIPS = "brug-partnerships"
VERSION = "1"


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return ids.taxonomy_id(self.code)


TAXONOMIES = (
    Taxonomy(
        NEEDS,
        "Brug needs",
        "What a service helps with: Brug's two-level taxonomy of needs (a main need and its "
        "sub-needs), labelled in every language of the site. Code: the need's slug.",
    ),
    Taxonomy(
        TARGET_GROUPS,
        "Brug target groups",
        "Who a service is meant for (recognised refugees, families with children …). Code: "
        "the target group's slug.",
    ),
    Taxonomy(
        ATTRIBUTES,
        "Brug attributes",
        "Facts of a Brug listing that HSDS has no field for, given as attribute rows whose "
        "`value` is one of the codes listed in each term's description.",
    ),
    Taxonomy(
        PARTNERSHIPS,
        "Brug partnerships",
        "Organisations of the network that work together, as confirmed in Brug (by a "
        "curator, or by both sides) and in force on the day of the feed: an organization's "
        "attribute rows, one per partnership, whose term is the kind of partnership (code: "
        f"{', '.join(PartnershipKind.values)}) and whose `value` is the partner "
        "organization's id.",
    ),
)
BY_CODE = {taxonomy.code: taxonomy for taxonomy in TAXONOMIES}
BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}


def _values(choices) -> str:
    return ", ".join(str(value) for value in choices.values)


@dataclass(frozen=True)
class AttributeTerm:
    code: str
    name: str
    description: str
    entity: str  # the table it describes: service, location or organization


ATTRIBUTE_TERMS = (
    AttributeTerm(
        "residence-status",
        "Eligible residence status",
        "The service is limited to people with this residence status (one row per status; "
        f"no row: any status). Values: {_values(ResidenceStatus)}.",
        "service",
    ),
    AttributeTerm(
        "gender",
        "Only for",
        f"The service is only for this gender (no row: anyone). Values: {_values(Gender)}.",
        "service",
    ),
    AttributeTerm(
        "cost",
        "Cost",
        f"Whether the service costs money (details in fees_description). Values: {_values(Cost)}.",
        "service",
    ),
    AttributeTerm(
        "access",
        "How to get in",
        f"How a client gets to the service (details in application_process). Values: "
        f"{_values(Access)}.",
        "service",
    ),
    AttributeTerm(
        "accepts-referrals",
        "Accepts referrals through Brug",
        "Whether coaches can send a warm referral to the service. Values: true, false.",
        "service",
    ),
    AttributeTerm(
        "capacity",
        "Capacity",
        "Whether the service takes new clients now (waiting time in wait_time and in the "
        f"waiting-weeks attribute). Values: {_values(Capacity)}.",
        "service",
    ),
    AttributeTerm(
        "waiting-weeks",
        "Waiting time in weeks",
        "With capacity waiting_list: about how many weeks a new client waits. Value: a whole "
        "number.",
        "service",
    ),
    AttributeTerm(
        "interpreter",
        "Interpreter available",
        "Whether an interpreter or intercultural mediator can join (languages spoken by the "
        "staff themselves are language rows). Values: true, false.",
        "service",
    ),
    AttributeTerm(
        "keyword",
        "Keyword",
        "A free keyword (tag) of the listing. Value: the keyword.",
        "service",
    ),
    AttributeTerm(
        "organisation-type",
        "Type of organisation",
        f"Values: {_values(OrganisationType)}.",
        "organization",
    ),
    AttributeTerm(
        "wheelchair-access",
        "Wheelchair access",
        f"Values: {_values(WheelchairAccess)}.",
        "location",
    ),
    AttributeTerm(
        "coordinate-precision",
        "Precision of the point",
        "How exact the location's latitude and longitude are. Values: "
        f"{', '.join(v for v in CoordinatePrecision.values if v != 'municipality')}.",
        "location",
    ),
    AttributeTerm(
        "confidential-address",
        "Confidential address",
        "A shelter or safe house whose address is not published: the location has no "
        "address rows and no point. Value: its municipality, the only place it names. People "
        "reach it through its front door (phones, contacts, front-door-location).",
        "location",
    ),
    AttributeTerm(
        "front-door-location",
        "Front-door intake location",
        "The public location where people are received first for a confidential one. Value: "
        "that location's id.",
        "location",
    ),
    AttributeTerm(
        "open-on-public-holidays",
        "Open on public holidays",
        "Whether the weekly hours also apply on Belgian public holidays (the coming year's "
        "holidays are also given as dated closures in schedules). Values: true, false.",
        "location",
    ),
)
ATTRIBUTE_TERMS_BY_CODE = {term.code: term for term in ATTRIBUTE_TERMS}


def taxonomy_row(taxonomy: Taxonomy, base_url: str = "") -> dict:
    row = {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "version": VERSION,
    }
    if base_url:
        row["uri"] = f"{base_url}/hsds/taxonomies/{taxonomy.id}"
    return row


def _labels(term) -> dict[str, tuple[str, list[str]]]:
    return {row.language: (row.label, row.synonym_list()) for row in term.labels.all()}


def _label(term, language: str) -> tuple[str, str, list[str]]:
    """(label, its language, synonyms) in the feed's language, else the default one."""
    labels = _labels(term)
    for code in (language, settings.LANGUAGE_CODE, *labels):
        if code in labels and labels[code][0]:
            return labels[code][0], code, labels[code][1]
    return term.slug, settings.LANGUAGE_CODE, []


def need_term(need: Need, language: str) -> dict:
    label, label_language, synonyms = _label(need, language)
    # HSDS requires a description; Brug's needs have labels and synonyms, not descriptions.
    description = label
    if need.parent_id:
        description = f"{_label(need.parent, language)[0]} › {label}"
    if synonyms:
        description = f"{description} ({', '.join(synonyms)})"
    row = {
        "id": ids.term_id(NEEDS, need.slug),
        "code": need.slug,
        "name": label,
        "description": description,
        "taxonomy": BY_CODE[NEEDS].name,
        "taxonomy_id": BY_CODE[NEEDS].id,
        "language": label_language,
    }
    if need.parent_id:
        row["parent_id"] = ids.term_id(NEEDS, need.parent.slug)
    return row


def target_group_term(group: TargetGroup, language: str) -> dict:
    label, label_language, synonyms = _label(group, language)
    description = f"{label} ({', '.join(synonyms)})" if synonyms else label
    return {
        "id": ids.term_id(TARGET_GROUPS, group.slug),
        "code": group.slug,
        "name": label,
        "description": description,
        "taxonomy": BY_CODE[TARGET_GROUPS].name,
        "taxonomy_id": BY_CODE[TARGET_GROUPS].id,
        "language": label_language,
    }


def attribute_term(term: AttributeTerm) -> dict:
    return {
        "id": ids.term_id(ATTRIBUTES, term.code),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": BY_CODE[ATTRIBUTES].name,
        "taxonomy_id": BY_CODE[ATTRIBUTES].id,
        "language": "en",
    }


def partnership_term(kind: str) -> dict:
    """A kind of partnership, named in English as the Brug attributes are."""
    with translation.override("en"):
        name = str(PartnershipKind(kind).label)
    return {
        "id": ids.term_id(PARTNERSHIPS, kind),
        "code": kind,
        "name": name,
        "description": f"{name}: the organization works with the organization whose id is "
        "the attribute's value.",
        "taxonomy": BY_CODE[PARTNERSHIPS].name,
        "taxonomy_id": BY_CODE[PARTNERSHIPS].id,
        "language": "en",
    }


def all_terms(language: str) -> list[dict]:
    """Every term of the four taxonomies, needs first (main needs before their sub-needs)."""
    needs = Need.objects.select_related("parent").prefetch_related("labels", "parent__labels")
    needs = sorted(needs, key=lambda n: (n.parent_id is not None, n.sort_order, n.slug))
    groups = TargetGroup.objects.prefetch_related("labels")
    return [
        *(need_term(need, language) for need in needs),
        *(target_group_term(group, language) for group in groups),
        *(attribute_term(term) for term in ATTRIBUTE_TERMS),
        *(partnership_term(kind) for kind in PartnershipKind.values),
    ]


def with_detail(term: dict) -> dict:
    """A term as nested in an attribute: with its taxonomy's row."""
    taxonomy = BY_ID[term["taxonomy_id"]]
    return {**term, "taxonomy_detail": taxonomy_row(taxonomy)}
