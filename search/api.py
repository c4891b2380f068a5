"""The JSON API: /api/v1/services (search) and /api/v1/organisations/{id} (an organisation
and who it works with), with its OpenAPI schema at /api/v1/openapi.json."""

import uuid

from django.utils import translation
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from wagtail.models import Locale

from directory import capacity, eligibility, partnerships, pathways
from directory.models import OrganisationPage
from search import api_parameters, unmet
from search import query as search_query
from search.backends import get_backend
from search.cards import api_cards

api = NinjaAPI(
    title="Brug API",
    version="1",
    description='Search the network\'s services. Errors: 400 with {"errors": {param: [message]}}.',
    urls_namespace="api-v1",
    docs_url="/docs",
)


# The parameters' types, limits and descriptions come from the forms that validate them
# (search.query) and the search schema (search.api_parameters).
ServiceParameters = api_parameters.parameters("ServiceParameters", search_query.SearchParameters)
MapParametersSchema = api_parameters.parameters("MapParameters", search_query.MapParameters)
SuggestParametersSchema = api_parameters.parameters(
    "SuggestParameters",
    search_query.SuggestParameters,
    q="The words typed so far.",
    lang="Language of the messages (a UI language code); the request's language when empty.",
)


class ServiceResult(Schema):
    id: str
    name: str
    organisation: str
    summary: str
    url: str
    content_language: str
    needs: list[str]
    languages: list[str]
    capacity: str
    capacity_label: str = Field(description="The capacity in words, in the answer's language.")
    waiting_weeks: int | None = Field(description="With capacity waiting_list: about how long.")
    language_names: list[str] = Field(description="The languages spoken, named in `lang`.")
    interpreter: bool = Field(description="An interpreter or intercultural mediator can join.")
    referrable: bool = Field(
        description="Accepts warm referrals through Brug (for a signed-in coach: from their "
        "organisation; see referral_from)."
    )
    referral_from: list[dict] = Field(
        description="A pathway reserved for partners: the organisations (id, name) whose "
        "coaches may refer (and the service's own); empty: any coach."
    )
    focus_regions: list[str] = Field(
        description="A project's focus regions (municipalities or provinces, as the "
        "gazetteer names them); anyone may still use it."
    )
    distance_km: float | None
    point: dict | None = Field(
        description="Where the service is; for a confidential location (`area`), the centre "
        "of its municipality, never the address."
    )
    area: bool = Field(description="The point stands for a municipality, not an address.")
    eligibility: dict = Field(
        description="Who can use it: statuses, age_min, age_max, gender, service_area "
        "(postcodes; empty: no limit), documents to bring."
    )


class ServiceSearchAnswer(Schema):
    backend: str
    fallback: bool = Field(
        description="The preferred backend was unavailable; the database answered."
    )
    relaxed: bool = Field(description="No service matched every word; these match some.")
    count: int
    count_capped: bool = Field(
        description="The database backend read only its best 5,000 text matches: `count` and "
        "the facets are lower bounds (the search page shows them with a +)."
    )
    results: list[ServiceResult]
    facets: dict[str, dict[str, int]]
    suggestions: list[str] = Field(description='"Did you mean": queries that find services.')
    close_needs: list[str] = Field(
        description="When nothing is found: the needs (codes, for `need`) whose labels or "
        "synonyms in any language are close to the words, closest first."
    )
    hidden: dict[str, int] = Field(
        description="With eligible_* parameters: services the client cannot use, left out — "
        '{"total": n, "status": n, "age": n, "area": n, "gender": n} (a service can fail '
        'several rules); for a signed-in coach also "pathway": reserved for partner '
        "organisations that are not theirs."
    )


class MapAnswer(Schema):
    type: str = "FeatureCollection"
    backend: str
    fallback: bool
    relaxed: bool
    services: int = Field(description="Distinct services with a matching location in the area.")
    points: int = Field(
        description="Matching service-at-location points in the area; cluster counts add up "
        "to it (unless `truncated`)."
    )
    clustered: bool = Field(description="Features include clusters (low zoom or many points).")
    truncated: bool = Field(description="More cells than one answer carries; smallest left out.")
    features: list[dict] = Field(
        description="GeoJSON Point features. A marker's properties: id (service), name, org, "
        "needs, langs, open (for walk-ins now), appointment (open by appointment now), "
        "accepting, interpreter (one can join), waiting_weeks (a waiting list's length, "
        "else null), refer, km (from `near`/`lat`+`lon`), area and radius_m (a "
        "confidential location: the municipality's centre, to draw as a circle of radius_m "
        "metres, never an address). A cluster's: "
        "cluster=true, count, bbox (the cell, to zoom into)."
    )


class SuggestAnswer(Schema):
    suggestions: list[str]


class ErrorAnswer(Schema):
    errors: dict[str, list[str]]


class PartnerService(Schema):
    id: str
    name: str
    url: str


class WorksWith(Schema):
    id: str = Field(description="The partner organisation's id (for /organisations/{id}).")
    name: str
    url: str
    kind: str = Field(description="referral_agreement, joint_project, co_location or funding.")
    kind_label: str = Field(description="The kind in words, in the answer's language.")
    starts_on: str | None = Field(description="ISO date; null: no start recorded.")
    ends_on: str | None = Field(description="ISO date; null: no end agreed.")
    services: list[PartnerService] = Field(
        description="The services of either organisation that the partnership concerns."
    )


class OrganisationAnswer(Schema):
    id: str
    name: str
    url: str
    type: str
    content_language: str
    works_with: list[WorksWith] = Field(
        description="Partnerships in force today (both sides list them)."
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    errors = {}
    for error in exc.errors:
        name = str(error.get("loc", ["?"])[-1])
        errors.setdefault(name, []).append(error.get("msg", "invalid"))
    return api.create_response(request, {"errors": errors}, status=400)


@api.get(
    "/services",
    response={200: ServiceSearchAnswer, 400: ErrorAnswer},
    summary="Search services",
)
def services(request, params: Query[ServiceParameters]):
    language = _language(request)
    with translation.override(language):
        query, errors = search_query.parse(request.GET, language)
        if errors:
            return Status(400, {"errors": errors})
        query = search_query.for_coach(query, request.user)
        response = get_backend().search(query)
        unmet.record(query, response.count)
        # An interface-only language (uk, ti …) has no page tree: the originals answer.
        locale = Locale.objects.filter(language_code=query.language).first() or (
            Locale.get_default()
        )
        coach = pathways.organisation_keys(pathways.referring_organisations(request.user))
        results = api_cards(request, response.hits, locale, coach, _result_fields)
    return {
        "backend": response.backend,
        "fallback": response.fallback,
        "relaxed": response.relaxed,
        "count": response.count,
        "count_capped": response.capped,
        "results": results,
        "facets": response.facets,
        "suggestions": response.suggestions,
        "close_needs": response.close_needs,
        "hidden": response.hidden,
    }


def _result_fields(result) -> dict:
    """A result of the services API as every anonymous visitor gets it (search.cards keeps
    it): the hit's distance, point and area and the absolute address are added per request."""
    page = result.page
    return {
        "id": result.hit.service_key,
        "name": page.title,
        "organisation": page.organisation.title,
        "summary": page.summary,
        "url": page.url,
        "content_language": (page.alias_of or page).locale.language_code,
        "needs": [n.slug for n in page.card_needs],
        "languages": [lang.code for lang in page.card_languages],
        "capacity": page.capacity_status,
        "capacity_label": capacity.label(page),
        "waiting_weeks": page.waiting_weeks,
        "language_names": [lang.name for lang in page.card_languages],
        "interpreter": page.interpreter_available,
        "referrable": page.referrable and result.open_to_coach is not False,
        "referral_from": [
            {"id": str(partner.translation_key), "name": partner.title}
            for partner in result.pathway.partners
        ],
        "focus_regions": list(page.focus_regions or []),
        "eligibility": {
            **eligibility.rules(page),
            "documents": list(page.documents_to_bring or []),
        },
    }


@api.get(
    "/map",
    response={200: MapAnswer, 400: ErrorAnswer},
    summary="Services on the map",
    description="The services matching the search parameters in an area, as GeoJSON: "
    "individual markers at high zoom when there are few, clusters otherwise, so an answer "
    "never holds more than about 1,000 features.",
)
def map_features(request, params: Query[MapParametersSchema]):
    language = _language(request)
    with translation.override(language):
        query, zoom, errors = search_query.parse_map(request.GET, language)
        if errors:
            return Status(400, {"errors": errors})
        query = search_query.for_coach(query, request.user)
        return get_backend().map(query, zoom).geojson()


@api.get(
    "/suggest",
    response={200: SuggestAnswer, 400: ErrorAnswer},
    summary="Complete what a visitor is typing",
    description="Service and organisation names and need labels (every language) that "
    "start with the words typed so far; at most `limit` (1–20, default 8).",
)
def suggest(request, params: Query[SuggestParametersSchema]):
    with translation.override(_language(request)):
        form = search_query.SuggestParameters(request.GET)
        if not form.is_valid():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return Status(400, {"errors": errors})
    data = form.cleaned_data
    return {"suggestions": get_backend().suggest(data["q"], data["limit"] or 8)}


@api.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationAnswer, 404: ErrorAnswer},
    summary="An organisation and who it works with",
    description="`organisation_id` is the organisation's stable id (the same in every "
    "language); names and URLs are those of the `lang` version (the original where it has "
    "none).",
)
def organisation(request, organisation_id: str, lang: str = ""):
    language = _language(request)
    with translation.override(language):
        locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
        try:
            key = uuid.UUID(organisation_id)
        except ValueError:  # not an id at all: not found, like any unknown id
            key = None
        versions = OrganisationPage.objects.live().filter(translation_key=key)
        page = (
            (versions.filter(locale=locale).first() or versions.originals().first())
            if key
            else None
        )
        if page is None:
            return Status(404, {"errors": {"organisation_id": ["No such organisation."]}})
        return {
            "id": str(page.translation_key),
            "name": page.title,
            "url": request.build_absolute_uri(page.url),
            "type": page.organisation_type,
            "content_language": (page.alias_of or page).locale.language_code,
            "works_with": [_works_with(request, link) for link in partnerships.works_with(page)],
        }


def _works_with(request, link: partnerships.PartnerLink) -> dict:
    return {
        "id": str(link.partner.translation_key),
        "name": link.partner.title,
        "url": request.build_absolute_uri(link.partner.url),
        "kind": link.kind,
        "kind_label": str(link.kind_label),
        "starts_on": link.starts_on.isoformat() if link.starts_on else None,
        "ends_on": link.ends_on.isoformat() if link.ends_on else None,
        "services": [
            {
                "id": str(service.translation_key),
                "name": service.title,
                "url": request.build_absolute_uri(service.url),
            }
            for service in link.services
        ],
    }


def _language(request) -> str:
    """The language of the answer's messages: `lang`, else the request's language."""
    language = request.GET.get("lang") or translation.get_language()
    if language not in dict(translation.trans_real.get_languages()):
        language = translation.get_language()
    return language
