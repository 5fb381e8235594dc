"""Disclosure control: small counts hidden, and never recoverable from what is published."""

from __future__ import annotations

from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from selfeval.outputs.disclosure import (
    SUPPRESSED,
    publish_count,
    publish_percent,
    round_total,
    suppress_column,
    suppress_percentages,
    suppress_table,
)

C = SUPPRESSED


def test_single_counts_and_percentages():
    assert [publish_count(n) for n in (0, 1, 5, 6, None)] == [0, C, C, 6, "x"]
    # 3 of 40 and 40 of 3: a small numerator or denominator hides the percentage.
    assert publish_percent(3, 40) == C
    assert publish_percent(31, 172) == 18  # 31 / 172 = 18.02%
    assert publish_percent(1, 400) == C
    assert publish_percent(6, 4000) == "k"  # 0.15%
    assert publish_percent(6, 0) == "x"


def test_england_and_regional_totals_round_to_ten():
    assert round_total(80_854, "National") == 80_850
    assert round_total(80_855, "National") == 80_860
    assert round_total(5_914, "Regional") == 5_910
    assert round_total(588, "Local authority") == 588
    assert round_total(4, "Local authority") == C


def test_one_small_cell_takes_the_next_smallest_with_it():
    """Row 1 holds a 3: its row and column each get a second cell hidden.

    Table [[3, 10], [7, 20]]: the 3 is primary. Row 0 has one hidden cell, so its next
    smallest non-zero cell (10) goes; column 0 likewise loses the 7; then row 1 and column 1
    each have one hidden cell and lose the 20. Totals (13, 27; 10, 30; 40) stay published.
    """
    t = suppress_table([[3, 10], [7, 20]])
    assert t.cells == [[C, C], [C, C]]
    assert t.row_totals == [13, 27]
    assert t.column_totals == [10, 30]
    assert t.grand_total == 40
    assert t.primary == {(0, 0)}


def test_zero_is_not_a_hiding_place():
    """[[3, 0], [0, 9]]: hiding the zeros beside the 3 would still give it away."""
    t = suppress_table([[3, 0], [0, 9]])
    assert t.cells[0][0] == C
    # The 3 is the whole of row 0 and of column 0, so those totals must go too.
    assert t.row_totals[0] == C and t.column_totals[0] == C


def test_column_with_total():
    shown, total = suppress_column([12, 4, 30, 0])
    assert shown == [C, C, 30, 0]  # 4 is primary; 12 is the next smallest non-zero
    assert total == 46


def test_percentages_follow_their_counts():
    nums, _ = suppress_column([12, 4, 30])
    dens, _ = suppress_column([40, 40, 60])
    assert suppress_percentages(nums, dens) == [C, C, 50]


def _witness(grid: list[list[int]], shown: list[list[object]], cell: tuple[int, int]):
    """Another table, consistent with every published cell and total, differing at ``cell``.

    Tries every alternating cycle of suppressed cells through ``cell`` (+1, -1, ... around
    the rows and columns, totals moving with the sum), then checks the candidate by plain
    arithmetic. Written independently of the library's own check.
    """
    n, m = len(grid) - 1, len(grid[0]) - 1  # interior size
    hidden = {(i, j) for i in range(n + 1) for j in range(m + 1) if shown[i][j] == C}
    r0, c0 = cell
    rows = [i for i in range(n + 1) if i != r0]
    cols = [j for j in range(m + 1) if j != c0]
    for k in range(1, min(len(rows), len(cols)) + 1):
        for rs in permutations(rows, k):
            for cs in permutations(cols, k):
                path_r = [r0, *rs]
                path_c = [c0, *cs]
                for delta in (1, -1):
                    cand = [row[:] for row in grid]
                    for t in range(k + 1):
                        # (r_t, c_t) gets +delta, (r_{t+1}, c_t) gets -delta, cyclically.
                        a = (path_r[t], path_c[t])
                        b = (path_r[(t + 1) % (k + 1)], path_c[t])
                        for p, d in ((a, delta), (b, -delta)):
                            if p not in hidden:
                                break
                            totals = (p[0] == n) != (p[1] == m)
                            cand[p[0]][p[1]] += -d if totals else d
                        else:
                            continue
                        break
                    else:
                        if _consistent(cand, shown) and cand[r0][c0] != grid[r0][c0]:
                            return cand
    return None


def _consistent(cand: list[list[int]], shown: list[list[object]]) -> bool:
    n, m = len(cand) - 1, len(cand[0]) - 1
    if any(v < 0 for row in cand for v in row):
        return False
    for i in range(n + 1):
        for j in range(m + 1):
            if shown[i][j] != C and shown[i][j] != cand[i][j]:
                return False
    rows_ok = all(sum(cand[i][:m]) == cand[i][m] for i in range(n + 1))
    cols_ok = all(sum(cand[i][j] for i in range(n)) == cand[n][j] for j in range(m + 1))
    return rows_ok and cols_ok


tables = st.integers(1, 4).flatmap(
    lambda w: st.lists(
        st.lists(st.one_of(st.integers(0, 8), st.integers(0, 40)), min_size=w, max_size=w),
        min_size=1,
        max_size=4,
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_count_can_be_recovered(cells):
    """Every suppressed cell has at least two values consistent with all that is published."""
    t = suppress_table(cells)
    shown = t.augmented()
    grid = [[*r, sum(r)] for r in cells]
    grid.append([sum(r[j] for r in grid) for j in range(len(grid[0]))])
    for i, row in enumerate(shown):
        for j, v in enumerate(row):
            if v != C:
                assert v == grid[i][j] and not 1 <= v <= 5, (cells, shown)
            else:
                assert _witness(grid, shown, (i, j)) is not None, (cells, shown, (i, j))
