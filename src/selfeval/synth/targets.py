"""Meet exact targets (e.g. 624 children looked after at 31 March 2019) on a simulated authority.

Two steps, both deterministic: children counted where a count is over its target are removed
(whole life courses, so every return stays coherent), then children are added whose single
episode (a period of care, a CP plan or a CIN plan) spans exactly the target dates still short,
and no other target date, so filling one count never moves another.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from selfeval.synth import measures
from selfeval.synth.model import Assessment, Child, CINEpisode, Section47
from selfeval.synth.simulate import Simulation, add_working_days

# Chance that an added child counted at one target date is still counted at the next: about
# the share of England's 31 March stock still there a year later.
PERSISTENCE = {"cla": 0.6, "cp": 0.2, "cin_plan": 0.3}


def meet_targets(sim: Simulation, targets: dict[str, dict[date, int]]) -> None:
    """Change ``sim.children`` so that every target count holds exactly."""
    if not targets:
        return
    rng = random.Random(f"{sim.cfg.seed}-targets")
    cells = [(m, d, n) for m, by_date in targets.items() for d, n in by_date.items()]
    in_cell = {
        (m, d): {i for i, c in enumerate(sim.children) if measures.MEASURES[m](c, d)}
        for m, d, _ in cells
    }
    removed: set[int] = set()
    for m, d, n in cells:
        members = sorted(in_cell[(m, d)] - removed)
        excess = len(members) - n
        if excess > 0:
            rng.shuffle(members)
            removed.update(members[:excess])
    sim.children = [c for i, c in enumerate(sim.children) if i not in removed]
    for m, by_date in targets.items():
        dates = list(by_date)
        deficit = [n - measures.count(sim.children, m, d) for d, n in by_date.items()]
        while any(x > 0 for x in deficit):
            i = next(k for k, x in enumerate(deficit) if x > 0)
            j = i
            while j + 1 < len(dates) and deficit[j + 1] > 0 and rng.random() < PERSISTENCE[m]:
                j += 1
            lo = dates[i - 1] if i > 0 else dates[i] - timedelta(days=1500)
            hi = dates[j + 1] if j + 1 < len(dates) else None
            _add_child(sim, rng, m, lo, dates[i], dates[j], hi)
            for k in range(i, j + 1):
                deficit[k] -= 1


def _add_child(
    sim: Simulation,
    rng: random.Random,
    measure: str,
    after: date,
    first: date,
    last: date,
    before: date | None,
) -> Child:
    """A child counted by ``measure`` at every target date in [first, last] and no other."""
    # start in (after, first], end in (last, before) or open/late when no later target
    lead = (first - after).days
    start = first - timedelta(days=rng.randint(0, max(0, min(lead - 1, 700))))
    if before is None:
        end = last + timedelta(days=rng.randint(1, 400))
    else:
        end = last + timedelta(days=rng.randint(1, max(1, (before - last).days - 1)))
    age = rng.randint(0, 15) if measure != "cla" else rng.choice((0, 1, 3, 6, 9, 12, 14, 15))
    child = sim.new_child(start - timedelta(days=40), age=age)
    if child.dob >= start - timedelta(days=40):
        child.dob = start - timedelta(days=60)
    if child.birthday(18) <= end:
        child.dob = end.replace(year=end.year - 17) - timedelta(days=30)
    referral = start - timedelta(days=rng.randint(15, 40))
    ep = CINEpisode(referral, "6", "N1", False)
    child.cin_episodes.append(ep)
    w = sim.workforce.pick("front_door", referral, rng)
    ep.team, ep.worker_id = w.team, w.worker_id
    if measure == "cp":
        s47 = Section47(referral, add_working_days(referral, 15), start, False, True)
        ep.section47s.append(s47)
        ep.assessments.append(
            Assessment(
                referral, add_working_days(referral, rng.randint(10, 40)), ["3B"], w.worker_id
            )
        )
        sim.cp_plan(child, ep, start, end, then="close")
    elif measure == "cin_plan":
        ep.assessments.append(Assessment(referral, start, ["4B"], w.worker_id))
        sim.cin_plan(child, ep, start, end, then="close")
    else:
        ep.assessments.append(
            Assessment(referral, add_working_days(referral, 10), ["12A"], w.worker_id)
        )
        sim.care(child, ep, start, pathway="home", end=end, step_down=False)
    return child
