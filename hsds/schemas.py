"""Validation against the official HSDS 3.0 schemas (vendored in hsds/schema/): their `$ref`s
to the spec's raw GitHub URLs resolve from the vendored files, never over the network. The
import checks each record with it; the tests check every answer of the API."""

import copy
import json
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SPEC_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
# Checked formats: those the HSDS schemas use (jsonschema checks uri and date-time with
# rfc3986-validator and rfc3339-validator, which must be installed for it).
FORMATS = ("uuid", "email", "uri", "date-time")


@cache
def registry() -> Registry:
    """Every vendored schema under its spec URL; any other URL is an error (no retrieval)."""
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        relative = path.relative_to(SCHEMA_DIR).as_posix()
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((SPEC_URL + relative, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


def format_checker() -> FormatChecker:
    checker = FormatChecker(FORMATS)
    assert set(FORMATS) <= set(checker.checkers), "install rfc3986-validator, rfc3339-validator"
    return checker


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator of the schema at `name` (e.g. "compiled/service.json")."""
    return Draft202012Validator(
        {"$ref": SPEC_URL + name}, registry=registry(), format_checker=format_checker()
    )


@cache
def openapi() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


@cache
def page_validator(items: str) -> Draft202012Validator:
    """A validator of an HSDS Page whose contents are rows of the schema `items`."""
    page = openapi()["components"]["schemas"]["Page"]
    schema = {
        **page,
        "required": list(page["properties"]),
        "properties": {
            **page["properties"],
            "contents": {"type": "array", "items": {"$ref": SPEC_URL + items}},
        },
    }
    schema["required"].append("contents")
    return Draft202012Validator(schema, registry=registry(), format_checker=format_checker())


@cache
def response_validator(path: str) -> Draft202012Validator:
    """A validator of the OpenAPI document's own 200 response schema of `path` ("/services")."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    response = "get/responses/200/content/application~1json/schema"
    ref = f"{SPEC_URL}openapi.json#/paths/{pointer}/{response}"
    return Draft202012Validator({"$ref": ref}, registry=registry(), format_checker=format_checker())


def errors(validator: Draft202012Validator, data) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def bundled(document: dict) -> dict:
    """`document` (an OpenAPI document) with every reference to the spec's files made local:
    each file the document reaches is copied, once, into `components/schemas` (its own
    references made local in turn), so that a tool which would fetch them over the network
    (schemathesis) finds them in the document. Resolved through `registry()`."""
    document = copy.deepcopy(document)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    resolver = registry().resolver()

    def local_name(url: str) -> str:
        name = "hsds_" + url.removeprefix(SPEC_URL).removesuffix(".json").replace("/", "_")
        if name not in components:
            components[name] = {}  # claimed first: a file reached again (a cycle) is not copied
            contents = resolver.lookup(url).contents
            components[name] = rewrite(contents, url, f"#/components/schemas/{name}")
        return f"#/components/schemas/{name}"

    def rewrite(node, base: str | None, root: str):
        if isinstance(node, list):
            return [rewrite(item, base, root) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rewrite(value, base, root) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            url, fragment = urldefrag(urljoin(base or "", ref))
            # A JSON pointer ("/definitions/x") below the file's new place, or the file's root.
            out["$ref"] = (local_name(url) if url else root) + fragment
        return out

    return rewrite(document, None, "#")
