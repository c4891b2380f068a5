"""Rate limits per client address for the public forms (suggestions, feedback), without
storing the address: the cache holds a count under a keyed hash of it, for a limited time."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"brug-{scope}:{digest.hexdigest()[:32]}"


def allow(scope: str, address: str, limit: int, seconds: int = 3600) -> bool:
    """Count one use of `scope` by this address; False once it is over `limit` in the window."""
    key = _key(scope, address or "unknown")
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit


def exceeded(scope: str, address: str, limit: int) -> bool:
    """Whether this address is over `limit` in `scope`'s current window (counts nothing), for
    limits that count only failures but refuse every attempt once over."""
    return (cache.get(_key(scope, address or "unknown")) or 0) > limit
