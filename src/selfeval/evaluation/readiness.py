"""Inspection readiness from Annex A: what inspectors will see in the lists, computed once.

Given one authority's Annex A workbook (the lists as stored, for the return year whose 31
March is the latest on or before the date) and last year's, this computes typed tables: each
list's volume by month, timeliness against the statutory standard, distributions by age,
gender, ethnicity, disability, team and worker, the children inspectors are likely to sample,
children's journeys from contact to plan or care with the drift between stages, and
disproportionality. Every table says which of its columns are counts of children (so that the
public audience can suppress them) and whether it names children (child-level tables are for
staff with child-level access only). Rendering is ``selfeval.evaluation.readiness_pack``.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from selfeval.calendar import calendar_table, working_days_between
from selfeval.errors import InputError, Location, NoData
from selfeval.indicators import Sources, catalogue, compute, sources_from_store
from selfeval.outputs.formatting import long_date
from selfeval.schema.annex_a import TITLES
from selfeval.store import Store
from selfeval.store.store import LoadsRead

Row = dict[str, object]
Lists = dict[int, list[Row]]
"""Annex A's lists by number (1-11), each a list of rows (field name to value)."""

ASSESSMENT_WD = 45
ICPC_WD = 15
CP_VISIT_WD = 10
CLA_VISIT_DAYS = 42
SAMPLE_SIZE = 20
"""How many children each sampling table lists (the longest waits, ...)."""
AGE_BANDS = (
    (0, 0, "under 1"),
    (1, 4, "1 to 4"),
    (5, 9, "5 to 9"),
    (10, 15, "10 to 15"),
    (16, 17, "16 to 17"),
    (18, 200, "18 and over"),
)
"""DfE's age bands in the CIN census and 903 tables."""


@dataclass(frozen=True)
class PackTable:
    """One table of the pack. ``counts`` are the columns holding counts of children (the
    public audience suppresses them, and the percentages or ratios made from them:
    ``percents`` maps such a column to the count columns of its row it is made from);
    ``child_level`` tables name children and are for staff with child-level access only."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[object, ...]]
    counts: tuple[int, ...] = ()
    percents: dict[int, tuple[int, ...]] = field(default_factory=dict)
    child_level: bool = False
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    tables: list[PackTable]


@dataclass(frozen=True)
class Pack:
    """The inspection-readiness pack for one authority at one date."""

    la_code: str
    at: date
    year: int
    last_year: int | None
    sections: list[Section]

    def table(self, key: str) -> PackTable:
        for s in self.sections:
            for t in s.tables:
                if t.key == key:
                    return t
        raise KeyError(key)


# -- reading ------------------------------------------------------------------------------------


def _d(v: object) -> date | None:
    return v if isinstance(v, date) else None


def _n(v: object) -> float:
    """A number from a list's cell (0 where blank)."""
    return v if isinstance(v, int | float) else 0


def _yes(v: object) -> bool:
    s = str(v or "").strip().lower()
    return s.startswith("y") or s.startswith("a) y")


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


@lru_cache(maxsize=1)
def _wd_index() -> dict[date, int]:
    """Working days to each date of the calendar (England's bank holidays out)."""
    t = calendar_table()
    return {
        d: i
        for d, i in zip(t["date"].to_pylist(), t["wd_index"].to_pylist(), strict=True)
        if d is not None and i is not None
    }


def working_days(a: date, b: date) -> int:
    """Working days from ``a`` to ``b`` (the day after ``a`` up to ``b``; the same day 0),
    from the calendar's index: what ``selfeval.calendar.working_days_between`` counts."""
    idx = _wd_index()
    if a in idx and b in idx:
        return idx[b] - idx[a]
    return working_days_between(a, b)


def _wd(a: date | None, b: date | None) -> int | None:
    return working_days(a, b) if a and b else None


def age_band(dob: date | None, at: date) -> str:
    if dob is None:
        return "not recorded"
    age = at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))
    for lo, hi, name in AGE_BANDS:
        if lo <= age <= hi:
            return name
    return "not recorded"


def window(at: date) -> tuple[date, date]:
    """The six months Lists 1-5 cover: from the day after the date six months before."""
    return at - relativedelta(months=6) + timedelta(days=1), at


def _in(d: date | None, span: tuple[date, date]) -> bool:
    return d is not None and span[0] <= d <= span[1]


def _open(start: date | None, end: date | None, at: date) -> bool:
    return start is not None and start <= at and (end is None or end > at)


# -- the measures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One timeliness measure of one list: ``numerator`` of ``denominator`` rows."""

    list: int
    name: str
    standard: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return _pct(self.numerator, self.denominator)


def _measure(
    list_no: int, name: str, standard: str, rows: Sequence[Row], met: Callable[[Row], bool]
) -> Measure:
    """The rows of one list that meet a standard, of all its ``rows``."""
    return Measure(list_no, name, standard, sum(1 for r in rows if met(r)), len(rows))


def timeliness(lists: Lists, at: date) -> list[Measure]:
    """Each list's timeliness against the statutory standard (or the local one named)."""
    span = window(at)
    refs = [r for r in lists.get(3, []) if _in(_d(r.get("date_of_referral")), span)]
    l4 = lists.get(4, [])
    done = [r for r in l4 if _in(_d(r.get("assessment_authorisation_date")), span)]
    open_a = [
        r
        for r in l4
        if r.get("assessment_authorisation_date") is None
        and (_d(r.get("assessment_start_date")) or at) <= at
    ]
    l5 = [r for r in lists.get(5, []) if _in(_d(r.get("icpc_date")), span)]
    plans = cp_open(lists, at)
    cla = cla_open(lists, at)
    year_ago = at - relativedelta(years=1)
    long_cla = [r for r in cla if (_d(r.get("date_started_looked_after")) or at) <= year_ago]

    def since_year_ago(fld: str) -> Callable[[Row], bool]:
        return lambda r: (_d(r.get(fld)) or date.min) > year_ago

    l9 = lists.get(9, [])
    return [
        _measure(
            3,
            "Re-referrals within 12 months",
            "a referral in the 12 months before",
            refs,
            lambda r: _n(r.get("referrals_in_last_12_months")) > 0,
        ),
        _measure(
            3,
            "Referrals with no further action",
            "Referral NFA? yes",
            refs,
            lambda r: _yes(r.get("referral_nfa")),
        ),
        _measure(
            4,
            "Assessments authorised within 45 working days",
            "45 working days (Working Together 2023)",
            done,
            lambda r: (
                (
                    _wd(
                        _d(r.get("assessment_start_date")),
                        _d(r.get("assessment_authorisation_date")),
                    )
                    or 0
                )
                <= ASSESSMENT_WD
            ),
        ),
        _measure(
            4,
            "Children seen during their assessment",
            "seen during the assessment",
            done,
            lambda r: _yes(r.get("child_seen_during_assessment")),
        ),
        _measure(
            4,
            "Open assessments past 45 working days on the date",
            "45 working days (Working Together 2023)",
            open_a,
            lambda r: (_wd(_d(r.get("assessment_start_date")), at) or 0) > ASSESSMENT_WD,
        ),
        _measure(
            5,
            "Initial conferences within 15 working days of the strategy discussion",
            "15 working days (Working Together 2023)",
            l5,
            lambda r: (_wd(_d(r.get("s47_start_date")), _d(r.get("icpc_date"))) or 0) <= ICPC_WD,
        ),
        _measure(
            7,
            "Children on plans visited in the last 10 working days",
            "10 working days (local standard)",
            plans,
            lambda r: _cp_visited(r, at),
        ),
        _measure(
            7,
            "Plans open two years or more",
            "lower is better",
            plans,
            lambda r: _cp_two_years(r, at),
        ),
        _measure(
            8,
            "Children in care visited in the last six weeks",
            "six weeks (Care Planning Regulations 2010, reg. 28)",
            cla,
            lambda r: _cla_visited(r, at),
        ),
        *(
            _measure(
                8,
                f"In care 12 months or more: {name} in the last 12 months",
                "every 12 months (Promoting the health of looked-after children)",
                long_cla,
                since_year_ago(fld),
            )
            for name, fld in (
                ("health assessment", "last_health_assessment_date"),
                ("dental check", "last_dental_check_date"),
            )
        ),
        _measure(
            8,
            "Three or more placements in the last 12 months",
            "lower is better",
            cla,
            lambda r: _n(r.get("placements_in_last_12_months")) >= 3,
        ),
        _measure(
            9,
            "Care leavers the council is in touch with",
            "in touch",
            l9,
            lambda r: _yes(r.get("la_in_touch")),
        ),
        _measure(9, "Care leavers in suitable accommodation", "suitable", l9, _suitable),
    ]


def _cp_visited(r: Row, at: date) -> bool:
    v = _d(r.get("last_statutory_visit_date"))
    return v is not None and v <= at and working_days(v, at) <= CP_VISIT_WD


def _cp_two_years(r: Row, at: date) -> bool:
    s = _d(r.get("cp_plan_start_date"))
    return s is not None and s <= at - relativedelta(years=2)


def _cla_visited(r: Row, at: date) -> bool:
    v = _d(r.get("last_social_work_visit_date"))
    return v is not None and v <= at and (at - v).days <= CLA_VISIT_DAYS


def _suitable(r: Row) -> bool:
    s = str(r.get("suitability_of_accommodation") or "").strip().lower()
    return s.startswith("suitable") or s.startswith("a) suitable")


def cp_open(lists: Lists, at: date) -> list[Row]:
    return [
        r
        for r in lists.get(7, [])
        if _open(_d(r.get("cp_plan_start_date")), _d(r.get("cp_plan_end_date")), at)
    ]


def _short_break(r: Row) -> bool:
    s = str(r.get("legal_status") or "").strip().upper()
    s = s.split(")", 1)[1].strip() if ")" in s[:3] else s
    return s.startswith(("V3", "V4"))


def cla_open(lists: Lists, at: date) -> list[Row]:
    return [
        r
        for r in lists.get(8, [])
        if _open(_d(r.get("date_started_looked_after")), _d(r.get("date_ceased_looked_after")), at)
        and not _short_break(r)
    ]


@dataclass(frozen=True)
class Adoption:
    """List 10's timeliness: average days, over the children placed in the 12 months."""

    placed: int
    entry_to_placement_days: float | None
    order_to_match_days: float | None


def adoption(lists: Lists, at: date) -> Adoption:
    year = (at - relativedelta(years=1) + timedelta(days=1), at)
    placed = [r for r in lists.get(10, []) if _in(_d(r.get("date_placed_for_adoption")), year)]

    def mean_days(a: str, b: str) -> float | None:
        spans = [(_d(r.get(a)), _d(r.get(b))) for r in placed]
        days = [(end - start).days for start, end in spans if start and end]
        return round(statistics.fmean(days), 1) if days else None

    return Adoption(
        len(placed),
        mean_days("date_entered_care", "date_placed_for_adoption"),
        mean_days("date_of_placement_order", "date_of_matching"),
    )


# -- volumes and distributions --------------------------------------------------------------------

MONTHLY = {
    1: "date_of_contact",
    2: "assessment_start_date",
    3: "date_of_referral",
    4: "assessment_start_date",
    5: "s47_start_date",
}
"""The date each of Lists 1-5 is counted by, month by month."""


def volumes_by_month(lists: Lists, last: Lists | None, at: date) -> PackTable:
    """Rows of Lists 1-5 per calendar month of the six months, beside the same month a year
    before."""
    months = []
    m = window(at)[0].replace(day=1)
    while m <= at:
        months.append(m)
        m = m + relativedelta(months=1)
    cols = ["Month"]
    for n in MONTHLY:
        cols += [f"List {n} {TITLES[f'annex_a_list{n}'].lower()}", "a year before"]
    rows = []
    for m in months:
        row: list[object] = [m.strftime("%B %Y")]
        prior = m - relativedelta(years=1)
        for n, fld in MONTHLY.items():
            row.append(_month_count(lists.get(n, []), fld, m))
            row.append(_month_count(last.get(n, []), fld, prior) if last is not None else None)
        rows.append(tuple(row))
    return PackTable(
        "volumes_by_month",
        "Volumes by month, Lists 1 to 5",
        tuple(cols),
        rows,
        counts=tuple(range(1, len(cols))),
    )


def _month_count(rows: Iterable[Row], fld: str, month: date) -> int:
    return sum(
        1
        for r in rows
        if (d := _d(r.get(fld))) is not None and (d.year, d.month) == (month.year, month.month)
    )


BREAKDOWNS: dict[str, Callable[[Row, date], str]] = {
    "age": lambda r, at: age_band(_d(r.get("date_of_birth")), at),
    "gender": lambda r, at: str(r.get("gender") or "not recorded"),
    "ethnicity": lambda r, at: str(r.get("ethnicity") or "not recorded"),
    "disability": lambda r, at: str(r.get("disability") or "not recorded"),
    "team": lambda r, at: str(r.get("allocated_team") or "not allocated"),
    "worker": lambda r, at: str(r.get("allocated_worker") or "not allocated"),
}
CHILD_LISTS = (1, 3, 4, 5, 6, 7, 8, 9)
"""The lists of children with the person columns (List 2 early help, 10 and 11 aside)."""


def children_of(lists: Lists, n: int) -> list[Row]:
    """One row per child of a list (the child's last row), so a distribution counts children."""
    by_child: dict[object, Row] = {}
    for r in lists.get(n, []):
        by_child[r.get("child_unique_id")] = r
    return list(by_child.values())


def distribution(lists: Lists, last: Lists | None, at: date, n: int, by: str) -> PackTable:
    """Children of list ``n`` by ``by`` (age, gender, ...), beside last year's."""
    key = BREAKDOWNS[by]
    now = Counter(key(r, at) for r in children_of(lists, n))
    prior_at = at - relativedelta(years=1)
    before = Counter(key(r, prior_at) for r in children_of(last, n)) if last is not None else None
    groups = sorted(set(now) | set(before or ()), key=lambda g: (-now.get(g, 0), g))
    rows = [
        (
            g,
            now.get(g, 0),
            _pct(now.get(g, 0), sum(now.values())),
            before.get(g, 0) if before is not None else None,
            _pct(before.get(g, 0), sum(before.values())) if before is not None else None,
        )
        for g in groups
    ]
    return PackTable(
        f"list{n}_by_{by}",
        f"List {n} ({TITLES[f'annex_a_list{n}'].lower()}): children by {by}",
        (by.capitalize(), "Children", "%", "A year before", "% a year before"),
        rows,
        counts=(1, 3),
        percents={2: (1,), 4: (3,)},
    )


# -- the children inspectors are likely to sample ----------------------------------------------


def _sample(
    key: str, title: str, records: Sequence[Row], *columns: tuple[str, str], note: str = ""
) -> PackTable:
    """A child-level table of the first ``SAMPLE_SIZE`` records: the child, the ``columns``
    (heading, Annex A field) and the allocated worker."""
    fields = ("child_unique_id", *(f for _, f in columns), "allocated_worker")
    return PackTable(
        key,
        title,
        ("Child", *(h for h, _ in columns), "Worker"),
        [tuple(r.get(f) for f in fields) for r in records[:SAMPLE_SIZE]],
        child_level=True,
        note=note,
    )


def samples(lists: Lists, at: date) -> list[PackTable]:
    """Child-level tables of the children an inspector is likely to pick."""
    out = []
    span = window(at)
    open_a = [
        (r, _wd(_d(r.get("assessment_start_date")), at) or 0)
        for r in lists.get(4, [])
        if r.get("assessment_authorisation_date") is None
        and (_d(r.get("assessment_start_date")) or at) <= at
    ]
    open_a.sort(key=lambda x: (-x[1], str(x[0].get("child_unique_id"))))
    out.append(
        PackTable(
            "sample_longest_assessments",
            "Longest-open assessments (working days since the start)",
            ("Child", "Assessment start", "Working days open", "Team", "Worker"),
            [
                (
                    r.get("child_unique_id"),
                    r.get("assessment_start_date"),
                    wd,
                    r.get("allocated_team"),
                    r.get("allocated_worker"),
                )
                for r, wd in open_a[:SAMPLE_SIZE]
            ],
            child_level=True,
        )
    )
    contacts = Counter(
        r.get("child_unique_id")
        for r in lists.get(1, [])
        if _in(_d(r.get("date_of_contact")), span)
    )
    repeat = sorted(
        ((c, n) for c, n in contacts.items() if n >= 3), key=lambda x: (-x[1], str(x[0]))
    )
    out.append(
        PackTable(
            "sample_repeat_contacts",
            "Children with three or more contacts in the six months",
            ("Child", "Contacts"),
            [(c, n) for c, n in repeat[:SAMPLE_SIZE]],
            child_level=True,
        )
    )
    rerefs = sorted(
        (r for r in lists.get(3, []) if _n(r.get("referrals_in_last_12_months")) >= 2),
        key=lambda r: (-_n(r.get("referrals_in_last_12_months")), str(r.get("child_unique_id"))),
    )
    out.append(
        _sample(
            "sample_repeat_referrals",
            "Referrals of children referred twice or more in the 12 months before",
            rerefs,
            ("Referral date", "date_of_referral"),
            ("Referrals in the 12 months before", "referrals_in_last_12_months"),
            ("Team", "allocated_team"),
        )
    )
    long_plans = sorted(
        (r for r in cp_open(lists, at) if _cp_two_years(r, at)),
        key=lambda r: (_d(r.get("cp_plan_start_date")) or at, str(r.get("child_unique_id"))),
    )
    out.append(
        _sample(
            "sample_plans_2_years",
            "Child protection plans open two years or more",
            long_plans,
            ("Plan start", "cp_plan_start_date"),
            ("Previous plans", "previous_cp_plans"),
            ("Team", "allocated_team"),
        )
    )
    moves = sorted(
        (r for r in cla_open(lists, at) if _n(r.get("placements_in_last_12_months")) >= 3),
        key=lambda r: (
            -_n(r.get("placements_in_last_12_months")),
            str(r.get("child_unique_id")),
        ),
    )
    out.append(
        _sample(
            "sample_many_placements",
            "Children in care with three or more placements in the last 12 months",
            moves,
            ("In care since", "date_started_looked_after"),
            ("Placements in 12 months", "placements_in_last_12_months"),
            ("Placement type", "placement_type"),
            note="Annex A gives the allocated worker, not a history of workers: children with "
            "many social workers are in the 903's SWEpisodes (indicator sw_changes_3plus_pct).",
        )
    )
    not_in_touch = sorted(
        (r for r in lists.get(9, []) if not _yes(r.get("la_in_touch"))),
        key=lambda r: str(r.get("child_unique_id")),
    )
    out.append(
        _sample(
            "sample_care_leavers_not_in_touch",
            "Care leavers the council is not in touch with",
            not_in_touch,
            ("Eligibility", "eligibility_category"),
            ("In touch", "la_in_touch"),
            ("Accommodation", "type_of_accommodation"),
        )
    )
    return out


# -- journeys -----------------------------------------------------------------------------------

STAGES = ("contact", "referral", "assessment", "section 47", "plan or care")


@dataclass(frozen=True)
class Journey:
    """One child's path from their first contact in the six months: the date of each stage
    reached (the first on or after the stage before; a section 47 on or after the referral)."""

    child: str
    dates: tuple[date | None, ...]

    @property
    def reached(self) -> int:
        """How many stages the child reached (1 = contact only)."""
        n = 0
        for d in self.dates:
            if d is None:
                break
            n += 1
        return n


def journeys(lists: Lists, at: date) -> list[Journey]:
    """Every child contacted in the six months, followed through Lists 3, 4, 5, 7 and 8."""
    span = window(at)

    def dates(n: int, fld: str) -> dict[object, list[date]]:
        out: dict[object, list[date]] = defaultdict(list)
        for r in lists.get(n, []):
            d = _d(r.get(fld))
            if d is not None and d <= at:
                out[r.get("child_unique_id")].append(d)
        for v in out.values():
            v.sort()
        return out

    contacts = {c: [d for d in ds if d >= span[0]] for c, ds in dates(1, "date_of_contact").items()}
    refs = dates(3, "date_of_referral")
    assess = dates(4, "assessment_start_date")
    s47 = dates(5, "s47_start_date")
    plans = dates(7, "cp_plan_start_date")
    care = dates(8, "date_started_looked_after")

    def first(ds: list[date], since: date | None) -> date | None:
        if since is None:
            return None
        return next((d for d in ds if d >= since), None)

    out = []
    for child, cs in sorted(contacts.items(), key=lambda kv: str(kv[0])):
        if not cs:
            continue
        c = cs[0]
        r = first(refs.get(child, []), c)
        a = first(assess.get(child, []), r)
        s = first(s47.get(child, []), r) if a is not None else None
        p = [x for x in (first(plans.get(child, []), s), first(care.get(child, []), s)) if x]
        end = min(p) if p else None
        out.append(Journey(str(child), (c, r, a, s, end)))
    return out


FROM = (None, 0, 1, 1, 3)
"""The stage each stage's drift is measured from: a section 47 from the referral (it often
starts before the assessment does), a plan or care from the section 47."""


def journey_table(js: Sequence[Journey]) -> PackTable:
    """Children reaching each stage, those whose path ends there, and the drift: days from the
    stage it follows (median and longest)."""
    rows = []
    for i, stage in enumerate(STAGES):
        at_stage = [j for j in js if j.reached > i]
        left = [j for j in at_stage if j.reached == i + 1]
        frm = FROM[i]
        gaps = (
            [(b - a).days for j in at_stage if (a := j.dates[frm]) and (b := j.dates[i])]
            if frm is not None
            else []
        )
        rows.append(
            (
                stage,
                len(at_stage),
                len(left) if i < len(STAGES) - 1 else None,
                STAGES[frm] if frm is not None else "",
                statistics.median(gaps) if gaps else None,
                max(gaps) if gaps else None,
            )
        )
    return PackTable(
        "journeys",
        "Children's journeys from a contact in the six months: contact, referral, "
        "assessment, section 47, then a plan or care",
        (
            "Stage",
            "Children reaching it",
            "Path ends here",
            "Drift measured from",
            "Median days",
            "Longest days",
        ),
        rows,
        counts=(1, 2),
        note="Each stage is the child's first on or after the stage before it, except that a "
        "section 47 is the first on or after the referral (once the child has an assessment); "
        "a plan or care is the first on or after the section 47.",
    )


# -- disproportionality ---------------------------------------------------------------------------


def disproportionality(
    lists: Lists, n: int, population: dict[str, int] | None, at: date, by: str = "ethnicity"
) -> PackTable:
    """Each group's share of list ``n``'s children against its share of the population aged 0
    to 17 (``population``: children per group, by code: "WBRI" or "a) WBRI"), or, without
    one, of the children contacted (List 1), named as such. The ratio is share over share (1
    = proportionate; above 1, the group is over-represented)."""
    key = BREAKDOWNS[by]
    counts = Counter(group_code(key(r, at)) for r in children_of(lists, n))
    if population is None:
        base = Counter(group_code(key(r, at)) for r in children_of(lists, 1))
        base_name = "children contacted (List 1)"
    else:
        base = Counter()
        for g, v in population.items():
            base[group_code(g)] += v
        base_name = "population aged 0 to 17"
    total, base_total = sum(counts.values()), sum(base.values())
    rows = []
    for g in sorted(set(counts) | set(base), key=lambda g: (-counts.get(g, 0), g)):
        c, b = counts.get(g, 0), base.get(g, 0)
        ratio = round((c / total) / (b / base_total), 2) if total and b else None
        rows.append((g, c, _pct(c, total), b, _pct(b, base_total), ratio))
    return PackTable(
        f"disproportionality_list{n}_{by}",
        f"List {n} ({TITLES[f'annex_a_list{n}'].lower()}) by {by} against the {base_name}",
        (
            by.capitalize(),
            "Children",
            "% of the list",
            base_name.capitalize(),
            "% of them",
            "Ratio",
        ),
        rows,
        counts=(1, 3),
        percents={2: (1,), 4: (3,), 5: (1, 3)},
    )


def group_code(label: str) -> str:
    """A group as its code, without the letter Annex A's drop-down lists put before it:
    "a) WBRI" -> "WBRI"."""
    return re.sub(r"^[a-z]{1,2}\)\s*", "", label.strip())


def read_population(path: Path) -> dict[str, int]:
    """Children aged 0 to 17 by group from a CSV of two columns, the group's code and the
    number of children (a header row is allowed), e.g. from the Census 2021 for the
    authority; a row that is not a code and a whole number is refused, naming it."""
    out: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        for n, row in enumerate(csv.reader(f), start=1):
            if not row or not "".join(row).strip():
                continue
            try:
                group, value = row[0].strip(), int(str(row[1]).replace(",", "").strip())
            except (IndexError, ValueError):
                if n == 1:
                    continue  # the header
                raise InputError(
                    Location(path.name, n), "population", "each row must be a group and a count"
                ) from None
            out[group_code(group)] = out.get(group_code(group), 0) + value
    if not out:
        raise InputError(Location(path.name), "population", "the file holds no population")
    return out


# -- the pack -------------------------------------------------------------------------------------


def _timeliness_table(now: list[Measure], before: list[Measure] | None) -> PackTable:
    prior = {(m.list, m.name): m for m in before or []}
    rows = []
    for m in now:
        p = prior.get((m.list, m.name))
        rows.append(
            (
                f"List {m.list}",
                m.name,
                m.standard,
                m.numerator,
                m.denominator,
                m.percent,
                p.percent if p else None,
            )
        )
    return PackTable(
        "timeliness",
        "Timeliness against the statutory standard",
        ("List", "Measure", "Standard", "Met", "Of", "%", "% a year before"),
        rows,
        counts=(3, 4),
        percents={5: (3, 4)},
    )


def _summary(lists: Lists, last: Lists | None) -> PackTable:
    rows = []
    for n in range(1, 12):
        rows_now = lists.get(n, [])
        ident = "adopter_id" if n == 11 else "child_unique_id"
        rows.append(
            (
                f"List {n}",
                TITLES[f"annex_a_list{n}"],
                len(rows_now),
                len({r.get(ident) for r in rows_now}),
                len(last.get(n, [])) if last is not None else None,
            )
        )
    return PackTable(
        "lists",
        "The lists",
        ("List", "About", "Rows", "Children (or adopters)", "Rows a year before"),
        rows,
        counts=(2, 3, 4),
    )


def build_pack(
    la_code: str,
    at: date,
    year: int,
    lists: Lists,
    last: Lists | None = None,
    last_year: int | None = None,
    *,
    population: dict[str, int] | None = None,
    reconciliation: PackTable | None = None,
) -> Pack:
    """The pack from this year's lists and (optionally) last year's, with the reconciliation
    of Annex A's figures against the other returns' where it was made."""
    prior_at = at - relativedelta(years=1)
    t_now = timeliness(lists, at)
    t_before = timeliness(last, prior_at) if last is not None else None
    ad = adoption(lists, at)
    ad_before = adoption(last, prior_at) if last is not None else None
    adoption_table = PackTable(
        "adoption",
        "Adoption timeliness (List 10, children placed in the 12 months)",
        ("Measure", "Now", "A year before"),
        [
            ("Children placed for adoption", ad.placed, ad_before.placed if ad_before else None),
            (
                "Average days, entering care to placement",
                ad.entry_to_placement_days,
                ad_before.entry_to_placement_days if ad_before else None,
            ),
            (
                "Average days, placement order to match",
                ad.order_to_match_days,
                ad_before.order_to_match_days if ad_before else None,
            ),
        ],
        note="The public audience sees the averages only where 6 or more children were placed.",
    )
    dist = [
        distribution(lists, last, at, n, by)
        for n in CHILD_LISTS
        for by in BREAKDOWNS
        if by not in ("team", "worker") or n not in (1, 2)
    ]
    js = journeys(lists, at)
    sections = [
        Section(
            "The lists",
            "Rows and children in each list, beside last year's workbook.",
            [_summary(lists, last)],
        ),
        Section(
            "Volumes",
            "Lists 1 to 5 month by month, beside the same month a year before.",
            [volumes_by_month(lists, last, at)],
        ),
        Section(
            "Timeliness",
            "Each list against its statutory (or named local) standard.",
            [_timeliness_table(t_now, t_before), adoption_table],
        ),
        Section(
            "Journeys",
            "Where children contacted in the six months went, how long each "
            "step took, and where their path ended.",
            [journey_table(js)],
        ),
        Section(
            "Who the lists are about",
            "Children by age, gender, ethnicity, disability, team and worker, beside last year.",
            dist,
        ),
        Section(
            "Disproportionality",
            "Each ethnic group's share of the children referred, on "
            "plans and in care against its share of the population (or of the children "
            "contacted, where no population is given).",
            [disproportionality(lists, n, population, at) for n in (3, 7, 8)],
        ),
        Section(
            "Children inspectors are likely to sample",
            "Child-level: for staff with child-level access only.",
            samples(lists, at),
        ),
    ]
    if reconciliation is not None:
        sections.append(
            Section(
                "Annex A beside the returns",
                "The same figure from Annex A and from the CIN census, the 903 or the "
                "Standard Safeguarding Dataset: where they differ, one of them is wrong or "
                "their cohorts differ.",
                [reconciliation],
            )
        )
    return Pack(la_code, at, year, last_year, sections)


def reconciled_pairs() -> list[tuple[str, str]]:
    """(Annex A indicator, the other source's indicator for the same figure)."""
    cat = catalogue()
    return [
        (i, ind.same_figure_as)
        for i, ind in cat.items()
        if i.endswith("_annex_a") and ind.same_figure_as
    ]


def reconciliation(sources: Sources, la_code: str, at: date) -> PackTable:
    """Each Annex A indicator beside the other source's indicator for the same figure (the
    CIN census, the 903, the SSD), for the quarter to ``at`` (or on it, for a stock): the other
    source wins where both have data (``same_figure_as``)."""
    cat = catalogue()
    pairs = reconciled_pairs()
    ids = sorted({x for p in pairs for x in p})
    results = {
        r.id: r for r in compute(sources, [at], period="quarter", ids=ids, la_codes=[la_code])
    }
    rows = []
    for a, b in pairs:
        ra, rb = results[a], results[b]
        rows.append(
            (
                cat[b].title,
                _whole(ra.value) if ra.unit == "count" else ra.value,
                _whole(ra.numerator),
                _whole(ra.denominator),
                cat[b].source_words,
                _whole(rb.value) if rb.unit == "count" else rb.value,
                _whole(rb.numerator),
                _whole(rb.denominator),
                ra.reason or rb.reason or "",
            )
        )
    return PackTable(
        "reconciliation",
        f"Annex A beside the returns, for the quarter to {long_date(at)} (or on it)",
        (
            "Figure",
            "Annex A",
            "Annex A numerator",
            "Annex A denominator",
            "Other source (wins)",
            "Other source",
            "Its numerator",
            "Its denominator",
            "Why a figure is missing",
        ),
        rows,
        counts=(2, 3, 6, 7),
        percents={1: (2, 3), 5: (6, 7)},
        note="Cohorts differ where the definitions say so (care leavers: List 9 is every care "
        "leaver supported, the 903's OC3 those aged 19 to 21; adoption: Annex A counts "
        "placements, the 903 adoptions).",
    )


def _whole(v: float | None) -> float | int | None:
    """A count the engine gives as a float (252.0) as the whole number it is."""
    return int(v) if v is not None and float(v).is_integer() else v


def lists_from_store(
    store: Store | LoadsRead, la_code: str, years: Iterable[int]
) -> dict[int, Lists]:
    """The stored Annex A lists of one authority, by return year (each list read once)."""
    wanted = set(years)
    out: dict[int, Lists] = {y: {} for y in wanted}
    for n in range(1, 12):
        t = store.table(f"annex_a_list{n}", la_code)
        if t is None:
            continue
        for r in t.to_pylist():
            y = r.get("return_year")
            if y in wanted:
                out[y].setdefault(n, []).append(r)
    return out


def annex_a_years(store: Store | LoadsRead, la_code: str) -> list[int]:
    """The return years the store (or its loads as read) holds an Annex A workbook for."""
    years: set[int] = set()
    for n in range(1, 12):
        for rec, _ in store.table_files(f"annex_a_list{n}", la_code):
            if rec.return_year:
                years.add(rec.return_year)
    return sorted(years)


def pack_from_store(
    store: Store, la_code: str, at: date, *, population: dict[str, int] | None = None
) -> Pack:
    """The pack for the authority's latest Annex A on or before ``at`` (workbooks are taken at
    31 March of their return year), with the year before's where the store holds it."""
    loads = store.read_loads(la_code)  # once: the years, the lists and the sources agree
    years = [y for y in annex_a_years(loads, la_code) if date(y, 3, 31) <= at]
    if not years:
        raise NoData(f"the store holds no Annex A for {la_code} on or before {at.isoformat()}")
    year = years[-1]
    ref = date(year, 3, 31)
    lists = lists_from_store(loads, la_code, (year, year - 1))
    last = lists[year - 1] if year - 1 in years else None
    cat = catalogue()
    needed = {s for pair in reconciled_pairs() for i in pair for s in cat[i].sources}
    sources = sources_from_store(store, la_code, only=needed, loads=loads)
    recon = reconciliation(sources, la_code, ref)
    return build_pack(
        la_code,
        ref,
        year,
        lists[year],
        last,
        year - 1 if last is not None else None,
        population=population,
        reconciliation=recon,
    )
