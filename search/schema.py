"""The search schema, declared once: every document field with its type and Elasticsearch
mapping, and every filter with its parameter, document key, rule and label. The query
parameters, the API's parameter descriptions, the index mapping, both backends' filters and
facets and the filter panel are derived from these entries."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from directory import eligibility, opening_hours
from directory.models import Language, Need, TargetGroup
from directory.models.organisations import OrganisationType
from search.documents import schedule

# Elasticsearch mappings (the plain distribution has only the whitespace analyser: the terms
# are analysed in Python, search.analysis).
KEYWORD = {"type": "keyword"}
STORED = {"type": "keyword", "index": False}  # shown, never searched
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
LONG = {"type": "long"}
TERMS = {"type": "text", "analyzer": "whitespace"}
OPAQUE = {"type": "object", "enabled": False}  # per-language texts, read back only
GEO_POINT = {"type": "geo_point"}
PERIODS = {"type": "date_range"}


@dataclass(frozen=True)
class Field:
    """A key of the index documents. `mapping` None: kept in the database entry only (the
    Elasticsearch backend turns it into fields of its own); `document` False: a field only
    the Elasticsearch backend writes, derived from the document (search.backends.
    elasticsearch.to_source)."""

    key: str
    type: object
    mapping: dict | None
    document: bool = True


FIELDS: tuple[Field, ...] = (
    Field("service_key", str, KEYWORD),
    Field("service_number", int, LONG, document=False),  # counting distinct numbers is cheap
    Field("location_key", str | None, KEYWORD),
    Field("location_rank", int, INTEGER),  # 0: the document that stands for the service
    # Analysed terms: names weigh most, then need labels, then all text (search.ranking).
    Field("name_terms", str, TERMS),
    Field("need_terms", str, TERMS),
    Field("terms", str, TERMS),
    Field("suggest", list[str], STORED),  # phrases offered while typing, as spelt
    Field(
        "suggest_inputs",
        list[str],
        {"type": "completion", "analyzer": "whitespace", "max_input_length": 100},
        document=False,
    ),
    Field("name", str, KEYWORD),
    Field("names", dict[str, str], OPAQUE),
    Field("sort_names", dict[str, str], None, document=False),  # mapping: sort_names_mapping
    Field("organisation", str, STORED),
    Field("organisation_names", dict[str, str], OPAQUE),
    Field("languages_available", list[str], KEYWORD),
    Field("needs", list[str], KEYWORD),
    Field("target_groups", list[str], KEYWORD),
    Field("languages", list[str], KEYWORD),
    Field("org_type", str, KEYWORD),
    Field("tags", list[str], KEYWORD),
    # Who can use it (directory.eligibility); empty in the document, missing in the index:
    # no limit.
    Field("eligible_statuses", list[str], KEYWORD),
    Field("age_min", int | None, INTEGER),
    Field("age_max", int | None, INTEGER),
    Field("gender", str | None, KEYWORD),
    Field("service_area", list[str], KEYWORD),
    # A pathway reserved for partners: the organisations' keys (directory.pathways), checked
    # only against a signed-in coach's organisations.
    Field("referral_from", list[str], KEYWORD),
    Field("interpreter", bool, BOOLEAN),
    Field("free", bool, BOOLEAN),
    Field("accepting", bool, BOOLEAN),
    Field("referrable", bool, BOOLEAN),
    Field("ended", bool, BOOLEAN),  # an ended project (directory.projects)
    Field("focus_regions", list[str], STORED),  # a project's regions (directory.regions)
    Field("capacity", str, None),
    Field("waiting_weeks", int | None, {"type": "integer", "index": False}),  # shown only
    Field("wheelchair", bool, BOOLEAN),
    # Never the building of a confidential location: its municipality's centre (`area`).
    Field("point", dict | None, GEO_POINT),
    Field("area", bool, BOOLEAN),
    Field("municipality", str, None),
    # A location's week, closures and holidays (search.documents.schedule)...
    Field("hours", list[dict], None),
    Field("exceptions", list[dict], None),
    Field("holidays_open", bool, None),
    # ...as concrete opening periods for "open now" range queries.
    Field("open_periods", list[dict], PERIODS, document=False),
    # The hours by appointment, the same way, only read back (the map's popups).
    Field("appointment_periods", list[dict], OPAQUE, document=False),
    # On a service's first document: what any of its locations offers (facet counts).
    Field("wheelchair_any", bool, BOOLEAN),
    Field("schedules_any", list[dict], None),
    Field("open_periods_any", list[dict], PERIODS, document=False),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
DOCUMENT_KEYS = tuple(f.key for f in FIELDS if f.document)


def sort_names_mapping() -> dict:
    """The name folded per UI language, for sorting by name in the visitor's language."""
    return {
        "type": "object",
        "properties": {code: KEYWORD for code, _name in settings.LANGUAGES},
    }


def mapping() -> dict:
    """The Elasticsearch mapping of the index documents."""
    properties = {f.key: f.mapping for f in FIELDS if f.mapping is not None}
    properties["sort_names"] = sort_names_mapping()
    return {"properties": properties}


# How a filter tests a document. The Elasticsearch backend has one clause per rule, the
# database backend the predicate of the filter (both derived from the rule).
ANY_OF = "any_of"  # the document's value (or one of its values) is one of those asked for
TRUE = "true"  # the document's flag is set
OPEN_AT = "open_at"  # the location is open for walk-ins at the moment of the search
# The document's flag is not set — applied unless the query's flag asks to include them (a
# missing key counts as not set, so an index built before the key existed keeps its services).
UNLESS_ASKED = "unless_asked"

LIST, FLAG = "list", "flag"  # repeated values, or true/false (the parameter's form)


def open_now(doc: dict, moment: datetime) -> bool:
    """Walk-in open at a moment: the weekly hours, closures, special hours and holidays of the
    document's location (the rules of directory.opening_hours)."""
    status = opening_hours.opening_status(moment=moment, **schedule(doc))
    return status == opening_hours.OpenStatus.OPEN


def _any_of(key: str) -> Callable:
    def predicate(doc: dict, wanted, moment: datetime) -> bool:
        value = doc[key]
        values = value if isinstance(value, list) else [value]
        return bool(set(wanted) & set(values))

    return predicate


def _true(key: str) -> Callable:
    return lambda doc, wanted, moment: bool(doc.get(key))


def _open_at(key: str) -> Callable:
    return lambda doc, wanted, moment: open_now(doc, moment)


def _not_true(key: str) -> Callable:
    return lambda doc, wanted, moment: not doc.get(key)


PREDICATES = {ANY_OF: _any_of, TRUE: _true, OPEN_AT: _open_at, UNLESS_ASKED: _not_true}


def _slugs(model) -> list[str]:
    return list(model.objects.values_list("slug", flat=True))


def _tag_names() -> list[str]:
    from taggit.models import Tag

    return list(Tag.objects.values_list("name", flat=True))


@dataclass(frozen=True)
class Filter:
    """A filter of the search, and a facet of its results.

    - `param`: the query-string and API parameter; `kind`: LIST or FLAG.
    - `key` and `rule`: the document key (and index field) it tests, and how.
    - `label`: the facet's legend (a list) or option (a flag); `description`: the API's.
    - `attribute`: the SearchQuery attribute it fills (default: `param`).
    - `location`: a location's own property (some locations of a service match, others not);
      `any_key`: on a service's first document, whether any of its locations has it.
    - `values`: what to look for, from the query (default: as given); `choices`: the values
      a list parameter accepts.
    """

    param: str
    kind: str
    key: str
    rule: str
    label: object
    description: str
    attribute: str = ""
    location: bool = False
    any_key: str = ""
    values: Callable | None = None
    choices: Callable[[], list[str]] | None = None  # the valid values of a list parameter

    @property
    def query_attribute(self) -> str:
        return self.attribute or self.param

    def wanted(self, query):
        """What the query asks of this filter (falsy: the filter is not in use)."""
        if self.rule == UNLESS_ASKED:
            return not getattr(query, self.query_attribute)
        if self.values is not None and getattr(query, self.query_attribute):
            return self.values(query)
        return getattr(query, self.query_attribute)

    def matches(self, doc: dict, wanted, moment: datetime) -> bool:
        """The embedded backend's predicate (and the reference for both backends' tests)."""
        return PREDICATES[self.rule](self.key)(doc, wanted, moment)

    def any_matches(self, docs: list[dict], moment: datetime) -> bool:
        """Whether any of a service's matching documents has this flag (facet counts)."""
        return any(self.matches(doc, True, moment) for doc in docs)


FILTERS: tuple[Filter, ...] = (
    Filter(
        "need",
        LIST,
        "needs",
        ANY_OF,
        _("Topic"),
        "Need slugs (repeatable); a main need includes its sub-needs.",
        values=lambda query: query.needs_with_children(),
        choices=lambda: _slugs(Need),
    ),
    Filter(
        "target_group",
        LIST,
        "target_groups",
        ANY_OF,
        _("For whom"),
        "Target-group slugs (repeatable).",
        choices=lambda: _slugs(TargetGroup),
    ),
    Filter(
        "language",
        LIST,
        "languages",
        ANY_OF,
        _("Staff speak"),
        "Language codes the staff speak (repeatable).",
        attribute="spoken_language",
        choices=lambda: list(Language.objects.values_list("code", flat=True)),
    ),
    Filter(
        "org_type",
        LIST,
        "org_type",
        ANY_OF,
        _("Type of organisation"),
        "Organisation types (repeatable).",
        choices=lambda: list(OrganisationType.values),
    ),
    Filter(
        "tag",
        LIST,
        "tags",
        ANY_OF,
        _("Keywords"),
        "Keywords (repeatable; case does not matter).",
        values=lambda query: [tag.lower() for tag in query.tag],
        choices=lambda: _tag_names(),
    ),
    Filter(
        "interpreter",
        FLAG,
        "interpreter",
        TRUE,
        _("Interpreter available"),
        "true: only services with an interpreter.",
    ),
    Filter("free", FLAG, "free", TRUE, _("Free of charge"), "true: only free services."),
    Filter(
        "open_now",
        FLAG,
        "open_periods",
        OPEN_AT,
        _("Open now"),
        "true: only locations open for walk-ins now.",
        location=True,
        any_key="open_periods_any",
    ),
    Filter(
        "wheelchair",
        FLAG,
        "wheelchair",
        TRUE,
        _("Wheelchair accessible"),
        "true: only wheelchair-accessible locations.",
        location=True,
        any_key="wheelchair_any",
    ),
    Filter(
        "accepting",
        FLAG,
        "accepting",
        TRUE,
        _("Accepting new clients"),
        "true: only services accepting new clients.",
    ),
    Filter(
        "include_ended",
        FLAG,
        "ended",
        UNLESS_ASKED,
        _("Include ended projects"),
        "true: also projects that have ended (left out by default).",
    ),
)
FILTERS_BY_PARAM = {f.param: f for f in FILTERS}
LIST_FILTERS = tuple(f for f in FILTERS if f.kind == LIST)
# The yes/no filters that narrow the results ("Show only", with counts), and those that
# widen them (off by default, no count).
FLAG_FILTERS = tuple(f for f in FILTERS if f.kind == FLAG and f.rule != UNLESS_ASKED)
WIDENING_FILTERS = tuple(f for f in FILTERS if f.rule == UNLESS_ASKED)


@dataclass(frozen=True)
class ClientParameter:
    """A parameter describing the client a coach searches for: services they cannot use are
    left out and counted per reason (the rules of directory.eligibility)."""

    param: str
    label: object
    description: str


CLIENT_PARAMETERS: tuple[ClientParameter, ...] = (
    ClientParameter(
        "eligible_status",
        _("Residence status"),
        "The client's residence status: only services they can use "
        f"({', '.join(eligibility.ResidenceStatus.values)}).",
    ),
    ClientParameter("eligible_age", _("Age"), f"The client's age (0–{eligibility.MAX_AGE})."),
    ClientParameter(
        "eligible_municipality",
        _("Lives in (postcode or municipality)"),
        "Where the client lives: a postcode or a municipality.",
    ),
    ClientParameter("eligible_gender", _("Gender"), "women or men, when it matters."),
)
