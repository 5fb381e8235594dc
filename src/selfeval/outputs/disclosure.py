"""Disclosure control for everything read by people without child-level access.

The rules are DfE's, as its statistical releases apply them:

- a count of 1 to 5 children is suppressed and shown as ``c`` (primary suppression; 0 is shown);
- so that a suppressed count cannot be worked out from the totals, any row or column (totals
  included) left with exactly one suppressed cell has the next smallest non-zero cell in it
  suppressed too, repeated until nothing changes (secondary suppression). A zero is never used
  as the second cell: a suppressed 0 beside a suppressed 3 would still give the 3 away. After
  the fixed point every suppressed cell is checked to have at least two values consistent with
  everything published, and more cells are suppressed where one does not;
- a percentage whose numerator or denominator is suppressed is suppressed;
- England and regional counts are rounded to the nearest 10.

DfE's other symbols: ``x`` not available, ``z`` not applicable, ``k`` under 0.5%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol, TypeVar

from selfeval.outputs.formatting import format_number

SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
UNDER_HALF_PERCENT = "k"
SMALL_MAX = 5
"""Counts from 1 to this many children are suppressed."""

Cell = int | str


AUDIENCES: dict[str, str] = {
    "internal": "internal and Ofsted: readers with access to children's records; nothing withheld",
    "public": "public: councillors, published papers and anyone without access to children's "
    "records; counts of 1 to 5 children, percentages and rates resting on one, and table "
    "cells from which one could be worked out, withheld",
}
"""Every output is made for one of these audiences."""
NOT_ABOUT_CHILDREN = frozenset({"workforce", "plans"})
"""Catalogue areas whose figures count staff or plan actions, not children: a small count of
them identifies no child, so it is never withheld for being small."""


def audience_of(public: bool) -> str:
    return "public" if public else "internal"


def withhold_figure(
    audience: str,
    unit: str,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    *,
    area: str = "",
) -> bool:
    """Whether one figure is shown as ``c`` to this audience: for the public, a count of 1 to 5
    children, and a percentage or rate whose numerator or denominator is one. A rate or a grade
    share is not withheld for being a rate, only for resting on a small count; figures about
    staff or plan actions are never withheld."""
    if audience not in AUDIENCES:
        raise ValueError(f"there is no audience {audience!r} (choose {', '.join(AUDIENCES)})")
    if audience == "internal" or area in NOT_ABOUT_CHILDREN:
        return False
    if unit == "count":
        return is_small(value)
    return denominator is not None and discloses(_Parts(numerator, denominator))


def withhold_share(part: float, whole: float) -> bool:
    """Whether a share of a group of children (audits good or better of those audited) gives
    1 to 5 of them away: the group, the part or the rest is 1 to 5."""
    return is_small(whole) or is_small(part) or is_small(whole - part)


def is_small(n: float | None) -> bool:
    """A count that would identify children: 1 to 5."""
    return n is not None and 1 <= n <= SMALL_MAX


def publish_count(n: float | None) -> Cell:
    """One count on its own: ``c`` when it is 1 to 5, ``x`` when there is none."""
    if n is None:
        return NOT_AVAILABLE
    return SUPPRESSED if is_small(n) else round(n)


def publish_percent(
    numerator: float | None, denominator: float | None, digits: int = 0
) -> float | str:
    """A percentage, or ``c`` when its numerator or denominator is a small count.

    ``x`` when there is no denominator; ``k`` for a positive value under 0.5%.
    """
    if numerator is None or not denominator:
        return NOT_AVAILABLE
    if is_small(numerator) or is_small(denominator):
        return SUPPRESSED
    pct = 100.0 * numerator / denominator
    if 0 < pct < 0.5:
        return UNDER_HALF_PERCENT
    return round(pct, digits)


def round_total(n: float | None, level: str) -> Cell:
    """England and regional counts are rounded to the nearest 10; an authority's are not.

    ``level`` is the EES geographic level: ``National``, ``Regional`` or ``Local authority``.
    Halves round up (DfE rounds 5 up), not to even.
    """
    if n is None:
        return NOT_AVAILABLE
    if level.lower() in ("national", "regional", "england", "region"):
        return int((n + 5) // 10 * 10)
    return publish_count(n)


class Figure(Protocol):
    """Anything with a numerator and a denominator (an indicator's ``Result``)."""

    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...


F = TypeVar("F", bound=Figure)


def discloses(figure: Figure | None) -> bool:
    """Whether a figure would identify children to a public audience: its numerator or its
    denominator is 1 to 5 (the one rule every page, table and chart applies to a figure)."""
    return figure is not None and (is_small(figure.numerator) or is_small(figure.denominator))


def public_figures(figures: Sequence[F]) -> list[F]:
    """Only the figures a public audience may see (none that ``discloses``): what a chart for
    that audience is drawn from, and its centre, limits and signals computed from, so that
    nothing hidden comes back from the lines or the words about them."""
    return [f for f in figures if not discloses(f)]


class Target(Figure, Protocol):
    """A plan target's progress (``selfeval.plans.progress.TargetProgress``): the figure now
    (its numerator and denominator) and at baseline; read only, as a frozen dataclass's are."""

    # a dataclass, so that ``public_target`` can ``replace`` its fields
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def unit(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def baseline(self) -> float | None: ...
    @property
    def baseline_numerator(self) -> float | None: ...
    @property
    def baseline_denominator(self) -> float | None: ...


T = TypeVar("T", bound=Target)


@dataclass(frozen=True)
class _Parts:
    numerator: float | None
    denominator: float | None


def public_target(t: T) -> T:
    """A target's progress as a public audience may see it: the value now and the baseline
    hidden (``suppressed`` names them) when computed from 1 to 5 children, and the progress
    with them (it would give the hidden value back from the baseline and the target)."""
    hidden = []
    if discloses(_Parts(t.numerator, t.denominator)):
        hidden.append("value")
    if discloses(_Parts(t.baseline_numerator, t.baseline_denominator)):
        hidden.append("baseline")
    if t.unit == "count" and is_small(t.value):
        hidden.append("value")
    if t.unit == "count" and is_small(t.baseline):
        hidden.append("baseline")
    if not hidden:
        return t
    hide = dict.fromkeys(hidden, None) | {
        "progress_pct": None,
        "numerator": None,
        "denominator": None,
        "baseline_numerator": None,
        "baseline_denominator": None,
    }
    return replace(t, **hide, suppressed=tuple(sorted(set(hidden))))


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with its totals, as it may be published.

    ``cells`` holds the interior; ``row_totals``, ``column_totals`` and ``grand_total`` the
    margins. A suppressed entry is the string ``c``; ``primary`` and ``secondary`` list the
    positions suppressed for each reason, in the augmented grid (row ``len(cells)`` is the
    column totals, column ``len(cells[0])`` the row totals).
    """

    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    grand_total: Cell
    primary: frozenset[tuple[int, int]]
    secondary: frozenset[tuple[int, int]]

    def augmented(self) -> list[list[Cell]]:
        """The table with its row totals as a last column and column totals as a last row."""
        rows = [[*r, t] for r, t in zip(self.cells, self.row_totals, strict=True)]
        return [*rows, [*self.column_totals, self.grand_total]]


def suppress_table(cells: Sequence[Sequence[int]]) -> SuppressedTable:
    """Suppress a table of counts and its totals (computed here) as DfE does."""
    if not cells or not cells[0]:
        raise ValueError("a table to suppress needs at least one row and one column")
    width = len(cells[0])
    if any(len(r) != width for r in cells):
        raise ValueError("every row of a table to suppress must have the same length")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts cannot be negative")
    grid = [[int(v) for v in r] + [sum(r)] for r in cells]
    grid.append([sum(r[j] for r in grid) for j in range(width + 1)])
    n_rows, n_cols = len(grid), width + 1
    primary = {(i, j) for i in range(n_rows) for j in range(n_cols) if is_small(grid[i][j])}
    hidden = set(primary)
    while True:
        _secondary_by_lines(grid, hidden)
        exposed = [p for p in sorted(hidden) if not _protected(grid, hidden, p)]
        if not exposed:
            break
        i, j = exposed[0]
        line = [(i, k) for k in range(n_cols)] + [(k, j) for k in range(n_rows)]
        extra = _smallest_open(grid, hidden, line)
        if extra is None:  # nothing left to hide in its lines: hide the whole table
            hidden |= {(a, b) for a in range(n_rows) for b in range(n_cols) if grid[a][b]}
            break
        hidden.add(extra)
    shown: list[list[Cell]] = [
        [SUPPRESSED if (i, j) in hidden else grid[i][j] for j in range(n_cols)]
        for i in range(n_rows)
    ]
    return SuppressedTable(
        cells=[r[:-1] for r in shown[:-1]],
        row_totals=[r[-1] for r in shown[:-1]],
        column_totals=shown[-1][:-1],
        grand_total=shown[-1][-1],
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )


def suppress_column(counts: Sequence[int]) -> tuple[list[Cell], Cell]:
    """A list of counts with their total (one column of a table): (shown counts, shown total)."""
    t = suppress_table([[c] for c in counts])
    return [r[0] for r in t.cells], t.grand_total


def suppress_percentages(
    numerators: Sequence[Cell], denominators: Sequence[Cell], digits: int = 0
) -> list[float | str]:
    """Percentages of published (already suppressed) numerators and denominators."""
    out: list[float | str] = []
    for n, d in zip(numerators, denominators, strict=True):
        if n == SUPPRESSED or d == SUPPRESSED:
            out.append(SUPPRESSED)
        elif isinstance(n, str) or isinstance(d, str):
            out.append(NOT_AVAILABLE)
        else:
            out.append(publish_percent(n, d, digits))
    return out


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    return [[(i, j) for j in range(n_cols)] for i in range(n_rows)] + [
        [(i, j) for i in range(n_rows)] for j in range(n_cols)
    ]


def _smallest_open(
    grid: list[list[int]], hidden: set[tuple[int, int]], line: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The smallest non-zero cell of a line not yet suppressed; interior cells before totals."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    options = [p for p in line if p not in hidden and grid[p[0]][p[1]] > 0]
    if not options:
        return None
    return min(options, key=lambda p: (p[0] == last_row or p[1] == last_col, grid[p[0]][p[1]], p))


def _secondary_by_lines(grid: list[list[int]], hidden: set[tuple[int, int]]) -> None:
    """DfE's rule: a line with exactly one suppressed cell gets its next smallest suppressed."""
    changed = True
    while changed:
        changed = False
        for line in _lines(len(grid), len(grid[0])):
            if sum(p in hidden for p in line) == 1:
                extra = _smallest_open(grid, hidden, line)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def _protected(grid: list[list[int]], hidden: set[tuple[int, int]], cell: tuple[int, int]) -> bool:
    """Whether a suppressed cell has a second value consistent with everything published.

    Another table agreeing on every shown cell differs from this one by a circulation on the
    suppressed cells (in the grid where totals count with a minus sign, every line sums to
    zero); by conformal decomposition one exists iff a single cycle of suppressed cells through
    ``cell``, alternately +1 and -1, keeps every count at zero or more. With rows and columns
    as the nodes of a bipartite graph, that is a directed path from ``cell``'s column back to
    its row, so a breadth-first search decides it.
    """
    n_rows, n_cols = len(grid), len(grid[0])

    def can(p: tuple[int, int], step: int) -> bool:
        totals = (p[0] == n_rows - 1) != (p[1] == n_cols - 1)
        return grid[p[0]][p[1]] + (-step if totals else step) >= 0

    r0, c0 = cell
    for s in (1, -1):
        if not can(cell, s):
            continue
        # Column -> row edges take -s, row -> column edges take +s.
        seen = {("c", c0)}
        queue = [("c", c0)]
        while queue:
            kind, idx = queue.pop()
            if kind == "c":
                for i in range(n_rows):
                    p = (i, idx)
                    if p == cell or p not in hidden or not can(p, -s):
                        continue
                    if i == r0:
                        return True
                    if ("r", i) not in seen:
                        seen.add(("r", i))
                        queue.append(("r", i))
            else:
                for j in range(n_cols):
                    p = (idx, j)
                    if p not in hidden or not can(p, s) or ("c", j) in seen:
                        continue
                    seen.add(("c", j))
                    queue.append(("c", j))
    return False


# -- across outputs: figures that add up --------------------------------------------------------

Identity = dict[str, float]
"""A linear identity between published figures: the sum of coefficient x figure is 0 (for
example, children looked after at the year's end = at its start + started - ceased)."""


FLOWS: tuple[tuple[str, str, str], ...] = (("cla_count", "cla_starts", "cla_ceased"),)
"""Stocks and the flows in and out of them (indicator ids): the year's end = its start +
started - ceased, so the four are published together or protected together."""


RATE_OF: dict[str, str] = {
    "cla_rate": "cla_count",
    "cin_rate": "cin_count",
    "cp_rate": "cp_count",
    "referral_rate": "referrals",
}
"""Rates per 10,000 children and the count each is of (the same date or period): ONS's
population is published, so rate x population / 10,000 gives the count back, and a rate is
withheld wherever its count is."""


def rate_identity(rate: str, count: str, population: float) -> Identity:
    """rate x population / 10,000 - count = 0 (the population published by ONS)."""
    return {rate: population / 10_000, count: -1.0}


def same_figure_identity(a: str, b: str) -> Identity:
    """Two sources' figures for the same thing (Annex A's count beside the 903's): a - b = 0."""
    return {a: 1.0, b: -1.0}


def gives_back(ind_id: str, same_as: dict[str, str]) -> tuple[str, ...]:
    """The indicators whose figure at the same date gives this one's count back, so that this
    one is withheld wherever they are: the count a rate is of, and the same figure from another
    source (``Indicator.same_figure_as``, either way round)."""
    out = [RATE_OF[ind_id]] if ind_id in RATE_OF else []
    out += [b for a, b in same_as.items() if a == ind_id]
    out += [a for a, b in same_as.items() if b == ind_id]
    return tuple(dict.fromkeys(out))


def flow_identity(stock_end: str, stock_start: str, started: str, ceased: str) -> Identity:
    """end - start - started + ceased = 0."""
    return {stock_end: 1.0, stock_start: -1.0, started: -1.0, ceased: 1.0}


def derivable(shown: dict[str, Cell | float], identities: Sequence[Identity]) -> set[str]:
    """The withheld figures that one identity gives away: every other term of it is shown."""
    out: set[str] = set()
    for ident in identities:
        hidden = [k for k in ident if shown.get(k) == SUPPRESSED]
        missing = [k for k in ident if k not in shown]
        if len(hidden) == 1 and not missing:
            out.add(hidden[0])
    return out


def protect(
    values: dict[str, float], identities: Sequence[Identity], audience: str = "public"
) -> dict[str, Cell | float]:
    """Figures as one audience may see them across all its outputs: small counts withheld,
    then, while an identity would give one away, the smallest other non-zero figure of that
    identity withheld too (DfE's secondary suppression, across documents)."""
    shown: dict[str, Cell | float] = {
        k: (SUPPRESSED if audience == "public" and is_small(v) else v) for k, v in values.items()
    }
    if audience != "public":
        return shown
    while True:
        leaks = [i for i in identities if derivable(shown, [i])]
        if not leaks:
            return shown
        ident = leaks[0]
        others = [k for k in ident if shown.get(k) != SUPPRESSED and values.get(k) not in (None, 0)]
        if not others:
            return shown
        shown[min(others, key=lambda k: (values[k], k))] = SUPPRESSED


def grade_table(
    counts: Sequence[Sequence[int]], audience: str = "public"
) -> list[tuple[list[Cell], Cell, str, str]]:
    """Audit grades (outstanding, good, requires improvement, inadequate) by group, as one
    audience sees them in every output: each group's cells and total, its good-or-better and
    inadequate shares. For the public the table is suppressed as a whole (with its totals), and
    a share is withheld when a count inside it is, so that no output's share gives back a
    withheld cell of another's; the last row is the column totals (all groups)."""
    if audience not in AUDIENCES:
        raise ValueError(f"there is no audience {audience!r} (choose {', '.join(AUDIENCES)})")
    rows = [list(r) for r in counts]
    if audience == "internal":
        grid = [*rows, [sum(c) for c in zip(*rows, strict=True)]]
        totals: list[Cell] = [sum(r) for r in grid]
        cells: list[list[Cell]] = [list(r) for r in grid]
    else:
        t = suppress_table(rows)
        aug = t.augmented()
        cells = [r[:-1] for r in aug]
        totals = [r[-1] for r in aug]

    def share(parts: list[Cell], total: Cell) -> str:
        if SUPPRESSED in (*parts, total):
            return SUPPRESSED
        if not int(total):
            return "x"
        return format_number(
            100.0 * sum(int(p) for p in parts) / int(total), "percent", rounded=True
        )

    return [
        (c, tot, share(c[0:2], tot), share(c[3:4], tot))
        for c, tot in zip(cells, totals, strict=True)
    ]
