"""Small-number suppression: the one rule every figure a manager sees passes through — in
the tables, the charts and the CSV/XLSX exports — so that no single client can be singled
out.

- A count of 1 to 4 referrals is shown as "< 5" (`SUPPRESSED`). Zero is shown: it tells
  nothing about any client, and hiding it would hide the gaps the dashboard is for.
- A rate is shown only when its numerator, its denominator and their difference are all 0 or
  at least 5: 9 accepted of 10 answered would otherwise give away the one decline.
- A median or p90 is shown only when it summarises at least 5 durations.
- Within a set of counts that add up to a total that is shown (the outcomes of the referrals
  sent, the reasons of the declines, a column of people beside its total), a suppressed
  cell could be recovered by subtraction; then the next smallest cells of the set are
  hidden too ("–", complementary suppression, `protect_partition`), until the arithmetic
  says no more about any suppressed cell than its "< 5".
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
    """Counts that add up to a shown total, as cells, with complementary suppression: the
    shown cells and the total must not let anyone work out more about a suppressed cell
    than its "< 5" says.

    Whoever subtracts the shown cells from the total knows the sum of the hidden ones; with
    what the marks say ("< 5": 1 to 4; "–": a cell hidden to protect another, at least 5 and,
    being the smallest left, at most the smallest shown non-zero cell) that pins a cell
    down when the hidden sum is too small or too large (18 − 9 − 6 = 3; 6 − 5 = 1; two
    "< 5" adding up to 8 are 4 and 4). So, while some "< 5" cell could be narrowed below
    1 to 4, the smallest shown non-zero cell is hidden too ("–"); if even hiding every
    non-zero cell is not enough, every cell of the line is hidden, zeros included."""
    cells = {key: count(n) for key, n in raw.items()}
    values = {key: n or 0 for key, n in raw.items()}
    small = [key for key, cell in cells.items() if cell.suppressed]
    if not small or not total_shown or is_small(sum(values.values())):
        return cells
    left = [
        key
        for _n, _name, key in sorted((n, str(k), k) for k, n in values.items() if n >= THRESHOLD)
    ]
    hidden = []
    while not _unrecoverable(values, small, hidden, left):
        if not left:
            return {key: Cell(None, HIDDEN) for key in raw}
        hidden.append(left.pop(0))
    for key in hidden:
        cells[key] = Cell(None, HIDDEN)
    return cells


def _unrecoverable(values: dict, small: list, hidden: list, shown: list) -> bool:
    """Whether every "< 5" cell could still be anything from 1 to 4, for someone who knows
    the hidden sum and the bounds each mark gives."""
    ceiling = min((values[key] for key in shown), default=None)  # None: no upper bound
    total = sum(values[key] for key in small) + sum(values[key] for key in hidden)
    # The bounds of every cell but the one looked at: the other "< 5" cells are 1 to 4 each,
    # the hidden ones at least 5 and at most the ceiling. Every "< 5" cell has the same
    # others' bounds (one "< 5" fewer), so one check answers for all of them (a page by
    # service has hundreds of cells: checking each was quadratic).
    if not small:
        return True
    others_small = len(small) - 1
    lowest = others_small * 1 + len(hidden) * THRESHOLD
    if hidden and ceiling is None:
        highest = None
    else:
        highest = others_small * (THRESHOLD - 1) + len(hidden) * (ceiling or 0)
    least = 1 if highest is None else max(1, total - highest)
    most = min(THRESHOLD - 1, total - lowest)
    return not (least > 1 or most < THRESHOLD - 1)


NOTE = _(
    "To protect clients, a number of referrals below 5 is shown as “< 5”; a rate, a time "
    "or a number from which one could be worked out is not shown (–)."
)
