"""Is a year-on-year change real? Judged for many indicators at once, allowing for overlap.

Two dates' figures are mostly about the same children (the children in care on 31 March 2019
are largely those in care on 31 March 2020), so they are not independent samples:

- a **percentage** is compared with a variance that follows each child across both dates
  (linearisation over children: each child contributes ``(x - p n) / N`` at each date, the
  difference of the two contributions is summed over children and squared; a child at one
  date only contributes at that date). With no child at both dates this is the unpooled
  two-proportion test; with the same children at both it is the paired test;
- a **count at a date** (a stock) changes only by the children who joined and those who left,
  so it is judged on those two numbers (McNemar's test on the discordant children:
  ``(joined - left) / sqrt(joined + left)``);
- a **count over a period** (events in two separate years) is judged as two Poisson counts.

Dozens of indicators are judged at once, so some would "change" by chance alone; the changes
are accepted as real by the Benjamini-Hochberg procedure, which keeps the expected share of
false discoveries among the changes called real at most ``FALSE_DISCOVERY_RATE``.

A figure whose look-back is not loaded (re-referrals within 12 months need the 12 months
before the year) is not judged: it would read a gap in the data as a change.

The words people read are "a real change", "within normal variation", "too few children to
tell" and "not judged"; the statistics live in the methods appendix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from dateutil.relativedelta import relativedelta

from selfeval.errors import SelfevalError
from selfeval.indicators import Result, Sources, get

if TYPE_CHECKING:
    from selfeval.evaluation.placeholders import FigureCache

Verdict = Literal["real", "normal", "too_few", "not_judged"]
WORDS: dict[str, str] = {
    "real": "a real change",
    "normal": "within normal variation",
    "too_few": "too few children to tell",
    "not_judged": "not judged",
}
FALSE_DISCOVERY_RATE = 0.05
"""The expected share of false discoveries allowed among the changes called real."""
MIN_EXPECTED = 5
"""A percentage is judged only when each date's expected numerator and non-numerator are at
least this many (the normal approximation holds)."""
MIN_EVENTS = 10
"""A count is judged only when the two counts together (or the joiners and leavers
together) are at least this many."""
LOOK_BACK: dict[str, relativedelta] = {
    "rereferral_12m_pct": relativedelta(months=12),
}
"""How far before its period an indicator reads (a referral is a re-referral when another
came in the 12 months before it): a year is judged only when that much is loaded too."""


# -- pure statistics ----------------------------------------------------------------------------


def _p_from_z(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def overlap_proportion_z(
    before: Mapping[str, tuple[float, float]], after: Mapping[str, tuple[float, float]]
) -> tuple[float, float, float]:
    """(difference, z, two-sided p) of p_after - p_before, children followed across dates.

    ``before`` and ``after`` map each child to (numerator units, denominator units) at that
    date. The variance is the linearised one over children: sum of (d_after - d_before)^2 with
    d = (x - p n) / N, so a child at both dates adds the covariance the independent test
    leaves out.
    """
    n1 = sum(n for _, n in before.values())
    n2 = sum(n for _, n in after.values())
    if not n1 or not n2:
        raise ValueError("both dates need at least one child in the denominator")
    p1 = sum(x for x, _ in before.values()) / n1
    p2 = sum(x for x, _ in after.values()) / n2
    var = 0.0
    for child in set(before) | set(after):
        x1, m1 = before.get(child, (0.0, 0.0))
        x2, m2 = after.get(child, (0.0, 0.0))
        d = (x2 - p2 * m2) / n2 - (x1 - p1 * m1) / n1
        var += d * d
    diff = p2 - p1
    if var <= 0:
        return diff, 0.0, 1.0
    z = diff / math.sqrt(var)
    return diff, z, _p_from_z(z)


def discordant_z(joined: int, left: int) -> tuple[float, float]:
    """(z, two-sided p) of McNemar's test on the children who joined and those who left."""
    if joined + left == 0:
        return 0.0, 1.0
    z = (joined - left) / math.sqrt(joined + left)
    return z, _p_from_z(z)


def poisson_z(c1: float, c2: float) -> tuple[float, float]:
    """(z, two-sided p) that two counts over equal, separate periods differ."""
    if c1 + c2 == 0:
        return 0.0, 1.0
    z = (c2 - c1) / math.sqrt(c1 + c2)
    return z, _p_from_z(z)


def benjamini_hochberg(p_values: Sequence[float], q: float = FALSE_DISCOVERY_RATE) -> list[bool]:
    """Which hypotheses to reject with the false discovery rate held at ``q``.

    Sort the m p-values; find the largest k with p_(k) <= k q / m; reject the k smallest.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    k = 0
    for rank, i in enumerate(order, start=1):
        if p_values[i] <= rank * q / m:
            k = rank
    rejected = [False] * m
    for i in order[:k]:
        rejected[i] = True
    return rejected


# -- judging a record's figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One indicator's change between two dates, as judged."""

    indicator_id: str
    before: Result
    after: Result
    verdict: Verdict
    method: str
    """How it was judged (for the methods appendix), or why it was not."""
    p_value: float | None = None

    @property
    def words(self) -> str:
        return WORDS[self.verdict]

    @property
    def direction(self) -> str:
        a, b = self.before.value, self.after.value
        if a is None or b is None:
            return "no comparison"
        return "down" if b < a else "up" if b > a else "unchanged"

    def judgement(self) -> Literal["better", "worse", "neutral"]:
        """Whether the change, if real, is for the better, by the indicator's polarity."""
        pol = get(self.indicator_id).polarity
        if self.direction in ("unchanged", "no comparison") or pol == "neutral":
            return "neutral"
        return "better" if (self.direction == "up") == (pol == "higher_better") else "worse"


UnitsByChild = Mapping[str, tuple[float, float]]


def look_back_loaded(sources: Sources, r: Result) -> bool:
    """Whether everything the figure reads before its period is loaded."""
    back = LOOK_BACK.get(r.id)
    if back is None:
        return True
    start = r.period_start - back
    for table in get(r.id).sources:
        cov = sources.coverage.get(table)
        if cov is not None and not cov.covers(r.la_code, start, r.period_end):
            return False
    return True


def children_units(
    sources: Sources, ind_id: str, la_code: str, dates: Sequence[date], period: str = "year"
) -> dict[date, dict[str, tuple[float, float]]] | None:
    """Each child's (numerator units, denominator units) behind the indicator at each date,
    from one listing query; None where the indicator is not counted from children's records."""
    from selfeval.indicators.engine import periods_table
    from selfeval.indicators.expr import listing

    ind = get(ind_id)
    if ind.child_level is None:
        return None
    out: dict[date, dict[str, tuple[float, float]]] = {d: {} for d in dates}
    try:
        with sources.computing(periods_table(list(dates), period)) as run:
            with listing(ind.child_level):
                t = ind.compute(sources, run.periods)
            t = t.filter(t.la_code == la_code)
            rows = run.fetch(sources.compile(t)).to_pylist()
    except SelfevalError:
        return None
    for row in rows:
        d = row["period_end"]
        d = d.date() if hasattr(d, "date") and callable(d.date) else d
        if d not in out:
            continue
        child = str(row["child_id"])
        x, n = out[d].get(child, (0.0, 0.0))
        out[d][child] = (x + (1.0 if row.get("in_numerator", True) else 0.0), n + 1)
    return out


State = tuple[str, str, tuple[int, ...]]
"""A key that changes whenever an authority's data does (``FigureCache.state``)."""

_LISTED: dict[tuple[State | None, str, str, date], dict[str, tuple[float, float]] | None] = {}
"""Each child's units behind an indicator at a date, by (data state, indicator, authority,
date): listed once in a process, so that the self-evaluation, the scrutiny report and
``report check`` (which makes the self-evaluation again for internal readers) share them."""
_LISTED_MAX = 4096
"""Listings kept at most (a store's data changing leaves the old ones unread)."""


def listed_units(
    sources: Sources,
    ind_id: str,
    la_code: str,
    dates: Sequence[date],
    state: State | None = None,
) -> dict[date, dict[str, tuple[float, float]]] | None:
    """:func:`children_units`, each (indicator, date) listed once for a data ``state`` (a key
    that changes whenever the data does: the store, the authority and its loads); the dates
    not yet listed are listed in one query. Without a state nothing is kept."""
    if state is None:
        return children_units(sources, ind_id, la_code, dates)
    missing = [d for d in dates if (state, ind_id, la_code, d) not in _LISTED]
    if missing:
        got = children_units(sources, ind_id, la_code, missing)
        if len(_LISTED) + len(missing) > _LISTED_MAX:
            _LISTED.clear()
        for d in missing:
            _LISTED[(state, ind_id, la_code, d)] = None if got is None else got[d]
    listed = {}
    for d in dates:
        units = _LISTED.get((state, ind_id, la_code, d))
        if units is None:
            return None
        listed[d] = units
    return listed


def judge_one(
    a: Result,
    b: Result,
    units: tuple[UnitsByChild | None, UnitsByChild | None] = (None, None),
    *,
    look_back: bool = True,
) -> Change:
    """The change from ``a`` to ``b`` before allowing for multiple judgements (verdict
    ``real`` here means only "a p-value to put to the false discovery procedure")."""
    ind = get(a.id)

    def done(verdict: Verdict, method: str, p: float | None = None) -> Change:
        return Change(a.id, a, b, verdict, method, p)

    if a.value is None or b.value is None:
        return done("not_judged", "a figure is missing at one of the dates")
    if not look_back:
        return done(
            "not_judged",
            "the returns before the earlier year are not loaded, and this figure looks back "
            "into them",
        )
    u1, u2 = units
    if ind.area == "workforce":
        return done(
            "not_judged",
            "a share of full-time equivalents or of working days, not of people: no test of "
            "chance applies, and it is shown with its direction only",
        )
    if ind.unit == "percent":
        if not a.denominator or not b.denominator:
            return done("not_judged", "no denominator")
        pooled = ((a.numerator or 0) + (b.numerator or 0)) / (a.denominator + b.denominator)
        if min(a.denominator, b.denominator) * min(pooled, 1 - pooled) < MIN_EXPECTED:
            return done("too_few", f"fewer than {MIN_EXPECTED} expected at one date")
        if u1 is not None and u2 is not None and u1 and u2:
            _, _, p = overlap_proportion_z(u1, u2)
            return done("real", "difference of proportions, children followed across dates", p)
        from selfeval.benchmarks.spc import two_proportion_test

        p = two_proportion_test(
            a.numerator or 0, a.denominator, b.numerator or 0, b.denominator
        ).p_value
        return done("real", "two-proportion test (no children's records to follow)", p)
    if ind.unit in ("count", "rate_per_10k"):
        c1 = a.numerator if ind.unit == "rate_per_10k" else a.value
        c2 = b.numerator if ind.unit == "rate_per_10k" else b.value
        if c1 is None or c2 is None:
            return done("not_judged", "no count behind the rate")
        if ind.measure == "stock" and u1 is not None and u2 is not None:
            joined = len(set(u2) - set(u1))
            left = len(set(u1) - set(u2))
            if c1 + c2 < MIN_EVENTS:
                return done("too_few", f"fewer than {MIN_EVENTS} children")
            _, p = discordant_z(joined, left)
            return done("real", "children who joined against children who left (McNemar)", p)
        if c1 + c2 < MIN_EVENTS:
            return done("too_few", f"fewer than {MIN_EVENTS} events")
        _, p = poisson_z(c1, c2)
        return done("real", "two counts over separate years (Poisson)", p)
    return done("not_judged", f"a {ind.unit.replace('_', ' ')} is shown with its direction only")


def decide_all(changes: Sequence[Change], q: float = FALSE_DISCOVERY_RATE) -> list[Change]:
    """The false discovery procedure over every change with a p-value: the rejected ones are
    real, the rest within normal variation."""
    tested = [(i, c.p_value) for i, c in enumerate(changes) if c.p_value is not None]
    rejected = benjamini_hochberg([p for _, p in tested], q)
    out = list(changes)
    for (i, _), real in zip(tested, rejected, strict=True):
        c = out[i]
        out[i] = Change(
            c.indicator_id, c.before, c.after, "real" if real else "normal", c.method, c.p_value
        )
    return out


def judge_changes(
    results: Iterable[tuple[Result, Result]],
    sources: Sources | None = None,
    state: State | None = None,
) -> dict[str, Change]:
    """Every pair (before, after) judged together: children followed across dates where the
    indicator lists them (each listing kept for the data ``state``, :func:`listed_units`),
    look-back checked, then the false discovery procedure."""
    pairs = list(results)
    raw = []
    for a, b in pairs:
        units: tuple[UnitsByChild | None, UnitsByChild | None] = (None, None)
        back = True
        if sources is not None and a.value is not None and b.value is not None:
            back = look_back_loaded(sources, a) and look_back_loaded(sources, b)
            ind = get(a.id)
            listable = ind.unit == "percent" or (ind.unit == "count" and ind.measure == "stock")
            if back and ind.child_level is not None and listable:
                d1, d2 = a.date or a.period_end, b.date or b.period_end
                listed = listed_units(sources, a.id, a.la_code, [d1, d2], state)
                if listed is not None:
                    units = (listed[d1], listed[d2])
        raw.append(judge_one(a, b, units, look_back=back))
    return {c.indicator_id: c for c in decide_all(raw)}


def methods_text(judged: int) -> list[str]:
    """The methods appendix: how a change is judged, in a few paragraphs."""
    return [
        "A change between the two dates is called real only when it is unlikely to be chance. "
        "Each indicator's figures at the two dates are mostly about the same children, so "
        "they are not treated as independent samples: a percentage is compared with a "
        "variance that follows each child across both dates (a child counted at both dates "
        "adds the covariance that an independent test would leave out), and a count at a date "
        "is judged on the children who joined and those who left (McNemar's test). Counts of "
        "events in two separate years are compared as two Poisson counts.",
        f"{judged} indicators are judged at once here, so some would change by "
        "chance alone. The changes are called real by the Benjamini-Hochberg procedure, which "
        f"keeps the expected share of false discoveries among them at most "
        f"{FALSE_DISCOVERY_RATE:.0%}. A change is otherwise within normal variation.",
        f"A percentage is not judged when fewer than {MIN_EXPECTED} children are expected in "
        f"its numerator (or outside it) at one of the dates, nor a count when fewer than "
        f"{MIN_EVENTS} children are involved: there are too few children to tell. A figure "
        "that looks back before its year (re-referrals within 12 months) is not judged when "
        "the returns of that earlier time are not loaded.",
        "Control charts show month-end figures of children at a date and events counted in "
        "each month, never rolling 12-month figures (whose months overlap) and never a "
        "yearly census. The centre line is the mean; the limits lie three standard errors "
        "either side (for a percentage, from each month's own number of children). A point "
        "outside the limits, or eight months in a row on one side of the centre line, is a "
        "signal that something changed.",
    ]


def record_changes(record: FigureCache, before: date, after: date) -> dict[str, Change]:
    """Every catalogue indicator's change between two dates for one record (an
    ``evaluation.placeholders.FigureCache``), judged together once and kept on the record: the
    self-evaluation, its findings and the scrutiny report read the same judgements."""
    from selfeval.indicators import catalogue

    cache: dict[tuple[date, date], dict[str, Change]] = record.__dict__.setdefault("_changes", {})
    key = (before, after)  # the judgement is the same for every audience; only words differ
    if key not in cache:
        sources = record.sources
        ids = [i for i, ind in catalogue().items() if all(sources.has(s) for s in ind.sources)]
        results = record.results(ids, [before, after])
        by: dict[str, list[Result]] = {}
        for r in results:
            by.setdefault(r.id, []).append(r)
        pairs = [(a, b) for a, b in by.values() if a.value is not None and b.value is not None]
        cache[key] = judge_changes(pairs, sources, record.state())
    return cache[key]
