"""Freshness: a person confirms that a listing (an organisation and its services) is still
correct; listings not confirmed for a period (BRUG_VERIFICATION_PERIOD_DAYS, six months by
default) are stale: they are flagged in the curators' report and their editors get one
reminder per period with a 'still correct' link (`manage.py send_verification_reminders`,
safe to run daily). A stale listing without any editor goes to the curators instead
(`escalate_without_editors`, the same command): an e-mail with, per organisation, a link to
the invitation form filled in with the organisation and its public address, once per period.

`last_verified` is a live fact (directory/models/live_facts.py): set here for every locale
version at once, kept when a revision is published, and written to the audit log.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.log_actions import log
from wagtail.models import Page

from directory import field_freshness, mail
from directory.models import (
    LocationPage,
    OrganisationPage,
    Role,
    ServicePage,
    VerificationReminder,
)
from directory.signals import listing_facts_changed

SIGNING_SALT = "brug.verification"


def period() -> timedelta:
    return timedelta(days=getattr(settings, "BRUG_VERIFICATION_PERIOD_DAYS", 182))


def link_days() -> int:
    return getattr(settings, "BRUG_VERIFICATION_LINK_DAYS", 30)


def cutoff(today: date | None = None) -> date:
    """Listings last verified before this day are stale."""
    return (today or timezone.localdate()) - period()


def is_stale(verified: date | None, today: date | None = None) -> bool:
    return verified is None or verified < cutoff(today)


def listing_services(organisation: OrganisationPage):
    """The services of an organisation's listing (original pages)."""
    return ServicePage.objects.child_of(organisation.original()).filter(alias_of__isnull=True)


def may_verify(organisation: OrganisationPage, user) -> bool:
    return organisation.original().permissions_for_user(user).can_edit()


@transaction.atomic
def verify_listing(organisation: OrganisationPage, user, today: date | None = None) -> date:
    """Record that `user` confirmed the organisation and its services are correct today."""
    organisation = organisation.original()
    if not may_verify(organisation, user):
        raise PermissionDenied
    day = today or timezone.localdate()
    keys = list(listing_services(organisation).values_list("translation_key", flat=True))
    OrganisationPage.objects.filter(translation_key=organisation.translation_key).update(
        last_verified=day
    )
    ServicePage.objects.filter(translation_key__in=keys).update(last_verified=day)
    organisation.last_verified = day
    # Every tracked field of the listing is confirmed with it (directory.field_freshness).
    field_freshness.confirm(
        [
            organisation,
            *listing_services(organisation),
            *LocationPage.objects.child_of(organisation).filter(alias_of__isnull=True),
        ],
        day,
    )
    log(
        instance=organisation,
        action="brug.verify",
        user=user,
        data={"date": day.isoformat(), "services": len(keys)},
    )
    listing_facts_changed.send(sender=OrganisationPage, pages=[organisation])
    return day


@dataclass
class StaleListing:
    """An organisation whose own date or one of whose services' dates is too old."""

    organisation: OrganisationPage
    stale_services: list = field(default_factory=list)

    @property
    def oldest(self) -> date | None:
        dates = [self.organisation.last_verified] + [
            s.last_verified or self.organisation.last_verified for s in self.stale_services
        ]
        known = [d for d in dates if d is not None]
        return min(known) if len(known) == len(dates) else None


def stale_listings(today: date | None = None) -> list[StaleListing]:
    """Live organisations (originals) with a stale date or a stale service, oldest first."""
    limit = cutoff(today)
    organisations = {
        org.path: org for org in OrganisationPage.objects.live().originals().order_by("title")
    }
    listings = {
        path: StaleListing(org)
        for path, org in organisations.items()
        if is_stale(org.last_verified, today)
    }
    steplen = Page.steplen
    services = (
        ServicePage.objects.live()
        .filter(alias_of__isnull=True, last_verified__lt=limit)
        .order_by("title")
    )
    for service in services:
        parent = service.path[:-steplen]
        if parent in organisations:
            listing = listings.setdefault(parent, StaleListing(organisations[parent]))
            listing.stale_services.append(service)
    return sorted(
        listings.values(),
        key=lambda listing: (listing.oldest or date.min, listing.organisation.title),
    )


def make_token(organisation: OrganisationPage, user) -> str:
    return signing.dumps({"o": organisation.pk, "u": user.pk}, salt=SIGNING_SALT)


def read_token(token: str):
    """(organisation, user) of a 'still correct' link, or None when the link is bad, too old,
    or its person no longer edits the organisation."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=timedelta(days=link_days()))
    except signing.BadSignature:
        return None
    organisation = OrganisationPage.objects.filter(pk=data.get("o")).first()
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if organisation is None or user is None or not may_verify(organisation, user):
        return None
    return organisation, user


def verification_url(organisation, user, language: str) -> str:
    with translation.override(language):
        path = reverse("verify_listing", kwargs={"token": make_token(organisation, user)})
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def reminder_due(organisation: OrganisationPage, today: date | None = None) -> bool:
    """At most one reminder per period: none sent since the period began."""
    since = cutoff(today)
    return not VerificationReminder.objects.filter(
        organisation=organisation, sent_at__date__gt=since
    ).exists()


def editors_of(organisation: OrganisationPage):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation.original(),
            memberships__role=Role.EDITOR,
        )
        .exclude(email="")
        .distinct()
    )


@dataclass
class ReminderRun:
    reminded: list = field(default_factory=list)  # (organisation, number of editors)
    without_editors: list = field(default_factory=list)
    already_reminded: list = field(default_factory=list)


def send_reminders(today: date | None = None, dry_run: bool = False) -> ReminderRun:
    """E-mail the editors of every stale listing that had no reminder this period."""
    run = ReminderRun()
    for listing in stale_listings(today):
        organisation = listing.organisation
        if not reminder_due(organisation, today):
            run.already_reminded.append(organisation)
            continue
        editors = list(editors_of(organisation))
        if not editors:
            run.without_editors.append(organisation)
            continue
        if not dry_run:
            sent = sum(_remind(listing, editor) for editor in editors)
            VerificationReminder.objects.create(organisation=organisation, recipients=sent)
        run.reminded.append((organisation, len(editors)))
    return run


def field_lines(listing: StaleListing) -> list[tuple[str, list[str]]]:
    """Per page of the listing (the organisation, its stale services, its locations): which
    facts changed or were confirmed when, for the reminder (in the active language)."""
    organisation = listing.organisation
    locations = list(LocationPage.objects.child_of(organisation).filter(alias_of__isnull=True))
    pages = [organisation, *listing.stale_services, *locations]
    fallback = {page.pk: getattr(page, "last_verified", None) or organisation.last_verified
                for page in pages}  # fmt: skip
    states = field_freshness.states(pages, fallback)
    return [(page.title, [s.describe() for s in states[page.pk]]) for page in pages]


def _remind(listing: StaleListing, editor) -> bool:
    language = mail.user_language(editor)
    organisation = listing.organisation
    with translation.override(language):
        lines = field_lines(listing)
    return mail.send(
        editor.email,
        "directory/emails/verification_reminder",
        {
            "user": editor,
            "organisation": organisation,
            "services": listing.stale_services,
            "field_lines": lines,
            "verify_link": verification_url(organisation, editor, language),
            "edit_link": settings.WAGTAILADMIN_BASE_URL
            + reverse("wagtailadmin_explore", args=[organisation.pk]),
            "months": round(period().days / 30.4),
            "link_days": link_days(),
        },
        language,
    )


def invite_url(organisation: OrganisationPage) -> str:
    """The curators' invitation form (directory/invitations.py), filled in to invite the
    organisation's public address as its editor: one click sends it."""
    query = urlencode({"organisation": organisation.pk, "email": organisation.email})
    return f"{settings.WAGTAILADMIN_BASE_URL}{reverse('directory_people')}?{query}#invite-heading"


def escalate_without_editors(organisations, today: date | None = None) -> int:
    """Ask the curators to invite an editor for stale listings that have nobody to check
    them (`ReminderRun.without_editors`): one e-mail per curator, in their language. Each
    organisation once per period (a VerificationReminder row whose recipients are the
    curators). Returns the e-mails sent."""
    from directory.roles import CURATORS

    due = [o for o in organisations if reminder_due(o, today)]
    if not due:
        return 0
    curators = list(
        get_user_model()
        .objects.filter(groups__name=CURATORS, is_active=True)
        .exclude(email="")
        .distinct()
    )
    rows = [{"organisation": o, "invite_link": invite_url(o)} for o in due]
    sent = 0
    for curator in curators:
        context = {"rows": rows, "months": round(period().days / 30.4)}
        language = mail.user_language(curator)
        sent += mail.send(curator.email, "directory/emails/no_editor", context, language)
    for organisation in due:
        VerificationReminder.objects.create(organisation=organisation, recipients=len(curators))
    return sent
