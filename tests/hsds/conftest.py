"""HSDS test data: the shared `network` (OCMW Leuven, translated into French) plus a French
translation of its service and a confidential shelter with a service limited by eligibility,
dated closures, special hours and a night range."""

from datetime import date, time

from wagtail.models import Locale

from directory.factories import (
    LanguageFactory,
    LocationPageFactory,
    OpeningHoursFactory,
    ServicePageFactory,
    alias_everywhere,
    publish,
)
from directory.models import HoursException
from tests.conftest import index_entries, index_for_search
from tests.layers import layered

SHELTER_STREET = "Geheimestraat"


@layered("network", each_layer=index_entries, each_test=index_for_search)
def hsds_network(network):
    org, service = network["organisation"], network["service"]
    # The French version of the housing service is a real translation (the rest are aliases).
    french = service.get_translation(Locale.objects.get(language_code="fr"))
    french = french.specific
    french.alias_of = None
    french.title = "Accompagnement au logement"
    french.summary = "Aide pour trouver un logement abordable."
    french.save()
    publish(french)

    shelter = LocationPageFactory(
        parent=org,
        title="Vluchthuis",
        slug="vluchthuis",
        street=SHELTER_STREET,
        house_number="13",
        postcode="3010",
        municipality="Kessel-Lo",
        confidential=True,
        front_door_phone="016 11 22 33",
        front_door_email="voordeur@ocmw.example.org",
        front_door_note="Bel eerst: we halen je op aan het onthaal.",
        open_on_public_holidays=True,
    )
    OpeningHoursFactory(
        location=shelter, weekday=4, opens=time(20), closes=time(8), closes_next_day=True
    )
    OpeningHoursFactory(location=shelter, weekday=2, opens=time(9), closes=time(12))
    OpeningHoursFactory(location=shelter, weekday=3, opens=time(9), closes=time(12))
    HoursException.objects.create(
        location=shelter,
        kind="closed",
        starts_on=date(2026, 12, 24),
        ends_on=date(2027, 1, 2),
        note="Kerstvakantie",
    )
    HoursException.objects.create(
        location=shelter,
        kind="special",
        starts_on=date(2027, 7, 1),
        ends_on=date(2027, 8, 31),
        weekday=3,
        opens=time(14),
        closes=time(16),
        by_appointment_only=True,
        note="Zomer",
    )
    publish(shelter)
    alias_everywhere(shelter)

    refuge = ServicePageFactory(
        parent=org,
        title="Opvang voor vrouwen",
        slug="opvang-vrouwen",
        summary="Een veilige plek voor vrouwen en hun kinderen.",
        description="<p>Opvang <b>dag en nacht</b>.</p><ul><li>Gesprekken</li></ul>",
        needs=[network["need"]],
        gender="women",
        age_min=18,
        residence_statuses=["recognised_refugee", "asylum_seeker"],
        service_area=["3000", "3010"],
        documents_to_bring=["identity"],
        contact_name="Onthaal",
        contact_email="opvang@ocmw.example.org",
        contact_phone="016 99 88 77",
        access="phone",
        cost="conditions",
        cost_details="Een kleine bijdrage naar inkomen.",
        capacity_status="closed",
    )
    refuge.languages.set([LanguageFactory(code="ar", native_name="العربية")])
    refuge.locations.set([shelter])
    refuge.tags.add("opvang")
    publish(refuge)
    alias_everywhere(refuge)
    return {**network, "french_service": french, "shelter": shelter, "refuge": refuge}


# Search through the HSDS API runs on both backends, as the product's own search tests do.
from tests.search.conftest import search_backend  # noqa: E402, F401
