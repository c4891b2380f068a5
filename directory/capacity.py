"""Capacity ('accepting new clients', waiting list, full) is a live fact: an organisation's
editor changes it in one click and it goes live at once, without moderation, in every locale.
The audit log keeps who changed it from what to what."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from directory.field_freshness import record_changes
from directory.models import ServicePage
from directory.models.services import Capacity
from directory.signals import listing_facts_changed

MAX_WAITING_WEEKS = 104


def describe(status: str, weeks) -> str:
    label = str(Capacity(status).label)
    return f"{label} ({weeks})" if status == Capacity.WAITING_LIST else label


def label(service) -> str:
    """A service's capacity in words, in the active language (as includes/capacity.html)."""
    if service.capacity_status == Capacity.WAITING_LIST and service.waiting_weeks is not None:
        weeks = service.waiting_weeks
        return ngettext(
            "Waiting list: about %(weeks)s week", "Waiting list: about %(weeks)s weeks", weeks
        ) % {"weeks": weeks}
    return str(Capacity(service.capacity_status).label)


def is_open_to_new_clients(service) -> bool:
    """Accepting: a referral to a full or closed service needs the sender's confirmation."""
    return service.capacity_status == Capacity.ACCEPTING


@transaction.atomic
def set_capacity(service: ServicePage, status: str, waiting_weeks, user) -> ServicePage:
    """Set a service's capacity everywhere. Raises PermissionDenied for someone who may not
    edit the service and ValidationError for a bad value (nothing is changed then)."""
    source = service.source_page()
    if not source.permissions_for_user(user).can_edit():
        raise PermissionDenied
    if status not in Capacity.values:
        raise ValidationError(_("Choose one of the capacity options."), code="status")
    if status == Capacity.WAITING_LIST:
        try:
            waiting_weeks = int(waiting_weeks)
        except (TypeError, ValueError):
            raise ValidationError(
                _("Give the waiting time in weeks (a whole number) for a waiting list."),
                code="weeks",
            ) from None
        if not 0 <= waiting_weeks <= MAX_WAITING_WEEKS:
            raise ValidationError(
                _("The waiting time must be between 0 and %(max)s weeks."),
                code="weeks",
                params={"max": MAX_WAITING_WEEKS},
            )
    else:
        waiting_weeks = None
    old = (source.capacity_status, source.waiting_weeks)
    if old == (status, waiting_weeks):
        return source
    ServicePage.objects.filter(translation_key=source.translation_key).update(
        capacity_status=status, waiting_weeks=waiting_weeks
    )
    source.capacity_status, source.waiting_weeks = status, waiting_weeks
    record_changes(source)
    log(
        instance=source,
        action="brug.capacity",
        user=user,
        data={
            "old": {"status": old[0], "weeks": old[1]},
            "new": {"status": status, "weeks": waiting_weeks},
        },
    )
    # Listeners (the search index) do their work after the commit.
    listing_facts_changed.send(sender=ServicePage, pages=[source])
    return source
