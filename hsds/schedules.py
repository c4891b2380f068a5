"""A location's opening hours as HSDS `schedule` rows (RFC 5545 rules).

- Weekly ranges with the same hours, kind and validity become one WEEKLY row with `byday`
  (MO,TU …), `opens_at`/`closes_at` in local Brussels time (HH:MM) and `valid_from`/`valid_to`;
  several ranges a day are several rows. A range past midnight closes "earlier" than it opens,
  which `notes` says. By appointment or walk-in is `attending_type`.
- A dated closure is a row without hours, `valid_from`/`valid_to` its first and last day
  (WEEKLY with `byday` when it is limited to one weekday), `description` "Closed: …".
- Dated special hours (which replace the weekly hours on those dates) are WEEKLY rows with
  hours and the dates as `valid_from`/`valid_to`, `description` "Special hours: …".
- Belgian public holidays of the coming year close a location unless it is open on them:
  each is a dated closure of one day, named after the holiday.
- The location's note on the hours (what no rule expresses) goes into every row's `notes`.

HSDS's `timezone` is a fixed UTC offset, which Brussels' summer time would make wrong half of
the year, so it is left out: times are Europe/Brussels wall-clock times (docs/hsds.md).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from directory import opening_hours
from hsds import ids

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Public holidays are listed this far ahead.
HOLIDAY_DAYS = 365


def _time(value) -> str:
    return value.strftime("%H:%M")


def _notes(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _compact(row: dict) -> dict:
    return {key: value for key, value in row.items() if value not in (None, "")}


def _attending(by_appointment: bool) -> str:
    # The directory's own words ("By appointment", "Walk in"), in the feed's language.
    return _("By appointment") if by_appointment else _("Walk in")


def weekly_rows(location_id: str, ranges, hours_note: str) -> list[dict]:
    groups: dict[tuple, list[int]] = {}
    for hours in ranges:
        key = (
            _time(hours.opens),
            _time(hours.closes),
            hours.closes_next_day,
            hours.by_appointment_only,
            hours.valid_from,
            hours.valid_until,
        )
        groups.setdefault(key, []).append(hours.weekday)
    rows = []
    for key, weekdays in sorted(groups.items(), key=lambda item: (min(item[1]), item[0][0])):
        opens, closes, next_day, appointment, valid_from, valid_until = key
        natural = ["weekly", opens, closes, next_day, appointment, valid_from, valid_until]
        rows.append(
            _compact(
                {
                    "id": ids.child_id(location_id, "schedule", *natural),
                    "location_id": location_id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": ",".join(DAYS[day] for day in sorted(set(weekdays))),
                    "opens_at": opens,
                    "closes_at": closes,
                    "valid_from": valid_from.isoformat() if valid_from else None,
                    "valid_to": valid_until.isoformat() if valid_until else None,
                    "attending_type": _attending(appointment),
                    "notes": _notes(_("closes the next day") if next_day else "", hours_note),
                }
            )
        )
    return rows


def exception_rows(location_id: str, exceptions, hours_note: str) -> list[dict]:
    rows = []
    for exception in sorted(exceptions, key=lambda e: (e.starts_on, e.opens or e.starts_on)):
        closed = exception.kind == opening_hours.CLOSED
        label = _("Closed") if closed else _("Special hours")
        row = {
            "location_id": location_id,
            "valid_from": exception.starts_on.isoformat(),
            "valid_to": exception.ends_on.isoformat(),
            "description": f"{label}: {exception.note}" if exception.note else label,
            "notes": hours_note,
        }
        days = DAYS if exception.weekday is None else (DAYS[exception.weekday],)
        if not closed:
            row.update(
                freq="WEEKLY",
                wkst="MO",
                byday=",".join(days),
                opens_at=_time(exception.opens),
                closes_at=_time(exception.closes),
                attending_type=_attending(exception.by_appointment_only),
            )
            if exception.closes_next_day:
                row["notes"] = _notes(_("closes the next day"), hours_note)
        elif exception.weekday is not None:
            row.update(freq="WEEKLY", wkst="MO", byday=days[0])
        natural = [
            exception.kind,
            exception.starts_on,
            exception.ends_on,
            exception.weekday,
            exception.opens,
            exception.closes,
        ]
        row["id"] = ids.child_id(location_id, "schedule", *natural)
        rows.append(_compact(row))
    return rows


def holiday_rows(location_id: str, exceptions, today: date) -> list[dict]:
    rows = []
    for offset in range(HOLIDAY_DAYS):
        day = today + timedelta(days=offset)
        name = opening_hours.holiday_on(day)
        if not name or any(opening_hours.applies_on(e, day) for e in exceptions):
            continue
        rows.append(
            {
                "id": ids.child_id(location_id, "schedule", "holiday", day),
                "location_id": location_id,
                "valid_from": day.isoformat(),
                "valid_to": day.isoformat(),
                "description": f"{_('Closed')}: {opening_hours.holiday_label(name)}",
            }
        )
    return rows


def location_schedules(location, location_id: str, hours_note: str, today: date) -> list[dict]:
    """Every schedule row of a location (the original's hours: they are facts)."""
    ranges = list(location.opening_hours.all())
    exceptions = list(location.hours_exceptions.all())
    rows = weekly_rows(location_id, ranges, hours_note)
    rows += exception_rows(location_id, exceptions, hours_note)
    if not location.open_on_public_holidays:
        rows += holiday_rows(location_id, exceptions, today)
    return rows
