"""Confidential locations in the admin: a front door is required, the point is snapped to the
municipality (whatever the pin says), the street never goes to an online geocoder, and a
translation cannot publish another address than the original."""

import pytest
from wagtail.models import Locale

from directory.confidentiality import municipality_centre
from directory.factories import LocationPageFactory, publish
from directory.models import LocationPage
from tests.directory import test_admin, test_geocoding
from tests.directory.test_admin import add_url, location_data, shown
from tests.directory.test_geocoding import nominatim

# The admin and geocoder fixtures of those modules.
curator_client = test_admin.curator_client
online_geocoder = test_geocoding.online_geocoder

pytestmark = pytest.mark.django_db

KESSEL_LO = municipality_centre("Kessel-Lo", "3010", "BE")


def confidential(**overrides):
    fields = {
        "title": "Opvanghuis",
        "slug": "opvanghuis",
        "street": "Verborgenstraat",
        "house_number": "17",
        "postcode": "3010",
        "municipality": "Kessel-Lo",
        "latitude": "50.893456",
        "longitude": "4.741234",
        "confidential": "on",
    }
    return location_data([], **{**fields, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({}, "front_door_phone", "needs a front-door contact"),
        ({"front_door_phone": "no phone"}, "front_door_phone", "8 to 15 digits"),
        ({"front_door_email": "nope"}, "front_door_email", "valid email"),
    ],
)
def test_a_confidential_location_without_a_valid_front_door_saves_nothing(
    curator_client, organisation, overrides, field, message
):
    response = curator_client.post(add_url("locationpage", organisation), confidential(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in shown(response)
    assert not LocationPage.objects.exists()


def test_the_front_door_must_be_another_public_location(curator_client, organisation):
    hidden = publish(
        LocationPageFactory(
            parent=organisation,
            slug="ander-huis",
            confidential=True,
            front_door_phone="016 11 22 33",
        )
    )
    response = curator_client.post(
        add_url("locationpage", organisation),
        confidential(front_door_location=str(hidden.pk)),
    )
    assert response.status_code == 200
    assert "must be a location with a public address" in shown(response)
    assert not LocationPage.objects.filter(slug="opvanghuis").exists()

    edit = f"/admin/pages/{hidden.pk}/edit/"
    response = curator_client.post(
        edit, confidential(slug="ander-huis", front_door_location=str(hidden.pk))
    )
    assert "cannot be its own front door" in shown(response)


def test_saving_snaps_the_point_and_never_asks_the_online_geocoder(
    curator_client, organisation, online_geocoder
):
    online_geocoder.answer = (200, nominatim(50.893456, 4.741234))
    response = curator_client.post(
        add_url("locationpage", organisation), confidential(front_door_phone="016 11 22 33")
    )
    assert response.status_code == 302, response.context["form"].errors
    location = LocationPage.objects.get(slug="opvanghuis", alias_of__isnull=True)
    assert (float(location.latitude), float(location.longitude)) == KESSEL_LO
    assert location.coordinate_precision == "municipality"
    assert online_geocoder.requests == []
    # Every locale's version (aliases) holds the same snapped point.
    for version in LocationPage.objects.filter(translation_key=location.translation_key):
        assert (float(version.latitude), float(version.longitude)) == KESSEL_LO

    # Dragging the pin to the door does not move it either.
    moved = confidential(front_door_phone="016 11 22 33", latitude="50.8935", longitude="4.7413")
    assert curator_client.post(f"/admin/pages/{location.pk}/edit/", moved).status_code == 302
    location.refresh_from_db()
    assert (float(location.latitude), float(location.longitude)) == KESSEL_LO


def test_a_translation_takes_the_place_from_the_original(organisation):
    original = publish(LocationPageFactory(parent=organisation, slug="huis"))
    french = original.copy_for_translation(
        Locale.objects.get(language_code="fr"), copy_parents=True
    )
    french.street = "Rue inventée"
    french.confidential = False
    publish(french)
    french.refresh_from_db()
    assert french.street == original.street

    # Marking the original confidential makes every version confidential and snapped.
    original.confidential = True
    original.front_door_phone = "016 11 22 33"
    publish(original)
    french.refresh_from_db()
    assert french.confidential and french.coordinate_precision == "municipality"
    assert french.front_door_phone == "016 11 22 33"
