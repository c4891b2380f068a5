"""The tabular data package (datapackage.json and one CSV per HSDS table, as hsds_export
writes it) read back as the nested records of a JSON package: each CSV typed by its table's
schema, child rows put under the row they name (phones under their organisation, location or
service; addresses and schedules under their location; attributes with their terms)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hsds import export


def _typed(table: str, row: dict) -> dict:
    """A CSV row with the types of its table's schema (empty cells left out)."""
    properties = export.table_schema(table)["properties"]
    typed = {}
    for name, value in row.items():
        if value in (None, ""):
            continue
        kind = properties.get(name, {}).get("type")
        if kind == "number":
            number = float(value)
            typed[name] = int(number) if number.is_integer() and "." not in value else number
        elif kind == "boolean":
            typed[name] = value.lower() == "true"
        else:
            typed[name] = value
    return typed


def read(folder: Path) -> dict:
    """The tables of a tabular data package, nested again as the JSON package has them."""
    rows: dict[str, list[dict]] = {}
    for table in export.TABLE_ORDER:
        path = folder / export.table_schema(table)["path"]
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows[table] = [_typed(table, row) for row in csv.DictReader(handle)]
        else:
            rows[table] = []
    terms = {term["id"]: term for term in rows["taxonomy_term"]}

    def children(table: str, key: str, value: str) -> list[dict]:
        return [row for row in rows[table] if row.get(key) == value]

    def attributes(link_id: str) -> list[dict]:
        found = []
        for row in children("attribute", "link_id", link_id):
            term = terms.get(row.get("taxonomy_term_id", ""))
            found.append({**row, "taxonomy_term": term} if term else row)
        return found

    def location(row: dict) -> dict:
        key = row["id"]
        return {
            **row,
            "addresses": children("address", "location_id", key),
            "phones": children("phone", "location_id", key),
            "contacts": children("contact", "location_id", key),
            "accessibility": children("accessibility", "location_id", key),
            "schedules": children("schedule", "location_id", key),
            "attributes": attributes(key),
        }

    organizations = [
        {
            **row,
            "phones": children("phone", "organization_id", row["id"]),
            "organization_identifiers": children(
                "organization_identifier", "organization_id", row["id"]
            ),
            "attributes": attributes(row["id"]),
            "locations": [
                location(loc) for loc in children("location", "organization_id", row["id"])
            ],
        }
        for row in rows["organization"]
    ]
    services = [
        {
            **row,
            "phones": children("phone", "service_id", row["id"]),
            "contacts": children("contact", "service_id", row["id"]),
            "languages": children("language", "service_id", row["id"]),
            "service_areas": children("service_area", "service_id", row["id"]),
            "required_documents": children("required_document", "service_id", row["id"]),
            "service_at_locations": children("service_at_location", "service_id", row["id"]),
            "attributes": attributes(row["id"]),
        }
        for row in rows["service"]
    ]
    descriptor = folder / "datapackage.json"
    language = ""
    if descriptor.exists():
        language = json.loads(descriptor.read_text(encoding="utf-8")).get("language", "")
    return {
        "language": language,
        "organizations": organizations,
        "services": services,
        "unattached": unattached(rows),
    }


LINKS = {"organization_id": "organization", "location_id": "location", "service_id": "service"}


def unattached(rows: dict[str, list[dict]]) -> list[dict]:
    """Rows that name an organization, location or service the package does not hold: they
    nest under nothing, so the import reports them instead of losing them unseen. (A
    service's own organization_id is the import's to check.)"""
    known = {table: {row.get("id") for row in rows[table]} for table in LINKS.values()}
    found = []
    for table in export.TABLE_ORDER:
        for row in rows[table]:
            for key, parent in LINKS.items():
                if table == "service" and key == "organization_id":
                    continue
                if row.get(key) and row[key] not in known[parent]:
                    name = row.get("name") or row.get("id", "")
                    found.append({"record": f"{table} {name}", "field": key, "id": row[key]})
    return found
