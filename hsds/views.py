"""The HSDS 3.0 API under /hsds/: thin JSON views over hsds.feeds (what a list holds) and
hsds.mapping (what a row says).

Plain Django views rather than a second NinjaAPI: the responses are defined by the official
HSDS schemas, not by pydantic models, and the OpenAPI document served at /hsds/openapi.json
is the official one (hsds/schema/openapi.json) — ninja would generate a different one.
Parameters are checked by a form (hsds.parameters), so errors come out in the feed's language
as 400 {"errors": {parameter: [message]}}; an unknown id is 404 with the same shape.
"""

from __future__ import annotations

import json
from functools import lru_cache, wraps
from pathlib import Path

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from directory.models import ServicePage
from hsds import feeds, ids, mapping
from hsds import taxonomy as brug_taxonomy
from hsds.parameters import DEFAULT_PER_PAGE, HsdsParameters, feed_language

HSDS_VERSION = "3.0"
OPENAPI = Path(__file__).resolve().parent / "schema" / "openapi.json"


def _json(data, status: int = 200, language: str = "") -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if language:
        response["Content-Language"] = language
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _errors(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return _json({"errors": errors}, status=status)


def _not_found() -> JsonResponse:
    return _errors({"id": [_("Nothing published has this id.")]}, status=404)


READ_METHODS = ("GET", "HEAD")


def read_only(view):
    """GET and HEAD only: any other method is 405 with an `Allow` header and a JSON error.
    Exempt from CSRF, which would answer a POST 403 before the view says 405: nothing here
    reads a cookie or changes anything."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            response = _errors({"method": [_("Only GET and HEAD are answered here.")]}, 405)
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def hsds_view(view):
    """GET (and HEAD) only; the feed's language active; parameters checked; a filter naming
    something unknown answered 400."""

    @read_only
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = feed_language(request)
        with translation.override(language):
            form = HsdsParameters(request.GET)
            if not form.is_valid():
                return _errors(form.errors_by_name())
            feed = mapping.Feed(language=language, base_url=_base_url(request))
            try:
                data = view(request, form.cleaned_data, feed, *args, **kwargs)
            except feeds.FilterError as error:
                return _errors({error.name: [error.message]})
            if isinstance(data, JsonResponse):
                return data
        return _json(data, language=language)

    return wrapper


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _paging(params) -> tuple[int, int]:
    return params["page"] or 1, params["per_page"] or DEFAULT_PER_PAGE


@hsds_view
def root(request, params, feed):
    return {
        "version": HSDS_VERSION,
        "openapi_url": f"{feed.base_url}/hsds/openapi.json",
    }


@lru_cache(maxsize=1)
def _openapi() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


@read_only
def openapi(request):
    """The official HSDS 3.0 OpenAPI document, with this server as its server."""
    document = {**_openapi(), "servers": [{"url": f"{_base_url(request)}/hsds"}]}
    return _json(document)


# Services


def _service_filters(params) -> feeds.ServiceFilters:
    return feeds.ServiceFilters(
        search=params["search"],
        taxonomy_term_id=params["taxonomy_term_id"],
        taxonomy_id=params["taxonomy_id"],
        organization_id=params["organization_id"],
        modified_after=params["modified_after"],
    )


@hsds_view
def services(request, params, feed):
    page, per_page = _paging(params)
    found = feeds.filtered_services(_service_filters(params), feed)
    shown = found[(page - 1) * per_page : page * per_page]
    feed.preload(shown, rows=params["full"])
    if params["minimal"]:
        rows = [_minimal(service, feed) for service in shown]
    elif params["full"]:
        rows = [mapping.service_full(mapping.localized(s, feed), feed) for s in shown]
    else:
        rows = [mapping.service(mapping.localized(s, feed), feed) for s in shown]
    return feeds.paginate(rows, page, per_page, total=len(found))


def _minimal(service, feed) -> dict:
    # HSDS asks for "id and modified date"; name and status are the schema's required fields.
    return {
        "id": ids.page_id(service),
        "name": service.title,
        "status": mapping.service_status(service),
        "last_modified": mapping.last_modified(service, feed),
    }


@hsds_view
def service_detail(request, params, feed, id):
    service = feeds.by_id(feeds.live_services(), id)
    if service is None:
        return _not_found()
    return mapping.service_full(mapping.localized(service, feed), feed)


# Organisations


@hsds_view
def organizations(request, params, feed):
    page, per_page = _paging(params)
    found = feeds.organisations(params["search"], feed.language)
    originals = found[(page - 1) * per_page : page * per_page]
    feed.preload(originals)
    shown = [mapping.localized(o, feed) for o in originals]
    if params["full"]:
        rows = [_organisation_full(o, feed, params["full_service"]) for o in shown]
    else:
        rows = [mapping.organization(o, feed) for o in shown]
    return feeds.paginate(rows, page, per_page, total=len(found))


def _organisation_full(organisation, feed, full_service: bool) -> dict:
    source = mapping.original(organisation, feed)
    services = list(ServicePage.objects.child_of(source).live().order_by("title", "pk"))
    feed.preload(services, rows=full_service)
    rows = [
        mapping.service_full(mapping.localized(s, feed), feed)
        if full_service
        else mapping.service(mapping.localized(s, feed), feed, organisation_page=organisation)
        for s in services
    ]
    return mapping.organization_full(organisation, feed, rows)


@hsds_view
def organization_detail(request, params, feed, id):
    organisation = feeds.by_id(feeds.live_organisations(), id)
    if organisation is None:
        return _not_found()
    return _organisation_full(mapping.localized(organisation, feed), feed, params["full_service"])


# Taxonomies


def _matches(row: dict, words: str) -> bool:
    haystack = " ".join(str(row.get(k, "")) for k in ("code", "name", "description")).casefold()
    return all(word in haystack for word in words.casefold().split())


@hsds_view
def taxonomies(request, params, feed):
    page, per_page = _paging(params)
    rows = [brug_taxonomy.taxonomy_row(t, feed.base_url) for t in brug_taxonomy.TAXONOMIES]
    rows = [row for row in rows if _matches(row, params["search"])]
    return feeds.page_of(rows, page, per_page)


@hsds_view
def taxonomy_detail(request, params, feed, id):
    taxonomy = brug_taxonomy.BY_ID.get(str(id))
    if taxonomy is None:
        return _not_found()
    return brug_taxonomy.taxonomy_row(taxonomy, feed.base_url)


@hsds_view
def taxonomy_terms(request, params, feed):
    page, per_page = _paging(params)
    rows = brug_taxonomy.all_terms(feed.language)
    if params["taxonomy_id"]:
        rows = [row for row in rows if row["taxonomy_id"] == str(params["taxonomy_id"])]
    if params["parent_id"]:
        rows = [row for row in rows if row.get("parent_id") == str(params["parent_id"])]
    if params["top_only"]:
        rows = [row for row in rows if "parent_id" not in row]
    rows = [row for row in rows if _matches(row, params["search"])]
    return feeds.page_of(rows, page, per_page)


@hsds_view
def taxonomy_term_detail(request, params, feed, id):
    for row in brug_taxonomy.all_terms(feed.language):
        if row["id"] == str(id):
            return row
    return _not_found()


# Services at locations


@hsds_view
def service_at_locations(request, params, feed):
    page, per_page = _paging(params)
    found = feeds.filtered_services(_service_filters(params), feed)
    pairs = feeds.service_at_locations(found, params["postcode"], params["proximity"])
    rows = []
    shown = pairs[(page - 1) * per_page : page * per_page]
    feed.preload(list(dict.fromkeys(s for s, _location in shown)), rows=params["full"])
    feed.preload(list(dict.fromkeys(location for _service, location in shown)))
    for service, location in shown:
        service_page = mapping.localized(service, feed)
        row = mapping.service_at_location(
            service_page, mapping.localized(location, feed), feed, full=params["full"]
        )
        row["service"] = (
            mapping.service_full(service_page, feed)
            if params["full"]
            else mapping.service(service_page, feed)
        )
        rows.append(row)
    return feeds.paginate(rows, page, per_page, total=len(pairs))


@hsds_view
def service_at_location_detail(request, params, feed, id):
    found = feeds.service_at_location_by_id(str(id))
    if found is None:
        return _not_found()
    service, location = found
    feed.preload([service], rows=True)
    feed.preload([location])
    service_page = mapping.localized(service, feed)
    row = mapping.service_at_location(
        service_page, mapping.localized(location, feed), feed, full=True
    )
    row["service"] = mapping.service_full(service_page, feed)
    return row
