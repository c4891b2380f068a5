"""The columns the managers' figures group and count by (the week and month a referral was
sent, the whole hours to its acceptance and intake, the set of its needs) always follow what
they come from: through the workflow, a plain save, a bulk insert and the migrations that
fill them."""

import datetime
import importlib
import io
import zoneinfo
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q

from directory.factories import NeedFactory
from directory.models import Need
from referrals import analytics, need_sets
from referrals.models import FIGURE_COLUMNS, Referral, figure_columns
from referrals.scope import Scope
from tests.referrals.figures_data import SET_A, build, make_referral
from tests.referrals.test_workflow import make

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = datetime.UTC


def columns_of(referral) -> dict:
    referral.refresh_from_db()
    return {name: getattr(referral, name) for name in FIGURE_COLUMNS}


def test_the_week_and_month_are_brussels_ones():
    # 23:30 UTC on Saturday 31 January 2026 is already Sunday 1 February in Brussels.
    sent = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert figure_columns(sent, None, None) == {
        "sent_week": datetime.date(2026, 1, 26),  # the Monday of that week
        "sent_month": datetime.date(2026, 2, 1),
        "hours_to_acceptance": None,
        "hours_to_intake": None,
    }
    # A summer evening: 22:30 UTC on 30 June is 00:30 on 1 July (UTC+2).
    summer = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert figure_columns(summer, None, None)["sent_month"] == datetime.date(2026, 7, 1)


def test_hours_are_whole_with_halves_away_from_zero():
    sent = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BRUSSELS)
    hour = datetime.timedelta(hours=1)
    columns = figure_columns(sent, sent + 1.5 * hour, sent + 2.5 * hour)
    assert (columns["hours_to_acceptance"], columns["hours_to_intake"]) == (2, 3)
    assert figure_columns(sent, sent + 0.49 * hour, sent - 2.5 * hour)["hours_to_acceptance"] == 0
    # An intake entered before the sending (a date typed in the past) counts below zero.
    assert figure_columns(sent, None, sent - 2.5 * hour)["hours_to_intake"] == -3


def test_the_workflow_writes_them_with_each_time(world):
    draft = make(world, "draft")
    assert set(columns_of(draft).values()) == {None}
    for state in ("sent", "accepted", "intake_planned", "completed"):
        referral = make(world, state)
        expected = figure_columns(referral.sent_at, referral.accepted_at, referral.intake_at)
        assert columns_of(referral) == expected
        assert expected["sent_month"] is not None
    assert columns_of(referral)["hours_to_intake"] == 72  # planned three days on


def test_a_save_and_a_bulk_insert_write_them(world):
    row = SET_A[0]
    saved = make_referral(
        world, row, world["users"]["coach"], world["service"], world["cgg"], [], None
    )
    assert columns_of(saved) == figure_columns(saved.sent_at, saved.accepted_at, saved.intake_at)
    saved.accepted_at = saved.sent_at + datetime.timedelta(hours=5)
    saved.save(update_fields=["accepted_at"])
    assert columns_of(saved)["hours_to_acceptance"] == 5

    copy = Referral.objects.get(pk=saved.pk)
    copy.pk = None
    for name in FIGURE_COLUMNS:
        setattr(copy, name, None)
    (inserted,) = Referral.objects.bulk_create([copy])
    assert columns_of(inserted) == columns_of(saved)


def test_the_migration_fills_what_was_sent_before_it(world):
    """Run on both databases: PostgreSQL fills in one UPDATE, the others row by row; both
    must agree with figure_columns()."""
    referrals = [
        make_referral(world, row, world["users"]["coach"], world["service"], world["cgg"], [], None)
        for row in SET_A[:6]
    ]
    night = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # Brussels: 1 February
    Referral.objects.filter(pk=referrals[0].pk).update(
        sent_at=night, accepted_at=night + datetime.timedelta(minutes=90)
    )
    Referral.objects.update(**dict.fromkeys(FIGURE_COLUMNS))
    migration = importlib.import_module("referrals.migrations.0007_figure_columns")
    # What fill() uses of the schema editor (SQLite's cannot open inside a test's transaction).
    migration.fill(apps, SimpleNamespace(connection=connection))
    for referral in Referral.objects.all():
        expected = figure_columns(referral.sent_at, referral.accepted_at, referral.intake_at)
        assert columns_of(referral) == expected, referral.pk
    first = columns_of(referrals[0])
    assert (first["sent_month"], first["hours_to_acceptance"]) == (datetime.date(2026, 2, 1), 2)


def test_the_trend_counts_by_the_column(world):
    """A referral sent on Brussels' first of February counts in February, in the trend."""
    row = ("n1", "2026-02-01", "sent", None, None, "")
    referral = make_referral(
        world, row, world["users"]["coach"], world["service"], world["cgg"], [], None
    )
    night = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    referral.sent_at = night
    referral.save()
    filters = analytics.Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 2, 28))
    trend = analytics.trend_counts(analytics.cohort(Scope(network=True), filters), filters)
    assert trend[datetime.date(2026, 2, 1)]["sent"] == 1
    assert datetime.date(2026, 1, 1) not in trend


# The set of needs -------------------------------------------------------------------------


def need_set_of(referral) -> str:
    referral.refresh_from_db()
    return referral.need_set


def test_the_set_of_needs_follows_every_change_of_them(world):
    referral = make(world, "sent")
    need = world["need"]
    assert need_set_of(referral) == str(need.pk)
    other = NeedFactory(slug="income", labels={"en": "Income"})
    referral.needs.add(other)
    assert need_set_of(referral) == ",".join(str(pk) for pk in sorted([need.pk, other.pk]))
    referral.needs.remove(other)
    assert need_set_of(referral) == str(need.pk)
    referral.needs.set([need, other])
    other.delete()  # its rows go without m2m_changed
    assert need_set_of(referral) == str(need.pk)
    referral.needs.clear()
    assert need_set_of(referral) == ""


def test_a_bulk_insert_of_need_rows_is_refreshed_and_so_is_the_migration(world):
    referrals = [
        make_referral(world, row, world["users"]["coach"], world["service"], world["cgg"], [], None)
        for row in SET_A[:3]
    ]
    second = NeedFactory(slug="income", labels={"en": "Income"})
    through = Referral.needs.through
    through.objects.bulk_create(
        [
            through(referral_id=r.pk, need_id=n.pk)
            for r in referrals[:2]
            for n in (world["need"], second)
        ]
    )
    assert need_set_of(referrals[0]) == ""  # bulk rows send no signal …
    need_sets.refresh([r.pk for r in referrals])
    both = ",".join(str(pk) for pk in sorted([world["need"].pk, second.pk]))
    assert [need_set_of(r) for r in referrals] == [both, both, ""]

    Referral.objects.update(need_set="")
    migration = importlib.import_module("referrals.migrations.0007_figure_columns")
    migration.fill_need_sets(apps, SimpleNamespace(connection=connection))
    assert [need_set_of(r) for r in referrals] == [both, both, ""]


def test_the_breakdown_by_need_counts_as_a_join_would(world):
    """Each referral in the row of each of its needs: the same counts as joining the need
    rows (the query the figures ran before the sets)."""
    data = build(world)
    for name in ("b1", "b2", "b3"):  # two needs each: counted in both rows
        data["referrals"][name].needs.add(world["need"])
    filters = analytics.Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31))
    scope = Scope(network=True)
    rows, _total = analytics.breakdown_rows(analytics.cohort(scope, filters), "need", scope)
    joined = (
        analytics.cohort(scope, filters)
        .order_by()
        .values("needs")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(accepted_at__isnull=False)))
    )
    labels = {need.pk: need.label() for need in Need.objects.all()}
    expected = {labels[row["needs"]]: (row["n"], row["accepted"]) for row in joined}
    shown = {row["label"]: (row["sent"].value, row["accepted"].value) for row in rows}
    assert shown == expected
    assert len(shown) == 2 and all(sent >= 5 for sent, _ in shown.values())
    assert sum(sent for sent, _ in shown.values()) == len(data["referrals"]) + 3


def test_the_command_fills_what_old_code_wrote_during_an_upgrade(world):
    """Referrals written by code that knew no such columns (here: emptied by hand, and a set
    of needs left behind by a need row removed without the ORM) are put right, and nothing
    else changes."""
    referrals = [
        make_referral(
            world,
            row,
            world["users"]["coach"],
            world["service"],
            world["cgg"],
            [world["need"]],
            None,
        )
        for row in SET_A[:4]
    ]
    expected = {r.pk: (columns_of(r), need_set_of(r)) for r in referrals}
    Referral.objects.filter(pk__in=[r.pk for r in referrals[:2]]).update(
        **dict.fromkeys(FIGURE_COLUMNS), need_set=""
    )
    Referral.needs.through.objects.filter(referral=referrals[3]).delete()  # no signal
    call_command("fill_figure_columns", stdout=io.StringIO())
    for referral in referrals[:3]:
        assert (columns_of(referral), need_set_of(referral)) == expected[referral.pk]
    assert need_set_of(referrals[3]) == ""
    assert columns_of(referrals[3]) == expected[referrals[3].pk][0]
