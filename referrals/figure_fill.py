"""Filling the figures' columns (referrals.models.FIGURE_COLUMNS and `need_set`) for
referrals written without them: by the migration that added them, and by `manage.py
fill_figure_columns` after an upgrade, for what the old code wrote while the new was being
rolled out. Both are idempotent; on PostgreSQL each is one statement (row by row, 250,000
referrals took four minutes; these take about 15 seconds)."""

from django.conf import settings

from referrals import need_sets
from referrals.models import FIGURE_COLUMNS, figure_columns

# The same values as figure_columns() (numeric round(): halves away from zero).
TIMES_SQL = """
UPDATE referrals_referral SET
    sent_week = date_trunc('week', sent_at AT TIME ZONE %s)::date,
    sent_month = date_trunc('month', sent_at AT TIME ZONE %s)::date,
    hours_to_acceptance = round(date_part('epoch', accepted_at - sent_at)::numeric / 3600),
    hours_to_intake = round(date_part('epoch', intake_at - sent_at)::numeric / 3600)
WHERE sent_at IS NOT NULL
"""

NEED_SETS_SQL = """
UPDATE referrals_referral AS referral SET need_set = wanted.need_set
FROM (
    SELECT each_one.id,
        coalesce(string_agg(needs.need_id::text, ',' ORDER BY needs.need_id), '') AS need_set
    FROM referrals_referral AS each_one
    LEFT JOIN referrals_referral_needs AS needs ON needs.referral_id = each_one.id
    GROUP BY each_one.id
) AS wanted
WHERE wanted.id = referral.id AND referral.need_set <> wanted.need_set
"""


def fill_times(referral_model, connection) -> None:
    """The week, month and hours of every referral sent, from its times."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(TIMES_SQL, [settings.TIME_ZONE, settings.TIME_ZONE])
        return
    sent = referral_model.objects.exclude(sent_at=None).only("sent_at", "accepted_at", "intake_at")
    batch = []
    for referral in sent.iterator(chunk_size=2000):
        values = figure_columns(referral.sent_at, referral.accepted_at, referral.intake_at)
        for name, value in values.items():
            setattr(referral, name, value)
        batch.append(referral)
        if len(batch) == 2000:
            referral_model.objects.bulk_update(batch, FIGURE_COLUMNS)
            batch = []
    referral_model.objects.bulk_update(batch, FIGURE_COLUMNS)


def fill_need_sets(referral_model, connection) -> None:
    """Every referral's set of needs, from its need rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(NEED_SETS_SQL)
        return
    need_sets.refresh(referral_model=referral_model)
