"""The referrals app's part of the roles (directory/roles.py makes the groups):

- *Coaches*, *intake workers*, *referral coordinators* (groups): the admin's referral screens,
  through `referrals.see_referrals`, which organisation editors and curators do not hold; which
  referrals each sees follows from their memberships (referrals/access.py).
- *Managers* (group): admin access and `referrals.see_referrals`, for the aggregated figures of
  their organisations' referrals only (referrals/scope.py); they see no referral.
- *Referral administrators* (group): curators a superuser trusts with every referral, to export
  or erase a client's data on request. Nobody is in it by default.
"""

from django.contrib.auth.models import Group, Permission

from directory.roles import COACHES, COORDINATORS, INTAKE_WORKERS, MANAGERS
from referrals.access import SEE_REFERRALS

# Added to the directory's role groups by directory.roles.ensure_roles (registered in
# referrals/wagtail_hooks.py).
ROLE_PERMISSIONS = {
    COACHES: [SEE_REFERRALS],
    INTAKE_WORKERS: [SEE_REFERRALS],
    COORDINATORS: [SEE_REFERRALS],
    MANAGERS: [SEE_REFERRALS],
}

REFERRAL_ADMINISTRATORS = "Referral administrators"
PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("referrals", "see_referrals"),
    ("referrals", "administer_referrals"),
)


def ensure_referral_roles() -> Group:
    group, _created = Group.objects.get_or_create(name=REFERRAL_ADMINISTRATORS)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in PERMISSIONS
        )
    )
    return group
