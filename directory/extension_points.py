"""The hooks through which apps above the directory add to it, so that the directory (its code
and its templates) never names them. Apps register with Wagtail's hook registry in their
`wagtail_hooks.py`: `@hooks.register(extension_points.REFER_URL)`.

- `REFER_URL`: `fn(request) -> str | None`, the address where the visitor starts a referral to
  a service (the service's key goes in `?service=`), or None when they may not. The service
  page and the map's popups show "Refer a client" only with an address.
- `ROLE_PERMISSIONS`: `fn() -> dict[group name, list of "app_label.codename"]`, permissions
  that `directory.roles.ensure_roles` adds to its role groups (e.g. the referral screens for
  coaches).
"""

from wagtail import hooks

REFER_URL = "directory_refer_url"
ROLE_PERMISSIONS = "directory_role_permissions"


def refer_url(request) -> str | None:
    """The first address a registered app gives for starting a referral, if any."""
    for fn in hooks.get_hooks(REFER_URL):
        url = fn(request)
        if url:
            return url
    return None


def role_permissions() -> dict[str, list[str]]:
    """The permissions other apps add to the role groups, by group name."""
    added: dict[str, list[str]] = {}
    for fn in hooks.get_hooks(ROLE_PERMISSIONS):
        for group, permissions in fn().items():
            added.setdefault(group, []).extend(permissions)
    return added
