"""Counts over the life-course model, by domain.md's counting rules.

Open at a date: started on or before it and ended (if at all) after it. Children looked after
exclude short breaks (legal status V3, V4). These are the model's own counts, used to meet
exact targets and to check calibration; the product's indicators are computed from the files.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from selfeval.synth.model import Authority, Child

SHORT_BREAKS = ("V3", "V4")


def _open(start: date, end: date | None, at: date) -> bool:
    return start <= at and (end is None or end > at)


def looked_after(child: Child, at: date) -> bool:
    return any(
        _open(e.start, e.end, at) and e.legal_status not in SHORT_BREAKS
        for e in child.care_episodes
    )


def on_cp_plan(child: Child, at: date) -> bool:
    return any(_open(p.start, p.end, at) for e in child.cin_episodes for p in e.cp_plans)


def on_cin_plan(child: Child, at: date) -> bool:
    return any(_open(p.start, p.end, at) for e in child.cin_episodes for p in e.cin_plans)


def in_need(child: Child, at: date) -> bool:
    return any(_open(e.referral_date, e.closure_date, at) for e in child.cin_episodes)


MEASURES = {"cla": looked_after, "cp": on_cp_plan, "cin_plan": on_cin_plan, "cin": in_need}


def count(children: Iterable[Child], measure: str, at: date) -> int:
    """Children counted by ``measure`` (cla, cp, cin_plan, cin) open at ``at``."""
    f = MEASURES[measure]
    return sum(1 for c in children if f(c, at))


def rate_per_10k(authority: Authority, measure: str, year: int) -> float:
    """``measure`` at 31 March of ``year`` per 10,000 children (previous mid-year population)."""
    n = count(authority.children, measure, date(year, 3, 31))
    return n / authority.population[year - 1] * 10_000


def referrals(children: Iterable[Child], year: int) -> tuple[int, int]:
    """(referrals in the year, re-referrals within 12 months of a previous referral)."""
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    n = re = 0
    for c in children:
        dates = sorted(e.referral_date for e in c.cin_episodes)
        for i, d in enumerate(dates):
            if start <= d <= end:
                n += 1
                if i and (d - dates[i - 1]).days <= 365:
                    re += 1
    return n, re


def cp_starts(children: Iterable[Child], year: int) -> tuple[int, int]:
    """(CP plans starting in the year, of which second or subsequent)."""
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    n = sub = 0
    for c in children:
        for e in c.cin_episodes:
            for p in e.cp_plans:
                if start <= p.start <= end:
                    n += 1
                    sub += p.previous_plans > 0
    return n, sub


def placements_in_year(child: Child, year: int) -> int:
    """Placements during the year: the one current on 1 April counts one; each episode that
    starts a new placement (S, P, B, and T and U, a new placement with the same carer) adds
    one; L (legal status only) does not. As the catalogue's stability_3plus_placements_pct."""
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    n = 0
    for e in child.care_episodes:
        if e.legal_status in SHORT_BREAKS or not _open(e.start, e.end, start - timedelta(days=1)):
            if start <= e.start <= end and e.legal_status not in SHORT_BREAKS:
                n += e.rne in ("S", "P", "B", "T", "U")
            continue
        n += 1  # the placement current at the start of the year
    return n


def three_placements(children: Iterable[Child], year: int) -> tuple[int, int]:
    """(looked after at 31 March with 3+ placements in the year, looked after at 31 March)."""
    at = date(year, 3, 31)
    cla = [c for c in children if looked_after(c, at)]
    return sum(placements_in_year(c, year) >= 3 for c in cla), len(cla)


def long_term_stability(children: Iterable[Child], year: int) -> tuple[int, int]:
    """(same placement 2+ years or placed for adoption, under 16 in care 2.5+ years at 31 March),
    with years counted by the calendar (started on or before the same day 2 years before), as
    the catalogue's stability_long_term_pct counts them."""
    at = date(year, 3, 31)
    num = den = 0
    for c in children:
        if c.age_on(at) >= 16 or not looked_after(c, at):
            continue
        eps = [e for e in c.care_episodes if e.legal_status not in SHORT_BREAKS and e.start <= at]
        # start of the current period of care
        i = len(eps) - 1
        while i > 0 and eps[i - 1].end == eps[i].start:
            i -= 1
        period = eps[i:]
        if period[0].start > at - relativedelta(months=30):  # 2.5 years, by the calendar
            continue
        den += 1
        j = len(period) - 1
        while j > 0 and period[j].rne == "L":
            j -= 1
        two_years = at - relativedelta(months=24)
        if period[j].start <= two_years:
            num += 1
        elif period[-1].place in ("A3", "A4", "A5", "A6") and j > 0:
            k = j - 1
            while k > 0 and period[k].rne == "L":
                k -= 1
            num += period[k].start <= two_years
    return num, den
