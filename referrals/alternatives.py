"""Where else a coach could send a client when the chosen service is full or not taking new
clients: services with the same needs that accept new clients and referrals, nearest to the
chosen service first — asked of the product's own search (search.query and its backend), as
the public search and /api/v1/services are."""

from django.http import QueryDict
from wagtail.models import Locale

from search import query as search_query
from search.backends import get_backend
from search.results import Result, present

LIMIT = 3


def _point(service):
    for location in service.locations.all():
        if location.public_point:
            return location.public_point
    return None


def for_service(service, language: str, limit: int = LIMIT) -> list[Result]:
    """Up to `limit` similar services with capacity, in `language`'s locale."""
    params = QueryDict(mutable=True)
    params.setlist("need", list(service.needs.values_list("slug", flat=True)))
    params["accepting"] = "true"
    point = _point(service)
    if point:
        params.update({"lat": str(point["lat"]), "lon": str(point["lon"]), "sort": "distance"})
    query, errors = search_query.parse(params, language)
    if errors or query is None:
        return []
    locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
    own = str(service.translation_key)
    found = present(get_backend().search(query).hits, locale)
    return [r for r in found if r.page.referrable and r.hit.service_key != own][:limit]
