"""Result cards kept in the shared cache, so a search whose results were shown before (by any
query: the same services come up for many) builds no page instances for them.

A card is the same for every visitor who cannot refer from it: it depends on the service and
its matching location in the page's locale, the language, the distance shown, the directory's
revision (search.entries_cache.public_revision: any publish, admin edit or capacity change)
and the five minutes "open now" holds for. That is its key. A person who sees a "Refer"
button, or a coach whose pathways decide it, gets cards built for them, never kept.

`html_cards` serves the search and map pages (the rendered card); `api_cards` the services
API (the result's fields, without what the hit itself says: distance, point and the absolute
address, added per request)."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from directory import extension_points
from search.backends.base import Hit
from search.entries_cache import BUCKET, public_revision, time_bucket
from search.results import Result, present


def _cards(kind, request, hits, locale, coach, build: Callable[[Result], object], own=None):
    """(hit, `build(result)`) for each hit that has a page in `locale`, in the hits' order,
    from the shared cache where a card may be shared. `own(hit)`: what else a card shows of
    its hit (the HTML's distance and map link), for the key."""
    seconds = min(getattr(settings, "BRUG_CARD_CACHE_SECONDS", 0), BUCKET)
    if not seconds or coach or extension_points.refer_url(request) is not None:
        return [(result.hit, build(result)) for result in present(hits, locale, coach)]
    shared = [kind, public_revision(), time_bucket(), get_language(), str(locale.pk)]

    def key(hit: Hit) -> str:
        parts = [*shared, hit.service_key, hit.location_key or "", str(hit.area)]
        parts += own(hit) if own else []
        return "brug-card:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]

    keys = [key(hit) for hit in hits]
    found = cache.get_many(keys)
    key_of = {id(hit): k for hit, k in zip(hits, keys, strict=True)}
    missing = [hit for hit, k in zip(hits, keys, strict=True) if k not in found]
    if missing:
        made = {key_of[id(result.hit)]: build(result) for result in present(missing, locale, coach)}
        cache.set_many(made, seconds)
        found.update(made)
    # A hit without a page in this locale (unpublished since it was indexed) has no card.
    return [(hit, found[k]) for hit, k in zip(hits, keys, strict=True) if k in found]


def html_cards(request, hits: list[Hit], locale, coach: set[str], query) -> list[str]:
    """The result cards of the search and map pages, rendered."""
    template = get_template("includes/service_card.html")

    def render(result: Result) -> str:
        return template.render(
            {
                "request": request,
                "query": query,
                "service": result.page,
                "distance": result.hit.distance_km,
                "location": result.location,
                "map_url": result.external_map_url,
                "pathway": result.pathway,
                "open_to_coach": result.open_to_coach,
            }
        )

    def own(hit: Hit) -> list[str]:  # the distance shown and the map link; the host of the link
        distance = "" if hit.distance_km is None else f"{hit.distance_km:.1f}"
        return [distance, repr(hit.point), request.get_host()]

    cards = _cards("html", request, hits, locale, coach, render, own)
    return [mark_safe(card) for _hit, card in cards]


def api_cards(request, hits: list[Hit], locale, coach: set[str], fields) -> list[dict]:
    """The services API's results: `fields(result)` without the hit's own distance, point
    and area, which are added here; its `url` (a path) is made absolute for this host."""
    results = []
    for hit, card in _cards("api", request, hits, locale, coach, fields):
        results.append(
            {
                **card,
                "url": request.build_absolute_uri(card["url"]),
                "distance_km": None if hit.distance_km is None else round(hit.distance_km, 2),
                "point": hit.point,
                "area": hit.area,
            }
        )
    return results
