"""The managers' figures on a fixed data set (tests/referrals/figures_data.py), every number
worked out by hand; the filters, the small-number suppression, the exports and who may see
them."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import override_settings

from directory.models import Role
from directory.roles import add_member
from referrals import analytics, privacy
from referrals.scope import Scope
from tests.directory.conftest import make_user
from tests.referrals.conftest import refused
from tests.referrals.figures_data import Q1, build

URL = "/admin/figures/"


@pytest.fixture
def data(world):
    return build(world)


def q1(**extra):
    import datetime

    return analytics.Filters(
        start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31), **extra
    )


def texts(cells):
    return {key: str(cell) for key, cell in cells.items()}


# The figures, by hand -------------------------------------------------------------------


def test_outcomes_of_set_a_by_hand(world, data):
    """Set A alone (the CGG as receiving organisation, the first quarter)."""
    figures = analytics.outcomes(
        Scope(network=True), q1(receiving_organisation=world["cgg"].pk), "need"
    )
    assert not figures.too_few
    counts = texts(figures.counts)
    # 10 completed + 2 no-show + 6 declined + 4 withdrawn + 1 redirected + 5 open = 28.
    assert counts["sent"] == "28"
    # Accepted: 10 completed, 2 no-show, 3 withdrawn after accepting, 2 accepted, 1 planned.
    assert counts["accepted"] == "18"
    assert counts["answered"] == "24"  # 18 accepted + 6 declined
    assert counts["declined"] == "6"
    assert counts["completed"] == "10"
    assert counts["open"] == "5"
    # 2, 4 and 1: three small cells — no single one can be worked out from the total.
    assert counts["no_show"] == counts["withdrawn"] == counts["redirected"] == "< 5"
    # Declines: full 5, not eligible 1. With the total (6) shown, 1 would follow from 6 − 5;
    # hiding the 5 as well is not enough (a "–" is at least 5: 6 − 5 = 1 again), so the
    # whole line is hidden, zeros included.
    assert texts(figures.declines) == {
        "full": "–",
        "not_eligible": "–",
        "wrong_service": "–",
        "other": "–",
    }
    # Acceptance 18 ÷ 24 = 75.0 %; completion 10 ÷ (10 + 2 + 3) = 66.7 %; no-show 2 ÷ 12:
    # hidden (2 is a small number).
    assert texts(figures.rates) == {"acceptance": "75.0 %", "completion": "66.7 %", "no_show": "–"}
    # To acceptance, 18 values sorted: 1 1 1 2 2 2 2 3 3 | 3 4 4 5 5 6 7 8 10.
    # Median: positions 8 and 9 (0-based) → (3 + 3) / 2 = 3.0;
    # p90: position 17 × 0.9 = 15.3 → 7 + 0.3 × (8 − 7) = 7.3.
    assert str(figures.times["to_acceptance"]["p50"]) == "3.0"
    assert str(figures.times["to_acceptance"]["p90"]) == "7.3"
    assert str(figures.times["to_acceptance"]["n"]) == "18"
    # To intake, 13 values: 5 6 7 7 8 9 10 10 12 14 15 20 30. Median: position 6 → 10;
    # p90: position 12 × 0.9 = 10.8 → 15 + 0.8 × (20 − 15) = 19.0.
    assert str(figures.times["to_intake"]["p50"]) == "10.0"
    assert str(figures.times["to_intake"]["p90"]) == "19.0"
    assert str(figures.times["to_intake"]["n"]) == "13"
    # Overdue now: s1 and s2 unanswered, a1 and a2 without an intake, i1's intake long past.
    assert str(figures.overdue) == "5"


def test_trend_per_month_by_hand(world, data):
    figures = analytics.outcomes(
        Scope(network=True), q1(receiving_organisation=world["cgg"].pk), "service"
    )
    rows = [
        (row["period"].isoformat(), *(str(row[n]) for n in analytics.TREND_SERIES))
        for row in figures.trend
    ]
    # sent, accepted, declined, completed, no-show per month. Declined 3/1/2 and completed
    # 4 (Feb) and 1 (Mar) are small; no-show 0, 0, 2.
    assert rows == [
        ("2026-01-01", "10", "6", "< 5", "5", "0"),
        ("2026-02-01", "9", "7", "< 5", "< 5", "0"),
        ("2026-03-01", "9", "5", "< 5", "< 5", "< 5"),
    ]


def test_trend_per_week_starts_on_monday(world, data):
    figures = analytics.outcomes(
        Scope(network=True),
        q1(receiving_organisation=world["cgg"].pk, interval=analytics.WEEK),
        "service",
    )
    periods = [row["period"] for row in figures.trend]
    assert periods[0].isoformat() == "2025-12-29"  # the Monday of the week of 1 January
    assert all(day.weekday() == 0 for day in periods)
    assert len(periods) == 14
    # The week of 5 January: c1–c5 sent (counted before suppression).
    filters = q1(receiving_organisation=world["cgg"].pk, interval=analytics.WEEK)
    raw = analytics.trend_counts(analytics.cohort(Scope(network=True), filters), filters)
    assert raw[datetime.date(2026, 1, 5)]["sent"] == 5
    # Shown, the weeks sent 5, 5, 5, 4, 5, 4 (28): the two 4s would follow from 28 − 20 = 8,
    # and a 5 hidden beside them would be a 5 again while a shown 5 is left (the hidden
    # ones are the smallest): every week that sent referrals is hidden.
    sent = {row["period"].isoformat(): str(row["sent"]) for row in figures.trend}
    assert {sent[day] for day in ("2026-02-09", "2026-03-09")} == {"< 5"}
    assert {sent[day] for day in ("2026-01-05", "2026-01-12", "2026-02-02", "2026-03-02")} == {"–"}


def test_whole_network_and_breakdown(world, data):
    figures = analytics.outcomes(Scope(network=True), q1(), "receiving_organisation")
    assert str(figures.counts["sent"]) == "34"  # set A (28) + set B (6); C is in December
    assert str(figures.counts["completed"]) == "16"
    rows = {row["label"]: row for row in figures.breakdown}
    assert str(rows["CGG Oost"]["sent"]) == "28"
    assert str(rows["CAW Oost"]["sent"]) == "6"
    assert str(rows["CAW Oost"]["completed"]) == "6"
    assert str(rows["CAW Oost"]["acceptance"]) == "100.0 %"  # 6 of 6: nothing small


def test_filters(world, data):
    users = world["users"]
    for filters, sent in [
        ({"need": data["housing"].pk}, "6"),
        ({"coach": users["other_coach"].pk}, "6"),
        ({"service": world["caw_service"].pk}, "6"),
        ({"referring_organisation": world["caritas"].pk}, "34"),
        ({"receiving_organisation": world["caw"].pk}, "6"),
        ({"need": world["need"].pk, "coach": users["coach"].pk}, "28"),
    ]:
        figures = analytics.outcomes(Scope(network=True), q1(**filters), "need")
        assert str(figures.counts["sent"]) == sent, filters


def test_period_filter(world, data):
    import datetime

    february = analytics.Filters(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28))
    figures = analytics.outcomes(Scope(network=True), february, "service")
    assert str(figures.counts["sent"]) == "15"  # 9 of set A, 6 of set B


def test_a_filter_leaving_fewer_than_five_shows_nothing(world, data):
    import datetime

    december = analytics.Filters(start=datetime.date(2025, 12, 1), end=datetime.date(2025, 12, 31))
    figures = analytics.outcomes(Scope(network=True), december, "service")
    assert figures.too_few
    assert {str(cell) for cell in figures.counts.values()} == {"< 5"}
    assert figures.breakdown == [] and figures.trend == [] and figures.rates == {}


# Suppression rules ------------------------------------------------------------------------


@pytest.mark.parametrize("n, text", [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5"), (123, "123")])
def test_count_suppression(n, text):
    assert str(privacy.count(n)) == text


@pytest.mark.parametrize(
    "numerator, denominator, text",
    [
        (18, 24, "75.0 %"),
        (3, 24, "–"),  # a small numerator
        (4, 4, "–"),  # a small denominator
        (9, 10, "–"),  # one not accepted: the difference is small
        (10, 10, "100.0 %"),
        (0, 12, "0.0 %"),
        (0, 0, "–"),
    ],
)
def test_rate_suppression(numerator, denominator, text):
    assert str(privacy.rate(numerator, denominator)) == text


def test_partition_protection():
    cells = privacy.protect_partition({"a": 12, "b": 3, "c": 7, "d": 0})
    assert texts(cells) == {"a": "12", "b": "< 5", "c": "–", "d": "0"}
    cells = privacy.protect_partition({"a": 12, "b": 3, "c": 2})
    assert texts(cells) == {"a": "12", "b": "< 5", "c": "< 5"}


# Caseload and waiting times ----------------------------------------------------------------


def test_caseload_by_hand(world, data):
    from referrals import caseload

    figures = caseload.caseload(Scope(network=True), q1(), threshold=5)
    coaches = {row["label"]: row for row in figures.coaches}
    # The coach: s1, s2 (sent), a1, a2 (accepted), i1 (planned) open now.
    assert str(coaches["coach"]["open"]) == "5"
    assert coaches["coach"]["overloaded"]  # 5 ≥ 5
    # Open at the end of January (all closed), February (a2), March (a2, a1, i1, s1, s2).
    assert [str(c) for c in coaches["coach"]["history"]] == ["0", "< 5", "5"]
    assert "other_coach" not in coaches or str(coaches["other_coach"]["open"]) == "0"
    intake = {row["label"]: row for row in figures.intake_workers}
    # Accepted by the intake worker and open: a1, a2, i1.
    assert str(intake["intake"]["open"]) == "< 5"
    assert [str(c) for c in intake["intake"]["history"]] == ["0", "< 5", "< 5"]
    assert [(row["label"], str(row["open"])) for row in figures.unassigned] == [("CGG Oost", "< 5")]
    relaxed = caseload.caseload(Scope(network=True), q1(), threshold=20)
    assert not any(row["overloaded"] for row in relaxed.coaches)
    # Waiting times: the CGG's 13 intakes (median 10 days), the CAW's 6 (3 days each).
    services = [
        (row["label"], str(row["intakes"]), str(row["median_days"])) for row in figures.services
    ]
    assert services == [("Trauma care", "13", "10.0"), ("Listening and advice", "6", "3.0")]


# Through the admin: the pages, the exports, who may see them ------------------------------


def test_manager_sees_their_organisations_figures(world, data, as_user):
    response = as_user("receiver_manager").get(URL, Q1)
    assert response.status_code == 200
    html = response.content.decode()
    # Only what the CGG sent or received: set A, not the CAW's set B.
    assert 'id="table-summary"' in html
    assert ">28<" in html and ">34<" not in html
    assert "CGG Oost" in html
    assert "&lt; 5" in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_curator_sees_the_network(world, data, as_user):
    response = as_user("curator").get(URL, Q1)
    assert response.status_code == 200
    assert ">34<" in response.content.decode()


def test_network_permission(world, data, client):
    from django.contrib.auth.models import Permission

    coordinator = make_user("network_coordinator")
    coordinator.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_network_figures"),
    )
    client.force_login(coordinator)
    response = client.get(URL, Q1)
    assert response.status_code == 200
    assert ">34<" in response.content.decode()


@pytest.mark.parametrize("person", ["coach", "receiver_editor", "intake", "sender_coordinator"])
def test_others_cannot_open_the_figures(world, data, as_user, person):
    client = as_user(person)
    for path in (URL, f"{URL}caseload/", f"{URL}gaps/"):
        for export in ("", "csv", "xlsx"):
            response = client.get(path, {"export": export} if export else {})
            assert refused(response), (path, export, response.status_code)
            assert b"28" not in response.content


def test_the_menu_shows_figures_only_to_those_who_may_see_them(world, data, as_user):
    assert "/admin/figures/" in as_user("receiver_manager").get("/admin/").content.decode()
    assert "/admin/figures/" not in as_user("coach").get("/admin/").content.decode()


def test_a_manager_never_reaches_a_referral(world, data, as_user):
    client = as_user("receiver_manager")
    for referral in list(data["referrals"].values())[:3]:
        assert refused(client.get(f"/admin/referrals/{referral.pk}/"))
        assert refused(client.post(f"/admin/referrals/{referral.pk}/accept/", {"version": 0}))
    listing = client.get("/admin/referrals/?show=all").content.decode()
    assert "No referrals here." in listing
    assert not any(f"/admin/referrals/{r.pk}/" in listing for r in data["referrals"].values())


def test_csv_export(world, data, as_user):
    response = as_user("receiver_manager").get(URL, {**Q1, "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Table", "Row", "Figure", "Value"]
    table = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert table[("Summary", "", "Sent")] == "28"
    assert table[("Summary", "", "No-show")] == "< 5"
    assert table[("Rates (%)", "", "Acceptance rate")] == "75.0"
    assert table[("Rates (%)", "", "No-show rate")] == "–"
    assert table[("Days: From sent to intake", "", "Median")] == "10.0"
    assert table[("Per month", "2026-02", "Completed")] == "< 5"
    assert table[("Filters", "", "From")] == "2026-01-01"


def test_xlsx_export(world, data, as_user):
    from wagtail.models import ModelLogEntry

    response = as_user("receiver_manager").get(URL, {**Q1, "export": "xlsx", "by": "need"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Table", "Row", "Figure", "Value")
    cells = {(r[0], r[1] or "", r[2]): r[3] for r in values[1:]}
    assert cells[("Summary", "", "Sent")] == 28  # a number, not text
    assert cells[("Summary", "", "Accepted")] == 18
    assert cells[("Summary", "", "Withdrawn")] == "< 5"
    assert cells[("Declined by reason", "Full or waiting list", "Referrals")] == "–"
    assert cells[("Rates (%)", "", "Completion rate")] == 66.7
    assert cells[("Days: From sent to accepted", "", "90th percentile")] == 7.3
    assert cells[("By need", "Mental health", "Sent")] == 28
    assert cells[("Overdue now", "", "Referrals")] == 5
    # No cell anywhere holds a number from 1 to 4 of referrals.
    for table, _row, figure, value in values[1:]:
        counts = not table.startswith(("Filters", "Days", "Rates"))
        if counts and isinstance(value, int):
            assert value == 0 or value >= 5, (table, figure, value)
    assert ModelLogEntry.objects.filter(action="brug.figures.exported").exists()


def test_caseload_and_gaps_pages_and_exports(world, data, as_user):
    client = as_user("curator")
    response = client.get(f"{URL}caseload/", {**Q1, "threshold": 5})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Overload" in html and 'id="table-waiting"' in html
    response = client.get(f"{URL}caseload/", {**Q1, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {(r[0], r[1], r[2]): r[3] for r in sheet.iter_rows(values_only=True)}
    assert cells[("Coaches", "coach", "Open now")] == 5
    assert cells[("Intake workers", "intake", "Open now")] == "< 5"
    response = client.get(f"{URL}gaps/", Q1)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="table-full"' in html and "Trauma care" in html
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(f"{URL}gaps/", {**Q1, "export": "csv"}).streaming_content
                ).decode()
            )
        )
    )
    table = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    key = "Services declining because they are full"
    assert table[(key, "Trauma care (CGG Oost)", "Declined: full")] == "5"
    assert table[(key, "Trauma care (CGG Oost)", "Share declined as full (%)")] == "17.9"


def test_bad_filters_answer_400_with_a_message(world, data, as_user):
    client = as_user("curator")
    for params in [
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"start": "yesterday"},
        {"service": "999999"},
        {"coach": "abc"},
        {"threshold": "2"},
        {"start": "2020-01-01", "end": "2026-01-01"},
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert b"help-critical" in response.content, params


def test_figures_are_cached_per_scope(world, data, as_user):
    from django.core.cache import cache

    cache.clear()
    with override_settings(BRUG_FIGURES_CACHE_SECONDS=60):
        manager = as_user("receiver_manager").get(URL, Q1).content.decode()
        curator = as_user("curator").get(URL, Q1).content.decode()
    cache.clear()
    assert ">28<" in manager and ">34<" in curator


def test_several_managed_organisations(world, data, client):
    person = make_user("two_hats")
    add_member(person, world["cgg"], Role.MANAGER)
    add_member(person, world["caw"], Role.MANAGER)
    client.force_login(person)
    assert ">34<" in client.get(URL, Q1).content.decode()


def test_charts_carry_the_same_suppressed_numbers(world, data, as_user):
    import json
    import re

    html = as_user("receiver_manager").get(URL, Q1).content.decode()
    found = re.search(r'<script id="chart-trend" type="application/json">(.*?)</script>', html)
    chart = json.loads(found.group(1))
    assert chart["labels"] == ["2026-01", "2026-02", "2026-03"]
    series = {d["label"]: (d["data"], d["suppressed"]) for d in chart["datasets"]}
    assert series["Sent"] == ([10, 9, 9], [False, False, False])
    # Completed 5, 4, 1: the small ones are not drawn as numbers, the table says "< 5".
    assert series["Completed"] == ([5, None, None], [False, True, True])
    assert series["Declined"] == ([None, None, None], [True, True, True])
    found = re.search(r'<script id="chart-outcomes" type="application/json">(.*?)</script>', html)
    outcomes = json.loads(found.group(1))["datasets"][0]
    assert outcomes["data"] == [5, 6, 10, None, None, None]
