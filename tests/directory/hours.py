"""A stand-in for an opening-hours row (the fields directory.opening_hours reads), for tests
of the hours logic without the database."""

from dataclasses import dataclass
from datetime import date, time


@dataclass
class Hours:
    weekday: int
    opens: time
    closes: time
    closes_next_day: bool = False
    by_appointment_only: bool = False
    valid_from: date | None = None
    valid_until: date | None = None
