"""Choosing a service for a referral shows its waiting time and whether an interpreter can
join, where the service has them: in the plain select (without JavaScript, and what the
search-as-you-type field shows once a service is chosen) as in the picker's candidates
(/api/v1/services' capacity_label and interpreter)."""

import re
from html import unescape

import pytest

from directory.models import ServicePage

pytestmark = pytest.mark.django_db


def option_text(html: str, pk: int) -> str:
    found = re.search(rf'<option value="{pk}"[^>]*>(.*?)</option>', html, re.S)
    return unescape(found.group(1))


def test_the_service_select_says_the_waiting_time_and_the_interpreter(world, as_user):
    service = world["service"]
    ServicePage.objects.filter(pk=service.pk).update(
        capacity_status="waiting_list", waiting_weeks=6, interpreter_available=True
    )
    html = as_user("coach").get(f"/admin/referrals/new/?service={service.pk}").content.decode()
    assert option_text(html, service.pk) == (
        "Trauma care – CGG Oost · Waiting list: about 6 weeks · Interpreter available"
    )


def test_a_service_without_them_is_named_as_before(world, as_user):
    service = world["service"]
    ServicePage.objects.filter(pk=service.pk).update(
        capacity_status="accepting", waiting_weeks=None, interpreter_available=False
    )
    html = as_user("coach").get(f"/admin/referrals/new/?service={service.pk}").content.decode()
    assert option_text(html, service.pk) == "Trauma care – CGG Oost"
