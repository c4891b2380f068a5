"""A curator builds a listing in the Wagtail admin; bad input is refused and saves nothing."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from directory.models import LocationPage, OpeningHours, OrganisationPage, ServicePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client, home):
    user = get_user_model().objects.create_superuser("curator", "curator@example.org", "pw")
    # The admin speaks the curator's chosen language; these tests read English messages.
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(
        preferred_language="en"
    )
    client.force_login(user)
    return client


def shown(response) -> str:
    """The page as the curator reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def add_url(model, parent):
    return f"/admin/pages/add/directory/{model}/{parent.pk}/"


def organisation_data(**overrides):
    data = {
        "title": "Buddywerking Leuven",
        "slug": "buddywerking-leuven",
        "short_description": "Vrijwilligers die nieuwkomers wegwijs maken.",
        "organisation_type": "volunteer",
        "description": rich_text("<p>Een buddy helpt je een jaar lang.</p>"),
        "phone": "016 22 33 44",
        "email": "buddy@example.org",
        "enterprise_number": "",
        "tags": "leuven, buddy",
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def location_data(hours, **overrides):
    data = {
        "title": "Ontmoetingshuis",
        "slug": "ontmoetingshuis",
        "street": "Brusselsestraat",
        "house_number": "12",
        "postcode": "3000",
        "municipality": "Leuven",
        "country": "BE",
        "latitude": "50.878000",
        "longitude": "4.696000",
        "coordinate_precision": "address",
        "wheelchair_access": "yes",
        "opening_hours": inline_formset(hours),
        "hours_exceptions": inline_formset([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def service_data(needs, locations=(), **overrides):
    data = nested_form_data(
        {
            "title": "Buddy voor een jaar",
            "slug": "buddy-voor-een-jaar",
            "summary": "Een vrijwilliger gaat met je mee naar afspraken.",
            "description": rich_text(""),
            "cost": "free",
            "access": "phone",
            "capacity_status": "accepting",
            "tags": "",
            "comments": inline_formset([]),
            "action-publish": "publish",
            **overrides,
        }
    )
    # Multi-valued fields go to the test client as lists.
    data["needs"] = [str(need.pk) for need in needs]
    data["locations"] = [str(location.pk) for location in locations]
    return data


def monday_morning(**overrides):
    return {"weekday": "0", "opens": "09:00", "closes": "12:00", **overrides}


def test_curator_creates_and_publishes_organisation_location_and_service(
    curator_client, organisation_index, housing
):
    response = curator_client.post(
        add_url("organisationpage", organisation_index), organisation_data()
    )
    assert response.status_code == 302, response.context["form"].errors
    organisation = OrganisationPage.objects.get(
        slug="buddywerking-leuven", locale__language_code="nl"
    )
    assert organisation.live
    assert sorted(t.name for t in organisation.tags.all()) == ["buddy", "leuven"]
    # The admin created an alias in every other language, so the page exists everywhere.
    assert (
        OrganisationPage.objects.filter(translation_key=organisation.translation_key).count() == 4
    )

    response = curator_client.post(
        add_url("locationpage", organisation),
        location_data([monday_morning(), monday_morning(opens="13:00", closes="16:00")]),
    )
    assert response.status_code == 302, response.context["form"].errors
    location = LocationPage.objects.get(slug="ontmoetingshuis", locale__language_code="nl")
    assert location.opening_hours.count() == 2

    response = curator_client.post(
        add_url("servicepage", organisation), service_data([housing], [location])
    )
    assert response.status_code == 302, response.context["form"].errors
    service = ServicePage.objects.get(slug="buddy-voor-een-jaar", locale__language_code="nl")
    assert service.live and list(service.locations.all()) == [location]

    public = curator_client.get("/nl/organisations/buddywerking-leuven/buddy-voor-een-jaar/")
    assert "Een vrijwilliger gaat met je mee naar afspraken." in public.content.decode()
    assert "Brusselsestraat 12" in public.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "call us"}, "phone", "8 to 15 digits"),
        ({"enterprise_number": "0123.456.789"}, "enterprise_number", "valid Belgian enterprise"),
        ({"organisation_type": "pirates"}, "organisation_type", "Select a valid choice"),
        ({"short_description": "x" * 201}, "short_description", "200"),
        ({"title": "<script>alert(1)</script>", "email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_organisation_input_is_refused_and_nothing_saved(
    curator_client, organisation_index, overrides, field, message
):
    response = curator_client.post(
        add_url("organisationpage", organisation_index), organisation_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in shown(response)
    assert not OrganisationPage.objects.filter(slug="buddywerking-leuven").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "30AB"}, "postcode", "four digits"),
        ({"postcode": "3000", "country": "NL"}, "postcode", "two letters"),
        ({"latitude": "123"}, "latitude", "90"),
        ({"longitude": "-181"}, "longitude", "-180"),
        ({"latitude": ""}, "longitude", "both latitude and longitude"),
    ],
)
def test_bad_location_input_is_refused_and_nothing_saved(
    curator_client, organisation, overrides, field, message
):
    response = curator_client.post(
        add_url("locationpage", organisation), location_data([monday_morning()], **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in shown(response)
    assert not LocationPage.objects.exists()
    assert not OpeningHours.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (monday_morning(opens="12:00", closes="09:00"), "Closing time must be after opening time"),
        (monday_morning(opens="09:00", closes="09:00"), "Closing time must be after opening time"),
        (
            monday_morning(opens="20:00", closes="21:00", closes_next_day="on"),
            "must close before its opening time",
        ),
        (
            monday_morning(valid_from="2026-12-01", valid_until="2026-11-01"),
            "must not be before",
        ),
    ],
)
def test_bad_opening_hours_are_refused_and_nothing_saved(
    curator_client, organisation, hours, message
):
    response = curator_client.post(add_url("locationpage", organisation), location_data([hours]))
    assert response.status_code == 200
    assert message in shown(response)
    assert not LocationPage.objects.exists()


def test_overnight_hours_are_accepted(curator_client, organisation):
    response = curator_client.post(
        add_url("locationpage", organisation),
        location_data([monday_morning(opens="20:00", closes="08:00", closes_next_day="on")]),
    )
    assert response.status_code == 302
    assert OpeningHours.objects.get(location__locale__language_code="nl").closes_next_day


def test_waiting_list_needs_a_waiting_time(curator_client, organisation, housing):
    response = curator_client.post(
        add_url("servicepage", organisation),
        service_data([housing], capacity_status="waiting_list"),
    )
    assert response.status_code == 200
    assert "waiting time in weeks" in shown(response)
    assert not ServicePage.objects.exists()


def test_taxonomy_is_editable_by_a_curator(curator_client, housing):
    response = curator_client.get(f"/admin/snippets/directory/need/edit/{housing.pk}/")
    assert response.status_code == 200
    assert "Logement" in response.content.decode()


def test_a_need_cannot_have_three_levels(housing):
    from django.core.exceptions import ValidationError

    from directory.models import Need

    grandchild = Need(slug="too-deep", parent=housing.children.get())
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            grandchild.full_clean()
        assert "two levels" in str(error.value)


def test_admin_requires_login(client, home):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
