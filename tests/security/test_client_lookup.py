"""Finding a client is the referral administrator's alone, and every lookup leaves a trace in
the audit log: who searched, what (a referral number as typed, a case reference only as a
keyed digest) and which client records it found — never a client's name or reference in
the log, whatever was typed. Written from the side of the client whose record is looked up
and of the people who must be refused."""

import pytest
from wagtail.models import ModelLogEntry

from referrals.models import ClientRecord, Referral
from tests.referrals.conftest import referral_form, refused

pytestmark = pytest.mark.django_db

LOOKUP = "/admin/referrals/clients/"
ACTION = "brug.client.looked_up"


@pytest.fixture
def referral(world, as_user):
    response = as_user("coach").post("/admin/referrals/new/", referral_form(world))
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    ClientRecord.objects.filter(pk=referral.client_id).update(reference="CAR-555", name="Leila")
    return referral


def lookups():
    return list(ModelLogEntry.objects.filter(action=ACTION).order_by("pk"))


def test_every_lookup_is_in_the_audit_log_without_the_client(referral, world, as_user):
    administrator = as_user("administrator")
    client_number = f"C-{referral.client_id}"
    for query in ("CAR-555", f"R-{referral.pk}", "Leila", "nobody"):
        assert administrator.get(LOOKUP, {"q": query}).status_code == 200
    entries = lookups()
    assert [e.user_id for e in entries] == [world["users"]["administrator"].pk] * 4
    by_reference, by_number, by_name, by_nothing = (e.data for e in entries)
    assert by_reference["found"] == [client_number]
    assert by_number == {"referral": f"R-{referral.pk}", "found": [client_number]}
    assert by_name["found"] == [] and by_nothing["found"] == []
    # What was typed as text is kept only as a digest: the same text, the same digest (an
    # auditor holding a reference can check it), letter case aside.
    assert by_reference["reference_digest"] != by_name["reference_digest"]
    administrator.get(LOOKUP, {"q": "car-555"})
    assert lookups()[-1].data["reference_digest"] == by_reference["reference_digest"]
    for entry in lookups():
        written = f"{entry.label} {entry.data}"
        assert "Leila" not in written and "CAR-555" not in written.upper()


def test_opening_the_empty_lookup_logs_nothing(referral, as_user):
    assert as_user("administrator").get(LOOKUP).status_code == 200
    assert lookups() == []


@pytest.mark.parametrize(
    "who", ["coach", "intake", "receiver_coordinator", "curator", "receiver_manager", "stranger"]
)
def test_a_non_administrator_is_refused_and_learns_nothing(referral, client, world, who):
    client.force_login(world["users"][who])
    response = client.get(LOOKUP, {"q": "CAR-555"})
    assert refused(response)
    assert "CAR-555" not in response.content.decode()
    assert f"/clients/{referral.client_id}/" not in response.content.decode()
    assert lookups() == []  # refused before any lookup was made
