"""Geocoding: the offline gazetteer (a geopy geocoder) and the optional online geocoder,
which may fail without ever stopping a save. The online geocoder under test is a real HTTP
server on 127.0.0.1 speaking Nominatim's format, not a mock of geopy."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from geopy.distance import geodesic
from geopy.location import Location

from directory import geocoding
from directory.geocoding import Gazetteer, PlaceError, locate_address, resolve_place
from directory.models import LocationPage
from tests.directory.test_admin import add_url, location_data

LEUVEN = (50.879, 4.700)


@pytest.fixture(autouse=True)
def english():
    """These tests read the messages in English, whatever an earlier test activated."""
    with translation.override("en"):
        yield


def near(place, point, km=3.0) -> bool:
    return geodesic((place.lat, place.lon), point).km <= km


@pytest.mark.parametrize(
    ("text", "postcode", "point"),
    [
        ("3010", "3010", (50.889, 4.731)),
        ("Kessel-Lo", "3010", (50.889, 4.731)),
        ("kessel lo", "3010", (50.889, 4.731)),
        ("Leuven", "3000", LEUVEN),
        ("Louvain", "3000", LEUVEN),
        ("1000 Bruxelles", "1000", (50.847, 4.352)),
        ("Brussel", "1000", (50.847, 4.352)),
        ("Anvers", "2000", (51.221, 4.400)),
        ("Gand", "9000", (51.040, 3.714)),
        ("3000 Louvain", "3000", LEUVEN),
        ("Kessel-Lo, België", "3010", (50.889, 4.731)),
        ("1011 AB", "1011", (52.374, 4.890)),
    ],
)
def test_the_gazetteer_resolves_postcodes_and_names_in_dutch_and_french(text, postcode, point):
    place = resolve_place(text)
    assert place.postcode == postcode
    assert near(place, point)


def test_a_belgian_postcode_comes_before_the_same_dutch_one():
    # 1060 is Saint-Gilles in Brussels and a part of Amsterdam.
    assert resolve_place("1060").name == "Saint-Gilles"
    assert Gazetteer(("NL", "BE")).matches("1060")[0].country == "NL"
    assert resolve_place("1060 NL").country == "NL"


def test_the_gazetteer_is_a_geopy_geocoder():
    geocoder = Gazetteer()
    location = geocoder.geocode("Kessel-Lo")
    assert isinstance(location, Location)
    assert location.address == "3010 Kessel-Lo (BE)"
    assert geodesic((location.latitude, location.longitude), (50.889, 4.731)).km < 1
    assert location.raw["postcode"] == "3010"
    several = geocoder.geocode("Bergen", exactly_one=False)
    assert {loc.raw["country"] for loc in several} == {"BE", "NL"}
    assert geocoder.geocode("Atlantis") is None


@pytest.mark.parametrize("text", ["Atlantis", "", "   ", "99999", "Belgium", "<script>"])
def test_an_unknown_place_gets_a_clear_message(text):
    with pytest.raises(PlaceError) as error:
        resolve_place(text)
    assert "We do not know" in str(error.value)
    assert "Try a postcode" in str(error.value)


def test_an_ambiguous_name_lists_the_places_it_could_be():
    # Bergen is a town in the Netherlands and the Dutch name of Mons.
    with pytest.raises(PlaceError) as error:
        resolve_place("Bergen")
    message = str(error.value)
    assert "Several places are called “Bergen”" in message
    assert "7000 Mons (BE)" in message
    assert "Bergen (NL)" in message
    assert "Add the postcode" in message
    assert resolve_place("7000 Bergen").name == "Mons"


def test_a_place_called_by_its_own_name_wins_over_another_places_other_name():
    # Saint-Nicolas (Liège) is also called Sint-Niklaas; the Flemish town is meant.
    assert near(resolve_place("Sint-Niklaas"), (51.165, 4.144))


class Geocoder(BaseHTTPRequestHandler):
    """A Nominatim stand-in: answers with `answer` (a status and a body)."""

    answer = (500, b"")
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        type(self).requests.append(self.path)
        status, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def online_geocoder(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Geocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Geocoder.requests = []
    settings.BRUG_GEOCODER = "nominatim"
    settings.BRUG_GEOCODER_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.BRUG_GEOCODER_SCHEME = "http"
    settings.BRUG_GEOCODER_MIN_DELAY = 0
    settings.BRUG_GEOCODER_TIMEOUT = 2
    geocoding._online_geocoder.cache_clear()
    yield Geocoder
    server.shutdown()
    geocoding._online_geocoder.cache_clear()


def nominatim(lat, lon) -> bytes:
    return json.dumps(
        [{"lat": str(lat), "lon": str(lon), "display_name": "Diestsesteenweg 12, Kessel-Lo"}]
    ).encode()


ADDRESS = ("Diestsesteenweg", "12", "3010", "Kessel-Lo", "BE")


def test_without_an_online_geocoder_an_address_gets_its_postcodes_point(settings):
    settings.BRUG_GEOCODER = ""
    found = locate_address(*ADDRESS)
    assert found.precision == "postcode"
    assert geodesic((found.latitude, found.longitude), (50.889, 4.731)).km < 1


def test_the_online_geocoder_places_the_street_address(online_geocoder):
    online_geocoder.answer = (200, nominatim(50.8831, 4.7154))
    found = locate_address(*ADDRESS)
    assert (found.latitude, found.longitude, found.precision) == (50.8831, 4.7154, "address")
    assert len(online_geocoder.requests) == 1
    assert "Diestsesteenweg" in online_geocoder.requests[0]


@pytest.mark.parametrize(
    "answer",
    [(500, b"Internal error"), (429, b"Too many requests"), (200, b"[]"), (200, b"not json")],
    ids=["server-error", "rate-limited", "nothing-found", "garbage"],
)
def test_a_failing_online_geocoder_falls_back_to_the_postcode(online_geocoder, answer):
    online_geocoder.answer = answer
    found = locate_address(*ADDRESS)
    assert found.precision == "postcode"
    assert geodesic((found.latitude, found.longitude), (50.889, 4.731)).km < 1
    assert online_geocoder.requests, "the online geocoder was asked"


def test_an_online_answer_far_from_the_postcode_is_not_believed(online_geocoder):
    online_geocoder.answer = (200, nominatim(48.8566, 2.3522))  # Paris
    assert locate_address(*ADDRESS).precision == "postcode"


def test_an_unreachable_online_geocoder_does_not_stop_a_save(settings, admin_client, organisation):
    settings.BRUG_GEOCODER = "nominatim"
    settings.BRUG_GEOCODER_DOMAIN = "127.0.0.1:9"  # nothing listens on the discard port
    settings.BRUG_GEOCODER_SCHEME = "http"
    settings.BRUG_GEOCODER_MIN_DELAY = 0
    geocoding._online_geocoder.cache_clear()
    data = location_data([], latitude="", longitude="", coordinate_precision="")
    response = admin_client.post(add_url("locationpage", organisation), data)
    geocoding._online_geocoder.cache_clear()
    assert response.status_code == 302
    location = LocationPage.objects.get(slug="ontmoetingshuis", alias_of__isnull=True)
    assert location.coordinate_precision == "postcode"
    assert near(location_place(location), LEUVEN)


def location_place(location):
    return geocoding.Place(
        "BE", "", "", (), float(location.latitude), float(location.longitude), 0, ""
    )


def test_saving_in_the_admin_geocodes_a_new_address_and_keeps_a_placed_pin(
    settings, admin_client, organisation, online_geocoder
):
    online_geocoder.answer = (200, nominatim(50.8790, 4.7010))
    data = location_data([], latitude="", longitude="", coordinate_precision="")
    assert admin_client.post(add_url("locationpage", organisation), data).status_code == 302
    location = LocationPage.objects.get(slug="ontmoetingshuis", alias_of__isnull=True)
    assert (float(location.latitude), float(location.longitude)) == (50.879, 4.701)
    assert location.coordinate_precision == "address"

    # The editor drags the pin: the point is kept and marked as placed by hand.
    edit = f"/admin/pages/{location.pk}/edit/"
    moved = location_data(
        [], latitude="50.880500", longitude="4.702500", coordinate_precision="address"
    )
    assert admin_client.post(edit, moved).status_code == 302
    location.refresh_from_db()
    assert (float(location.latitude), float(location.longitude)) == (50.8805, 4.7025)
    assert location.coordinate_precision == "manual"

    # Saving again without touching the address or the pin keeps the pin.
    requests_before = len(online_geocoder.requests)
    again = location_data(
        [], latitude="50.880500", longitude="4.702500", coordinate_precision="manual"
    )
    assert admin_client.post(edit, again).status_code == 302
    location.refresh_from_db()
    assert location.coordinate_precision == "manual"
    assert len(online_geocoder.requests) == requests_before

    # A new address is geocoded again (the old pin belonged to the old address).
    online_geocoder.answer = (500, b"")
    new_address = location_data(
        [],
        street="Martelarenlaan",
        postcode="3010",
        municipality="Kessel-Lo",
        latitude="50.880500",
        longitude="4.702500",
        coordinate_precision="manual",
    )
    assert admin_client.post(edit, new_address).status_code == 302
    location.refresh_from_db()
    assert location.coordinate_precision == "postcode"
    assert near(location_place(location), (50.889, 4.731), km=1)
