"""Computing the catalogue: for any dates, periods and authorities, on one engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import ibis
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from selfeval.errors import NoData, UsageError
from selfeval.indicators.registry import Indicator, catalogue
from selfeval.indicators.sources import Sources

PERIODS = {"year": relativedelta(years=1), "quarter": relativedelta(months=3)}


def period_start(end: date, period: str) -> date:
    """The first day of the year, quarter or calendar month that ends on ``end``."""
    if period == "month":
        return end.replace(day=1)
    try:
        return end - PERIODS[period] + timedelta(days=1)
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


@dataclass(frozen=True)
class Result:
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

    def as_dict(self) -> dict:
        d = asdict(self)
        d["period_start"] = self.period_start.isoformat()
        d["period_end"] = self.period_end.isoformat()
        return d


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
    starts = [period_start(e, period) for e in ends]
    periods = ibis.memtable(
        pa.table(
            {
                "period_start": pa.array(starts, pa.date32()),
                "period_end": pa.array(list(ends), pa.date32()),
            }
        )
    )
    out: list[Result] = []
    for ind in inds:
        out.extend(_compute_one(ind, sources, periods, list(zip(starts, ends, strict=True)), las))
    return out


def _compute_one(
    ind: Indicator,
    sources: Sources,
    periods: ibis.Table,
    spans: list[tuple[date, date]],
    las: list[str],
) -> list[Result]:
    missing = [s for s in ind.sources if not sources.has(s)]
    rows: dict[tuple[str, date], dict] = {}
    if not missing:
        df = sources.backend.execute(ind.compute(sources, periods))
        for r in df.to_dict("records"):
            rows[(r["la_code"], _as_date(r["period_end"]))] = r
    out = []
    for la in las:
        for start, end in spans:
            p_start = end if ind.measure == "stock" else start
            reason = None
            num = den = None
            if missing:
                reason = "no data: the store has no " + ", ".join(missing) + " table"
            elif not all(
                sources.coverage[s].covers(la, p_start, end)
                for s in ind.sources
                if s in sources.coverage
            ):
                reason = f"no data: the loaded returns do not cover {p_start} to {end}"
            else:
                r = rows.get((la, end))
                num = _num(r.get("numerator")) if r else 0.0
                den = _num(r.get("denominator")) if r else (0.0 if ind.denominator else None)
                if ind.denominator is not None and not den:
                    reason = "no children in the denominator"
            value = None if reason else ind.value(num, den)
            out.append(
                Result(
                    id=ind.id,
                    title=ind.title,
                    la_code=la,
                    period_start=p_start,
                    period_end=end,
                    value=value,
                    numerator=num,
                    denominator=den,
                    unit=ind.unit,
                    reason=reason,
                )
            )
    return out


def _num(v: object) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _as_date(v: object) -> date:
    if isinstance(v, date) and not hasattr(v, "hour"):
        return v
    return v.date()  # type: ignore[union-attr]
