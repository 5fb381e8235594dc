"""The ILACS planner: the next expected inspection from an authority's last judgement.

The framework's rules as selfeval applies them (docs/inspections.md gives the sources):
- The next inspection usually falls within six months either side of the third anniversary
  of the start of the last short or standard inspection.
- Last judged outstanding or good overall: a short inspection (one week).
- Last judged requires improvement: a standard inspection (two weeks).
- Last judged inadequate: monitoring visits until a standard re-inspection, in the same window
  unless the authority improves sooner.
- Focused visits: for authorities not judged inadequate, between inspections: from six months
  after the last inspection until the next window opens. Inadequate authorities get
  monitoring visits instead.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from dateutil.relativedelta import relativedelta

from selfeval.inspections.outcomes import Inspection

NEXT_TYPE = {
    "outstanding": "short",
    "good": "short",
    "requires improvement": "standard",
    "inadequate": "standard",
}
WINDOW_CENTRE = relativedelta(years=3)
WINDOW_HALF = relativedelta(months=6)
FOCUSED_VISIT_GAP = relativedelta(months=6)
INSPECTIONS = ("short", "standard")


@dataclass(frozen=True)
class Expectation:
    """What an authority can expect next, as at a date."""

    la_code_new: str
    la_name: str
    last: Inspection
    next_type: str
    window_start: date
    window_end: date
    monitoring_visits: bool
    focused_visit_eligible: bool
    status: str
    """before window, in window, overdue."""


def _window(last: Inspection) -> tuple[date, date]:
    centre = last.start + WINDOW_CENTRE
    return centre - WINDOW_HALF, centre + WINDOW_HALF


def expected_next(history: Iterable[Inspection], at: date) -> Expectation | None:
    """The next expected inspection of one authority, from its inspections before ``at``."""
    past = sorted(
        (i for i in history if i.type in INSPECTIONS and i.start <= at and i.overall),
        key=lambda i: i.start,
    )
    if not past:
        return None
    last = past[-1]
    start, end = _window(last)
    inadequate = last.overall == "inadequate"
    status = "before window" if at < start else "in window" if at <= end else "overdue"
    return Expectation(
        la_code_new=last.la_code_new,
        la_name=last.la_name,
        last=last,
        next_type=NEXT_TYPE[last.overall or ""],
        window_start=start,
        window_end=end,
        monitoring_visits=inadequate,
        focused_visit_eligible=(not inadequate) and last.start + FOCUSED_VISIT_GAP <= at < start,
        status=status,
    )


def next_for_all(
    inspections: Iterable[Inspection],
    at: date,
    successors: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Expectation]:
    """Each current authority's next expected inspection. Authorities Ofsted marks "No longer
    exists" are left out; their inspections join the history of each successor that
    ``successors`` (``read_successors``) names, marked ``inspected_as``, so a successor not yet
    inspected itself is planned from its predecessor's last inspection."""
    every = list(inspections)
    gone = {i.la_code_new for i in every if not i.current}
    by_la: dict[str, list[Inspection]] = defaultdict(list)
    for i in every:
        if i.la_code_new not in gone:
            by_la[i.la_code_new].append(i)
    for i in every:
        if i.la_code_new in gone:
            for new, name in (successors or {}).get(i.la_code_new, ()):
                carried = replace(i, la_code_new=new, la_name=name, inspected_as=i.la_name)
                by_la[new].append(carried)
    out = [expected_next(h, at) for h in by_la.values()]
    return sorted((e for e in out if e), key=lambda e: (e.window_start, e.la_name))


@dataclass
class Tally:
    pairs: int = 0
    in_window: int = 0
    type_right: int = 0
    both: int = 0

    def add(self, in_window: bool, type_right: bool) -> None:
        self.pairs += 1
        self.in_window += in_window
        self.type_right += type_right
        self.both += in_window and type_right


@dataclass
class Accuracy:
    """How often the rules predicted the next inspection's window and type, on real history."""

    overall: Tally = field(default_factory=Tally)
    by_last_judgement: dict[str, Tally] = field(default_factory=dict)
    early: int = 0
    late: int = 0


def accuracy(inspections: Iterable[Inspection], first_from: date | None = None) -> Accuracy:
    """For each pair of consecutive ILACS inspections of one authority: window and type right?

    ``first_from`` keeps only pairs whose first inspection started on or after that date (e.g.
    after routine inspections resumed following the 2020 pause, which delayed the cycle).
    """
    by_la: dict[str, list[Inspection]] = defaultdict(list)
    for i in inspections:
        if i.type in INSPECTIONS and i.overall:
            by_la[i.la_code_new].append(i)
    acc = Accuracy()
    for history in by_la.values():
        history.sort(key=lambda i: i.start)
        for first, second in itertools.pairwise(history):
            if first_from and first.start < first_from:
                continue
            start, end = _window(first)
            in_window = start <= second.start <= end
            type_right = NEXT_TYPE[first.overall or ""] == second.type
            acc.overall.add(in_window, type_right)
            acc.by_last_judgement.setdefault(first.overall or "", Tally()).add(
                in_window, type_right
            )
            acc.early += second.start < start
            acc.late += second.start > end
    return acc
