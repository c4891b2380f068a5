"""Small-number suppression: the one rule every figure a manager sees passes through — in
the tables, the charts and the CSV/XLSX exports — so that no single client can be singled
out.

- A count of 1 to 4 referrals is shown as "< 5" (`SUPPRESSED`). Zero is shown: it tells
  nothing about any client, and hiding it would hide the gaps the dashboard is for.
- A rate is shown only when its numerator, its denominator and their difference are all 0 or
  at least 5: 9 accepted of 10 answered would otherwise give away the one decline.
- A median or p90 is shown only when it summarises at least 5 durations.
- Within a set of counts that add up to a total that is shown (the outcomes of the referrals
  sent, the reasons of the declines), a single suppressed cell could be recovered by
  subtraction; then the next smallest cell of the set is hidden too ("–", `protect_partition`).
- A filter that leaves fewer than 5 referrals shows no figures at all (see
  referrals.analytics), so narrowing the filters one step at a time does not lead to one
  client.

What remains possible, and why it is accepted, is written in docs/architecture.md
("Managers' figures").
"""

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
SUPPRESSED = "< 5"
HIDDEN = "–"


class Cell:
    """A figure as a manager may see it: `value` is the number, or None when suppressed."""

    __slots__ = ("value", "text")

    def __init__(self, value, text):
        self.value = value
        self.text = text

    def __str__(self):
        return self.text

    def __eq__(self, other):
        if isinstance(other, Cell):
            return self.text == other.text
        return self.text == other or (self.value is not None and self.value == other)

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return f"Cell({self.text!r})"

    @property
    def suppressed(self) -> bool:
        return self.value is None


def is_small(n) -> bool:
    return n is not None and 0 < n < THRESHOLD


def count(n: int | None) -> Cell:
    """A count of referrals."""
    n = n or 0
    if is_small(n):
        return Cell(None, SUPPRESSED)
    return Cell(n, str(n))


def rate(numerator: int, denominator: int) -> Cell:
    """A share in per cent (one decimal), or hidden when it would reveal a small number."""
    numerator, denominator = numerator or 0, denominator or 0
    if not denominator or any(
        is_small(n) for n in (numerator, denominator, denominator - numerator)
    ):
        return Cell(None, HIDDEN)
    value = round(100 * numerator / denominator, 1)
    return Cell(value, f"{value:.1f} %")


def duration(days: float | None, samples: int) -> Cell:
    """A median or percentile in days (one decimal), hidden when based on fewer than 5."""
    if days is None or samples < THRESHOLD:
        return Cell(None, HIDDEN)
    value = round(days, 1)
    return Cell(value, f"{value:.1f}")


def protect_partition(raw: dict, total_shown: bool = True) -> dict:
    """Counts that add up to a shown total, as cells; if exactly one would be suppressed,
    the smallest other non-zero count is suppressed as well (no recovery by subtraction)."""
    cells = {key: count(n) for key, n in raw.items()}
    small = [key for key, cell in cells.items() if cell.suppressed]
    if total_shown and len(small) == 1:
        others = sorted(
            (n, str(key)) for key, n in raw.items() if key not in small and (n or 0) > 0
        )
        if others:
            keys = {str(key): key for key in raw}
            cells[keys[others[0][1]]] = Cell(None, HIDDEN)
    return cells


NOTE = _(
    "To protect clients, a number of referrals below 5 is shown as “< 5”; a rate, a time "
    "or a number from which one could be worked out is not shown (–)."
)
