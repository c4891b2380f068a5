"""A referral's timeline as people read it: one entry per event, oldest first.

A message is one entry, with its text (or, without the right to read it, the fact that one
was sent, referrals.consent); its "message" event stays in the audit trail but is not a
second line. People are named by name and the organisation they act for on this referral,
never by e-mail address (an account made from an invitation has its address as user name).
"""

import datetime
from dataclasses import dataclass

from directory.models import Membership
from referrals.models import Referral

# Events told by another entry of the timeline.
SHOWN_ELSEWHERE = {"message"}


@dataclass
class Entry:
    kind: str  # "event", "message" or "hidden_message"
    at: datetime.datetime
    label: str = ""  # an event's label
    text: str = ""  # a message's text
    who: str = ""  # "name · organisation", or "" for Brug itself


def entries(referral: Referral, show_messages: bool) -> list[Entry]:
    events = [e for e in referral.events.select_related("actor") if e.action not in SHOWN_ELSEWHERE]
    messages = referral.messages.select_related("author")
    if not show_messages:
        messages = messages.defer("text")
    messages = list(messages)
    people = [e.actor for e in events if e.actor] + [m.author for m in messages if m.author]
    names = _names(referral, people)
    found = [
        Entry("event", e.at, label=str(e.label), who=names.get(e.actor_id, "")) for e in events
    ]
    kind = "message" if show_messages else "hidden_message"
    for message in messages:
        text = message.text if show_messages else ""
        found.append(Entry(kind, message.at, text=text, who=names.get(message.author_id, "")))
    return sorted(found, key=lambda entry: entry.at)


def display_name(user) -> str:
    """The person's name; their user name only when it is not an e-mail address."""
    name = user.get_full_name().strip()
    if name:
        return name
    username = user.get_username()
    return "" if "@" in username else username


def _names(referral: Referral, people) -> dict[int, str]:
    """Each person as "name · organisation": the side of this referral they belong to."""
    sides = {
        referral.referring_organisation_id: referral.referring_organisation.title,
        referral.receiving_organisation_id: referral.receiving_organisation.title,
    }
    users = {user.pk: user for user in people}
    organisation_of = {}
    for user_id, organisation_id in Membership.objects.filter(
        user_id__in=users, organisation_id__in=sides
    ).values_list("user_id", "organisation_id"):
        organisation_of.setdefault(user_id, organisation_id)
    if referral.referring_user_id in users:
        organisation_of[referral.referring_user_id] = referral.referring_organisation_id
    names = {}
    for pk, user in users.items():
        parts = [display_name(user), sides.get(organisation_of.get(pk), "")]
        names[pk] = " · ".join(part for part in parts if part)
    return names
