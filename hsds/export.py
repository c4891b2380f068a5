"""The published directory as an HSDS 3.0 package, in one locale's language: a JSON package
(fully nested organisations and services, the taxonomies and their terms) and, from it, the
tabular data package (one CSV per HSDS table, described by datapackage.json).

Nothing in it depends on the moment it is made but the public holidays of the coming year
(hsds.schedules), so two exports of the same data on the same day are identical.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.utils import translation

from hsds import feeds, mapping
from hsds import taxonomy as brug_taxonomy

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
HSDS_VERSION = "3.0"
# Nested arrays of a row and the HSDS table their rows belong to.
CHILD_TABLES = {
    "phones": "phone",
    "locations": "location",
    "addresses": "address",
    "schedules": "schedule",
    "accessibility": "accessibility",
    "contacts": "contact",
    "attributes": "attribute",
    "languages": "language",
    "organization_identifiers": "organization_identifier",
    "service_areas": "service_area",
    "required_documents": "required_document",
    "service_at_locations": "service_at_location",
}
TABLE_ORDER = (
    "organization",
    "organization_identifier",
    "service",
    "location",
    "address",
    "service_at_location",
    "phone",
    "contact",
    "schedule",
    "service_area",
    "language",
    "accessibility",
    "required_document",
    "taxonomy",
    "taxonomy_term",
    "attribute",
)


def package(language: str, base_url: str = "", today=None) -> dict:
    """The JSON package of the published directory in `language`."""
    feed = mapping.Feed(language=language, base_url=base_url, today=today)
    with translation.override(language):
        organisations = list(feeds.live_organisations().order_by("translation_key"))
        services = list(feeds.live_services().order_by("translation_key"))
        feed.preload(organisations)
        feed.preload(services, rows=True)
        return {
            "hsds_version": HSDS_VERSION,
            "language": language,
            "organizations": [
                mapping.organization_full(mapping.localized(o, feed), feed, services=[])
                for o in organisations
            ],
            "services": [mapping.service_full(mapping.localized(s, feed), feed) for s in services],
            "taxonomies": [brug_taxonomy.taxonomy_row(t) for t in brug_taxonomy.TAXONOMIES],
            "taxonomy_terms": brug_taxonomy.all_terms(language),
        }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def table_schema(table: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


def _collect(table: str, row: dict, tables: dict[str, dict]) -> None:
    """A row and, recursively, its nested rows into their tables (each row once, by id)."""
    tables.setdefault(table, {}).setdefault(row["id"], row)
    for key, value in row.items():
        if key in CHILD_TABLES and isinstance(value, list):
            for child in value:
                _collect(CHILD_TABLES[key], child, tables)


def tables(data: dict) -> dict[str, list[dict]]:
    """The package's rows per HSDS table (nested objects — a service's organisation, a
    service-at-location's location, an attribute's term — are in their own tables already)."""
    found: dict[str, dict] = {}
    for row in data["organizations"]:
        _collect("organization", row, found)
    for row in data["services"]:
        _collect("service", row, found)
    for row in data["taxonomies"]:
        _collect("taxonomy", row, found)
    for row in data["taxonomy_terms"]:
        _collect("taxonomy_term", row, found)
    return {name: list(found.get(name, {}).values()) for name in TABLE_ORDER}


def _columns(schema: dict) -> list[str]:
    return [
        name
        for name, spec in schema["properties"].items()
        if spec.get("type") not in ("array", "object") and "$ref" not in spec
    ]


def write_datapackage(data: dict, folder: Path) -> list[Path]:
    """The tabular data package: datapackage.json and one CSV per table."""
    folder.mkdir(parents=True, exist_ok=True)
    written, resources = [], []
    for table, rows in tables(data).items():
        schema = table_schema(table)
        columns = _columns(schema)
        path = folder / schema["path"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in sorted(rows, key=lambda r: r["id"]):
                writer.writerow({c: _cell(row.get(c)) for c in columns})
        written.append(path)
        resources.append(
            {
                "name": table,
                "path": schema["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c, "type": schema["properties"][c].get("type", "string")}
                        for c in columns
                    ],
                    "primaryKey": "id",
                },
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"brug-hsds-{data['language']}",
        "title": f"Brug directory (HSDS {HSDS_VERSION}, {data['language']})",
        # The content language (a custom property: hsds_import reads its labels in it).
        "language": data["language"],
        "resources": resources,
    }
    path = folder / "datapackage.json"
    path.write_text(dumps(descriptor), encoding="utf-8")
    return [path, *written]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
