"""The children an indicator counts: the child-level list behind a figure.

Built from the indicator's own definition (``expr.listing``): the expression that counts is
the expression that lists, up to its last step, so the list's length is the figure. Child ids
are as the store holds them (keyed hashes when it was loaded with ``--pseudonymise``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis.expr.types as ir

from selfeval import schema
from selfeval.errors import NoData, UsageError
from selfeval.indicators.engine import Result, cached_sql, compute, periods_table
from selfeval.indicators.expr import listing
from selfeval.indicators.registry import Indicator, get
from selfeval.indicators.sources import Sources
from selfeval.store import which_authority


class NotChildLevel(UsageError):
    """The indicator is not counted from children's records, so there is no list."""


@dataclass(frozen=True)
class ChildList:
    """The units (children, or their referrals, plans, assessments, ...) behind one figure.

    ``rows`` are dicts with ``child_id``, ``la_code``, for a percentage ``in_numerator`` (every
    row is in the denominator), then the indicator's detail columns. ``result`` is the figure
    itself, computed at the same time.
    """

    indicator: Indicator
    result: Result
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]

    def table(self) -> list[list[object]]:
        """The rows as lists in the order of ``columns`` (for CSV and XLSX)."""
        return [[r[c] for c in self.columns] for r in self.rows]

    @property
    def in_numerator(self) -> int:
        """How many rows the numerator counts."""
        if "in_numerator" not in self.columns:
            return len(self.rows)
        return sum(1 for r in self.rows if r["in_numerator"])


def not_child_level_reason(ind: Indicator) -> str | None:
    """Why ``ind`` has no list of children, or None when it has one."""
    if ind.child_level is not None:
        return None
    return (
        f"{ind.id} is not counted from children's records (it comes from "
        f"{', '.join(schema.title(s) for s in ind.sources)}), so there is no list of children "
        "behind it"
    )


def children(
    sources: Sources,
    indicator_id: str,
    at: date,
    *,
    period: str = "year",
    la_code: str | None = None,
) -> ChildList:
    """The children ``indicator_id`` counts for one authority at ``at`` (period measures: the
    year, quarter or month ending on it), numerator rows first, then by child id."""
    ind = get(indicator_id)
    reason = not_child_level_reason(ind)
    if reason or ind.child_level is None:
        raise NotChildLevel(reason or f"{ind.id} has no list of children")
    la = _authority(sources, la_code)
    [result] = compute(sources, [at], period=period, ids=[ind.id], la_codes=[la])
    if result.numerator is None:
        raise NoData(f"{ind.id} at {at} for {la}: {result.reason}")
    spec = ind.child_level
    with sources.computing(periods_table([at], period)) as run:

        def build() -> ir.Table:
            with listing(spec):
                t = ind.compute(sources, run.periods)
            return t.filter(t.la_code == la).drop("period_end")

        found = run.fetch(cached_sql(ind, sources, ("children", la), build))
    rows = found.to_pylist()
    columns = ["child_id", "la_code"]
    if ind.unit == "percent":
        columns.append("in_numerator")
    columns += [
        c
        for c in found.column_names
        if c not in ("child_id", "la_code", "in_numerator", "in_denominator")
    ]
    out = [{c: r[c] for c in columns} for r in rows]
    out.sort(key=lambda r: (not r.get("in_numerator", True), str(r["child_id"]), _key(r)))
    return ChildList(ind, result, tuple(columns), out)


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in row.values())


def _authority(sources: Sources, la_code: str | None) -> str:
    las = sources.la_codes()
    if la_code:
        if la_code not in las:
            raise NoData(f"the store holds no returns for authority {la_code}")
        return la_code
    return which_authority(las)
