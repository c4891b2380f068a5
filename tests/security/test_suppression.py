"""Small-number suppression that arithmetic cannot undo: a "< 5" beside a shown total is
protected by hiding more cells (complementary suppression) in the page, the charts' data,
CSV and XLSX alike; a manager sees other organisations' coaches only as one row per
organisation; client feedback shows no share of fewer than five answers in per cent."""

import csv
import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.test import Client

from directory.models import Role, ServiceFeedback
from directory.roles import add_member
from referrals import privacy
from referrals.models import State
from tests.directory.conftest import make_user, orgs, people, shown  # noqa: F401
from tests.referrals.conftest import as_user, english, world  # noqa: F401
from tests.referrals.figures_data import Q1, build, make_referral

pytestmark = pytest.mark.django_db

CASELOAD = "/admin/figures/caseload/"
MARCH = "Open at the end of 2026-03"


def numbers(texts) -> list[int]:
    return [int(t) for t in texts if t.strip().isdigit()]


def table(html: str, table_id: str) -> list[list[str]]:
    found = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in row] for row in cells]


@pytest.fixture
def three_coaches(world):  # noqa: F811
    """Caritas's coaches with 9, 6 and 3 referrals open at the end of March (18 in all)."""
    users = world["users"]
    third = make_user("third_coach")
    add_member(third, world["caritas"], Role.COACH)
    n = 0
    for user, open_referrals in ((users["coach"], 9), (users["other_coach"], 6), (third, 3)):
        for _ in range(open_referrals):
            n += 1
            row = (f"o{n}", f"2026-03-{n:02d}", State.SENT, None, None, "")
            make_referral(world, row, user, world["service"], world["cgg"], [world["need"]], None)
    return world


def assert_not_recoverable(column: dict, total: int):
    """Whoever subtracts the shown cells from the total learns the sum of at least two
    hidden cells, and that sum is at least 5: the 3 cannot be worked out."""
    hidden = [label for label, value in column.items() if not isinstance(value, int)]
    assert column["third_coach"] not in (3, "3")
    assert len(hidden) >= 2, column
    assert total - sum(v for v in column.values() if isinstance(v, int)) >= 5


def test_a_hidden_caseload_cannot_be_worked_out_from_the_total(three_coaches, as_user):  # noqa: F811
    client = as_user("curator")
    html = client.get(CASELOAD, {**Q1, "threshold": 20}).content.decode()
    totals = table(html, "table-caseload-totals")
    coaches_total = next(row for row in totals if row[0] == "Coaches")
    assert coaches_total[-1] == "18"  # March, the total is shown
    rows = table(html, "table-coaches")[1:]
    march = {row[0]: (int(row[-1]) if row[-1].isdigit() else row[-1]) for row in rows}
    open_now = {row[0]: (int(row[1]) if row[1].isdigit() else row[1]) for row in rows}
    assert march["coach"] == 9
    assert_not_recoverable(march, 18)
    assert_not_recoverable(open_now, 18)

    # The chart draws the same: no number where the table hides one.
    found = re.search(r'<script id="chart-coaches" type="application/json">(.*?)</script>', html)
    chart = json.loads(found.group(1))
    drawn = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert drawn["coach"] == 9
    assert_not_recoverable({k: v if v is not None else "–" for k, v in drawn.items()}, 18)

    response = client.get(CASELOAD, {**Q1, "threshold": 20, "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = {r[1]: int(r[3]) if r[3].isdigit() else r[3] for r in rows if r[0] == "Coaches"
              and r[2] == MARCH}  # fmt: skip
    assert_not_recoverable(column, 18)

    response = client.get(CASELOAD, {**Q1, "threshold": 20, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    for figure in ("Open now", MARCH):
        column = {r[1]: r[3] for r in values if r[0] == "Coaches" and r[2] == figure}
        assert_not_recoverable(column, 18)
    # Nor does an overload flag tell anything about a hidden caseload.
    flags = {r[1]: r[3] for r in values if r[0] == "Coaches" and r[2] == "Overloaded"}
    assert flags["other_coach"] in ("–", "") and flags["other_coach"] != "yes"


def test_two_small_cells_that_add_up_to_eight_are_not_both_given_away():
    # 4 + 4 beside a total of 28 with 20 shown: 28 − 20 = 8 would make both 4.
    cells = privacy.protect_partition({"a": 4, "b": 4, "c": 20})
    assert [str(cells[k]) for k in "abc"] == ["< 5", "< 5", "–"]


@pytest.fixture
def named_coaches(world):  # noqa: F811
    data = build(world)
    users = world["users"]
    users["coach"].first_name, users["coach"].last_name = "Zora", "Vermeulen"
    users["coach"].save()
    users["other_coach"].first_name, users["other_coach"].last_name = "Milan", "Peeters"
    users["other_coach"].save()
    return data


def test_a_manager_does_not_see_the_coaches_of_another_organisation(
    world,  # noqa: F811
    named_coaches,
    as_user,  # noqa: F811
):
    # The CGG's manager: every referral the CGG received came from Caritas's coaches.
    client = as_user("receiver_manager")
    html = client.get("/admin/figures/", {**Q1, "by": "coach"}).content.decode()
    assert "Zora" not in html and "Vermeulen" not in html  # nor in the coach filter
    rows = table(html, "table-breakdown")
    labels = [row[0] for row in rows[1:]]
    assert labels == ["Other organisation: Caritas Leuven"]
    assert rows[1][1] == "28"
    response = client.get("/admin/figures/", {**Q1, "by": "coach", "export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert "Zora" not in content and "Other organisation: Caritas Leuven" in content
    assert "Zora" not in client.get(CASELOAD, Q1).content.decode()

    # Caritas's own manager sees their coaches by name.
    own_manager = make_user("caritas_manager")
    add_member(own_manager, world["caritas"], Role.MANAGER)
    client.force_login(own_manager)
    html = client.get("/admin/figures/", {**Q1, "by": "coach"}).content.decode()
    assert "Zora Vermeulen" in html and "Other organisation" not in html


def add_answers(service, count, **fields):
    for _ in range(count):
        ServiceFeedback.objects.create(
            service=service,
            **{
                "got_help": "yes",
                "waited": "days",
                "recommend": "yes",
                "language": "nl",
                **fields,
            },  # fmt: skip
        )


def report_for(people):  # noqa: F811
    client = Client()
    client.force_login(people["editor"])
    return shown(client.get("/admin/reports/feedback/"))


def test_feedback_never_shows_the_share_of_one_person(orgs, people):  # noqa: F811
    service = orgs["own"]["service"]
    add_answers(service, 4)
    before = report_for(people)
    assert "Fewer than 5 answers: not shown" in before
    # The fifth answer, a "No": the report opens, but not with per-answer precision.
    add_answers(service, 1, got_help="no", recommend="no", by_coach=True)
    after = report_for(people)
    assert "Fewer than 5 answers: not shown" not in after
    assert "20%" not in after and "80%" not in after
    assert "No: < 5" in after and "Yes: < 5" in after
    assert "5–9" in after  # the number of answers, banded
    # Once every answer given stands for five or more, per cent.
    add_answers(service, 4, got_help="no")
    add_answers(service, 1, got_help="yes")
    report = report_for(people)
    assert "Yes: 50%" in report and "No: 50%" in report and "10–19" in report
