"""CSV formula injection: a name typed by one person (a service, an organisation, a coach)
must not run as a formula in the spreadsheet of the curator or manager who exports it.
Every CSV export neutralises text starting with = + - @ tab or CR (a leading quote); XLSX
keeps such a name as text. Numbers stay numbers."""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from directory.models import OrganisationPage, ServicePage
from directory.spreadsheets import FORMULA_STARTS
from tests.directory.conftest import orgs, people  # noqa: F401
from tests.referrals.conftest import as_user, english, world  # noqa: F401
from tests.referrals.figures_data import Q1, build

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x","y")'
FIGURES = "/admin/figures/"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_cells(response) -> list:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [cell for row in book.active.iter_rows() for cell in row]


def assert_neutralised(rows):
    """No cell would run as a formula, and the evil name is there, quoted."""
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], cells
    assert any(c.startswith("'" + EVIL) for c in cells)


def assert_text(cells):
    evil = [c for c in cells if isinstance(c.value, str) and c.value.startswith(EVIL)]
    assert evil
    for cell in evil:
        assert cell.data_type == "s"  # text, not a formula


@pytest.fixture
def evil_figures(world):  # noqa: F811
    """The figures' data set, with the receiving service and a coach given formula names."""
    data = build(world)
    ServicePage.objects.filter(pk=world["service"].pk).update(title=EVIL)
    coach = world["users"]["coach"]
    coach.first_name, coach.last_name = EVIL, ""
    coach.save()
    return data


@pytest.mark.parametrize(
    "path, params",
    [
        ("", {"by": "service"}),
        ("", {"by": "coach"}),
        ("caseload/", {}),
        ("gaps/", {}),
    ],
)
def test_every_figures_export_keeps_a_formula_name_as_text(
    evil_figures,
    as_user,  # noqa: F811
    path,
    params,
):
    client = as_user("curator")
    url = f"{FIGURES}{path}"
    rows = csv_rows(client.get(url, {**Q1, **params, "export": "csv"}))
    assert_neutralised(rows)
    # Numbers are still numbers: a count is written as digits, not quoted.
    assert any(row[3].isdigit() for row in rows[1:])
    assert_text(xlsx_cells(client.get(url, {**Q1, **params, "export": "xlsx"})))


@pytest.fixture
def curator(people):  # noqa: F811
    client = Client()
    client.force_login(people["curator"])
    return client


def test_the_listings_report_keeps_a_formula_name_as_text(orgs, curator):  # noqa: F811
    # An organisation never verified is on the report, under its (evil) name.
    OrganisationPage.objects.filter(slug="buddy").update(title=EVIL, last_verified=None)
    ServicePage.objects.update(title="+SUM(1;2)", last_verified=None)
    rows = csv_rows(curator.get("/admin/reports/listings/?export=csv"))
    assert_neutralised(rows)
    assert any(c == "'+SUM(1;2)" for row in rows for c in row)
    assert_text(xlsx_cells(curator.get("/admin/reports/listings/?export=xlsx")))


@pytest.mark.parametrize("report", ["aging-pages", "locked"])
def test_wagtails_own_reports_keep_a_formula_title_as_text(orgs, report):  # noqa: F811
    """Wagtail's reports list page titles that an editor typed."""
    from django.contrib.auth import get_user_model

    ServicePage.objects.update(title=EVIL, locked=True)
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    rows = csv_rows(admin.get(f"/admin/reports/{report}/?export=csv"))
    assert_neutralised(rows)
    assert any("'" + EVIL in row for row in rows)


def test_only_text_is_quoted_not_numbers():
    from directory.spreadsheets import SafeSpreadsheetExportMixin

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["a", "b", "c", "d", "e"])
    SafeSpreadsheetExportMixin().write_csv_row(
        writer, {"a": -3, "b": "-3", "c": "@me", "d": "\tx", "e": "12.5"}
    )
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["-3", "'-3", "'@me", "'\tx", "12.5"]


def test_every_spreadsheet_export_of_the_product_goes_through_the_safe_writer():
    """A new export that forgets the safe mixin fails here."""
    from django.urls import get_resolver
    from wagtail import hooks
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from directory.spreadsheets import SafeSpreadsheetExportMixin

    hooks.search_for_hooks()
    get_resolver().url_patterns  # noqa: B018 (imports every view module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [
        cls
        for cls in subclasses(SpreadsheetExportMixin)
        if cls.__module__.split(".")[0] in {"directory", "referrals", "search", "website"}
    ]
    names = {cls.__name__ for cls in ours}
    assert {"FiguresView", "ListingReportView"} <= names
    assert [c for c in ours if not issubclass(c, SafeSpreadsheetExportMixin)] == []
