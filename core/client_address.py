"""The client's address, as the rate limits and django-axes count it.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's, the same for everyone. Each trusted
proxy appends the address it was connected from to X-Forwarded-For, so with N trusted proxies
(setting BRUG_TRUSTED_PROXIES) the N-th entry from the right is the one the outermost proxy
saw: entries left of it are whatever the client sent and are never believed. With 0 (the
default) the header is ignored altogether: without a proxy anyone can forge it."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request) -> str:
    """The client's IP address ("" when there is none)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "BRUG_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        return remote
    # Fewer entries than proxies: a client reached an inner proxy directly; the leftmost
    # entry is then the one a trusted proxy wrote.
    candidate = forwarded[-min(proxies, len(forwarded))]
    return candidate if _valid(candidate) else remote
