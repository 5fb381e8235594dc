"""Building blocks shared by the definitions: Ibis expressions that run on every engine.

Each helper takes and returns Ibis tables or values; none of them runs a query, loops over
children or writes engine-specific SQL, so that a definition built from them runs unchanged on
DuckDB in process and on PySpark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import ibis
import ibis.expr.types as ir

from selfeval.indicators.registry import ChildLevel
from selfeval.indicators.sources import Sources, open_at

GROUP = ("la_code", "period_end")
"""Every definition's result is grouped by authority and the period's end date."""

SHORT_BREAKS = ("V3", "V4")
"""903 legal statuses of a series of short breaks: not counted as looked after."""

TRUE_FLAGS = ("1", "true", "True", "TRUE", "Y", "y", "Yes", "yes")
"""How a yes/no field of a return says yes (XML booleans, 903 1/0 codes)."""


_LISTING: ContextVar[ChildLevel | None] = ContextVar("selfeval_listing", default=None)
"""Set while a definition is built to list its children rather than count them."""


@contextmanager
def listing(spec: ChildLevel) -> Iterator[None]:
    """Within this block the counting helpers below return the rows they would count.

    A definition's expression is the same in both modes up to its last step: where it would
    aggregate (``count_rows``, ``rows_share``, ``children_share``, ...), it gives instead one
    row per counted unit: ``la_code``, ``period_end``, ``child_id``, ``in_numerator``,
    ``in_denominator`` and the spec's detail columns. So the list and the count cannot drift.
    """
    token = _LISTING.set(spec)
    try:
        yield
    finally:
        _LISTING.reset(token)


def listing_details(t: ir.Table, exclude: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The listing's detail columns present in ``t`` (none when counting)."""
    spec = _LISTING.get()
    if spec is None:
        return []
    return [c for c in spec.details if c in t.columns and c not in exclude]


def _listed(
    t: ir.Table,
    in_numerator: ir.BooleanValue,
    in_denominator: ir.BooleanValue,
    key: tuple[str, ...] | None = None,
) -> ir.Table:
    """The rows a counting helper would aggregate, one per counted unit (``key`` distinct
    per authority and period, or every row when None), a numerator row first."""
    spec = _LISTING.get()
    assert spec is not None
    t = t.mutate(_in_num=in_numerator.fill_null(False), _in_den=in_denominator)
    if key is not None:  # one row per unit: a row that is a hit, if any, else any row
        hit_first = [ibis.desc(t._in_num), *(t[c] for c in listing_details(t))]
        w = ibis.window(group_by=[*GROUP, *key], order_by=hit_first)
        t = t.mutate(_n=ibis.row_number().over(w)).filter(ibis._._n == 0)
    return t.select(
        *GROUP,
        child_id=t[spec.child].cast("string"),
        in_numerator=t._in_num,
        in_denominator=t._in_den,
        **{
            c: t[c]
            for c in listing_details(t, (*GROUP, "child_id", "in_numerator", "in_denominator"))
        },
    )


def within(d: ir.Value, start: ir.Value, end: ir.Value) -> ir.BooleanValue:
    """``d`` falls in the period from ``start`` to ``end``, both days included."""
    return (d >= start) & (d <= end)


def in_period(d: ir.Value, t: ir.Table) -> ir.BooleanValue:
    """``d`` falls within the row's period (``period_start`` to ``period_end``)."""
    return within(d, t.period_start, t.period_end)


def is_true(v: ir.StringValue) -> ir.BooleanValue:
    """A return's yes/no field says yes."""
    return v.cast("string").isin(TRUE_FLAGS)


def months_before(d: ir.DateValue, months: int) -> ir.DateValue:
    """The same day ``months`` months earlier (29 February falls back to the 28th)."""
    return d - ibis.interval(months=months)


def age_at(dob: ir.DateValue, at: ir.DateValue) -> ir.IntegerValue:
    """Age in whole years on ``at``: a birthday on the date counts (16 on the 16th birthday)."""
    before_birthday = (at.month() * 100 + at.day()) < (dob.month() * 100 + dob.day())
    return at.year() - dob.year() - before_birthday.cast("int32")


def with_periods(t: ir.Table, periods: ir.Table) -> ir.Table:
    """Every row of ``t`` beside every period (filtered next by the definition)."""
    return t.cross_join(periods)


def per_period(t: ir.Table, **aggregates: ir.Scalar) -> ir.Table:
    """Aggregate ``t`` per authority and period end."""
    return t.group_by(list(GROUP)).aggregate(**aggregates)


def working_days(src: Sources, t: ir.Table, start: str, end: str, name: str) -> ir.Table:
    """``t`` with column ``name``: working days from ``start`` to ``end`` (start day = 0).

    Two joins against the calendar table: its ``wd_index`` counts working days up to each date,
    so working days between A and B is ``wd_index(B) - wd_index(A)``: the weekdays after A up
    to and including B, less England's bank holidays. A blank date gives a blank count.
    """
    cal = src.calendar
    a = cal.select(_wd_a_date=cal.date, _wd_a=cal.wd_index)
    b = cal.select(_wd_b_date=cal.date, _wd_b=cal.wd_index)
    j = t.left_join(a, t[start] == a._wd_a_date).left_join(b, t[end] == b._wd_b_date)
    j = j.mutate(**{name: j._wd_b - j._wd_a})
    return j.drop("_wd_a_date", "_wd_a", "_wd_b_date", "_wd_b")


def looked_after_episodes(src: Sources) -> ir.Table:
    """903 episodes, less short breaks (legal status V3, V4)."""
    e = src.table("ssda903_episodes")
    return e.filter(~e.LS.isin(SHORT_BREAKS))


def looked_after_at(src: Sources, periods: ir.Table) -> ir.Table:
    """One row per (authority, period end, CHILD) looked after on the period's end date."""
    j = with_periods(looked_after_episodes(src), periods)
    j = j.filter(open_at(j.DECOM, j.DEC, j.period_end))
    return j.select("la_code", "period_end", "CHILD", *listing_details(j)).distinct()


def looked_after_during(src: Sources, periods: ir.Table) -> ir.Table:
    """One row per (authority, period end, CHILD) looked after on any day of the period."""
    j = with_periods(looked_after_episodes(src), periods)
    j = j.filter(j.period_end >= j.DECOM, j.DEC.isnull() | (j.period_start <= j.DEC))
    return j.select("la_code", "period_end", "CHILD", *listing_details(j)).distinct()


def flag_children(
    cohort: ir.Table, hits: ir.Table, flag: str = "hit", key: str = "CHILD"
) -> ir.Table:
    """The cohort (rows of la_code, period_end, ``key``) with a flag: is the row in ``hits``."""
    extra = listing_details(hits, cohort.columns)  # when listing: why the child is a hit
    h = hits.select("la_code", "period_end", key, *extra).distinct()
    h = h.mutate(**{flag: ibis.literal(True)})
    h = h.rename({"_h_la": "la_code", "_h_end": "period_end", "_h_key": key})
    j = cohort.left_join(
        h,
        [
            cohort.la_code == h._h_la,
            cohort.period_end == h._h_end,
            cohort[key] == h._h_key,
        ],
    )
    return j.mutate(**{flag: j[flag].fill_null(False)}).drop("_h_la", "_h_end", "_h_key")


def children_proportion(cohort: ir.Table, hits: ir.Table, key: str = "CHILD") -> ir.Table:
    """Numerator: the cohort's children found in ``hits``; denominator: the cohort."""
    f = flag_children(cohort, hits, key=key)
    return children_share(f, f.hit, key)


def rows_share(t: ir.Table, hit: ir.BooleanValue) -> ir.Table:
    """Numerator: the rows of ``t`` where ``hit``; denominator: all its rows (per period)."""
    if _LISTING.get():
        return _listed(t, hit, ibis.literal(True))
    return per_period(t, numerator=hit.fill_null(False).cast("int64").sum(), denominator=t.count())


def children_share(t: ir.Table, hit: ir.BooleanValue, key: str = "CHILD") -> ir.Table:
    """Numerator: distinct children of ``t`` with a row where ``hit``; denominator: all of them."""
    if _LISTING.get():
        return _listed(t, hit, ibis.literal(True), (key,))
    return per_period(
        t, numerator=t[key].nunique(where=hit.fill_null(False)), denominator=t[key].nunique()
    )


def count_rows(t: ir.Table, key: tuple[str, ...] = ("CHILD",)) -> ir.Table:
    """Numerator: distinct ``key`` rows per authority and period."""
    if _LISTING.get():
        return _listed(t, ibis.literal(True), ibis.null("boolean"), key)
    d = t.select(*GROUP, *key).distinct()
    return per_period(d, numerator=d.count())


def count_every_row(t: ir.Table) -> ir.Table:
    """Numerator: every row of ``t`` per authority and period (each a counted event)."""
    if _LISTING.get():
        return _listed(t, ibis.literal(True), ibis.null("boolean"))
    return per_period(t, numerator=t.count())


def total_over_children(t: ir.Table, value: ir.NumericValue, key: str = "CHILD") -> ir.Table:
    """Numerator: ``value`` summed over the rows; denominator: the distinct children (an
    average per child, such as days to adoption). Listed: every row, with its value."""
    if _LISTING.get():
        return _listed(t, ibis.literal(True), ibis.literal(True))
    return per_period(t, numerator=value.sum(), denominator=t[key].nunique())


def population_rate(src: Sources, periods: ir.Table, counts: ir.Table) -> ir.Table:
    """Counts per (authority, period end) over the ONS mid-year population aged 0-17.

    The population is the mid-year estimate before the date (``periods.population_year``): 31
    March 2020 uses mid-2019. Every period of every authority that has a population gets a row,
    so that no count is a silent zero; a missing population leaves the denominator blank.
    """
    if _LISTING.get():  # the children counted; the population is not a list of children
        return counts
    pop = src.table("population")
    p = periods.select("period_end", "population_year")
    base = pop.join(p, pop.year == p.population_year).select(
        "la_code", "period_end", denominator=pop.population.cast("float64")
    )
    c = counts.rename(_c_la="la_code", _c_end="period_end")
    j = base.left_join(c, [base.la_code == c._c_la, base.period_end == c._c_end])
    return j.select("la_code", "period_end", "denominator", numerator=j.numerator.fill_null(0))
