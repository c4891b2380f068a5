"""A referral to a service at a confidential location (a safe house) never puts its street on
the referral: the intake form offers the front door, and the referring coach sees nothing of
the address."""

import pytest

from directory.factories import LocationPageFactory, publish
from tests.referrals.conftest import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def safe_house(world):
    location = world["service"].locations.get()
    location.street, location.house_number = "Verborgenstraat", "7"
    location.confidential = True
    location.front_door_phone = "016 11 22 33"
    publish(location)
    return location


def test_the_intake_form_offers_no_confidential_street(world, sent, as_user, safe_house):
    assert act(as_user("intake"), sent, "accept").status_code == 302
    page = as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert 'name="place"' in page  # the intake form is there
    assert "Verborgenstraat" not in page
    assert (
        "Verborgenstraat"
        not in as_user("coach").get(f"/admin/referrals/{sent.pk}/").content.decode()
    )


def test_the_intake_form_offers_the_front_door_location(world, sent, as_user, safe_house):
    door = publish(
        LocationPageFactory(
            parent=world["cgg"],
            title="Onthaal",
            slug="onthaal",
            street="Open Plein",
            house_number="2",
        )
    )
    safe_house.front_door_location = door
    assert act(as_user("intake"), sent, "accept").status_code == 302
    publish(safe_house)
    page = as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert "Open Plein 2" in page
    assert "Verborgenstraat" not in page


def test_a_front_door_that_became_confidential_is_not_offered(world, sent, as_user, safe_house):
    door = publish(
        LocationPageFactory(
            parent=world["cgg"],
            title="Onthaal",
            slug="onthaal",
            street="Open Plein",
            house_number="2",
        )
    )
    safe_house.front_door_location = door
    publish(safe_house)
    door.confidential, door.front_door_phone = True, "016 44 55 66"
    publish(door)
    assert act(as_user("intake"), sent, "accept").status_code == 302
    page = as_user("intake").get(f"/admin/referrals/{sent.pk}/").content.decode()
    assert 'name="place"' in page
    assert "Open Plein" not in page and "Verborgenstraat" not in page
