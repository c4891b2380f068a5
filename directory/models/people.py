"""People: who belongs to which organisation in which role, and the invitations that bring
them in.

Rights come from Django groups and Wagtail's page permissions (see directory/roles.py); these
models only record the facts: a membership (user, organisation, role), the per-organisation
group that holds the page permissions on an organisation's pages in every locale, and
invitations (single use, expiring; only a hash of the token is stored).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles a person can hold in an organisation. Curators are network-wide (a group)."""

    EDITOR = "editor", _("Organisation editor")
    COACH = "coach", _("Coach")
    INTAKE_WORKER = "intake_worker", _("Intake worker")
    MANAGER = "manager", _("Manager")
    # Sees every referral sent or received by the organisation (its referrals' coordinator).
    COORDINATOR = "coordinator", _("Referral coordinator")


class Membership(models.Model):
    """A person's role in an organisation (the organisation's original-language page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("member since"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]
        permissions = [
            ("manage_people", _("Can invite people to organisations and revoke their access")),
            ("review_listings", _("Can see the listings report and correction suggestions")),
            (
                "see_confidential_addresses",
                _("Can see the street address of confidential locations on the public site"),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class OrganisationTeam(models.Model):
    """The group that holds the page permissions on one organisation's pages in every locale."""

    organisation = models.OneToOneField(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="team",
    )
    group = models.OneToOneField(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="team"
    )

    class Meta:
        verbose_name = _("organisation team")
        verbose_name_plural = _("organisation teams")

    def __str__(self):
        return str(self.group)


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail; usable once, until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Withdrawn")

    email = models.EmailField(_("e-mail"))
    organisation = models.ForeignKey(
        "directory.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    # The invite form's random key: the same form sent twice makes (and mails) one invitation
    # (directory/submissions.py).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "submission_key"], name="invitation_submitted_once"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status()).label
