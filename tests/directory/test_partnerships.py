"""Partnerships: a curator records that two organisations work together, or an editor of one
proposes it and the other side confirms; both organisations' public pages (in every language)
and the API show the confirmed ones in force; nobody else may record, confirm, change or
delete one."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from directory.models import OrganisationPage, Partnership, Role, ServicePage
from directory.roles import add_member
from tests.layers import layered

from .conftest import make_organisation, make_user, shown

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def in_locale(page, code):
    return type(page).objects.get(translation_key=page.translation_key, locale__language_code=code)


def record(organisation, partner, **fields):
    services = fields.pop("services", [])
    fields.setdefault("confirmed_at", timezone.now())
    partnership = Partnership.objects.create(
        organisation=organisation,
        partner=partner,
        kind=fields.pop("kind", "referral_agreement"),
        **fields,
    )
    partnership.services.set(services)
    return partnership


@layered("organisation_index", "housing")
def third(organisation_index, housing):
    """A third organisation with its own editor."""
    made = make_organisation(organisation_index, "cgg", "CGG Vlaams-Brabant", housing)
    made["editor"] = make_user("third_editor")
    add_member(made["editor"], made["organisation"], Role.EDITOR)
    return made


def admin_form(organisation, partner, services=(), **overrides):
    return {
        "organisation": str(organisation.pk),
        "partner": str(partner.pk),
        "kind": "joint_project",
        "starts_on": "2018-02-01",
        "ends_on": "",
        "services": [str(service.pk) for service in services],
        **overrides,
    }


def test_a_curator_records_a_partnership(people, orgs):
    own, other = orgs["own"], orgs["other"]
    curator = Client()
    curator.force_login(people["curator"])
    form = shown(curator.get("/admin/partnerships/new/"))
    assert "Buddy Leuven" in form and "CAW Oost" in form
    # One choice per organisation, not one per language version.
    assert form.count(">Buddy Leuven<") == 2

    response = curator.post(
        "/admin/partnerships/new/",
        admin_form(own["organisation"], other["organisation"], services=[own["service"]]),
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert (partnership.organisation_id, partnership.partner_id) == (
        own["organisation"].pk,
        other["organisation"].pk,
    )
    assert partnership.kind == "joint_project"
    assert partnership.starts_on == datetime.date(2018, 2, 1) and partnership.ends_on is None
    assert list(partnership.services.all()) == [own["service"]]
    assert partnership.recorded_by == people["curator"]
    assert partnership.confirmed_at is not None  # a curator's record needs no other side
    assert '"/admin/partnerships/"' in shown(curator.get("/admin/"))  # the menu
    listing = shown(curator.get("/admin/partnerships/"))
    assert "Buddy Leuven" in listing and "CAW Oost" in listing and "Joint project" in listing


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"partner": "own"}, "partner", "An organisation cannot be its own partner."),
        ({"ends_on": "2017-01-31"}, "ends_on", "The end date is before the start date."),
        ({"services": "third"}, "services", "Only services of the two organisations"),
    ],
)
def test_the_form_refuses_what_cannot_be(people, orgs, third, overrides, field, message):
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    data = admin_form(own, other)
    if overrides.get("partner") == "own":
        data["partner"] = str(own.pk)
    elif overrides.get("services") == "third":
        data["services"] = [str(third["service"].pk)]
    else:
        data.update(overrides)
    curator = Client()
    curator.force_login(people["curator"])
    response = curator.post("/admin/partnerships/new/", data)
    assert response.status_code == 200
    assert message in shown(response)
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("who", ["third_editor", "editor", "coach", "manager"])
def test_only_curators_record_change_or_delete_partnerships(people, orgs, third, who):
    """An editor of a third organisation (or of one of the two sides, or anyone else but a
    curator) cannot record, change or delete a partnership between two organisations."""
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    existing = record(own, other, starts_on=datetime.date(2020, 1, 1))
    person = third["editor"] if who == "third_editor" else people[who]
    client = Client()
    client.force_login(person)

    for url in ("/admin/partnerships/", "/admin/partnerships/new/"):
        refused = client.get(url)
        # Wagtail's refusal: back to the dashboard, with "no permission".
        assert (refused.status_code, refused.get("Location")) in {(403, None), (302, "/admin/")}
    client.post("/admin/partnerships/new/", admin_form(own, third["organisation"]))
    client.post(
        f"/admin/partnerships/edit/{existing.pk}/",
        admin_form(own, other, kind="funding", starts_on="2020-01-01"),
    )
    client.post(f"/admin/partnerships/delete/{existing.pk}/")

    assert list(Partnership.objects.values_list("pk", "kind")) == [
        (existing.pk, "referral_agreement")
    ]
    assert '"/admin/partnerships/"' not in shown(client.get("/admin/"))  # the menu


@pytest.mark.parametrize("code, date_words", [("nl", "1 februari 2018"), ("fr", "1 février 2018")])
def test_both_public_pages_say_who_they_work_with(client, orgs, code, date_words):
    own, other = orgs["own"], orgs["other"]
    record(
        own["organisation"],
        other["organisation"],
        starts_on=datetime.date(2018, 2, 1),
        services=[other["service"]],
    )
    own_page = in_locale(own["organisation"], code)
    other_page = in_locale(other["organisation"], code)

    with translation.override(code):
        heading = translation.gettext("Works with")
        kind = translation.gettext("Referral agreement")
        since = translation.gettext("since %(date)s") % {"date": date_words}

    seen_by_own = shown(client.get(own_page.url))
    section = seen_by_own[seen_by_own.index('id="partners-heading"') :]
    assert heading in section
    assert f'href="{other_page.url}"' in section and "CAW Oost" in section
    assert kind in section and since in section
    # The service concerned, in the same language version.
    assert f'href="{in_locale(other["service"], code).url}"' in section
    assert "CAW Oost housing help" in section
    assert other_page.url.startswith(f"/{code}/")

    seen_by_other = shown(client.get(other_page.url))
    section = seen_by_other[seen_by_other.index('id="partners-heading"') :]
    assert f'href="{own_page.url}"' in section and "Buddy Leuven" in section
    assert kind in section and since in section


def test_only_current_partnerships_are_shown(client, orgs, third):
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    day = datetime.timedelta(days=1)
    record(own, other, kind="funding", ends_on=TODAY - day)  # ended yesterday
    record(own, third["organisation"], kind="co_location", starts_on=TODAY + day)  # tomorrow
    page = shown(client.get(in_locale(own, "en").url))
    assert 'id="partners-heading"' not in page

    record(own, other, kind="joint_project", starts_on=TODAY - day, ends_on=TODAY)
    page = shown(client.get(in_locale(own, "en").url))
    section = page[page.index('id="partners-heading"') :]
    assert "Joint project" in section and "Funding" not in section
    assert "Co-location" not in section and "CGG Vlaams-Brabant" not in section


def test_an_unpublished_partner_is_not_shown(client, orgs):
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    record(own, other)
    OrganisationPage.objects.filter(translation_key=other.translation_key).update(live=False)
    assert 'id="partners-heading"' not in shown(client.get(in_locale(own, "en").url))


def test_the_api_lists_who_an_organisation_works_with(client, orgs):
    own, other = orgs["own"], orgs["other"]
    record(
        own["organisation"],
        other["organisation"],
        kind="joint_project",
        starts_on=datetime.date(2018, 2, 1),
        ends_on=TODAY + datetime.timedelta(days=30),
        services=[own["service"]],
    )
    key = own["organisation"].translation_key
    answer = client.get(f"/api/v1/organisations/{key}?lang=fr")
    assert answer.status_code == 200
    data = answer.json()
    assert data["id"] == str(key) and data["name"] == "Buddy Leuven"
    assert data["url"].endswith(in_locale(own["organisation"], "fr").url)
    [link] = data["works_with"]
    assert link["id"] == str(other["organisation"].translation_key)
    assert link["name"] == "CAW Oost"
    assert link["url"].endswith(in_locale(other["organisation"], "fr").url)
    assert link["kind"] == "joint_project"
    with translation.override("fr"):
        assert link["kind_label"] == translation.gettext("Joint project")
    assert link["starts_on"] == "2018-02-01"
    assert link["ends_on"] == (TODAY + datetime.timedelta(days=30)).isoformat()
    service = in_locale(own["service"], "fr")
    assert link["services"] == [
        {
            "id": str(service.translation_key),
            "name": "Buddy Leuven housing help",
            "url": f"http://testserver{service.url}",
        }
    ]
    # The other side lists it too.
    other_answer = client.get(f"/api/v1/organisations/{other['organisation'].translation_key}")
    assert [w["name"] for w in other_answer.json()["works_with"]] == ["Buddy Leuven"]


def test_the_api_answers_unknown_and_bad_ids_with_errors(client, orgs):
    missing = client.get("/api/v1/organisations/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "organisation_id" in missing.json()["errors"]
    bad = client.get("/api/v1/organisations/not-an-id")
    assert bad.status_code == 404 and "organisation_id" in bad.json()["errors"]
    assert ServicePage.objects.exists()  # the fixtures are there: the ids were the problem


def propose_form(organisation, partner, **overrides):
    return {
        "organisation": str(organisation.pk),
        "partner": str(partner.pk),
        "kind": "referral_agreement",
        "starts_on": "2024-03-01",
        "ends_on": "",
        **overrides,
    }


def test_an_editor_proposes_and_the_other_side_confirms(client, people, orgs):
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    editor = Client()
    editor.force_login(people["editor"])
    screen = shown(editor.get("/admin/our-partnerships/"))
    assert "Propose a partnership" in screen
    assert '"/admin/our-partnerships/"' in shown(editor.get("/admin/"))  # the menu
    response = editor.post("/admin/our-partnerships/", propose_form(own, other))
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.organisation_confirmed_at and not partnership.partner_confirmed_at
    assert partnership.confirmed_at is None and partnership.recorded_by == people["editor"]
    # Not public while only one side has said so; the proposer cannot confirm for the other.
    assert 'id="partners-heading"' not in shown(client.get(in_locale(own, "en").url))
    assert "Waiting for CAW Oost" in shown(editor.get("/admin/our-partnerships/"))
    editor.post(f"/admin/our-partnerships/{partnership.pk}/confirm/")
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None

    other_editor = Client()
    other_editor.force_login(people["other_editor"])
    waiting = shown(other_editor.get("/admin/our-partnerships/"))
    assert f"/admin/our-partnerships/{partnership.pk}/confirm/" in waiting
    assert (
        other_editor.post(f"/admin/our-partnerships/{partnership.pk}/confirm/").status_code == 302
    )
    partnership.refresh_from_db()
    assert partnership.partner_confirmed_at and partnership.confirmed_at
    page = shown(client.get(in_locale(other, "en").url))
    assert "Buddy Leuven" in page[page.index('id="partners-heading"') :]


def test_a_curator_confirms_a_proposal(people, orgs):
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    editor = Client()
    editor.force_login(people["editor"])
    editor.post("/admin/our-partnerships/", propose_form(own, other))
    partnership = Partnership.objects.get()
    curator = Client()
    curator.force_login(people["curator"])
    curator.post(f"/admin/our-partnerships/{partnership.pk}/confirm/")
    partnership.refresh_from_db()
    assert partnership.confirmed_at is not None


def test_an_editor_of_a_third_organisation_can_neither_propose_nor_confirm(people, orgs, third):
    """The partnership is between Buddy Leuven and CAW Oost; CGG's editor is outside it."""
    own, other = orgs["own"]["organisation"], orgs["other"]["organisation"]
    outsider = Client()
    outsider.force_login(third["editor"])
    # Proposing for someone else's organisation: refused by the form, nothing saved.
    response = outsider.post("/admin/our-partnerships/", propose_form(own, other))
    assert response.status_code == 400
    assert "Select a valid choice" in shown(response)
    assert not Partnership.objects.exists()

    editor = Client()
    editor.force_login(people["editor"])
    editor.post("/admin/our-partnerships/", propose_form(own, other))
    partnership = Partnership.objects.get()
    refused = outsider.post(f"/admin/our-partnerships/{partnership.pk}/confirm/")
    assert (refused.status_code, refused.get("Location")) in {(403, None), (302, "/admin/")}
    assert f"/admin/our-partnerships/{partnership.pk}/confirm/" not in shown(
        outsider.get("/admin/our-partnerships/")
    )
    assert f'data-partnership="{partnership.pk}"' not in shown(
        outsider.get("/admin/our-partnerships/")
    )
    partnership.refresh_from_db()
    assert partnership.partner_confirmed_at is None and partnership.confirmed_at is None


@pytest.mark.parametrize("who", ["coach", "manager"])
def test_people_who_edit_no_organisation_have_no_partnerships_screen(people, orgs, who):
    client = Client()
    client.force_login(people[who])
    assert client.get("/admin/our-partnerships/").status_code in (302, 403)


@pytest.mark.parametrize("code", ["nl", "fr"])
def test_a_service_names_the_partners_of_the_partnerships_that_concern_it(client, orgs, code):
    """A project's funders and partners: the partnerships recorded for it, over its whole
    lifetime (an ended partnership still names who took part)."""
    own, other = orgs["own"], orgs["other"]
    record(
        other["organisation"],
        own["organisation"],
        kind="funding",
        ends_on=TODAY - datetime.timedelta(days=400),
        services=[own["service"]],
    )
    page = shown(client.get(in_locale(own["service"], code).url))
    with translation.override(code):
        partners = translation.gettext("Partners:")
        funding = translation.gettext("Funding")
    line = page[page.index("data-partners") :]
    line = line[: line.index("</p>")]
    assert partners in line and funding in line
    assert f'href="{in_locale(other["organisation"], code).url}"' in line and "CAW Oost" in line
    # Not on a service it does not concern, nor while unconfirmed.
    assert "data-partners" not in shown(client.get(in_locale(other["service"], code).url))
    Partnership.objects.update(confirmed_at=None)
    assert "data-partners" not in shown(client.get(in_locale(own["service"], code).url))
