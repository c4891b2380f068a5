"""Directory pages → HSDS 3.0 rows (plain dicts), in one locale's language.

Each function takes the page *in the feed's locale* (a translation, an alias, or the original
when the locale has no version) and a `Feed`. Texts go through the directory's field-level
fallbacks (directory.translation_fallbacks): a field never translated gives the original's
text. Facts (address, hours, capacity …) are the original's. Run inside
`translation.override(feed.language)`: labels of the directory's choices come out in it.

Optional fields Brug has no value for are left out (HSDS types them as strings, not null).
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace

from django.db.models import Max, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page

from directory import capacity, eligibility, partnerships
from directory.eligibility import DocumentType
from directory.models import Language, Need, OrganisationPage, ServicePage, TargetGroup
from directory.models.locations import LocationPage, WheelchairAccess
from directory.models.originals import original_of
from directory.models.services import Access, Capacity, Cost, ServiceTag
from directory.translation_fallbacks import field_text, remember_source
from hsds import ids, schedules
from hsds import taxonomy as brug_taxonomy
from hsds.phones import PhoneError, to_e164

# Belgian postcodes by province (ISO 3166-2), as bpost assigns them: address.state_province
# is required, and Brug stores the postcode, not the province.
BELGIAN_PROVINCES = (
    (1000, 1299, "BE-BRU"),
    (1300, 1499, "BE-WBR"),
    (1500, 1999, "BE-VBR"),
    (2000, 2999, "BE-VAN"),
    (3000, 3499, "BE-VBR"),
    (3500, 3999, "BE-VLI"),
    (4000, 4999, "BE-WLG"),
    (5000, 5999, "BE-WNA"),
    (6000, 6599, "BE-WHT"),
    (6600, 6999, "BE-WLX"),
    (7000, 7999, "BE-WHT"),
    (8000, 8999, "BE-VWV"),
    (9000, 9999, "BE-VOV"),
)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|ul|ol)>|<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Feed:
    """One locale's feed: its content language, the site's address for absolute URLs, and
    the day the feed is made (public holidays of the coming year are listed from it). It
    remembers what it looked up (versions, originals, terms), so that a list of services
    costs a few queries per row, not per field."""

    language: str
    base_url: str = ""
    today: date | None = None
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def day(self) -> date:
        return self.today or timezone.localdate()

    def remember(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def preload(self, originals: list, rows: bool = False) -> None:
        """Fetch the feed's versions and the last changes of these original pages at once
        (those not fetched before); with `rows`, services' related rows too (SERVICE_ROWS),
        for their full rows."""
        if not originals:
            return
        model = type(originals[0])
        originals = [
            p for p in originals if ("original", model, p.translation_key) not in self.memo
        ]
        if not originals:
            return
        keys = [page.translation_key for page in originals]
        versions = {
            page.translation_key: page
            for page in model.objects.live()
            .filter(translation_key__in=keys, locale__language_code=self.language)
            .select_related("locale")
        }
        changes = dict(
            Page.objects.filter(translation_key__in=keys, live=True)
            .order_by()
            .values("translation_key")
            .annotate(last=Max("last_published_at"))
            .values_list("translation_key", "last")
        )
        for page in originals:
            key = page.translation_key
            self.memo[("original", model, key)] = page
            self.memo[("localized", model, key)] = versions.get(key, page)
            remember_source(page, page)
            remember_source(versions.get(key, page), page)
            if changes.get(key):
                self.memo[("modified", key)] = changes[key]
        if model is ServicePage and rows:
            prefetch_related_objects(originals, *SERVICE_ROWS)
            self.preload(
                list({loc.pk: loc for s in originals for loc in service_locations(s)}.values())
            )
        if model is not OrganisationPage:  # services and locations: their organisations too
            paths = {page.path[: -Page.steplen] for page in originals}
            paths -= {key[1] for key in self.memo if isinstance(key, tuple) and key[0] == "parent"}
            parents = list(OrganisationPage.objects.filter(path__in=paths).select_related("locale"))
            for parent in parents:
                self.memo[("parent", parent.path)] = parent
            self.preload(parents)


# A service's related rows, each in the order its rows are exported (Prefetch objects carry
# it: an ordered related manager would skip the prefetch and query again per service).
LOCATIONS = Prefetch(
    "locations",
    LocationPage.objects.live().select_related("locale", "front_door_location").order_by("title"),
)
SERVICE_ROWS = (
    Prefetch("needs", Need.objects.order_by("sort_order", "slug")),
    Prefetch("target_groups", TargetGroup.objects.order_by("sort_order", "slug")),
    Prefetch("languages", Language.objects.order_by("sort_order", "code")),
    # taggit's manager takes no queryset to prefetch with: its rows through the tagging model.
    Prefetch("tagged_items", ServiceTag.objects.select_related("tag").order_by("tag__name")),
    LOCATIONS,  # separate lookups below: also when the locations were fetched before
    "locations__opening_hours",
    "locations__hours_exceptions",
)


def related_rows(page, name: str, ordering: tuple[str, ...]) -> list:
    """The rows of a service's relation `name` in `ordering`: those Feed.preload fetched (in
    that order, SERVICE_ROWS), else a query."""
    prefetched = getattr(page, "_prefetched_objects_cache", {})
    if name in prefetched:
        return list(prefetched[name])
    return list(getattr(page, name).order_by(*ordering))


def compact(row: dict) -> dict:
    return {key: value for key, value in row.items() if value is not None and value != ""}


def plain(value: str) -> str:
    """Rich text as plain text, one line per paragraph or list item."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", value or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def text(page, name: str) -> str:
    return str(field_text(page, name).value or "")


def localized(page, feed: Feed):
    """The live version of a page in the feed's locale, else the page itself."""

    def find():
        version = (
            type(page)
            .objects.live()
            .filter(translation_key=page.translation_key, locale__language_code=feed.language)
            .select_related("locale")
            .first()
        )
        return version or page

    return feed.remember(("localized", type(page), page.translation_key), find)


def original(page, feed: Feed):
    """The original version of a page: it holds the facts (address, hours, capacity …)."""
    key = ("original", type(page), page.translation_key)
    return feed.remember(key, lambda: original_of(page) or page)


def parent_organisation(page, feed: Feed):
    path = page.path[: -Page.steplen]
    return feed.remember(
        ("parent", path),
        lambda: OrganisationPage.objects.select_related("locale").get(path=path),
    )


def last_modified(page, feed: Feed) -> str:
    """The latest publication of any version of the page (a translation changes the feed of
    its locale; a harvester asking `modified_after` must not miss it)."""

    def latest():
        moments = Page.objects.filter(translation_key=page.translation_key, live=True)
        return moments.aggregate(last=Max("last_published_at"))["last"]

    moment = feed.remember(("modified", page.translation_key), latest)
    return _iso(moment or page.latest_revision_created_at or timezone.now())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _url(page, feed: Feed) -> str | None:
    """The page's public address: on the API's host, or (an export) the site's own."""
    # The feed keeps Wagtail's site root paths for all its rows (without a cache object each
    # page would look them up in the shared cache again).
    paths_holder = feed.remember("site root paths", SimpleNamespace)
    parts = page.get_url_parts(request=paths_holder)
    if parts is None or parts[2] is None:
        return None
    _site, root_url, path = parts
    single_site = len({paths[0] for paths in page._get_site_root_paths(paths_holder)}) == 1
    if feed.base_url and single_site:
        return f"{feed.base_url}{path}"
    return f"{root_url}{path}"


def attribute(parent_id: str, entity: str, term: dict, value: str = "") -> dict:
    return compact(
        {
            "id": ids.child_id(parent_id, "attribute", term["id"], value),
            "link_id": parent_id,
            "link_entity": entity,
            "link_type": term["taxonomy"],
            "taxonomy_term_id": term["id"],
            "value": value,
            "taxonomy_term": brug_taxonomy.with_detail(term),
        }
    )


def brug_attribute(parent_id: str, code: str, value) -> dict:
    term = brug_taxonomy.ATTRIBUTE_TERMS_BY_CODE[code]
    return attribute(parent_id, term.entity, brug_taxonomy.attribute_term(term), str(value))


def _flag(value: bool) -> str:
    return "true" if value else "false"


def phone(
    parent_field: str,
    parent_id: str,
    role: str,
    number: str,
    description: str = "",
    country: str = "BE",
):
    """A phone row, the number in E.164 (as stored when it does not parse as a number)."""
    if not number:
        return []
    with contextlib.suppress(PhoneError):
        number = to_e164(number, country)
    return [
        compact(
            {
                "id": ids.child_id(parent_id, "phone", role),
                parent_field: parent_id,
                "number": number,
                "type": "voice",
                "description": description,
            }
        )
    ]


# Organisations


def organization(page, feed: Feed) -> dict:
    """An organisation's one-to-one fields (organization_list)."""
    org_id = ids.page_id(page)
    description = "\n\n".join(
        part for part in (text(page, "short_description"), plain(text(page, "description"))) if part
    )
    row = {
        "id": org_id,
        "name": text(page, "title"),
        "description": description,
        "email": page.email,
        "website": page.website,
        "uri": _url(page, feed),
    }
    if page.logo_id:
        row["logo"] = f"{feed.base_url}{page.logo.file.url}"
    return compact(row)


def organization_full(page, feed: Feed, services: list[dict]) -> dict:
    org_id = ids.page_id(page)
    source = original(page, feed)
    attributes = [brug_attribute(org_id, "organisation-type", source.organisation_type)]
    attributes += [
        brug_attribute(org_id, "keyword", tag.name) for tag in source.tags.order_by("name")
    ]
    attributes += partnership_attributes(source, org_id, feed)
    identifiers = []
    if source.enterprise_number:
        identifiers.append(
            {
                "id": ids.child_id(org_id, "organization_identifier", "BE-BCE_KBO"),
                "organization_id": org_id,
                "identifier_scheme": "BE-BCE_KBO",
                "identifier_type": "Belgian enterprise number (KBO/BCE)",
                "identifier": source.enterprise_number,
            }
        )
    originals = list(LocationPage.objects.child_of(source).live().order_by("title"))
    feed.preload(originals)
    locations = [location_full(localized(location, feed), feed) for location in originals]
    return {
        **organization(page, feed),
        "phones": phone("organization_id", org_id, "main", source.phone),
        "locations": locations,
        "organization_identifiers": identifiers,
        "attributes": attributes,
        "contacts": [],
        "services": services,
    }


def partnership_attributes(source, org_id: str, feed: Feed) -> list[dict]:
    """The organisation's confirmed partnerships in force on the feed's day (with a live
    partner), as brug-partnerships attributes: the kind's term, the partner's id."""
    return [
        attribute(
            org_id,
            "organization",
            brug_taxonomy.partnership_term(link.kind),
            ids.page_id(link.partner),
        )
        for link in partnerships.works_with(source, feed.day)
    ]


# Locations


def _province(postcode: str, country: str) -> str:
    if country == "BE" and postcode.isdecimal():
        number = int(postcode)
        for low, high, code in BELGIAN_PROVINCES:
            if low <= number <= high:
                return code
    return ""


def location(page, feed: Feed) -> dict:
    """A location's one-to-one fields. A confidential location names no address and no
    point (its municipality is in the confidential-address attribute)."""
    source = original(page, feed)
    row = {
        "id": ids.page_id(page),
        "location_type": "physical",
        "organization_id": ids.page_id(parent_organisation(source, feed)),
        "name": text(page, "title"),
        "description": text(page, "front_door_note") if source.confidential else "",
    }
    if not source.confidential and source.has_point:
        row["latitude"] = float(source.latitude)
        row["longitude"] = float(source.longitude)
    return compact(row)


def location_full(page, feed: Feed) -> dict:
    source = original(page, feed)
    location_id = ids.page_id(page)
    attributes = [
        brug_attribute(location_id, "wheelchair-access", source.wheelchair_access),
        brug_attribute(
            location_id, "open-on-public-holidays", _flag(source.open_on_public_holidays)
        ),
    ]
    addresses = []
    if source.confidential:
        attributes.append(brug_attribute(location_id, "confidential-address", source.municipality))
        if source.front_door_location_id:
            door = source.front_door_location
            attributes.append(brug_attribute(location_id, "front-door-location", ids.page_id(door)))
    else:
        if source.coordinate_precision and source.has_point:
            attributes.append(
                brug_attribute(location_id, "coordinate-precision", source.coordinate_precision)
            )
        addresses.append(
            {
                "id": ids.child_id(location_id, "address", "physical"),
                "location_id": location_id,
                "address_1": source.address_line,
                "city": source.municipality,
                "state_province": _province(source.postcode, source.country),
                "postal_code": source.postcode,
                "country": source.country,
                "address_type": "physical",
            }
        )
    accessibility = []
    notes = plain(text(page, "accessibility_notes"))
    if source.wheelchair_access != WheelchairAccess.UNKNOWN or notes:
        accessibility.append(
            compact(
                {
                    "id": ids.child_id(location_id, "accessibility", "wheelchair"),
                    "location_id": location_id,
                    "description": str(WheelchairAccess(source.wheelchair_access).label),
                    "details": notes,
                }
            )
        )
    contacts = []
    if source.front_door_email:
        contacts.append(
            {
                "id": ids.child_id(location_id, "contact", "front-door"),
                "location_id": location_id,
                "email": source.front_door_email,
            }
        )
    phones = phone(
        "location_id",
        location_id,
        "front-door",
        source.front_door_phone,
        _("front-door phone"),
        source.country,
    )
    return {
        **location(page, feed),
        "addresses": addresses,
        "accessibility": accessibility,
        "contacts": contacts,
        "phones": phones,
        "languages": [],
        "schedules": schedules.location_schedules(
            source, location_id, text(page, "hours_note"), feed.day
        ),
        "attributes": attributes,
    }


# Services


def _eligibility_description(page, source) -> str:
    lines = [text(page, "eligibility")]
    lines += [f"{line.label}: {line.text}" for line in eligibility.describe(source)]
    return "\n".join(line for line in lines if line)


def _labelled(label, details: str) -> str:
    return f"{label}: {details}" if details else str(label)


def service_status(source) -> str:
    """HSDS's service status: an ended project is inactive (still at its address, no longer
    running), every other published service active."""
    return "inactive" if source.project_ended else "active"


def service(page, feed: Feed, organisation_page=None) -> dict:
    """A service's one-to-one fields with its organisation (service_list)."""
    source = original(page, feed)
    organisation_page = organisation_page or localized(parent_organisation(source, feed), feed)
    row = {
        "id": ids.page_id(page),
        "organization_id": ids.page_id(organisation_page),
        "name": text(page, "title"),
        "alternate_name": "",
        "description": "\n\n".join(
            part for part in (text(page, "summary"), plain(text(page, "description"))) if part
        ),
        "url": _url(page, feed),
        "email": source.contact_email,
        "status": service_status(source),
        "interpretation_services": str(source._meta.get_field("interpreter_available").verbose_name)
        if source.interpreter_available
        else "",
        "application_process": _labelled(Access(source.access).label, text(page, "access_details")),
        "fees_description": _labelled(Cost(source.cost).label, text(page, "cost_details")),
        "wait_time": capacity.label(source),
        "eligibility_description": _eligibility_description(page, source),
        "minimum_age": source.age_min,
        "maximum_age": source.age_max,
        "assured_date": source.last_verified.isoformat() if source.last_verified else None,
        "last_modified": last_modified(source, feed),
        "organization": organization(organisation_page, feed),
    }
    return compact(row)


def _terms(feed: Feed) -> dict:
    """Every need's and target group's term row in the feed's language, by (kind, pk)."""

    def build():
        rows = {}
        needs = Need.objects.select_related("parent").prefetch_related("labels", "parent__labels")
        for need in needs:
            rows["need", need.pk] = brug_taxonomy.need_term(need, feed.language)
        for group in TargetGroup.objects.prefetch_related("labels"):
            rows["target_group", group.pk] = brug_taxonomy.target_group_term(group, feed.language)
        return rows

    return feed.remember("terms", build)


def service_attributes(source, service_id: str, feed: Feed) -> list[dict]:
    terms = _terms(feed)
    needs = [need.pk for need in related_rows(source, "needs", ("sort_order", "slug"))]
    groups = [g.pk for g in related_rows(source, "target_groups", ("sort_order", "slug"))]
    rows = [attribute(service_id, "service", terms["need", pk]) for pk in needs]
    rows += [attribute(service_id, "service", terms["target_group", pk]) for pk in groups]
    rows += [
        brug_attribute(service_id, "residence-status", status)
        for status in sorted(source.residence_statuses or [])
    ]
    if source.gender:
        rows.append(brug_attribute(service_id, "gender", source.gender))
    rows += [
        brug_attribute(service_id, "cost", source.cost),
        brug_attribute(service_id, "access", source.access),
        brug_attribute(service_id, "accepts-referrals", _flag(source.accepts_referrals)),
        brug_attribute(service_id, "capacity", source.capacity_status),
        brug_attribute(service_id, "interpreter", _flag(source.interpreter_available)),
    ]
    if source.capacity_status == Capacity.WAITING_LIST and source.waiting_weeks is not None:
        rows.append(brug_attribute(service_id, "waiting-weeks", source.waiting_weeks))
    rows += [brug_attribute(service_id, "keyword", tag.name) for tag in keywords(source)]
    return rows


def keywords(source) -> list:
    """A service's tags by name (those Feed.preload fetched, else a query)."""
    prefetched = getattr(source, "_prefetched_objects_cache", {})
    if "tagged_items" in prefetched:
        return [item.tag for item in prefetched["tagged_items"]]
    return list(source.tags.order_by("name"))


def service_at_location_id(service_id: str, location_id: str) -> str:
    return ids.child_id(service_id, "service_at_location", location_id)


def service_at_location(service_page, location_page, feed: Feed, full: bool = False) -> dict:
    service_id, location_id = ids.page_id(service_page), ids.page_id(location_page)
    row = {
        "id": service_at_location_id(service_id, location_id),
        "service_id": service_id,
        "location_id": location_id,
        "location": location_full(location_page, feed) if full else location(location_page, feed),
    }
    if full:
        row.update(contacts=[], phones=[], schedules=[], attributes=[])
    return row


def service_locations(source) -> list:
    prefetched = getattr(source, "_prefetched_objects_cache", {})
    if "locations" in prefetched:  # live, by title (SERVICE_ROWS)
        return list(prefetched["locations"])
    return list(source.locations.live().order_by("title"))


def service_full(page, feed: Feed) -> dict:
    source = original(page, feed)
    service_id = ids.page_id(page)
    row = service(page, feed)
    contacts = []
    if source.contact_name or source.contact_email:
        contacts.append(
            compact(
                {
                    "id": ids.child_id(service_id, "contact", "main"),
                    "service_id": service_id,
                    "name": source.contact_name,
                    "email": source.contact_email,
                }
            )
        )
    languages = [
        {
            "id": ids.child_id(service_id, "language", language.code),
            "service_id": service_id,
            "name": language.name,
            "code": language.code,
        }
        for language in related_rows(source, "languages", ("sort_order", "code"))
    ]
    areas = [
        {
            "id": ids.child_id(service_id, "service_area", postcode),
            "service_id": service_id,
            "name": label,
            "extent": postcode,
            "extent_type": "text",
        }
        for postcode, label in zip(
            sorted(source.service_area or []),
            eligibility.area_labels(source.service_area),
            strict=True,
        )
    ]
    documents = [
        {
            "id": ids.child_id(service_id, "required_document", code),
            "service_id": service_id,
            "document": str(DocumentType(code).label),
        }
        for code in DocumentType.values
        if code in set(source.documents_to_bring or [])
    ]
    locations = service_locations(source)
    feed.preload(locations)
    at_locations = [
        service_at_location(page, localized(location_page, feed), feed, full=True)
        for location_page in locations
    ]
    return {
        **row,
        "phones": phone("service_id", service_id, "contact", source.contact_phone),
        "contacts": contacts,
        "languages": languages,
        "schedules": [],
        "service_areas": areas,
        "required_documents": documents,
        "service_at_locations": at_locations,
        "attributes": service_attributes(source, service_id, feed),
    }
