"""E-mail about referrals: to the people on the other side of a change, in each person's own
language, with a link and no client details (no name, reference, phone or note: an e-mail
may be read by anyone with access to the mailbox)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.mail import send, user_language
from directory.models import Membership, Role
from referrals.models import Referral, State

# What happened, as the recipient reads it. "%(service)s" is the receiving service's name.
SENTENCES = {
    "send": _("A new referral was sent to %(service)s."),
    "accept": _("Your referral to %(service)s was accepted."),
    "decline": _("Your referral to %(service)s was declined."),
    "plan_intake": _("An intake was planned for your referral to %(service)s."),
    "complete": _("The intake for your referral to %(service)s took place."),
    "no_show": _("The client did not come to the intake at %(service)s."),
    "withdraw": _("A referral to %(service)s was withdrawn."),
    "withdraw_consent": _(
        "The client withdrew their consent for a referral to %(service)s: its client details "
        "are no longer shown."
    ),
    "renew_consent": _("The client's consent for a referral to %(service)s was renewed."),
    "consent_expired": _(
        "The client's consent for a referral to %(service)s has expired: the receiving side "
        "no longer sees the client's details until the referring worker renews it."
    ),
    "redirect": _("A referral to %(service)s was redirected to another service."),
    "message": _("There is a new message on a referral to %(service)s."),
    "reminder": _("A referral to %(service)s is waiting for an answer."),
    "escalation": _("A referral to %(service)s has had no answer for too long."),
    "overdue": _(
        "Your referral to %(service)s has had no answer in time; the receiving organisation "
        "was reminded."
    ),
    "intake_reminder": _(
        "A referral to %(service)s was accepted, but no intake has been planned yet."
    ),
    "intake_overdue": _(
        "Your referral to %(service)s was accepted, but no intake was planned in time; the "
        "receiving organisation was reminded."
    ),
}
SENDER_ACTIONS = {"send", "withdraw", "withdraw_consent", "renew_consent"}


def receiving_people(referral: Referral) -> list:
    """Intake workers and coordinators of the receiving organisation."""
    return _members(referral.receiving_organisation_id, (Role.INTAKE_WORKER, Role.COORDINATOR))


def _members(organisation_id, roles) -> list:
    memberships = Membership.objects.filter(
        organisation_id=organisation_id, role__in=roles, user__is_active=True
    ).select_related("user")
    return list({m.user.pk: m.user for m in memberships}.values())


def after(referral_pk: int, action: str, actor_pk: int | None) -> int:
    """Tell the other side about `action`. Returns the number of e-mails sent."""
    referral = Referral.objects.select_related(
        "referring_user", "service", "receiving_organisation"
    ).get(pk=referral_pk)
    if action in SENDER_ACTIONS and referral.state == State.DRAFT:
        return 0  # the receiving side does not know of a draft
    if action in SENDER_ACTIONS or (
        action in ("message", "redirect") and actor_pk == referral.referring_user_id
    ):
        people = receiving_people(referral)
        fallback = referral.receiving_organisation.email if action == "send" else ""
    else:
        people = [referral.referring_user] if referral.referring_user else []
        fallback = ""
    people = [p for p in people if p.pk != actor_pk and p.email]
    sent = sum(_send(person.email, user_language(person), referral, action) for person in people)
    if not people and fallback:
        sent += send_to_organisation(referral, action)
    return sent


def send_to(people, referral: Referral, action: str) -> int:
    return sum(_send(p.email, user_language(p), referral, action) for p in people if p.email)


def send_to_organisation(referral: Referral, action: str) -> int:
    """To the receiving organisation's public address, in the site's language: nobody of the
    organisation uses Brug yet."""
    return _send(referral.receiving_organisation.email, settings.LANGUAGE_CODE, referral, action)


class _Sentence:
    """A translated sentence, filled in when the e-mail is rendered in its reader's language."""

    def __init__(self, text, **values):
        self.text, self.values = text, values

    def __str__(self):
        return str(self.text) % self.values


def link(referral: Referral, action: str) -> str:
    """The referral's page; for the curators' escalation, the overdue list (a curator may
    not open a referral)."""
    if action == "escalation":
        path = reverse("overdue_report") + f"#referral-{referral.pk}"
    else:
        path = reverse("referrals:detail", args=[referral.pk])
    return settings.WAGTAILADMIN_BASE_URL + path


def _send(address: str, language: str, referral: Referral, action: str) -> int:
    context = {
        "sentence": _Sentence(SENTENCES[action], service=referral.service.title),
        "number": str(referral),
        "url": link(referral, action),
    }
    return int(send(address, "referrals/email/update", context, language))
