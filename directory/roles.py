"""Roles, built on Django groups and Wagtail's page permissions (no parallel system).

- *Network curators* (group): edit, publish, move and delete every page, edit the taxonomy
  and the partnerships between organisations, review suggestions and the listings report,
  invite people and revoke access; they are the reviewers of the moderation workflow.
- *Organisation editors* (group): may use the admin and translate; what they may edit comes from
  their organisation's *team* group, which holds "add" and "change" (never "publish") on the
  organisation's page in every locale, so they see and edit exactly that subtree and every
  change they make goes through the curators' review.
- *Translators* (group): volunteers and intercultural workers. "Change" (never "add" or
  "publish") on the home page of every locale but the default one, so they edit and submit for
  review the translations in those trees and nothing else: not the default-locale originals,
  not referrals, not people. `translator_refusal()` closes what Wagtail's "change" would still
  allow there: changing a page that is itself an original, deleting or moving pages.
- *Coaches*, *intake workers*, *referral coordinators*, *managers* (groups): admin access; the
  referrals app adds its own permissions to them (referrals/roles.py, through
  `directory.extension_points.ROLE_PERMISSIONS`).

`ensure_roles()` creates all of it and is idempotent; `setup_site` (and so `make run`) runs it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from directory.extension_points import role_permissions
from directory.mail import record_language, record_missing_languages
from directory.models import Membership, OrganisationPage, OrganisationTeam, Role
from directory.translation_state import source_of

CURATORS = "Network curators"
EDITORS = "Organisation editors"
COACHES = "Coaches"
INTAKE_WORKERS = "Intake workers"
MANAGERS = "Managers"
COORDINATORS = "Referral coordinators"
TRANSLATORS = "Translators"

ROLE_GROUPS = {
    Role.EDITOR: EDITORS,
    Role.COACH: COACHES,
    Role.INTAKE_WORKER: INTAKE_WORKERS,
    Role.MANAGER: MANAGERS,
    Role.COORDINATOR: COORDINATORS,
}

WORKFLOW_NAME = "Curator review"
TASK_NAME = "Curators approve"

MANAGE_PEOPLE = "directory.manage_people"
REVIEW_LISTINGS = "directory.review_listings"

_TAXONOMY = ("need", "targetgroup", "language")

GROUP_PERMISSIONS = {
    CURATORS: [
        "wagtailadmin.access_admin",
        "simple_translation.submit_translation",
        MANAGE_PEOPLE,
        REVIEW_LISTINGS,
        *(f"directory.{verb}_{model}" for model in _TAXONOMY for verb in ("add", "change")),
        *(f"directory.{verb}_{model}" for model in _TAXONOMY for verb in ("delete", "view")),
        "directory.view_correctionsuggestion",
        "directory.change_correctionsuggestion",
        "directory.delete_correctionsuggestion",
        *(f"directory.{verb}_partnership" for verb in ("add", "change", "delete", "view")),
    ],
    EDITORS: ["wagtailadmin.access_admin", "simple_translation.submit_translation"],
    COACHES: ["wagtailadmin.access_admin"],
    INTAKE_WORKERS: ["wagtailadmin.access_admin"],
    COORDINATORS: ["wagtailadmin.access_admin"],
    MANAGERS: ["wagtailadmin.access_admin"],
    TRANSLATORS: ["wagtailadmin.access_admin"],
}

CURATOR_PAGE_PERMISSIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
TEAM_PAGE_PERMISSIONS = ("add", "change")
TRANSLATOR_PAGE_PERMISSIONS = ("change",)
COLLECTION_PERMISSIONS = {
    CURATORS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
    ],
    EDITORS: ["wagtailimages.add_image", "wagtailimages.choose_image"],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(action: str) -> Permission:
    return _permission(f"wagtailcore.{action}_page")


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create the role groups with their permissions, the curators' rights on the page tree
    and the moderation workflow. Safe to run any number of times."""
    groups = {}
    added = role_permissions()
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*(_permission(p) for p in [*permissions, *added.get(name, [])]))
        groups[name] = group

    collection = Collection.get_first_root_node()
    if collection is not None:
        for name, permissions in COLLECTION_PERMISSIONS.items():
            for dotted in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name], collection=collection, permission=_permission(dotted)
                )

    root = Page.get_first_root_node()
    if root is not None:
        for action in CURATOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=groups[CURATORS], page=root, permission=_page_permission(action)
            )
        _ensure_workflow(root, groups[CURATORS])
        _ensure_translator_trees(root, groups[TRANSLATORS])
    # Accounts from before every member got a language (see add_member).
    staff = (
        get_user_model()
        .objects.filter(Q(memberships__isnull=False) | Q(groups=groups[CURATORS]))
        .distinct()
    )
    record_missing_languages(staff)
    return groups


def _ensure_translator_trees(root: Page, translators: Group) -> None:
    """Translators edit every locale's tree but the default one (each locale's home page is a
    child of the root)."""
    homes = root.get_children().exclude(locale__language_code=settings.LANGUAGE_CODE)
    for home in homes:
        for action in TRANSLATOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=translators, page=home, permission=_page_permission(action)
            )


def _other_grants(user, page: Page) -> bool:
    """Whether a group other than the translators lets this person change the page."""
    steplen = Page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    return (
        GroupPagePermission.objects.filter(
            group__user=user,
            page__path__in=paths,
            permission__codename__in=("change_page", "add_page"),
        )
        .exclude(group__name=TRANSLATORS)
        .exists()
    )


def translating_only(user, page: Page) -> bool:
    """True when this person's rights on the page come from the translators' group alone."""
    if not user.is_active or user.is_superuser:
        return False
    if not user.groups.filter(name=TRANSLATORS).exists():
        return False
    return not _other_grants(user, page)


def translator_refusal(user, page: Page, action: str) -> bool:
    """Whether a translator (and nothing more) must be refused `action` ("edit", "delete",
    "move") on the page: they translate, so they never delete or move, and change only a
    translation or an alias (not a page that is the original of its content)."""
    if not translating_only(user, page):
        return False
    if action != "edit":
        return True
    return not page.alias_of_id and source_of(page) is None


def _ensure_workflow(root: Page, curators: Group) -> Workflow:
    """Every page of every locale is reviewed by a curator before it goes live (curators
    themselves can still publish directly: they hold "publish")."""
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(curators)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def curators_group() -> Group:
    return Group.objects.get_or_create(name=CURATORS)[0]


def is_curator(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(MANAGE_PEOPLE))


def team_group(organisation: OrganisationPage) -> Group:
    """The organisation's team group, created on first use, with its page permissions on the
    organisation's page in every locale."""
    organisation = organisation.original()
    team = OrganisationTeam.objects.filter(organisation=organisation).select_related("group")
    if team.exists():
        group = team.get().group
    else:
        name = f"Team {organisation.pk}: {organisation.title}"[:150]
        group = Group.objects.create(name=name)
        OrganisationTeam.objects.create(organisation=organisation, group=group)
    sync_team_permissions(organisation, group)
    return group


def sync_team_permissions(organisation: OrganisationPage, group: Group | None = None) -> None:
    """Grant the team its rights on every locale's version of the organisation (translations
    and aliases share the translation key). Called again when a new locale version appears."""
    if group is None:
        team = OrganisationTeam.objects.filter(
            organisation__translation_key=organisation.translation_key
        ).first()
        if team is None:
            return
        group = team.group
    permissions = [_page_permission(action) for action in TEAM_PAGE_PERMISSIONS]
    for page in OrganisationPage.objects.filter(translation_key=organisation.translation_key):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def add_member(user, organisation: OrganisationPage, role: str, invited_by=None) -> Membership:
    organisation = organisation.original()
    # Brug's e-mails and Wagtail's then agree on the person's language (directory/mail.py).
    record_language(user)
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"invited_by": invited_by}
    )
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
    if role == Role.EDITOR:
        user.groups.add(team_group(organisation))
    return membership


def remove_member(membership: Membership) -> None:
    """End a membership and the rights that came with it (other memberships keep theirs)."""
    user, organisation, role = membership.user, membership.organisation, membership.role
    membership.delete()
    remaining = Membership.objects.filter(user=user)
    if (
        role == Role.EDITOR
        and not remaining.filter(organisation=organisation, role=Role.EDITOR).exists()
    ):
        team = OrganisationTeam.objects.filter(organisation=organisation).first()
        if team is not None:
            user.groups.remove(team.group)
    if not remaining.filter(role=role).exists():
        user.groups.remove(*Group.objects.filter(name=ROLE_GROUPS[role]))


def edited_organisations(user):
    """The organisations (original pages) this person edits."""
    return (
        OrganisationPage.objects.filter(memberships__user=user, memberships__role=Role.EDITOR)
        .distinct()
        .order_by("title")
    )


ROLE_HELP = {
    Role.EDITOR: _("Edits the organisation's listing; changes are reviewed by a curator."),
    Role.COACH: _("Refers clients (referrals)."),
    Role.INTAKE_WORKER: _("Receives referrals for the organisation."),
    Role.MANAGER: _("Sees referral figures for the organisation."),
}
