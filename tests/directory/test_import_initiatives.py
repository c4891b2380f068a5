"""manage.py import_initiatives: an initiatives list (CSV) into draft projects under curator
review, matched by the duplicate rules, idempotent, with partners as unconfirmed joint-project
partnerships and a report per row of what could not be mapped."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import PageLogEntry, Revision, WorkflowState

from directory import initiatives
from directory.factories import OrganisationPageFactory, publish
from directory.models import (
    DuplicateCandidate,
    OrganisationPage,
    Partnership,
    ServicePage,
    TargetGroupLabel,
)
from directory.roles import curators_group, ensure_roles
from directory.written_dates import parse_date, split_period
from website.management.commands.load_demo import INITIATIVES

HEADER = ["name", "organisation", "description", "target group", "place", "partners", "start",
          "end", "contact"]  # fmt: skip
HOUSING_PROJECT = [
    "Huisvesting na erkenning",
    "CPAS Louvain",  # OCMW Leuven in French: the same organisation
    "Samen een woning zoeken.\n\nWorkshops en een housing-café.",
    "Réfugiés reconnus",
    "Gent, Luik",
    "CAW Oost-Brabant",
    "1 februari 2018",
    "31 januari 2019",
    "Jan Peeters, jan@ocmw.example.org, 016 24 80 10",
]


def csv_text(*rows, delimiter=";") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if any(c in value for c in ';,"\n') else value

    return "\n".join(delimiter.join(cell(v) for v in row) for row in (HEADER, *rows)) + "\n"


def write(tmp_path, *rows, delimiter=";", encoding="utf-8-sig", name="initiatives.csv"):
    path = tmp_path / name
    path.write_bytes(csv_text(*rows, delimiter=delimiter).encode(encoding))
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_initiatives", str(path), "--curator", "curator", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def curator(network):
    ensure_roles()
    user = get_user_model().objects.create_user("curator", password="x")
    user.groups.add(curators_group())
    # The French label is how a Walloon list names the group.
    group = network["service"].target_groups.get()
    TargetGroupLabel.objects.create(target_group=group, language="fr", label="Réfugiés reconnus")
    return user


@pytest.fixture
def caw(network):
    caw = OrganisationPageFactory(
        parent=network["organisation"].get_parent(), title="CAW Oost-Brabant", slug="caw"
    )
    return publish(caw)


def counts() -> tuple[int, ...]:
    return (
        OrganisationPage.objects.count(),
        ServicePage.objects.count(),
        Partnership.objects.count(),
        Revision.objects.count(),
        WorkflowState.objects.count(),
        PageLogEntry.objects.count(),
    )


def test_a_dry_run_writes_nothing_and_prints_the_plan(tmp_path, curator, caw):
    before = counts()
    output = run(write(tmp_path, HOUSING_PROJECT), "--dry-run")
    assert counts() == before
    assert "row 2: created project “Huisvesting na erkenning” of OCMW Leuven" in output
    assert "row 2: created partnership OCMW Leuven – CAW Oost-Brabant" in output
    assert "Dry run, nothing written: would create 2," in output


def test_a_real_run_creates_drafts_under_review_with_the_mapped_fields(
    tmp_path, client, curator, caw
):
    output = run(write(tmp_path, HOUSING_PROJECT))
    project = ServicePage.objects.get(title="Huisvesting na erkenning")
    assert not project.live
    assert project.get_parent().specific == OrganisationPage.objects.get(
        slug="ocmw-leuven", locale__language_code="nl"
    )
    assert project.summary == "Samen een woning zoeken."
    assert "housing-café" in project.description
    assert (project.project_starts_on, project.project_ends_on) == (
        date(2018, 2, 1),
        date(2019, 1, 31),
    )
    assert project.project_ended  # ended on 31 January 2019
    assert project.focus_regions == ["Gent", "Liège"]
    assert [g.slug for g in project.target_groups.all()] == ["recognised-refugee"]
    assert (project.contact_name, project.contact_email, project.contact_phone) == (
        "Jan Peeters",
        "jan@ocmw.example.org",
        "+3216248010",
    )
    state = WorkflowState.objects.get(object_id=str(project.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == curator
    partnership = Partnership.objects.get()
    assert (partnership.organisation.title, partnership.partner.title) == (
        "OCMW Leuven",
        "CAW Oost-Brabant",
    )
    assert partnership.kind == "joint_project" and partnership.recorded_by == curator
    assert partnership.confirmed_at is None  # a curator confirms it on review
    assert list(partnership.services.all()) == [project]
    assert (partnership.starts_on, partnership.ends_on) == (date(2018, 2, 1), date(2019, 1, 31))
    assert "Created 2, unchanged 0, matched 0, problems 0 (1 rows)." in output
    # The curator finds it on the dashboard, awaiting their review.
    client.force_login(curator)
    dashboard = client.get("/admin/").content.decode()
    awaiting = dashboard.split('id="awaiting-review-section"', 1)[1].split("</section>", 1)[0]
    assert "Huisvesting na erkenning" in awaiting


def test_a_second_run_changes_nothing(tmp_path, curator, caw):
    path = write(tmp_path, HOUSING_PROJECT, ["Buddy's", "Welkom vzw", "", "", "", "", "", "", ""])
    run(path)
    before = counts()
    output = run(path)
    assert counts() == before
    assert "created" not in output
    assert "row 2: unchanged (imported before): “Huisvesting na erkenning”" in output
    assert "row 3: unchanged (imported before): “Buddy's”" in output


def test_an_existing_service_is_matched_and_an_unknown_organisation_drafted(tmp_path, curator, caw):
    existing = ServicePage.objects.get(slug="woonbegeleiding", locale__language_code="nl")
    services = ServicePage.objects.count()
    rows = [
        ["Woonbegeleiding", "OCMW Leuven", "", "", "Leuven", "", "", "", ""],
        ["Taalcafé", "Welkom vzw", "", "", "Aarschot", "", "2026-01-05", "", ""],
    ]
    output = run(write(tmp_path, *rows))
    assert "row 2: matches an existing listing: “Woonbegeleiding” = Woonbegeleiding" in output
    assert existing.specific_class.objects.get(pk=existing.pk).latest_revision == (
        existing.latest_revision
    )  # left unchanged
    # The unknown organisation is a draft under review, with its project.
    welkom = OrganisationPage.objects.get(title="Welkom vzw")
    assert not welkom.live
    assert WorkflowState.objects.filter(object_id=str(welkom.pk)).exists()
    assert "row 3: created organisation “Welkom vzw” (draft, for review)" in output
    assert ServicePage.objects.count() == services + 1
    assert ServicePage.objects.get(title="Taalcafé").get_parent().pk == welkom.pk
    # And a second Welkom row goes to the draft, not to a second organisation.
    run(write(tmp_path, ["Praattafel", "Welkom VZW", "", "", "", "", "", "", ""], name="2.csv"))
    assert OrganisationPage.objects.filter(title__iexact="Welkom vzw").count() == 1


def test_a_new_organisation_like_another_is_flagged_for_the_curators(tmp_path, curator):
    run(write(tmp_path, ["Huisvesting", "OCMW Leuven Noord", "", "", "Gent", "", "", "", ""]))
    drafted = OrganisationPage.objects.get(title="OCMW Leuven Noord")
    flagged = DuplicateCandidate.objects.get(page=drafted)
    assert flagged.other.title == "OCMW Leuven" and flagged.found_by == "import"


def test_bad_rows_are_reported_by_row_and_field_while_good_rows_import(tmp_path, curator, caw):
    rows = [
        ["Project Atlantis", "OCMW Leuven", "", "", "Leuven, Atlantis", "", "", "", ""],
        ["Project Datum", "OCMW Leuven", "", "", "", "", "31 februari 2018", "morgen", ""],
        ["Project Telefoon", "OCMW Leuven", "", "", "", "", "", "", "0000000000"],
        ["", "OCMW Leuven", "Zonder naam", "", "", "", "", "", ""],
        ["Project Zonder", "", "", "", "", "", "", "", ""],
        ["Project Rest", "OCMW Leuven", "", "Marsmannetjes", "", "Nergens vzw", "", "", "a@b"],
        ["Project Goed", "OCMW Leuven", "", "", "", "", "2026-01-01", "", ""],
    ]
    output = run(write(tmp_path, *rows))
    assert "row 2: place: unknown place “Atlantis”" in output
    assert ServicePage.objects.get(title="Project Atlantis").focus_regions == ["Leuven"]
    assert "row 3: start: “31 februari 2018” is not a date" in output
    assert "row 3: end: “morgen” is not a date" in output
    dated = ServicePage.objects.get(title="Project Datum")
    assert dated.project_starts_on is None and dated.project_ends_on is None
    assert "row 4: contact: 0000000000: This is not a phone number." in output
    assert ServicePage.objects.get(title="Project Telefoon").contact_phone == ""
    assert "row 5: name: no name: row not imported" in output
    assert "row 6: organisation: no organisation: row not imported" in output
    assert not ServicePage.objects.filter(title="Project Zonder").exists()
    assert "row 7: target group: no target group “Marsmannetjes”" in output
    assert "row 7: partners: no organisation “Nergens vzw”" in output
    assert "row 7: contact: a@b: Enter a valid email address." in output
    assert ServicePage.objects.get(title="Project Goed").project_starts_on == date(2026, 1, 1)
    assert "problems 9 (7 rows)" in output


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ";"), ("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-8", "\t")],
)
def test_excel_files_are_read_whatever_the_separator_and_encoding(tmp_path, encoding, delimiter):
    path = write(tmp_path, HOUSING_PROJECT, delimiter=delimiter, encoding=encoding)
    rows, problems = initiatives.read(path)
    assert problems == []
    assert [row.number for row in rows] == [2]
    assert rows[0].get("organisation") == "CPAS Louvain"
    assert rows[0].get("target group") == "Réfugiés reconnus"
    assert (
        rows[0].get("description") == "Samen een woning zoeken.\n\nWorkshops en een housing-café."
    )


def test_dutch_headers_are_read_and_unknown_columns_reported(tmp_path):
    path = tmp_path / "lijst.csv"
    path.write_text("Naam;Organisatie;Doelgroep;Budget\nBuddy;Vzw Oever;Iedereen;100\n")
    rows, problems = initiatives.read(path)
    assert rows[0].values == {
        "name": "Buddy",
        "organisation": "Vzw Oever",
        "target group": "Iedereen",
    }
    assert [(p.row, p.field, p.reason) for p in problems] == [
        (None, "Budget", "unknown column, not read")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file or directory"),
        (b"PK\x03\x04\x14\x00", "this is not a CSV file"),
        (b"", "the file is empty"),
        (b"sep=;\r\n", "no header row"),
        (b"titel;omschrijving\nx;y\n", "no 'organisation' column"),
        (b"\x81\x8d\x8f\x90;\x9d\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_a_file_that_cannot_be_read_fails_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "initiatives.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_initiatives", str(path), "--curator", "curator")


@pytest.mark.parametrize(
    ("text", "last_day", "expected"),
    [
        ("2018-02-01", False, date(2018, 2, 1)),
        ("1 februari 2018", False, date(2018, 2, 1)),
        ("31 januari 2019", False, date(2019, 1, 31)),
        ("1er février 2018", False, date(2018, 2, 1)),
        ("1 Février 2018", False, date(2018, 2, 1)),
        ("15 mrt. 2019", False, date(2019, 3, 15)),
        ("1/2/2018", False, date(2018, 2, 1)),
        ("01.02.2018", False, date(2018, 2, 1)),
        ("oktober 2016", False, date(2016, 10, 1)),
        ("februari 2020", True, date(2020, 2, 29)),
    ],
)
def test_written_dates(text, last_day, expected):
    assert parse_date(text, last_day=last_day) == expected


@pytest.mark.parametrize("text", ["31 februari 2018", "morgen", "13/13/2018", "1 brumaire 2018"])
def test_what_is_no_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_period_in_one_cell_gives_both_ends():
    assert split_period("1 februari 2018 – 31 januari 2019") == (
        "1 februari 2018",
        "31 januari 2019",
    )
    assert split_period("2018-02-01") == ("2018-02-01", "")


def test_the_demo_sample_holds_the_source_texts_projects():
    rows, problems = initiatives.read(INITIATIVES)
    assert problems == []
    by_name = {row.get("name"): row for row in rows}
    assert len(rows) <= 6
    housing = by_name["De toegang tot duurzame kwalitatieve huisvesting faciliteren"]
    assert (housing.get("start"), housing.get("end")) == ("1 februari 2018", "31 januari 2019")
    assert "Fedasil" in housing.get("partners")
    assert (
        by_name["Integrale begeleiding voor de meest kwetsbare vluchtelingen in Leuven"].get(
            "partners"
        )
        == "OCMW Leuven"
    )
    assert by_name["Integratiecoach"].get("organisation") == "OCMW Beersel"


def test_load_demo_imports_the_sample_for_review_once(network):
    """The demo's step (no curator yet: `make run` makes the accounts after): the drafts still
    wait in the review workflow, and loading again adds nothing."""
    from website.management.commands.load_demo import Command

    ensure_roles()
    command = Command(stdout=StringIO())
    command.import_initiatives()
    drafts = ServicePage.objects.filter(live=False)
    assert set(drafts.values_list("title", flat=True)) >= {
        "De toegang tot duurzame kwalitatieve huisvesting faciliteren"
    }
    housing = drafts.get(title__startswith="De toegang")
    assert housing.project_ended
    assert housing.focus_regions == ["Gent", "Antwerpen", "Liège", "Bruxelles"]
    assert WorkflowState.objects.filter(object_id=str(housing.pk), requested_by=None).exists()
    # OCMW Leuven is the network's: Caritas' partner there is found.
    assert Partnership.objects.filter(partner__slug="ocmw-leuven", confirmed_at=None).exists()
    before = counts()
    command.import_initiatives()
    assert counts() == before
    assert "0 drafts and partnerships for review, 3 imported before" in command.stdout.getvalue()


def test_excels_separator_hint_is_read(tmp_path):
    path = tmp_path / "initiatives.csv"
    path.write_text("sep=;\nname;organisation\nBuddy, taal en meer;Vzw Oever\n", encoding="utf-8")
    rows, problems = initiatives.read(path)
    assert problems == [] and rows[0].values == {
        "name": "Buddy, taal en meer",
        "organisation": "Vzw Oever",
    }
    assert rows[0].number == 2  # as Excel shows it: the hint is no row there


def test_the_curator_previews_an_imported_ended_project(tmp_path, client, curator, caw):
    run(write(tmp_path, HOUSING_PROJECT))
    project = ServicePage.objects.get(title="Huisvesting na erkenning")
    client.force_login(curator)
    response = client.get(f"/admin/pages/{project.pk}/view_draft/")
    assert response.status_code == 200
    assert "Huisvesting na erkenning" in response.content.decode()


def test_a_partnership_already_recorded_is_not_doubled(tmp_path, curator, caw):
    Partnership.objects.create(
        organisation=caw,
        partner=OrganisationPage.objects.get(slug="ocmw-leuven", locale__language_code="nl"),
        kind="referral_agreement",
        confirmed_at="2025-01-01T00:00Z",
    )
    output = run(write(tmp_path, HOUSING_PROJECT))
    assert Partnership.objects.count() == 1
    assert (
        "row 2: partners: CAW Oost-Brabant: already a partner of OCMW Leuven (referral "
        "agreement, without this project)"
    ) in output


def test_a_drafted_organisation_renamed_since_is_reported_not_recreated(tmp_path, curator, caw):
    """The key made from the list's name stays with the draft after a curator renames it (or
    merges it away): the next import of that name reports the row instead of failing."""
    run(write(tmp_path, ["Taalcafé", "Welkom vzw", "", "", "", "", "", "", ""]))
    OrganisationPage.objects.filter(title="Welkom vzw").update(title="Welkom Leuven")
    before = counts()
    output = run(
        write(tmp_path, ["Praattafel", "Welkom vzw", "", "", "", "", "", "", ""], name="2.csv")
    )
    assert counts() == before
    assert "row 2" in output and "renamed or merged since" in output
