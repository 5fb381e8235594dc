"""Visits derived from a child's record: the dates a worker saw the child.

Returns do not carry visit dates (the Standard Safeguarding Dataset does), so visits are
derived, deterministically per child, from the referral, plan and placement dates: a first
visit after referral (within 5 working days for the authority's ``seen_within_5_days`` share),
then the statutory rhythm: CP plans every 10 working days, CIN plans every 20, children looked
after every 6 weeks.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from selfeval.synth.model import Authority, CareEpisode, Child, Visit
from selfeval.synth.simulate import add_working_days


def visits(child: Child, authority: Authority) -> list[Visit]:
    """Every visit to ``child`` up to the last return's 31 March, in date order."""
    rng = random.Random(f"{authority.seed}-{child.child_id}-visits")
    last = date(authority.years.stop - 1, 3, 31)
    seen5 = authority.seen_within_5_days
    out: list[Visit] = []
    for e in child.cin_episodes:
        if e.nfa or not e.assessments:
            continue
        wd = rng.randint(0, 5) if rng.random() < seen5 else rng.randint(6, 15)
        d = add_working_days(e.referral_date, wd)
        if d <= last:
            out.append(Visit(d, "assessment", e.worker_id, True, rng.random() < 0.5))
        for kind, plans, step in (("cp", e.cp_plans, 10), ("cin", e.cin_plans, 20)):
            for p in plans:
                d = add_working_days(p.start, rng.randint(2, step))
                stop = min(p.end or last, last)
                while d <= stop:
                    seen = rng.random() < 0.95
                    out.append(Visit(d, kind, e.worker_id, seen, seen and rng.random() < 0.7))
                    d = add_working_days(d, step - rng.randint(0, 2))
    for ce in child.care_episodes:
        if ce.legal_status in ("V3", "V4") or ce.rne not in ("S", "P", "B"):
            continue
        # the period in this placement: until the next placement change
        d = ce.start + timedelta(days=rng.randint(1, 7))
        stop = min(_placement_end(child, ce) or last, last)
        worker = child.workers[-1].worker_id if child.workers else ""
        while d <= stop:
            out.append(Visit(d, "cla", worker, True, rng.random() < 0.6))
            d += timedelta(days=rng.randint(28, 42))
    out.sort(key=lambda v: (v.date, v.kind))
    return out


def _placement_end(child: Child, ep: CareEpisode) -> date | None:
    eps = child.care_episodes
    i = eps.index(ep)
    end = eps[i].end
    for nxt in eps[i + 1 :]:
        if nxt.start != end or nxt.rne in ("S", "P", "B", "T", "U"):
            break
        end = nxt.end
    return end
