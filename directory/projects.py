"""Projects with a lifetime: a service with a start or an end date is a project. Before its
start it is *upcoming* ("starts on …"), after its end *ended* ("This project ended on …"):
still at its URL, with its successor or similar running services, but out of search and the
map by default and not a referral target. The state is stored on every language version
(`project_state`), recomputed on save and moved each night by `manage.py
update_project_states`, which tells the search index (directory.signals)."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.signals import listing_facts_changed


class ProjectState(models.TextChoices):
    NONE = "", _("Not a project")
    UPCOMING = "upcoming", _("Starts later")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


def state_on(starts_on, ends_on, day: datetime.date | None = None) -> str:
    """The state of a project with these dates on `day` (today in the site's time zone)."""
    if starts_on is None and ends_on is None:
        return ProjectState.NONE
    day = day or timezone.localdate()
    if ends_on is not None and ends_on < day:
        return ProjectState.ENDED
    if starts_on is not None and starts_on > day:
        return ProjectState.UPCOMING
    return ProjectState.RUNNING


def similar_running(service, limit: int = 3) -> list:
    """Live services in the same language sharing a need with this one that are not ended
    (for an ended project without a successor)."""
    from directory.models import ServicePage

    # A preview of a revision holds its needs in memory (modelcluster), not in the database.
    needs = [need.pk for need in service.needs.all()]
    if not needs:
        return []
    return list(
        ServicePage.objects.live()
        .filter(locale=service.locale, needs__in=needs)
        .exclude(translation_key=service.translation_key)
        .exclude(project_state=ProjectState.ENDED)
        .distinct()
        .order_by("title")[:limit]
    )


def update_states(day: datetime.date | None = None) -> list:
    """Move every project whose state changed by `day`; the originals that moved (the search
    index follows through `listing_facts_changed`)."""
    from directory.models import ServicePage

    moved = []
    projects = ServicePage.objects.filter(
        models.Q(project_starts_on__isnull=False) | models.Q(project_ends_on__isnull=False)
    ).originals()
    for service in projects.only(
        "pk", "translation_key", "project_starts_on", "project_ends_on", "project_state"
    ):
        state = state_on(service.project_starts_on, service.project_ends_on, day)
        if state != service.project_state:
            ServicePage.objects.filter(translation_key=service.translation_key).update(
                project_state=state
            )
            service.project_state = state
            moved.append(service)
    if moved:
        listing_facts_changed.send(sender=ServicePage, pages=moved)
    return moved
