"""Values a public page carries that must be new in every response — a form's single-use
stamp — marked where they are made, so that a shared copy of the page
(website/http_caching.py) can be served with fresh ones in their place. A page that made such
a value without marking it is never shared: its holes are what make it shareable."""


def mark(request, kind: str, value: str) -> str:
    """Record `value` (of a kind website.http_caching knows how to make again) as made for
    this response only; returns it."""
    if request is not None:
        request.__dict__.setdefault("_brug_holes", []).append((kind, value))
    return value


def of(request) -> list[tuple[str, str]]:
    return list(getattr(request, "_brug_holes", ()))
