"""A small, fully known network for the directory and public-page tests."""

from datetime import time

import pytest

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    NeedFactory,
    OpeningHoursFactory,
    OrganisationPageFactory,
    ServicePageFactory,
    TargetGroupFactory,
    alias_everywhere,
    publish,
)


@pytest.fixture
def housing(db):
    housing = NeedFactory(
        slug="housing",
        pictogram="housing",
        labels={"nl": ("Wonen", "woning"), "fr": "Logement", "en": "Housing", "ar": "السكن"},
    )
    NeedFactory(slug="social-housing", parent=housing, labels={"nl": "Sociale woning"})
    return housing


@pytest.fixture
def network(organisation_index, housing):
    """OCMW Leuven (translated into French) with one Dutch-only housing service."""
    from wagtail.models import Locale

    refugees = TargetGroupFactory(slug="recognised-refugee", labels={"nl": "Erkende vluchtelingen"})
    dari = LanguageFactory(code="prs", native_name="دری")
    org = OrganisationPageFactory(
        parent=organisation_index,
        title="OCMW Leuven",
        slug="ocmw-leuven",
        organisation_type="public_social_service",
        short_description="Sociale dienst van de stad Leuven.",
        email="info@ocmw.example.org",
    )
    publish(org)
    french = org.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.title = "CPAS Louvain"
    french.short_description = "Service social de la ville de Louvain."
    publish(french)
    alias_everywhere(org)

    location = LocationPageFactory(parent=org, title="Sociaal Huis", slug="sociaal-huis")
    OpeningHoursFactory(location=location, weekday=0, opens=time(9), closes=time(12))
    OpeningHoursFactory(location=location, weekday=0, opens=time(13, 30), closes=time(16))
    publish(location)
    alias_everywhere(location)

    service = ServicePageFactory(
        parent=org,
        title="Woonbegeleiding",
        slug="woonbegeleiding",
        summary="Hulp bij het zoeken naar een betaalbare woning.",
        needs=[housing.children.get()],
        capacity_status="waiting_list",
        waiting_weeks=6,
        interpreter_available=True,
    )
    service.target_groups.set([refugees])
    service.languages.set([dari])
    service.locations.set([location])
    publish(service)
    alias_everywhere(service)
    return {"organisation": org, "location": location, "service": service, "need": housing}
