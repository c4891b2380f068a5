"""Search documents: what the index knows of a service at a location (the keys and their
types: search.schema.FIELDS), built from the service's source page and every translation, each
analysed in its own language, and its needs' labels and synonyms in all languages."""

from dataclasses import dataclass
from datetime import UTC, date, time

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags

from directory import eligibility, opening_hours, pathways
from directory.models import LocationPage, ServicePage
from search import analysis


def build_documents(service_key) -> list[dict]:
    """One document per location of the service (or one without a point)."""
    versions = _service_versions(service_key)
    if not versions:
        return []
    source = min(versions, key=lambda v: v.pk)  # the original is created first
    organisation = source.get_parent().specific
    org_versions = _organisation_versions(organisation)
    # Three fields, one ranking: a word in a name (service or organisation) weighs most, then
    # in a need or target-group label, then anywhere in the text. `terms` holds them all, so
    # "every word must match" looks in one field.
    names = _NameTerms.of(versions, org_versions)
    needs, need_terms, need_phrases = _need_terms(source)
    base = {
        **_identity(service_key, source, versions, organisation, org_versions),
        **_offer(source, organisation, needs),
        **_eligibility(source),
        "suggest": sorted(set(names.phrases + need_phrases)),
        "name_terms": _unique(names.name_terms),
        "need_terms": _unique(need_terms),
    }
    locations = list(source.locations.all()) or [None]
    all_terms = _unique(
        names.name_terms + need_terms + names.terms + _place_terms(locations) + _focus_terms(source)
    )
    base.update(_any_location(locations))
    return [
        {**base, **_location(location, rank), "terms": all_terms}
        for rank, location in enumerate(locations)
    ]


def _service_versions(service_key) -> list[ServicePage]:
    """The service's live source page and real translations (not aliases)."""
    return list(
        ServicePage.objects.live()
        .filter(translation_key=service_key, alias_of__isnull=True)
        .select_related("locale")
        .prefetch_related(
            "needs__labels",
            "needs__parent__labels",
            "target_groups__labels",
            "languages",
            "locations__opening_hours",
            "locations__hours_exceptions",
            "tags",
        )
    )


def _organisation_versions(organisation) -> list:
    return list(
        type(organisation)
        .objects.live()
        .filter(translation_key=organisation.translation_key, alias_of__isnull=True)
        .select_related("locale")
    )


@dataclass
class _NameTerms:
    """The names' terms, the other text's terms and the names as phrases for suggestions, from
    every version of the service and its organisation, each analysed in its own language."""

    name_terms: list[str]
    terms: list[str]
    phrases: list[str]  # what suggestions offer while typing, in their own spelling

    @classmethod
    def of(cls, versions, org_versions) -> "_NameTerms":
        found = cls([], [], [])
        for version in versions:
            text = " ".join(
                [
                    version.summary,
                    strip_tags(version.description or ""),
                    version.eligibility,
                    version.cost_details,
                    version.access_details,
                ]
            )
            found.add(version.title, text, version.locale.language_code)
        for org in org_versions:
            found.add(org.title, org.short_description, org.locale.language_code)
        return found

    def add(self, name: str, text: str, language: str) -> None:
        self.name_terms += analysis.index_terms(analysis.expand_synonyms(name), language)
        self.phrases.append(name)
        self.terms += analysis.index_terms(analysis.expand_synonyms(text), language)


def _need_terms(source) -> tuple[set[str], list[str], list[str]]:
    """The service's needs with their parents (slugs), and the terms and phrases of their
    labels and synonyms, of its target groups' labels and of the residence statuses it is
    limited to, in every language."""
    needs: set[str] = set()
    terms: list[str] = []
    phrases: list[str] = []
    for need in source.needs.all():
        for term in [need] + ([need.parent] if need.parent_id else []):
            needs.add(term.slug)
            for label in term.labels.all():
                words = f"{label.label} {' '.join(label.synonym_list())}"
                terms += analysis.index_terms(analysis.expand_synonyms(words), label.language)
                phrases.append(label.label)
    for group in source.target_groups.all():
        for label in group.labels.all():
            terms += analysis.index_terms(label.label, label.language)
    # Residence statuses are found by their names in every language, like target groups.
    statuses = eligibility.rules(source)["statuses"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for status in statuses:
                label = str(eligibility.ResidenceStatus(status).label)
                terms += analysis.index_terms(label, code)
    return needs, terms, phrases


def _identity(service_key, source, versions, organisation, org_versions) -> dict:
    """Which service it is, and its names in every language it has."""
    return {
        "service_key": str(service_key),
        "name": source.title,
        "names": {v.locale.language_code: v.title for v in versions},
        "organisation": organisation.title,
        "organisation_names": {o.locale.language_code: o.title for o in org_versions},
        "languages_available": sorted(v.locale.language_code for v in versions),
    }


def _offer(source, organisation, needs: set[str]) -> dict:
    """What the service offers: the values its filters and facets test."""
    return {
        "needs": sorted(needs),
        "target_groups": sorted(g.slug for g in source.target_groups.all()),
        "languages": sorted(lang.code for lang in source.languages.all()),
        "interpreter": source.interpreter_available,
        "free": source.cost == "free",
        "accepting": source.capacity_status == "accepting",
        # An ended project is no referral target (directory.projects).
        "referrable": source.accepts_referrals and source.project_state != "ended",
        "ended": source.project_state == "ended",
        "focus_regions": list(source.focus_regions or []),  # shown only
        "capacity": source.capacity_status,
        # About how long the waiting list is (the map's popups say it).
        "waiting_weeks": source.waiting_weeks if source.capacity_status == "waiting_list" else None,
        "org_type": organisation.organisation_type,
        "tags": sorted(t.name.lower() for t in source.tags.all()),
    }


def _eligibility(source) -> dict:
    """Who can use it (directory.eligibility): empty means no limit."""
    rules = eligibility.rules(source)
    return {
        "eligible_statuses": rules["statuses"],
        "age_min": rules["age_min"],
        "age_max": rules["age_max"],
        "gender": rules["gender"],
        "service_area": rules["service_area"],
        # A pathway reserved for partners: the organisations it takes referrals from.
        "referral_from": pathways.allowed_keys(source),
    }


def _place_terms(locations: list) -> list[str]:
    """Where a service is belongs to the service: "Kessel-Lo" finds it at all its locations,
    so a service's documents match the same words (and one of them can count it). A
    confidential location is known by its municipality only (directory.confidentiality)."""
    return analysis.index_terms(
        " ".join(
            loc.municipality if loc.confidential else f"{loc.municipality} {loc.postcode}"
            for loc in locations
            if loc
        ),
        "nl",
    )


def _focus_terms(source) -> list[str]:
    """A project's focus regions are words of its text ("Gent" finds the housing project
    that focuses on Gent); they are no locations, so no point, distance or marker."""
    return analysis.index_terms(" ".join(source.focus_regions or []), "nl")


def _any_location(locations: list) -> dict:
    """What any of the service's locations offers, for counting services in one document;
    each location's week, closures and holidays: "open now" counts any of them."""
    return {
        "wheelchair_any": any(loc and loc.wheelchair_access == "yes" for loc in locations),
        "schedules_any": [_schedule(loc) for loc in locations if loc],
    }


def _location(location: LocationPage | None, rank: int) -> dict:
    """The document's own location (None: a service without one)."""
    return {
        "location_key": str(location.translation_key) if location else None,
        "location_rank": rank,  # 0: the document that stands for the service in counts
        "wheelchair": bool(location and location.wheelchair_access == "yes"),
        # Never the building of a confidential location: its municipality's centre, an area.
        "point": location.public_point if location is not None else None,
        "area": bool(location and location.confidential),
        "municipality": location.municipality if location else "",
        **_schedule(location),
    }


def _unique(terms: list[str]) -> str:
    return " ".join(dict.fromkeys(terms))


def _schedule(location: LocationPage | None) -> dict:
    """A location's weekly hours, dated closures and special hours, and whether public
    holidays close it: what "open now" needs (see directory.opening_hours)."""
    if location is None:
        return {"hours": [], "exceptions": [], "holidays_open": False}
    return {
        "hours": _hours(location),
        "exceptions": [
            {
                "kind": e.kind,
                "starts_on": e.starts_on.isoformat(),
                "ends_on": e.ends_on.isoformat(),
                "weekday": e.weekday,
                "opens": e.opens.strftime("%H:%M") if e.opens else None,
                "closes": e.closes.strftime("%H:%M") if e.closes else None,
                "closes_next_day": e.closes_next_day,
                "by_appointment_only": e.by_appointment_only,
            }
            for e in location.hours_exceptions.all()
        ],
        "holidays_open": location.open_on_public_holidays,
    }


def _hours(location: LocationPage) -> list[dict]:
    return [
        {
            "weekday": h.weekday,
            "opens": h.opens.strftime("%H:%M"),
            "closes": h.closes.strftime("%H:%M"),
            "closes_next_day": h.closes_next_day,
            "by_appointment_only": h.by_appointment_only,
            "valid_from": h.valid_from.isoformat() if h.valid_from else None,
            "valid_until": h.valid_until.isoformat() if h.valid_until else None,
        }
        for h in location.opening_hours.all()
    ]


OPEN_PERIOD_DAYS = 14


@dataclass
class _Range:
    weekday: int
    opens: time
    closes: time
    closes_next_day: bool
    by_appointment_only: bool
    valid_from: date | None
    valid_until: date | None


@dataclass
class _Exception:
    kind: str
    starts_on: date
    ends_on: date
    weekday: int | None
    opens: time | None
    closes: time | None
    closes_next_day: bool
    by_appointment_only: bool
    note: str = ""


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def schedule(doc: dict) -> dict:
    """A document's (or one entry of `schedules_any`'s) hours as the keyword arguments of the
    directory.opening_hours functions, so both backends apply the same rules."""
    return {
        "ranges": [
            _Range(
                h["weekday"],
                time.fromisoformat(h["opens"]),
                time.fromisoformat(h["closes"]),
                h["closes_next_day"],
                h["by_appointment_only"],
                _day(h["valid_from"]),
                _day(h["valid_until"]),
            )
            for h in doc.get("hours", [])
        ],
        "exceptions": [
            _Exception(
                e["kind"],
                date.fromisoformat(e["starts_on"]),
                date.fromisoformat(e["ends_on"]),
                e["weekday"],
                _time(e["opens"]),
                _time(e["closes"]),
                e["closes_next_day"],
                e["by_appointment_only"],
            )
            for e in doc.get("exceptions", [])
        ],
        "open_on_holidays": bool(doc.get("holidays_open")),
    }


def open_periods(
    doc: dict, start: date, days: int = OPEN_PERIOD_DAYS, appointment_only: bool = False
) -> list[dict]:
    """Walk-in opening periods (or, with `appointment_only`, the hours by appointment) as
    concrete UTC intervals for the coming days (closures, special hours, public holidays, DST
    and validity dates included), so that a search engine can answer "open now" with a range
    query. `search_index rebuild` runs daily to roll the window forward."""
    periods = opening_hours.periods(
        start=start, days=days, appointment_only=appointment_only, **schedule(doc)
    )
    return [
        {"gte": opens.astimezone(UTC).isoformat(), "lt": closes.astimezone(UTC).isoformat()}
        for opens, closes in periods
    ]


def any_open_periods(doc: dict, start: date) -> list[dict]:
    """The periods when any of the service's locations is open (for counting services)."""
    schedules = doc.get("schedules_any")
    if schedules is None:  # an entry built before schedules were per location
        schedules = [{"hours": doc.get("hours_any", [])}]
    return [period for each in schedules for period in open_periods(each, start)]
