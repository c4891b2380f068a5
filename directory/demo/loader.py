"""Builds the demo network from the JSON files in directory/demo/data/.

Idempotent: taxonomy terms are updated in place; an organisation whose page already exists is
left alone (a curator may have edited it). Every page gets its translations from the data and an
alias in each other locale, so every URL works in every language.
"""

import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from directory.eligibility import parse_service_area
from directory.models import (
    FieldCheck,
    HoursException,
    Language,
    LocationPage,
    Need,
    NeedLabel,
    OpeningHours,
    OrganisationIndexPage,
    OrganisationPage,
    ServiceFeedback,
    ServicePage,
    TargetGroup,
    TargetGroupLabel,
)
from directory.regions import parse_regions

DATA_DIR = Path(__file__).parent / "data"


@dataclass
class DemoSummary:
    organisations_created: int = 0
    organisations_skipped: int = 0
    services_created: int = 0
    locations_created: int = 0
    possible_duplicates: int = 0
    created: list = field(default_factory=list)  # organisations and services
    messages: list[str] = field(default_factory=list)


def _read(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def organisation_records() -> list[dict]:
    records = []
    for path in sorted(DATA_DIR.glob("organisations_*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


@transaction.atomic
def load_taxonomy() -> int:
    """Create or update every term and its labels in every language of the data (a curator's
    label in a language the data lacks stays). Returns how many labels were added or changed,
    so that a directory loaded before can be re-indexed."""
    changed = 0
    for order, record in enumerate(_read("needs.json")):
        parent, count = _upsert_need(record, None, record.get("sort_order", order))
        changed += count
        for child_order, child in enumerate(record.get("children", [])):
            changed += _upsert_need(child, parent, child.get("sort_order", child_order))[1]
    for order, record in enumerate(_read("target_groups.json")):
        group, _created = TargetGroup.objects.update_or_create(
            slug=record["slug"], defaults={"sort_order": record.get("sort_order", order)}
        )
        changed += _set_labels(TargetGroupLabel, {"target_group": group}, record["labels"])
    for order, record in enumerate(_read("languages.json")):
        Language.objects.update_or_create(
            code=record["code"],
            defaults={
                "native_name": record["native_name"],
                "sort_order": record.get("sort_order", order),
            },
        )
    return changed


@transaction.atomic
def add_missing_labels() -> int:
    """Only the labels in languages an existing term lacks (a directory a curator works on:
    no term is added and no word of theirs is changed). Returns how many were added."""
    needs = {need.slug: need for need in Need.objects.all()}
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    added = 0
    for record in _read("needs.json"):
        for term in (record, *record.get("children", [])):
            if term["slug"] in needs:
                owner = {"need": needs[term["slug"]]}
                added += _set_labels(NeedLabel, owner, term["labels"], keep_existing=True)
    for record in _read("target_groups.json"):
        if record["slug"] in groups:
            owner = {"target_group": groups[record["slug"]]}
            added += _set_labels(TargetGroupLabel, owner, record["labels"], keep_existing=True)
    return added


def _set_labels(model, owner: dict, labels: dict, keep_existing: bool = False) -> int:
    """Idempotent: a label row is written only when it is new or (unless keep_existing) its
    words changed."""
    existing = {row.language: row for row in model.objects.filter(**owner)}
    changed = 0
    for language, words in labels.items():
        label, synonyms = words["label"], words.get("synonyms", "")
        row = existing.get(language)
        if row and (keep_existing or (row.label, row.synonyms) == (label, synonyms)):
            continue
        row = row or model(language=language, **owner)
        row.label, row.synonyms = label, synonyms
        row.save()
        changed += 1
    return changed


def _upsert_need(record: dict, parent: Need | None, sort_order: int) -> tuple[Need, int]:
    need, _created = Need.objects.update_or_create(
        slug=record["slug"],
        defaults={
            "parent": parent,
            "pictogram": record.get("pictogram") or (parent.pictogram if parent else "other"),
            "sort_order": sort_order,
        },
    )
    return need, _set_labels(NeedLabel, {"need": need}, record["labels"])


def load_network(index: OrganisationIndexPage, limit: int | None = None) -> DemoSummary:
    summary = DemoSummary()
    records = organisation_records()[:limit] if limit else organisation_records()
    for record in records:
        if OrganisationPage.objects.filter(slug=record["slug"], locale=index.locale).exists():
            summary.organisations_skipped += 1
            continue
        with transaction.atomic():
            _create_organisation(index, record, summary)
        summary.organisations_created += 1
    summary.possible_duplicates = flag_imported(summary.created)
    return summary


def flag_imported(pages) -> int:
    """Imported listings are compared with the whole directory, like new ones in the admin."""
    from directory import duplicates

    flags = set()
    for model in (OrganisationPage, ServicePage):
        mine = [page for page in pages if isinstance(page, model)]
        if not mine:
            continue
        index = duplicates.ListingIndex(model)
        for page in mine:
            flags.update(f.pk for f in duplicates.flag(page, found_by="import", index=index))
    return len(flags)


def _create_organisation(index, record: dict, summary: DemoSummary) -> None:
    organisation = OrganisationPage(
        title=record["title"],
        slug=record["slug"],
        short_description=record["short_description"],
        description=record.get("description", ""),
        organisation_type=record["type"],
        website=record.get("website", ""),
        email=record.get("email", ""),
        phone=record.get("phone", ""),
        enterprise_number=record.get("enterprise_number", ""),
        last_verified=_date(record.get("last_verified")),
    )
    organisation.tags.add(*record.get("tags", []))
    index.add_child(instance=organisation)
    organisation.save_revision().publish()
    _translate(organisation, record.get("translations", {}))
    summary.created.append(organisation)

    locations = {}
    # Public locations first: a confidential one names one of them as its front door.
    ordered = sorted(record.get("locations", []), key=lambda loc: bool(loc.get("confidential")))
    for loc in ordered:
        location = LocationPage(
            title=loc["title"],
            slug=loc["slug"],
            street=loc["street"],
            house_number=loc.get("number", ""),
            postcode=loc["postcode"],
            municipality=loc["municipality"],
            country=loc.get("country", "BE"),
            latitude=_coordinate(loc.get("lat")),
            longitude=_coordinate(loc.get("lon")),
            coordinate_precision=loc.get("precision", "address") if loc.get("lat") else "",
            wheelchair_access=loc.get("wheelchair", "unknown"),
            accessibility_notes=loc.get("accessibility_notes", ""),
            hours_note=loc.get("hours_note", ""),
            opening_hours=[_hours(h) for h in loc.get("hours", [])],
            hours_exceptions=[_closure(c) for c in loc.get("closures", [])],
            open_on_public_holidays=loc.get("open_on_public_holidays", False),
            confidential=loc.get("confidential", False),
            front_door_phone=loc.get("front_door_phone", ""),
            front_door_email=loc.get("front_door_email", ""),
            front_door_location=locations.get(loc.get("front_door_location", "")),
            front_door_note=loc.get("front_door_note", ""),
        )
        organisation.add_child(instance=location)
        location.save_revision().publish()
        _translate(location, loc.get("translations", {}))
        locations[loc["slug"]] = location
        summary.locations_created += 1

    needs = {n.slug: n for n in Need.objects.all()}
    groups = {g.slug: g for g in TargetGroup.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    for svc in record.get("services", []):
        service = ServicePage(
            title=svc["title"],
            slug=svc["slug"],
            summary=svc["summary"],
            description=svc.get("description", ""),
            eligibility=svc.get("eligibility", ""),
            cost=svc.get("cost", "free"),
            cost_details=svc.get("cost_details", ""),
            access=svc.get("access", "appointment"),
            access_details=svc.get("access_details", ""),
            accepts_referrals=svc.get("accepts_referrals", False),
            capacity_status=svc.get("capacity", "accepting"),
            waiting_weeks=svc.get("waiting_weeks"),
            interpreter_available=svc.get("interpreter", False),
            contact_name=svc.get("contact_name", ""),
            contact_email=svc.get("contact_email", ""),
            contact_phone=svc.get("contact_phone", ""),
            last_verified=_date(svc.get("last_verified")),
            residence_statuses=svc.get("residence_statuses", []),
            age_min=svc.get("age_min"),
            age_max=svc.get("age_max"),
            gender=svc.get("gender", ""),
            service_area=parse_service_area(svc.get("service_area", "")),
            documents_to_bring=svc.get("documents", []),
            focus_regions=parse_regions(", ".join(svc.get("focus_regions", []))),
        )
        service.needs = [needs[slug] for slug in svc["needs"]]
        service.target_groups = [groups[slug] for slug in svc.get("target_groups", [])]
        service.languages = [languages[code] for code in svc.get("languages", [])]
        service.locations = [locations[slug] for slug in svc.get("locations", [])]
        service.tags.add(*svc.get("tags", []))
        # A pathway reserved for partners (directory.pathways): the partners loaded so far.
        service.referral_partners = OrganisationPage.objects.filter(
            slug__in=svc.get("referral_partners", []), locale=index.locale
        )
        organisation.add_child(instance=service)
        service.save_revision().publish()
        _translate(service, svc.get("translations", {}))
        summary.services_created += 1
        summary.created.append(service)
        ServiceFeedback.objects.bulk_create(
            ServiceFeedback(service=service, got_help=got_help, waited=waited,
                            recommend=recommend, language="nl", received_on=_recent(index))
            for index, (got_help, waited, recommend) in enumerate(svc.get("feedback", []))
        )  # fmt: skip
    _date_facts(organisation, record)


def _date_facts(organisation, record: dict) -> None:
    """Demo facts were not all changed on the day the demo was loaded: they were confirmed
    with the listing, and some changed on the dates the data gives (field_changes)."""
    pages = [organisation, *organisation.get_children().filter(alias_of__isnull=True)]
    verified = _date(record.get("last_verified"))
    FieldCheck.objects.filter(page__in=pages).update(changed_on=None, confirmed_on=verified)
    for name, day in record.get("field_changes", {}).items():
        FieldCheck.objects.filter(page=organisation, field=name).update(changed_on=_date(day))


def _recent(index: int) -> date:
    """Answers spread over the last weeks (only the date is kept)."""
    return timezone.localdate() - timedelta(days=3 + 5 * index)


def _translate(page: Page, translations: dict) -> None:
    """A translation for each locale in the data, an alias of the original everywhere else."""
    for locale in Locale.objects.exclude(pk=page.locale_id):
        if page.has_translation(locale):
            continue
        fields = translations.get(locale.language_code)
        if not fields:
            page.copy_for_translation(locale, copy_parents=True, alias=True)
            continue
        translated = page.copy_for_translation(locale, copy_parents=True)
        for name, value in fields.items():
            setattr(translated, name, value)
        translated.save_revision().publish()


def _hours(data: dict) -> OpeningHours:
    return OpeningHours(
        weekday=data["day"],
        opens=time.fromisoformat(data["opens"]),
        closes=time.fromisoformat(data["closes"]),
        closes_next_day=data.get("next_day", False),
        by_appointment_only=data.get("appointment", False),
        valid_from=_date(data.get("valid_from")),
        valid_until=_date(data.get("valid_until")),
    )


def _closure(data: dict) -> HoursException:
    return HoursException(
        kind=data["kind"],
        starts_on=date.fromisoformat(data["from"]),
        ends_on=date.fromisoformat(data["until"]),
        weekday=data.get("weekday"),
        opens=time.fromisoformat(data["opens"]) if data.get("opens") else None,
        closes=time.fromisoformat(data["closes"]) if data.get("closes") else None,
        by_appointment_only=data.get("appointment", False),
        note=data.get("note", ""),
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))
