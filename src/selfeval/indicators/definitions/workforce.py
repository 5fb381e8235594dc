"""Children and family social work workforce (CSWW census at 30 September).

The census gives one row per social worker (``CSWWWorker``: AgencyWorker, SWENo, FTE, FTE30,
RoleEndDate, Cases30, WorkingDaysLost, ...) and one row of authority-level figures
(``LALevelVacancies``: NumberOfVacancies, NoAgencyFTE, NoAgencyHeadcount). Its year ends on 30
September: each figure is the latest census on or before the date. How DfE builds its published
figures from these is set out in ``selfeval.schema.workforce``.
"""

from __future__ import annotations

from functools import partial

import ibis
import ibis.expr.types as ir

from selfeval.indicators.expr import per_period, working_days
from selfeval.indicators.registry import Published, indicator
from selfeval.indicators.sources import Sources

WORKERS = "workforce_workers"
VACANCIES = "workforce_vacancies"
CSWW = "csww_indicators_2017_to_2025"
SUPPRESSION = "workforce: figures for fewer than 5 social workers shown as c"
IN_POST = (
    "Social workers in post are those employed by the council (not agency workers) whose role "
    "had not ended by 30 September, counted in full-time equivalents (FTE at 30 September)."
)


def census(src: Sources, periods: ir.Table, name: str) -> ir.Table:
    """A workforce table's rows from the latest census on or before each period's end."""
    t = src.table(name)
    j = t.join(periods, t.return_year == periods.csww_year)
    return j.mutate(census_date=ibis.date(j.csww_year, 9, 30))


def _fte(v: ir.Value) -> ir.FloatingValue:
    return v.cast("float64").fill_null(0)


def workers(src: Sources, periods: ir.Table) -> ir.Table:
    """Workers of each census with flags: employed (not agency), in post at 30 September,
    left in the census year; and their FTE (in post: FTE30 if given, else FTE)."""
    w = census(src, periods, WORKERS)
    employed = w.AgencyWorker.cast("string").strip() == "0"
    in_post = w.RoleEndDate.isnull() | (w.RoleEndDate > w.census_date)
    year_start = w.census_date - ibis.interval(years=1)
    left = (w.RoleEndDate > year_start) & (w.RoleEndDate <= w.census_date)
    return w.mutate(
        employed=employed,
        in_post=in_post,
        left=left.fill_null(False),
        fte_in_post=w.FTE30.cast("float64").fill_null(w.FTE.cast("float64")).fill_null(0),
        fte=_fte(w.FTE),
    )


def total(v: ir.NumericColumn, where: ir.BooleanValue) -> ir.NumericScalar:
    """The sum of ``v`` over the rows ``where`` holds: 0, not blank, when none do (a census
    where nobody left has a turnover of 0%, not an unknown one)."""
    return v.sum(where=where).fill_null(0)


def in_post_fte(w: ir.Table) -> ir.FloatingValue:
    """FTE of employed social workers in post at 30 September."""
    return total(w.fte_in_post, w.employed & w.in_post)


def _with_vacancies(src: Sources, periods: ir.Table) -> ir.Table:
    w = workers(src, periods)
    fte = per_period(w, in_post=in_post_fte(w))
    v = census(src, periods, VACANCIES)
    v = per_period(v, other=_fte(v.NumberOfVacancies).sum())
    v = v.rename(_v_la="la_code", _v_end="period_end")
    j = fte.join(v, [fte.la_code == v._v_la, fte.period_end == v._v_end])
    in_post = j.in_post.fill_null(0)
    return j.select("la_code", "period_end", numerator=j.other, denominator=j.other + in_post)


_census_indicator = partial(
    indicator,
    area="workforce",
    unit="percent",
    measure="annual",
    snapshot="csww",
    suppression=SUPPRESSION,
)


@_census_indicator(
    id="sw_turnover_pct",
    title="Social worker turnover",
    definition=(
        "Employed social workers (full-time equivalents) who left during the year to 30 "
        "September, as a percentage of those in post on 30 September. " + IN_POST
    ),
    numerator="FTE of employed social workers who left in the year to 30 September",
    denominator="FTE of employed social workers in post at 30 September",
    polarity="lower_better",
    sources=(WORKERS,),
    dfe_reference="Children's social work workforce: turnover rate (FTE)",
    published=Published(CSWW, "turnover_rate_fte"),
)
def sw_turnover_pct(src: Sources, periods: ir.Table) -> ir.Table:
    w = workers(src, periods)
    return per_period(w, numerator=total(w.fte, w.employed & w.left), denominator=in_post_fte(w))


@_census_indicator(
    id="sw_agency_pct",
    title="Agency social workers",
    definition=(
        "Agency social workers on 30 September (full-time equivalents), as a percentage of "
        "agency and employed social workers together. " + IN_POST
    ),
    numerator="FTE of agency social workers in post at 30 September (AgencyWorker = 1)",
    denominator="agency FTE plus FTE of employed social workers in post",
    polarity="lower_better",
    sources=(WORKERS,),
    dfe_reference="Children's social work workforce: agency worker rate (FTE)",
    published=Published(CSWW, "agency_rate_fte"),
)
def sw_agency_pct(src: Sources, periods: ir.Table) -> ir.Table:
    w = workers(src, periods)
    agency = total(w.fte_in_post, ~w.employed & w.in_post)
    a = per_period(w, agency=agency, employed=in_post_fte(w))
    return a.select("la_code", "period_end", numerator=a.agency, denominator=a.agency + a.employed)


@_census_indicator(
    id="sw_vacancy_pct",
    title="Social worker vacancies",
    definition=(
        "Vacant social worker posts on 30 September (full-time equivalents), as a percentage "
        "of vacancies and employed social workers in post together. " + IN_POST
    ),
    numerator="FTE of vacant posts at 30 September (NumberOfVacancies)",
    denominator="vacancy FTE plus FTE of employed social workers in post",
    polarity="lower_better",
    sources=(WORKERS, VACANCIES),
    dfe_reference="Children's social work workforce: vacancy rate (FTE)",
    published=Published(CSWW, "vacancy_rate_fte"),
)
def sw_vacancy_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _with_vacancies(src, periods)


def _agency_cover(src: Sources, periods: ir.Table, over: str) -> ir.Table:
    """``NoAgencyFTE`` (agency workers covering vacancies, FTE) over the census's agency FTE
    in post (``over="agency"``) or its vacancies (``over="vacancies"``)."""
    v = census(src, periods, VACANCIES)
    if over == "vacancies":
        v = per_period(v, cover=_fte(v.NoAgencyFTE).sum(), other=_fte(v.NumberOfVacancies).sum())
        return v.select("la_code", "period_end", numerator=v.cover, denominator=v.other)
    w = workers(src, periods)
    a = per_period(w, agency=total(w.fte_in_post, ~w.employed & w.in_post))
    v = per_period(v, cover=_fte(v.NoAgencyFTE).sum()).rename(_v_la="la_code", _v_end="period_end")
    j = a.join(v, [a.la_code == v._v_la, a.period_end == v._v_end])
    return j.select("la_code", "period_end", numerator=j.cover, denominator=j.agency)


AGENCY_COVER = (
    "The census's authority-level NoAgencyFTE counts the agency workers (FTE) covering "
    "vacancies on 30 September; the agency rate counts every agency worker in post (its "
    "worker rows), as DfE's published figures do (agency_cover_fte is NoAgencyFTE, agency_fte "
    "the worker rows')."
)


@_census_indicator(
    id="sw_agency_cover_pct",
    title="Agency social workers covering vacancies",
    definition=(
        "Agency social workers covering vacancies on 30 September (full-time equivalents), as "
        "a percentage of all agency social workers in post. " + AGENCY_COVER
    ),
    numerator="FTE of agency workers covering vacancies at 30 September (NoAgencyFTE)",
    denominator="FTE of agency social workers in post at 30 September (AgencyWorker = 1)",
    polarity="neutral",
    sources=(WORKERS, VACANCIES),
    dfe_reference="Children's social work workforce: agency workers covering vacancies (FTE)",
    published=Published(CSWW, "agency_cover_rate_fte"),
)
def sw_agency_cover_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _agency_cover(src, periods, "agency")


@_census_indicator(
    id="sw_vacancy_agency_cover_pct",
    title="Vacancies covered by agency social workers",
    definition=(
        "Agency social workers covering vacancies on 30 September (full-time equivalents), as "
        "a percentage of vacant posts. " + AGENCY_COVER
    ),
    numerator="FTE of agency workers covering vacancies at 30 September (NoAgencyFTE)",
    denominator="FTE of vacant posts at 30 September (NumberOfVacancies)",
    polarity="neutral",
    sources=(VACANCIES,),
    dfe_reference="Children's social work workforce: vacancies covered by agency workers (FTE)",
    published=Published(CSWW, "vacancy_agency_cover_rate_fte"),
)
def sw_vacancy_agency_cover_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _agency_cover(src, periods, "vacancies")


@indicator(
    id="sw_caseload",
    area="workforce",
    title="Average caseload of social workers holding cases",
    definition=(
        "The number of cases held on 30 September by social workers in post who held at least "
        "one case, divided by those social workers' full-time equivalents. Agency social "
        "workers who hold cases are included."
    ),
    numerator="cases held at 30 September (Cases30) by case-holding social workers in post",
    denominator="FTE of social workers in post holding one or more cases",
    unit="ratio",
    polarity="lower_better",
    measure="annual",
    snapshot="csww",
    sources=(WORKERS,),
    dfe_reference="Children's social work workforce: average caseload per case holder (FTE)",
    suppression=SUPPRESSION,
    published=Published(CSWW, "caseload_fte"),
    choices=("Agency case holders are counted with employed ones.",),
)
def sw_caseload(src: Sources, periods: ir.Table) -> ir.Table:
    w = workers(src, periods)
    cases = w.Cases30.cast("float64").fill_null(0)
    holder = w.in_post & (cases > 0)
    return per_period(w, numerator=total(cases, holder), denominator=total(w.fte_in_post, holder))


@_census_indicator(
    id="sw_absence_pct",
    title="Social worker sickness absence",
    definition=(
        "Working days lost to sickness by employed social workers in post in the year to 30 "
        "September, as a percentage of the working days they could have worked (their "
        "full-time equivalents times the working days in that year, weekends and England's bank "
        "holidays left out). " + IN_POST
    ),
    numerator="working days lost to sickness (WorkingDaysLost) by employed social workers in post",
    denominator="FTE in post times the working days from 1 October to 30 September",
    polarity="lower_better",
    sources=(WORKERS,),
    dfe_reference="Children's social work workforce: absence rate (FTE)",
    published=Published(CSWW, "absence_rate_fte"),
)
def sw_absence_pct(src: Sources, periods: ir.Table) -> ir.Table:
    w = workers(src, periods)
    lost = w.WorkingDaysLost.cast("float64").fill_null(0)
    a = per_period(
        w,
        lost=total(lost, w.employed & w.in_post),
        fte=in_post_fte(w),
        census_date=w.census_date.max(),
    )
    a = a.mutate(year_before=a.census_date - ibis.interval(years=1))
    a = working_days(src, a, "year_before", "census_date", "days")
    return a.select("la_code", "period_end", numerator=a.lost, denominator=a.fte * a.days)
