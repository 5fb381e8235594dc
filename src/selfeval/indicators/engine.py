"""Computing the catalogue: for any dates, periods and authorities, on one engine.

All the asked-for indicators are built as Ibis expressions over one table of periods and run
as a single query (a union of every definition), so that a 60-month series of the whole
catalogue costs one round trip to the engine, not one per indicator or per date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, SupportsFloat

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from selfeval.errors import NoData, UsageError
from selfeval.indicators import compiled
from selfeval.indicators.basis import Basis
from selfeval.indicators.registry import SNAPSHOTS, Indicator, catalogue, in_force, versions
from selfeval.indicators.sources import Computation, Sources
from selfeval.outputs.formatting import long_date
from selfeval.schema import title as table_title
from selfeval.settings import current

PERIODS = {"year": relativedelta(years=1), "quarter": relativedelta(months=3)}


def period_start(end: date, period: str) -> date:
    """The first day of the year, quarter or calendar month that ends on ``end``."""
    if period == "month":
        return end.replace(day=1)
    try:  # counted back from the day after: the quarter to 30 June starts on 1 April
        return end + timedelta(days=1) - PERIODS[period]
    except KeyError:
        raise UsageError(f"--period must be year, quarter or month, not {period!r}") from None


def month_ends(start: date, end: date) -> list[date]:
    """Every month-end from ``start`` to ``end`` inclusive."""
    out = []
    d = (start.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)
    while d <= end:
        if d >= start:
            out.append(d)
        d = (d + timedelta(days=1) + relativedelta(months=1)) - timedelta(days=1)
    return out


def snapshot_year(at: date, snapshot: tuple[int, int]) -> int:
    """The year of the latest snapshot date (month, day) on or before ``at``."""
    return at.year if (at.month, at.day) >= snapshot else at.year - 1


def snapshot_span(at: date, snapshot: tuple[int, int]) -> tuple[date, date]:
    """The 12 months ending on the latest snapshot date on or before ``at``."""
    end = date(snapshot_year(at, snapshot), *snapshot)
    return end - relativedelta(years=1) + timedelta(days=1), end


def population_year(at: date) -> int:
    """The ONS mid-year estimate a rate at ``at`` uses: the last mid-year (30 June) before it."""
    return snapshot_year(at, (6, 30))


RESULT_FIELDS = (
    "id",
    "title",
    "la_code",
    "date",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "unit",
    "reason",
    "basis",
)
"""A result's fields in the order exports show them."""


@dataclass(frozen=True)
class Result:
    """One indicator's figure for one authority and one date asked for.

    ``date`` is the date asked for; ``period_start``..``period_end`` is what the figure covers:
    the date itself for a count at a date, the year, quarter or month ending on it for a period
    measure, and the return's year for a figure a return gives once a year (OC2, OC3, CSWW).
    ``basis`` is the record it is computed from: *as returned* or *as now recorded*.
    """

    id: str
    title: str
    la_code: str
    period_start: date
    period_end: date
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    reason: str | None = None
    date: date | None = None
    basis: Basis = Basis.AS_RECORDED

    def __post_init__(self) -> None:
        if self.date is None:  # a figure made without the engine: asked for its period's end
            object.__setattr__(self, "date", self.period_end)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("date", "period_start", "period_end"):
            d[k] = getattr(self, k).isoformat()
        d["basis"] = str(self.basis)
        return {k: d[k] for k in RESULT_FIELDS}


def periods_table(ends: Sequence[date], period: str) -> pa.Table:
    """The table every definition joins: one row per date asked for.

    Besides the period (``period_start``, ``period_end``) it carries the years that annual
    sources are matched on: ``collection_year`` (the 903/CIN return whose 31 March is the latest
    on or before the date), ``csww_year`` (the workforce census, 30 September) and
    ``population_year`` (the ONS mid-year estimate before the date).
    """
    cols: dict[str, list[date | int]] = {
        "period_start": [period_start(e, period) for e in ends],
        "period_end": list(ends),
        "population_year": [population_year(e) for e in ends],
    }
    for name, snap in SNAPSHOTS.items():
        cols[f"{name}_year"] = [snapshot_year(e, snap) for e in ends]
    types = {k: pa.date32() if k.startswith("period_") else pa.int32() for k in cols}
    return pa.table({k: pa.array(v, types[k]) for k, v in cols.items()})


def compute(
    sources: Sources,
    ends: Sequence[date],
    *,
    period: str = "year",
    ids: Iterable[str] | None = None,
    la_codes: Sequence[str] | None = None,
) -> list[Result]:
    """Every asked-for indicator at every end date, for every authority in the sources."""
    cat = catalogue()
    inds = [cat[i] for i in ids] if ids is not None else list(cat.values())
    las = list(la_codes) if la_codes else sources.la_codes()
    if not las:
        raise NoData("the store holds no data: ingest some returns first")
    ends = sorted(set(ends))
    changed = {i.id for i in inds if len(versions(i.id)) > 1}
    runnable = [i for i in inds if i.id not in changed and all(sources.has(s) for s in i.sources)]
    with sources.computing(periods_table(ends, period)) as run:
        rows = _run(run, runnable)
    # An indicator DfE redefined: each declaration over the dates of its own return years.
    for i in changed:
        for v in versions(i):
            its = [e for e in ends if in_force(v, e) is v]
            if its and all(sources.has(s) for s in v.sources):
                with sources.computing(periods_table(its, period)) as run:
                    rows.update(_run(run, [v]))
    out: list[Result] = []
    for ind in inds:
        for la in las:
            for end in ends:
                v = (in_force(ind, end) or ind) if ind.id in changed else ind
                out.append(_result(v, sources, la, end, period, rows.get((ind.id, la, end))))
    return out


def expression(ind: Indicator, sources: Sources, periods: ir.Table) -> ir.Table:
    """One indicator's definition, as rows of (id, la_code, period_end, numerator, denominator)."""
    t = ind.compute(sources, periods)
    den = t.denominator if "denominator" in t.columns else ibis.null()
    return t.select(
        id=ibis.literal(ind.id),
        la_code=t.la_code.cast("string"),
        period_end=t.period_end.cast("date"),
        numerator=t.numerator.cast("float64"),
        denominator=den.cast("float64"),
    )


_SQL: dict[tuple[object, ...], str] = {}
"""Compiled SQL per (engine, indicator, schemas of its tables): building and compiling an Ibis
expression costs far more than running it, and the SQL depends only on these (and the code:
kept on disk between processes by ``indicators.compiled``)."""


def _sql(ind: Indicator, sources: Sources, periods: ir.Table) -> str:
    return cached_sql(ind, sources, ("figure",), lambda: expression(ind, sources, periods))


def cached_sql(
    ind: Indicator, sources: Sources, kind: tuple[str, ...], build: Callable[[], ir.Expr]
) -> str:
    """The SQL of one of the indicator's expressions (``kind``: the figure, or the list of
    children of one authority), compiled from ``build()`` once per engine, indicator version
    and schemas of its tables, then read from memory or from disk (``indicators.compiled``)."""
    for name in ind.sources:
        sources.table(name)  # build reference tables the SQL reads
    key = (sources.backend.name, *kind, ind.id, ind.from_year, sources.signature(ind.sources))
    sql = _SQL.get(key)
    if sql is None:
        sql = compiled.read(ind, key)
        if sql is None:
            sql = sources.compile(build())
            compiled.write(ind, key, sql)
        _SQL[key] = sql
    return sql


def batch_size(engine: str) -> int:
    """Indicators per query: all of them on DuckDB (one round trip); on Spark
    ``$SELFEVAL_SPARK_BATCH`` (default 10), so that no plan holds the whole catalogue's joins
    at once and each query's shuffles stay small enough for the executors' memory."""
    if engine == "duckdb":
        return 1 << 30
    return current().spark_batch


def _run(run: Computation, inds: list[Indicator]) -> dict[tuple[str, str, date], dict[str, Any]]:
    """Run the indicators' SQL as few queries (UNION ALL of a batch, ``batch_size``)."""
    out = {}
    size = batch_size(run.sources.backend.name)
    for first in range(0, len(inds), size):
        parts = [
            f"SELECT * FROM ({_sql(i, run.sources, run.periods)}) AS q{n}"
            for n, i in enumerate(inds[first : first + size])
        ]
        for r in run.fetch("\nUNION ALL\n".join(parts)).to_pylist():
            out[(r["id"], r["la_code"], r["period_end"])] = r
    return out


def _result(
    ind: Indicator,
    sources: Sources,
    la: str,
    end: date,
    period: str,
    row: dict[str, Any] | None,
) -> Result:
    if ind.measure == "stock":
        start, stop = end, end
    elif ind.measure == "annual":
        if ind.snapshot is None:
            raise ValueError(f"{ind.id}: an annual indicator names its snapshot")
        start, stop = snapshot_span(end, SNAPSHOTS[ind.snapshot])
    else:
        start, stop = period_start(end, period), end
    num = den = None
    reason = _missing(ind, sources, la, start, stop)
    if reason is None:
        num = _num(row["numerator"]) if row else 0.0
        den = _num(row["denominator"]) if row else None
        if ind.unit == "rate_per_10k" and den is None:
            reason = f"no data: no ONS population estimate for mid-{population_year(end)}"
            num = None
        elif ind.denominator is not None and not den:
            den = 0.0
            reason = f"nothing to measure: the denominator ({ind.denominator}) is 0"
    value = None if reason else ind.value(num, den)
    return Result(
        id=ind.id,
        title=ind.title,
        la_code=la,
        date=end,
        period_start=start,
        period_end=stop,
        value=value,
        numerator=num,
        denominator=den,
        unit=ind.unit,
        reason=reason,
        basis=sources.basis,
    )


def _missing(ind: Indicator, sources: Sources, la: str, start: date, end: date) -> str | None:
    missing = [s for s in ind.sources if not sources.has(s)]
    if missing:
        named = [table_title(m) for m in missing]
        if len(named) == 1:
            return f"no data: the store has no {named[0]} table"
        return f"no data: the store has no {', '.join(named[:-1])} or {named[-1]} tables"
    for s in ind.sources:
        cov = sources.coverage.get(s)
        if cov is None:
            continue
        if ind.measure == "annual" and not cov.covers(la, end, end):
            return f"no data: no {table_title(s)} return for the year ending {long_date(end)}"
        if ind.measure != "annual" and not cov.covers(la, start, end):
            asked = long_date(end) if start == end else f"{long_date(start)} to {long_date(end)}"
            held = f"{table_title(s)} covers {cov.describe(la)}"
            return f"no data: the loaded returns do not cover {asked} ({held})"
    return None


def _num(v: SupportsFloat | None) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if f != f else f
