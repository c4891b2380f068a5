"""The referral administrators' group: curators a superuser trusts with every referral, to
export or erase a client's data on request. Nobody is in it by default."""

from django.contrib.auth.models import Group, Permission

REFERRAL_ADMINISTRATORS = "Referral administrators"
PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("directory", "see_referrals"),
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
