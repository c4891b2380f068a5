"""Dates as people write them in a spreadsheet: ISO ("2018-02-01"), day first with slashes,
dots or dashes as Belgians write them ("1/2/2018", "01.02.2018"), written out in Dutch, French
or English ("1 februari 2018", "1er février 2018", "31 Jan 2019"), or only a month ("oktober
2016": its first day for a start, its last for an end). A period in one cell ("1 februari
2018 – 31 januari 2019") is split into its two ends."""

import datetime
import re
import unicodedata

MONTHS = {
    1: ("januari", "jan", "janvier", "janv", "january"),
    2: ("februari", "feb", "febr", "fevrier", "fevr", "fev", "february"),
    3: ("maart", "mrt", "maa", "mars", "march", "mar"),
    4: ("april", "apr", "avril", "avr"),
    5: ("mei", "mai", "may"),
    6: ("juni", "jun", "juin", "june"),
    7: ("juli", "jul", "juillet", "juil", "july"),
    8: ("augustus", "aug", "aout", "august"),
    9: ("september", "sep", "sept", "septembre"),
    10: ("oktober", "okt", "octobre", "oct", "october"),
    11: ("november", "nov", "novembre"),
    12: ("december", "dec", "decembre"),
}
MONTH_NUMBERS = {name: number for number, names in MONTHS.items() for name in names}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_WRITTEN = re.compile(r"^(\d{1,2})(?:er|e|ste|de|st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
# An en or em dash, or a hyphen between spaces: "1 februari 2018 – 31 januari 2019".
PERIOD_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def parse_date(text: str, last_day: bool = False) -> datetime.date:
    """The date written in `text` (a month alone: its first day, or its last with
    `last_day`); ValueError when it is none (or no real day)."""
    folded = _fold(text)
    try:
        return datetime.date.fromisoformat(folded)
    except ValueError:
        pass
    if match := _NUMERIC.match(folded):
        day, month, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    if match := _WRITTEN.match(folded):
        day, month_name, year = match.groups()
        month = MONTH_NUMBERS.get(month_name)
        if month is None:
            raise ValueError(f"no month is called {month_name!r}")
        return datetime.date(int(year), month, int(day))
    if (match := _MONTH.match(folded)) and match.group(1) in MONTH_NUMBERS:
        year, month = int(match.group(2)), MONTH_NUMBERS[match.group(1)]
        if not last_day:
            return datetime.date(year, month, 1)
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    raise ValueError("not a date")


def split_period(text: str) -> tuple[str, str]:
    """("1 februari 2018", "31 januari 2019") from a period in one cell; (text, "") when it
    is a single date (an ISO date's hyphens are not a period)."""
    parts = PERIOD_SEPARATOR.split((text or "").strip(), maxsplit=1)
    if len(parts) == 2 and all(part.strip() for part in parts):
        return parts[0].strip(), parts[1].strip()
    return (text or "").strip(), ""
