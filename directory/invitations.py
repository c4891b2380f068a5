"""Onboarding: a curator invites a person to an organisation by e-mail; the person follows the
link once, before it expires, and sets a password (or, with an account already, just joins).

Only a SHA-256 hash of the token is stored, so a copy of the database cannot be used to accept
an invitation. Every step writes the audit log on the organisation's page.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from directory import mail, submissions
from directory.models import Invitation, Membership, OrganisationPage, Role
from directory.roles import add_member, remove_member


class InvitationError(Exception):
    """An invitation that cannot be used, with a message for the person holding the link."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def valid_days() -> int:
    return getattr(settings, "BRUG_INVITATION_VALID_DAYS", 7)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(invitation: Invitation, token: str) -> str:
    with translation.override(invitation.language):
        path = reverse("invitation", kwargs={"token": token})
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    validate_email(value)
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def invite(
    *,
    email: str,
    organisation: OrganisationPage,
    invited_by,
    role=Role.EDITOR,
    language=None,
    key=None,
) -> tuple[Invitation, str, bool]:
    """Create an invitation and e-mail it. Returns (invitation, link, mail_sent); the link is
    shown to the curator only when the mail could not be sent. Earlier pending invitations for
    the same person and organisation are withdrawn. `key` is the form's submission key: the
    same form sent again by the same curator makes and mails nothing and returns the first
    invitation with `replayed` set (and no link: only its hash is kept)."""
    email = normalise_email(email)
    organisation = organisation.original()
    if role not in Role.values:
        raise ValidationError(_("Choose a role."), code="role")
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, role=role
    ).exists():
        raise ValidationError(
            _("%(email)s already has this role in %(organisation)s."),
            code="member",
            params={"email": email, "organisation": organisation.title},
        )
    token = secrets.token_urlsafe(32)

    def make():
        now = timezone.now()
        Invitation.objects.pending(now).filter(
            email__iexact=email, organisation=organisation, role=role
        ).update(revoked_at=now)
        return Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            language=language,
            token_hash=hash_token(token),
            created_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=valid_days()),
            submission_key=key,
        )

    invitation, made = submissions.create_once(Invitation, key, {"created_by": invited_by}, make)
    invitation.replayed = not made
    if not made:
        return invitation, "", False
    log(
        instance=organisation,
        action="brug.invite",
        user=invited_by,
        data={"email": email, "role": role},
    )
    link = invitation_url(invitation, token)
    sent = mail.send(
        email,
        "directory/emails/invitation",
        {
            "invitation": invitation,
            "organisation": organisation,
            "link": link,
            "inviter": invited_by.get_full_name() or invited_by.get_username(),
            "role": Role(role).label,
            "days": valid_days(),
        },
        language,
    )
    return invitation, link, sent


def find(token: str) -> Invitation:
    """The invitation for a link, or InvitationError saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied the whole link."),
            "invalid",
        )
    status = invitation.status()
    if status == Invitation.Status.ACCEPTED:
        raise InvitationError(
            _("This invitation has already been used. Sign in with your e-mail and password."),
            "used",
        )
    if status == Invitation.Status.REVOKED:
        raise InvitationError(
            _("This invitation was withdrawn. Ask the network's curators for a new one."),
            "revoked",
        )
    if status == Invitation.Status.EXPIRED:
        raise InvitationError(
            _("This invitation has expired. Ask the network's curators for a new one."),
            "expired",
        )
    return invitation


def existing_user(invitation: Invitation):
    return get_user_model().objects.filter(email__iexact=invitation.email).first()


def check_password(invitation: Invitation, password: str, first_name="", last_name="") -> None:
    """Django's password validators, against the account about to be created."""
    user_model = get_user_model()
    candidate = user_model(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    validate_password(password, candidate)


@transaction.atomic
def accept(token: str, *, password=None, first_name="", last_name="", user=None):
    """Use the invitation: create the account (or take the signed-in `user` whose e-mail it
    was sent to) and give them the role. Single use: the row is locked and checked again."""
    invitation = find(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation = find(token)  # re-checked under the lock: a double submit finds it used
    if user is None:
        if existing_user(invitation) is not None:
            raise InvitationError(
                _("You already have an account: sign in first, then open the link again."),
                "sign_in",
            )
        check_password(invitation, password, first_name, last_name)
        user = get_user_model().objects.create_user(
            username=invitation.email,
            email=invitation.email,
            password=password,
            first_name=first_name[:150],
            last_name=last_name[:150],
        )
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = mail.admin_language(invitation.language)
        profile.save()
    elif (user.email or "").lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation was sent to another e-mail address than your account's."),
            "other_user",
        )
    mail.record_language(user, invitation.language)  # an existing account that never chose one
    add_member(user, invitation.organisation, invitation.role, invited_by=invitation.created_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log(
        instance=invitation.organisation,
        action="brug.member.add",
        user=user,
        data={"email": invitation.email, "role": invitation.role},
    )
    return user


@transaction.atomic
def withdraw(invitation: Invitation, by) -> None:
    if invitation.status() == Invitation.Status.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log(
            instance=invitation.organisation,
            action="brug.invitation.withdraw",
            user=by,
            data={"email": invitation.email, "role": invitation.role},
        )


@transaction.atomic
def revoke(membership: Membership, by) -> None:
    """Take a person's role in an organisation away (their account stays, without it)."""
    organisation = membership.organisation
    data = {"email": membership.user.email, "role": membership.role}
    remove_member(membership)
    log(instance=organisation, action="brug.member.remove", user=by, data=data)
