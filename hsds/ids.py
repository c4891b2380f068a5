"""Stable HSDS identifiers.

Organisations, services and locations are Wagtail pages: their id is the page's
`translation_key`, which every translation and alias shares, so a row keeps its id in every
locale's feed. Everything else (addresses, phones, schedules, languages, attributes, taxonomy
terms …) gets a UUID 5 of a fixed Brug namespace, the id of the row it belongs to and its
natural key (what it is, not where it is stored): two exports of the same data, on any
database, give the same ids, and a child row keeps its id while its parent's other rows change.
"""

import uuid

# Fixed for ever: changing it would change every child row's id in every published feed.
BRUG_NAMESPACE = uuid.UUID("5dc72ae5-181e-5b2e-bd3d-bdbc183b34f0")


def page_id(page) -> str:
    """The id of an organisation, service or location (shared by its translations)."""
    return str(page.translation_key)


def child_id(parent_id: str | None, kind: str, *key) -> str:
    """The id of a row of table `kind` belonging to `parent_id`, named by its natural key."""
    name = "/".join([str(parent_id or ""), kind, *(str(part) for part in key)])
    return str(uuid.uuid5(BRUG_NAMESPACE, name))


def taxonomy_id(code: str) -> str:
    return child_id(None, "taxonomy", code)


def term_id(taxonomy_code: str, code: str) -> str:
    return child_id(taxonomy_id(taxonomy_code), "taxonomy_term", code)
