"""An ended project is no referral target: the new-referral form does not offer it, refuses
it when posted or linked, and a draft to a project that has since ended cannot be sent."""

import datetime

import pytest
from django.utils import timezone

from directory.models import ServicePage
from directory.projects import update_states
from referrals.models import Referral
from tests.referrals.conftest import act, referral_form

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def end_project(service, on):
    """The service becomes a project ending on `on` (as an editor's published change)."""
    service.project_ends_on = on
    service.save_revision().publish()
    return ServicePage.objects.get(pk=service.pk)


def choices(response) -> str:
    return response.content.decode().split('name="service"')[1].split("</select>")[0]


def test_an_ended_project_is_not_offered_nor_accepted(world, as_user):
    ended = end_project(world["service"], timezone.localdate() - DAY)
    assert ended.project_state == "ended"
    coach = as_user("coach")
    form = coach.get(f"/admin/referrals/new/?service={ended.translation_key}")
    assert form.status_code == 200
    offered = choices(form)
    assert f'value="{ended.pk}"' not in offered and "Trauma care" not in offered
    assert 'value="" selected' in offered
    # A running service's link chooses it.
    running = world["caw_service"]
    offered = choices(coach.get(f"/admin/referrals/new/?service={running.translation_key}"))
    assert "Listening and advice" in offered

    response = coach.post("/admin/referrals/new/", referral_form(world, service=ended.pk))
    assert response.status_code == 400
    assert "This service does not accept referrals through Brug." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_running_project_can_be_referred_to(world, as_user):
    running = end_project(world["service"], timezone.localdate() + 30 * DAY)
    assert running.project_state == "running"
    response = as_user("coach").post("/admin/referrals/new/", referral_form(world))
    assert response.status_code == 302
    assert Referral.objects.get().service_id == running.pk


def test_a_draft_to_a_project_that_ended_since_cannot_be_sent(world, as_user):
    end_project(world["service"], timezone.localdate())  # its last day
    as_user("coach").post("/admin/referrals/new/", referral_form(world, action="draft"))
    referral = Referral.objects.get()
    update_states(timezone.localdate() + DAY)  # the night after: ended
    response = act(as_user("coach"), referral, "send")
    assert response.status_code == 400
    assert "does not accept referrals" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == "draft"
