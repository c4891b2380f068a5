"""The hooks through which apps above the directory add to it, so that the directory (its code
and its templates) never names them. Apps register with Wagtail's hook registry in their
`wagtail_hooks.py`: `@hooks.register(extension_points.REFER_URL)`.

- `REFER_URL`: `fn(request) -> str | None`, the address where the visitor starts a referral to
  a service (the service's key goes in `?service=`), or None when they may not. The service
  page, every service card (search results, the map's list) and the map's popups show
  "Refer" only with an address.
- `ROLE_PERMISSIONS`: `fn() -> dict[group name, list of "app_label.codename"]`, permissions
  that `directory.roles.ensure_roles` adds to its role groups (e.g. the referral screens for
  coaches).
"""

from wagtail import hooks

from directory import private_pages

REFER_URL = "directory_refer_url"
ROLE_PERMISSIONS = "directory_role_permissions"

_UNASKED = object()


def refer_url(request) -> str | None:
    """The first address a registered app gives for starting a referral, if any. Asked once
    per request (a page of cards asks for every card). A page that shows it is that person's
    own: it is marked private, so no shared cache keeps it (directory.private_pages)."""
    found = getattr(request, "_brug_refer_url", _UNASKED)
    if found is _UNASKED:
        found = None
        for fn in hooks.get_hooks(REFER_URL):
            found = fn(request)
            if found:
                break
        request._brug_refer_url = found or None
    if found:
        private_pages.mark_personal(request)
    return found or None


def role_permissions() -> dict[str, list[str]]:
    """The permissions other apps add to the role groups, by group name."""
    added: dict[str, list[str]] = {}
    for fn in hooks.get_hooks(ROLE_PERMISSIONS):
        for group, permissions in fn().items():
            added.setdefault(group, []).extend(permissions)
    return added
