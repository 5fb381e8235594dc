"""Simulate an authority's children's social care, day by day, into life courses.

Referrals arrive at England's rate per child; each follows DfE's own flow (contact, referral,
assessment, section 47 enquiry, initial conference, CP plan, CIN plan, care) with branch
probabilities from England's published figures (see ``config.ENGLAND``). A child's whole
episode is generated when it is referred, so later referrals of the same child (re-referrals)
come after it closes. The simulation starts ten years before the first return year so that the
first year's stock (children long in care, previous plans) is already there.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import ClassVar, TypeVar

from selfeval.calendar import CALENDAR_END, CALENDAR_START, is_working_day
from selfeval.synth import codes
from selfeval.synth.config import ENGLAND, AuthorityConfig
from selfeval.synth.model import (
    Adoption,
    Assessment,
    Authority,
    CareEpisode,
    CareLeaverOutcome,
    CareReview,
    Child,
    CINEpisode,
    CINPlan,
    Contact,
    CPPlan,
    EarlyHelp,
    HealthOutcome,
    MissingEpisode,
    Section47,
    Worker,
    WorkerEpisode,
)

_Event = TypeVar("_Event")
BURN_IN_YEARS = 10
DAY = timedelta(days=1)
# Distinct children in the record per child aged 0-17, per year of the window, and the stock
# carried in; measured on this model (see docs/synth.md) to turn ``children`` into a population.
CHILDREN_PER_POPULATION_YEAR = 0.09
CHILDREN_PER_POPULATION_BASE = 0.06


@lru_cache(maxsize=1)
def _working_days() -> list[int]:
    d, end, out = CALENDAR_START, CALENDAR_END, []
    while d <= end:
        if is_working_day(d):
            out.append(d.toordinal())
        d += DAY
    return out


def add_working_days(d: date, n: int) -> date:
    """The date ``n`` (>= 1) working days after ``d`` (England's bank holidays excluded)."""
    wd = _working_days()
    i = bisect.bisect_right(wd, d.toordinal())
    return date.fromordinal(wd[i + max(n, 1) - 1])


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    """One code drawn from ``weights`` (keys in their declared order, so the draw is stable)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _closed(ep: CINEpisode, on: date) -> date:
    """Close the episode on ``on`` (RC7: services ceased for any other reason) and return it."""
    ep.closure_date, ep.closure_reason = on, "RC7"
    return on


def population_for(cfg: AuthorityConfig) -> int:
    """Children aged 0-17 for the config: given, or sized so the record holds ``children``."""
    if cfg.population:
        return cfg.population
    n = cfg.children or 2000
    years = len(cfg.years)
    per_child = (CHILDREN_PER_POPULATION_YEAR * years + CHILDREN_PER_POPULATION_BASE) * max(
        cfg.rates.referrals, 0.1
    )
    return max(500, round(n / per_child))


class _Workforce:
    """Posts filled over time by permanent or agency workers, with vacancy gaps between them."""

    GROUP_SHARE: ClassVar[dict[str, float]] = {"front_door": 0.3, "cin": 0.4, "cla": 0.3}

    def __init__(self, sim: Simulation, fte: float) -> None:
        self.sim = sim
        self.rng = random.Random(f"{sim.cfg.seed}-workforce")
        self.workers: list[Worker] = []
        self.posts: dict[str, list[list[Worker]]] = {}
        self._month_cache: dict[tuple[str, int], list[Worker]] = {}
        start, end = sim.sim_start, sim.window_end + timedelta(days=200)
        leave_perm = ENGLAND["turnover_percent"] / 100 * sim.cfg.rates.worker_turnover
        # Agency workers stay about 1.4 years, employed ones 1/turnover: choose the share of
        # new post holders who are agency so that England's share of agency FTE results.
        share = min(0.9, ENGLAND["agency_percent"] / 100 * sim.cfg.rates.agency)
        stay_a, stay_p = 1 / 0.7, 1 / leave_perm
        agency_p = share * stay_p / (stay_a * (1 - share) + share * stay_p)
        for group, share in self.GROUP_SHARE.items():
            n_posts = max(2, round(fte * share / 0.93))
            self.posts[group] = []
            for p in range(n_posts):
                holders: list[Worker] = []
                d = start - timedelta(days=self.rng.randint(0, 2000))
                team = codes.TEAMS[group][p % len(codes.TEAMS[group])]
                role = "1" if p % 7 == 0 else ("2" if p % 5 == 0 else "3")
                while d <= end:
                    agency = self.rng.random() < agency_p
                    hazard = 0.7 if agency else leave_perm
                    tenure = max(30, round(self.rng.expovariate(hazard) * 365))
                    leave = d + timedelta(days=tenure)
                    w = self._new_worker(group, team, role, agency, d, leave)
                    holders.append(w)
                    gap = 1 if agency else round(self.rng.expovariate(1 / 45))
                    d = leave + timedelta(days=gap)
                self.posts[group].append(holders)

    def _new_worker(
        self, group: str, team: str, role: str, agency: bool, start: date, end: date
    ) -> Worker:
        n = len(self.workers) + 1
        rng = self.rng
        end_final: date | None = end if end <= self.sim.window_end + timedelta(days=200) else None
        w = Worker(
            worker_id=f"SW{int(self.sim.cfg.la_code) * 10000 + n:07d}",
            name=f"{rng.choice(codes.FIRST_NAMES)} {rng.choice(codes.LAST_NAMES)}",
            team=team,
            role=role,
            agency=agency,
            fte=1.0 if rng.random() < 0.85 else rng.choice((0.5, 0.6, 0.8, 0.9)),
            start=start,
            end=end_final,
            sex="F" if rng.random() < 0.86 else "M",
            dob=start - timedelta(days=rng.randint(23 * 365, 55 * 365)),
            ethnicity=pick(rng, codes.ETHNICITY),
            leaving_reason=(rng.choice(("RES", "RET", "DIS", "OTH")) if end_final else None),
        )
        for year in self.sim.cfg.years:
            w.absence_days[year] = (
                round(rng.expovariate(1 / 40), 1) if rng.random() < 0.08 else rng.randint(0, 7)
            )
        self.workers.append(w)
        return w

    def in_post(self, group: str, d: date) -> list[Worker]:
        key = (group, d.year * 12 + d.month)
        got = self._month_cache.get(key)
        if got is None:
            first = date(d.year, d.month, 1)
            got = [w for holders in self.posts[group] for w in holders if w.in_post(first)]
            self._month_cache[key] = got
        return got

    def pick(self, group: str, d: date, rng: random.Random) -> Worker:
        workers = self.in_post(group, d) or [w for h in self.posts[group] for w in h[:1]]
        return rng.choice(workers)


class Simulation:
    """One authority's simulation; ``run()`` returns the ``Authority``."""

    def __init__(self, cfg: AuthorityConfig, population: int | None = None) -> None:
        self.cfg = cfg
        self.rates = cfg.rates
        self.rng = random.Random(cfg.seed)
        self.population = population or population_for(cfg)
        self.window_start = date(cfg.years.start - 1, 4, 1)
        self.window_end = date(cfg.years.stop - 1, 3, 31)
        self.sim_start = date(self.window_start.year - BURN_IN_YEARS, 4, 1)
        self.children: list[Child] = []
        self._busy_until: dict[int, date] = {}
        self._last_referral: dict[int, date] = {}
        self._released: list[tuple[date, int, int]] = []  # heap: (free from, seq, child index)
        self._recent: list[int] = []  # children free, referred within 12 months
        self._recent_since = date.max  # on or before every last referral of those in _recent
        self._older: list[int] = []  # children free, referred longer ago
        self._seq = 0
        self._scheduled: list[tuple[date, int, int]] = []  # repeat referrals after a CP plan
        fte = ENGLAND["fte_per_10k"] * self.population / 10_000
        self.workforce = _Workforce(self, fte)

    # ----- children -----------------------------------------------------------------------
    def new_child(self, on: date, *, uasc: bool = False, age: int | None = None) -> Child:
        rng = self.rng
        if age is None:
            r = rng.random()
            if r < 0.04:
                days = -rng.randint(10, 150)  # unborn: DOB after the referral
            elif r < 0.22:
                days = rng.randint(1, 4 * 365)
            elif r < 0.52:
                days = rng.randint(4 * 365, 10 * 365)
            else:
                days = rng.randint(10 * 365, 18 * 365 - 30)
        else:
            days = age * 365 + rng.randint(0, 364)
        dob = on - timedelta(days=days)
        sex = "1" if (uasc and rng.random() < 0.9) or (not uasc and rng.random() < 0.52) else "2"
        child = Child(
            child_id=str(len(self.children)),
            sex=sex,
            dob=dob,
            ethnicity=pick(rng, codes.UASC_ETHNICITY if uasc else codes.ETHNICITY),
            upn="",
            uasc=uasc,
        )
        if rng.random() < 0.1:
            child.disabilities = sorted(rng.sample(codes.DISABILITY, rng.randint(1, 2)))
        self.children.append(child)
        return child

    def _free_children(self, on: date) -> None:
        while self._released and self._released[0][0] < on:
            _, _, idx = heapq.heappop(self._released)
            self._recent.append(idx)
            self._recent_since = min(self._recent_since, self._last_referral[idx])
        if (on - self._recent_since).days <= 365:
            return  # none referred longer ago: the scan below would move none (most days)
        cutoff = on - timedelta(days=365)
        last = self._last_referral
        self._older.extend(idx for idx in self._recent if last[idx] < cutoff)
        self._recent = [idx for idx in self._recent if last[idx] >= cutoff]
        self._recent_since = min((last[idx] for idx in self._recent), default=date.max)

    def _choose_child(self, on: date) -> tuple[Child, int]:
        rng = self.rng
        self._free_children(on)
        p_recent = 0.245 * self.rates.rereferrals
        if self._recent and rng.random() < p_recent:
            i = rng.randrange(len(self._recent))
            idx = self._recent.pop(i)
        elif self._older and rng.random() < 0.07:
            i = rng.randrange(len(self._older))
            idx = self._older.pop(i)
        else:
            child = self.new_child(on)
            idx = len(self.children) - 1
            return child, idx
        child = self.children[idx]
        if self._busy_until.get(idx, date.min) >= on:
            return self.new_child(on), len(self.children) - 1
        if child.age_on(on) >= 18 or (child.care_episodes and child.care_episodes[-1].end is None):
            return self.new_child(on), len(self.children) - 1
        return child, idx

    def _release(self, idx: int, free_from: date, referred: date) -> None:
        self._last_referral[idx] = referred
        self._recent_since = min(self._recent_since, referred)
        self._busy_until[idx] = free_from
        self._seq += 1
        heapq.heappush(self._released, (free_from, self._seq, idx))

    # ----- the flow -----------------------------------------------------------------------
    def run(self) -> None:
        """The flow of referrals and arrivals from the start of the burn-in to the last 31 March."""
        rng = self.rng
        per_day = (
            ENGLAND["referrals_per_10k"] / 10_000 * self.population * self.rates.referrals / 365.25
        )
        d = self.sim_start
        end = self.window_end
        uasc_per_day = (
            ENGLAND["cla_starts_per_10k"]
            / 10_000
            * self.population
            * self.rates.care
            * self.rates.uasc_share
            / 365.25
        )
        while d <= end:
            n = _poisson(rng, per_day * (0.75 if d.weekday() >= 5 else 1.1))
            for _ in range(n):
                child, idx = self._choose_child(d)
                self._refer(child, idx, d)
            while self._scheduled and self._scheduled[0][0] <= d:
                _, _, idx = heapq.heappop(self._scheduled)
                child = self.children[idx]
                if self._busy_until.get(idx, date.min) < d and child.age_on(d) < 17:
                    self._refer(child, idx, d, "protect")
            if rng.random() < uasc_per_day:
                self.uasc_arrival(d)
            d += DAY
        self.short_breaks()

    def finish(self) -> Authority:
        """Contacts, outcomes, and the authority as the returns will report it."""
        self.front_door_contacts()
        self.outcomes()
        return self.authority()

    def _refer(self, child: Child, idx: int, d: date, path: str | None = None) -> None:
        closed = self.referral(child, d, path)
        ep = child.cin_episodes[-1]
        if closed is not None:  # an episode closes only once its assessments are done
            closed = max([closed, *(a.authorised for a in ep.assessments if a.authorised)])
            ep.closure_date = closed
        self._release(idx, closed or date.max, d)
        # Children whose plan ended are often re-referred and planned again (England: 21% of
        # plans are second or subsequent)
        if closed and ep.cp_plans and self.rng.random() < 0.28:
            self._seq += 1
            when = closed + timedelta(days=30 + round(self.rng.expovariate(1 / 400)))
            heapq.heappush(self._scheduled, (when, self._seq, idx))

    def referral(self, child: Child, d: date, path: str | None = None) -> date | None:
        """One referral and all that follows; returns the CIN closure date (None if open)."""
        rng, r = self.rng, self.rates
        child.contacts.append(
            Contact(
                d - timedelta(days=rng.choice((0, 0, 0, 1, 2))),
                pick(rng, codes.REFERRAL_SOURCE),
                "referral",
            )
        )
        ep = CINEpisode(
            referral_date=d,
            source=child.contacts[-1].source,
            need_code=pick(rng, codes.NEED),
            nfa=False,
        )
        child.cin_episodes.append(ep)
        fd = self.workforce.pick("front_door", d, rng)
        ep.team, ep.worker_id = fd.team, fd.worker_id
        if path is None:
            x = rng.random() * 100
            if x < ENGLAND["nfa_percent"]:
                path = "nfa"
            elif x < ENGLAND["nfa_percent"] + ENGLAND["not_in_need_percent"]:
                path = "not_in_need"
            else:
                path = "in_need"
        if path == "nfa":
            ep.nfa = True
            ep.closure_date, ep.closure_reason = d, "RC8"
            return d
        protect = path == "protect"
        if protect:
            path = "in_need"
        s47 = None
        if protect or (path == "in_need" and rng.random() < 0.37 * min(2.0, r.protection**0.5)):
            s47_start = d + timedelta(days=rng.choice((0, 0, 1, 2, 3, 5)))
            s47 = Section47(s47_start, add_working_days(s47_start, 15), None, False)
            ep.section47s.append(s47)
        a_start = (s47.start if s47 else d) + timedelta(days=rng.choice((0, 0, 1, 2, 4, 7)))
        on_time = rng.random() < r.assessment_timeliness
        wd = rng.randint(5, 45) if on_time else rng.randint(46, 80)
        a_auth = add_working_days(a_start, wd)
        factors = sorted({pick(rng, codes.ASSESSMENT_FACTORS) for _ in range(rng.randint(1, 4))})
        ep.assessments.append(
            Assessment(a_start, a_auth, factors, fd.worker_id, path != "not_in_need")
        )
        if path == "not_in_need":
            ep.need_code = "N9"
            ep.closure_date, ep.closure_reason = a_auth, "RC9" if rng.random() < 0.3 else "RC8"
            return a_auth
        worker = self.workforce.pick("cin", a_auth, rng)
        ep.team, ep.worker_id = worker.team, worker.worker_id
        # Section 47: conference, then a plan
        if path == "care":
            return self.care(child, ep, a_start + timedelta(days=rng.randint(0, 10)))
        if s47 is not None:
            conference = protect or rng.random() < 0.42 * min(1.6, r.protection**0.5)
            if conference:
                wd = rng.randint(4, 15) if rng.random() < 0.78 else rng.randint(16, 35)
                s47.icpc_date = add_working_days(s47.start, wd)
                ep.need_code = "N1" if rng.random() < 0.8 else ep.need_code
                if protect or rng.random() < 0.87:
                    s47.led_to_plan = True
                    return self.cp_plan(child, ep, s47.icpc_date)
            else:
                s47.icpc_not_required = True
        # Direct entry to care without a plan (emergencies, remands, teenagers)
        if rng.random() < 0.035 * r.care:
            return self.care(child, ep, a_start + timedelta(days=rng.randint(0, 40)))
        if rng.random() < 0.45 * r.cin_plans:
            return self.cin_plan(child, ep, a_auth)
        # Open for services without a plan (e.g. short-term family support)
        return _closed(ep, a_auth + timedelta(days=round(rng.expovariate(1 / 110))))

    def cp_plan(
        self,
        child: Child,
        ep: CINEpisode,
        start: date,
        end: date | None = None,
        then: str | None = None,
    ) -> date | None:
        rng = self.rng
        previous = sum(len(e.cp_plans) for e in child.cin_episodes)
        cat = pick(rng, codes.CP_CATEGORY)
        if end is None:
            # Weibull(1.6) lengths with mean about 0.8 years: England's 31 March duration bands
            days = max(20, round(rng.weibullvariate(330, 1.6)))
            end = start + timedelta(days=min(days, 1300))
        plan = CPPlan(
            start, end, cat, cat if rng.random() < 0.85 else pick(rng, codes.CP_CATEGORY), previous
        )
        review = start + timedelta(days=rng.randint(70, 90))
        while review < end:
            plan.reviews.append(review)
            review += timedelta(days=rng.randint(150, 182))
        ep.cp_plans.append(plan)
        if then is None:
            x = rng.random()
            then = "care" if x < 0.12 * self.rates.care else ("cin_plan" if x < 0.66 else "close")
        return self._after_plan(child, ep, end, then, close_within=30)

    def cin_plan(
        self,
        child: Child,
        ep: CINEpisode,
        start: date,
        end: date | None = None,
        then: str | None = None,
    ) -> date | None:
        rng = self.rng
        if end is None:
            end = start + timedelta(days=max(30, min(1100, round(rng.gammavariate(2.0, 140)))))
        if child.age_on(end) >= 18:
            end = child.birthday(18)
        if end <= start:
            end = start + DAY
        ep.cin_plans.append(CINPlan(start, end))
        if then is None:
            then = "care" if rng.random() < 0.03 * self.rates.care else "close"
        return self._after_plan(child, ep, end, then, close_within=45)

    def _after_plan(
        self, child: Child, ep: CINEpisode, end: date, then: str, close_within: int
    ) -> date | None:
        """What follows a plan that ended on ``end``: care, a CIN plan, or (``close``) the
        episode closed within ``close_within`` days."""
        if then == "care":
            return self.care(child, ep, end)
        if then == "cin_plan":
            return self.cin_plan(child, ep, end)
        return _closed(ep, end + timedelta(days=self.rng.randint(0, close_within)))

    def uasc_arrival(self, d: date) -> None:
        child = self.new_child(d, uasc=True, age=self.rng.choice((14, 15, 15, 16, 16, 16, 17)))
        child.contacts.append(Contact(d, "5C", "referral"))
        ep = CINEpisode(d, "5C", "N9" if self.rng.random() < 0.2 else "N4", False)
        child.cin_episodes.append(ep)
        w = self.workforce.pick("front_door", d, self.rng)
        ep.team, ep.worker_id = w.team, w.worker_id
        ep.assessments.append(
            Assessment(d, add_working_days(d, self.rng.randint(5, 40)), ["8C"], w.worker_id)
        )
        closed = self.care(child, ep, d, pathway="eighteen")
        self._release(len(self.children) - 1, closed or date.max, d)

    # ----- care ---------------------------------------------------------------------------
    def care(
        self,
        child: Child,
        ep: CINEpisode,
        start: date,
        *,
        pathway: str | None = None,
        end: date | None = None,
        step_down: bool = True,
    ) -> date | None:
        """A period of care from ``start``: episodes, moves, legal status, reviews, exit."""
        rng = self.rng
        age = max(0, child.age_on(start))
        if start < child.dob:
            start = child.dob
        eighteen = child.birthday(18)
        if start >= eighteen:
            close = start
            ep.closure_date, ep.closure_reason = close, "RC7"
            return close
        if pathway is None:
            if age < 5:
                pathway = pick(rng, {"adoption": 38, "sgo": 22, "home": 27, "long": 13})
            elif age < 13:
                pathway = pick(rng, {"home": 38, "sgo": 10, "cao": 4, "long": 48})
            elif age < 16:
                pathway = pick(rng, {"home": 50, "long": 50})
            else:
                pathway = pick(rng, {"home": 40, "eighteen": 60})
        if end is None:
            if pathway == "home":
                days = (
                    1 + round(rng.expovariate(1 / 230)) if rng.random() < 0.9 else rng.randint(1, 7)
                )
            elif pathway in ("sgo", "cao"):
                days = rng.randint(330, 950)
            elif pathway == "adoption":
                days = rng.randint(520, 1000)
            else:
                days = (eighteen - start).days
                if pathway == "long" and rng.random() < 0.35:
                    days = rng.randint(365, max(366, days))
                    pathway = "home"
            end = start + timedelta(days=max(1, days))
        if end >= eighteen:
            end, pathway = eighteen, "eighteen"
        if pathway == "adoption":
            rec = rng.choice(("E11", "E12"))
        else:
            rec = pick(rng, codes.REC_BY_PATHWAY[pathway])
        if child.uasc and pathway == "eighteen" and rng.random() < 0.03:
            rec = "E15"
        # Legal status changes
        if child.uasc:
            ls0 = "V2"
        elif pathway == "home" and (end - start).days < 120:
            ls0 = pick(rng, {"V2": 70, "L2": 6, "L1": 6, "C1": 10, "J1": 8 if age >= 12 else 0})
        elif age >= 14:
            ls0 = pick(rng, {"V2": 55, "C1": 40, "J1": 5})
        else:
            ls0 = pick(rng, {"C1": 70, "V2": 22, "L2": 8})
        changes: list[tuple[date, str, str]] = []  # (date, kind, value)
        if ls0 in ("L1", "L2"):
            d = start + timedelta(days=rng.randint(1, 3))  # police powers last 72 hours
            changes.append((d, "ls", "C1"))
            ls_now = "C1"
        else:
            ls_now = ls0
        if ls_now == "C1" and (end - start).days > 200:
            full_order = start + timedelta(days=rng.randint(150, 330))
            if pathway == "adoption":  # the care order comes before the placement order
                full_order = start + timedelta(days=rng.randint(100, 170))
            changes.append((full_order, "ls", "C2"))
        adoption = None
        if pathway == "adoption":
            decision = start + timedelta(days=rng.randint(120, 240))
            order = decision + timedelta(days=rng.randint(60, 150))
            match = order + timedelta(days=rng.randint(60, 200))
            placed = match + timedelta(days=rng.randint(10, 40))
            if placed >= end - timedelta(days=70):
                placed = end - timedelta(days=rng.randint(70, 120))
                match = min(match, placed - timedelta(days=10))
                order = min(order, match - timedelta(days=10))
                decision = min(decision, order - timedelta(days=10))
            foster = rng.random() < 0.15
            adoption = Adoption(
                decision_date=decision,
                placement_order_date=order,
                match_date=match,
                placed_date=placed,
                adopted_date=end,
                foster_carer=foster,
                number_of_adopters=2 if rng.random() < 0.85 else 1,
            )
            adoption.adopters_sex = (
                pick(rng, {"MF": 80, "MM": 10, "FF": 10})
                if adoption.number_of_adopters == 2
                else rng.choice(("F1", "F1", "M1"))
            )
            adoption.adopters_status = (
                "L11"  # married couple, different sex
                if adoption.adopters_sex == "MF"
                else pick(rng, {"L12": 70, "L4": 30})  # same-sex couple, married or not
                if adoption.number_of_adopters == 2
                else "L0"  # single adopter
            )
            changes.append((order, "ls", "E1"))
            changes.append((placed, "adopt", "A5" if foster else "A6"))
            child.adoption = adoption
        elif pathway == "home" and age < 5 and rng.random() < 0.05:
            # An adoption decision later reversed (PlacedAdoption with a reason ceased)
            decision = start + timedelta(days=max(1, (end - start).days // 3))
            if decision < end:
                child.adoption = Adoption(
                    decision_date=decision,
                    decision_reversed=end,
                    reversal_reason=rng.choice(("RD1", "RD3", "RD4")),
                )
        # Placement moves
        band = "baby" if age < 1 else "child" if age < 10 else "teen" if age < 16 else "older"
        place = pick(rng, codes.PLACE_BY_AGE[band])
        moves_rate = self.rates.placement_moves
        t = start
        first_year_end = start + timedelta(days=365)
        placed_on = adoption.placed_date if adoption else None
        while True:
            later = 0.25 if child.age_on(t) >= 12 else 0.09
            rate = (1.0 if t < first_year_end else later) * moves_rate
            t = t + timedelta(days=max(7, round(rng.expovariate(rate) * 365)))
            if t >= end or (placed_on and t >= placed_on):
                break
            changes.append((t, "move", ""))
        changes.sort(key=lambda c: (c[0], c[1]))
        # Merge into episodes
        # UASC have no home postcode (so no distance is derived, as DfE asks)
        home_pc = "" if child.uasc else _postcode(rng, self.cfg.la_code, local=True)
        place = _current_code(place, start)
        eps: list[CareEpisode] = []
        provider = _provider(rng, place)
        if place == "P1" and ls0 == "V2":
            place, provider = "U6", _provider(rng, "U6")
        pl_pc = _placement_postcode(rng, self.cfg.la_code, place, home_pc, provider)
        cur = CareEpisode(
            start,
            "S",
            ls0,
            _cla_need(rng, ep, child),
            place,
            provider,
            home_postcode=home_pc,
            placement_postcode=pl_pc,
            urn=_urn(rng, place, start),
        )
        eps.append(cur)
        i = 0
        while i < len(changes):
            d = changes[i][0]
            same_day = [c for c in changes if c[0] == d]
            i += len(same_day)
            if d <= cur.start or d >= end:
                continue
            kinds = {c[1] for c in same_day}
            new_ls = next((c[2] for c in same_day if c[1] == "ls"), cur.legal_status)
            if "adopt" in kinds:
                new_place = next(c[2] for c in same_day if c[1] == "adopt")
                rne = "T" if new_place == "A5" else "P"
                new_provider = "PR1" if rng.random() < 0.6 else rng.choice(("PR2", "PR5"))
            elif "move" in kinds:
                sub_band = _band(child.age_on(d))
                new_place = pick(rng, codes.PLACE_BY_AGE[sub_band])
                if new_place == "P1" and new_ls == "V2":
                    new_place = "U6"
                new_place = _current_code(new_place, d)
                rne = "B" if "ls" in kinds else ("T" if rng.random() < 0.04 else "P")
                new_provider = _provider(rng, new_place)
            else:
                if new_ls == cur.legal_status:
                    continue
                new_place, new_provider, rne = _current_code(cur.place, d), cur.provider, "L"
                if new_place != cur.place:  # P2 became H5 with the legal status change
                    rne = "U"
            cur.end, cur.reason_ceased = d, "X1"
            changed_place = rne != "L"
            if changed_place:  # the reason is recorded on the episode the change ends
                cur.reason_place_change = pick(rng, codes.REASON_PLACE_CHANGE)
            cur = CareEpisode(
                d,
                rne,
                new_ls,
                cur.need_code,
                new_place,
                new_provider,
                home_postcode=home_pc,
                placement_postcode=_placement_postcode(
                    rng, self.cfg.la_code, new_place, home_pc, new_provider
                )
                if changed_place
                else cur.placement_postcode,
                urn=_urn(rng, new_place, d) if changed_place else cur.urn,
            )
            eps.append(cur)
        if rec in ("E45", "E46") and cur.place not in codes.FOSTER:
            rec = "E41"  # a special guardianship order to former foster carers needs U1-U6
        final_end: date | None = end if end <= self.window_end else None
        cur.end = final_end
        cur.reason_ceased = rec if final_end else None
        child.care_episodes.extend(eps)
        self._care_extras(child, start, final_end)
        if final_end is None:
            return None
        if step_down and pathway == "home" and rng.random() < 0.3 and child.age_on(end) < 17:
            return self.cin_plan(child, ep, end, then="close")
        reason = {
            "E11": "RC1",
            "E12": "RC1",
            "E45": "RC4",
            "E46": "RC4",
            "E41": "RC3",
            "E48": "RC3",
        }.get(rec, "RC7")
        ep.closure_date, ep.closure_reason = end, reason
        return end

    def _care_extras(self, child: Child, start: date, end: date | None) -> None:
        """Reviews, missing episodes and social worker episodes for one period of care."""
        rng = self.rng
        stop = end or self.window_end
        review = add_working_days(start, rng.randint(10, 20))
        n = 0
        while review < stop:
            age = child.age_on(review)
            code = (
                "PN0"
                if age < 4
                else pick(
                    rng, {"PN1": 60, "PN2": 10, "PN3": 8, "PN4": 8, "PN5": 6, "PN6": 5, "PN7": 3}
                )
            )
            child.care_reviews.append(CareReview(review, code))
            n += 1
            review += timedelta(days=rng.randint(80, 92) if n == 1 else rng.randint(160, 182))
        # Missing: teenagers mostly; several incidents each
        t = start
        while t < stop:
            y_end = min(stop, t + timedelta(days=365))
            age = child.age_on(t)
            p = 0.28 if age >= 13 else 0.08 if age >= 10 else 0.01
            if rng.random() < p:
                for _ in range(1 + min(30, round(rng.expovariate(1 / 4)))):
                    span = (y_end - t).days
                    if span <= 1:
                        break
                    s = t + timedelta(days=rng.randrange(span))
                    length = rng.choice((0, 0, 1, 1, 1, 2, 3))
                    e = s + timedelta(days=length)
                    kind = "A" if rng.random() < 0.2 else "M"
                    # the incident ends when the placement does, if it ends
                    ended = e if e <= stop else stop if end else None
                    child.missing.append(MissingEpisode(kind, s, ended))
            t = y_end
        child.missing.sort(key=lambda m: (m.start, m.kind))
        kept: list[MissingEpisode] = []
        for m in child.missing:  # one incident at a time: a new one starts after the last ends
            if kept and (kept[-1].end is None or m.start <= kept[-1].end):
                continue
            kept.append(m)
        child.missing = kept
        # Social workers: change on leaving or by management decision
        t = start
        why = "FCONTA"  # SW_REASON: why this worker became the child's worker
        while t < stop:
            w = self.workforce.pick("cla", t, rng)
            planned = t + timedelta(days=max(30, round(rng.expovariate(0.9) * 365)))
            leaves = w.end or date.max
            e = min(planned, leaves, stop)
            if e <= t + DAY:
                e = min(stop, t + timedelta(days=2))
            reason, why = (
                why,
                (
                    "LEFTRL"
                    if leaves <= planned
                    else pick(
                        rng, {"MANAGE": 40, "ORGRST": 10, "CHCHAN": 15, "TSPROC": 20, "OTHERS": 15}
                    )
                ),
            )
            child.workers.append(
                WorkerEpisode(w.worker_id, t, e if e < stop or end else None, reason)
            )
            if e <= t:
                e = t + DAY
            t = e

    # ----- contacts that do not become referrals, outcomes ----------------------------------
    def front_door_contacts(self) -> None:
        """Contacts without a referral (1.4 per referral), within the return years only."""
        rng = self.rng
        referrals = sum(
            1 for c in self.children for e in c.cin_episodes if e.referral_date >= self.window_start
        )
        known = [c for c in self.children if c.cin_episodes]
        span = (self.window_end - self.window_start).days + 1
        for _ in range(round(referrals * 1.4)):
            d = self.window_start + timedelta(days=rng.randrange(span))
            if known and rng.random() < 0.5:
                child = rng.choice(known)
                if child.age_on(d) >= 18 or child.dob > d:
                    continue
            else:
                child = self.new_child(d)
            outcome = "early_help" if rng.random() < 0.25 else "nfa"
            child.contacts.append(Contact(d, pick(rng, codes.REFERRAL_SOURCE), outcome))
            if outcome == "early_help":
                s = d + timedelta(days=rng.randint(1, 15))
                e = s + timedelta(days=rng.randint(60, 300))
                child.early_help.append(
                    EarlyHelp(
                        s,
                        e if e <= self.window_end else None,
                        rng.choice(
                            (
                                "Early Help Locality 1",
                                "Early Help Locality 2",
                                "Family Hub",
                                "School",
                            )
                        ),
                    )
                )
        for c in self.children:
            c.contacts.sort(key=lambda x: (x.date, x.source, x.outcome))

    def outcomes(self) -> None:
        """OC2 (health, offending) and OC3 (care leavers) for each return year."""
        rng = self.rng
        eet_boost = self.rates.care_leaver_eet
        for child in self.children:
            if not child.care_episodes:
                continue
            periods = _periods(child)
            for year in self.cfg.years:
                y_start, y_end = date(year - 1, 4, 1), date(year, 3, 31)
                # OC2: looked after continuously for 12 months at 31 March (excl. short breaks)
                for s, e in periods:
                    if s <= y_end - timedelta(days=365) and (e is None or e > y_end):
                        age = child.age_on(y_end)
                        sdq_age = 4 <= age <= 17
                        sdq = rng.randint(0, 30) if sdq_age and rng.random() < 0.8 else None
                        no_sdq = "" if sdq is not None or not sdq_age else "SDQ2"
                        child.health.append(
                            HealthOutcome(
                                year,
                                sdq,
                                no_sdq,
                                int(rng.random() < 0.03) if age >= 10 else None,
                                int(rng.random() < 0.9) if age < 5 else None,
                                int(rng.random() < 0.85),
                                int(rng.random() < 0.8),
                                int(rng.random() < 0.88),
                                int(age >= 10 and rng.random() < 0.04),
                                None,
                                None,
                            )
                        )
                        sm = child.health[-1]
                        if sm.substance_misuse:
                            sm.intervention_received = int(rng.random() < 0.6)
                            if not sm.intervention_received:
                                sm.intervention_offered = int(rng.random() < 0.5)
                        break
                # OC3: former relevant children with a 17th-21st birthday in the year
                left = _left_care_as_relevant(child)
                if left is None:
                    continue
                for age in range(17, 22):
                    bd = child.birthday(age)
                    if y_start <= bd <= y_end and bd > left:
                        band = "17-18" if age < 19 else "19-21"
                        in_touch = pick(
                            rng,
                            {"YES": 91, "NO": 4, "REFU": 1.5, "NREQ": 1, "RHOM": 2, "DIED": 0.1},
                        )
                        if in_touch in ("YES", "REFU", "NO"):
                            weights = {
                                k: v * (eet_boost if k in codes.EET else 1.0)
                                for k, v in codes.OC3_ACTIVITY[band].items()
                            }
                            activ, accom = pick(rng, weights), pick(rng, codes.OC3_ACCOM)
                        else:  # died, returned home, or no longer requires services
                            activ = accom = "0"
                        child.care_leaver.append(CareLeaverOutcome(year, in_touch, activ, accom))

    # ----- short breaks -------------------------------------------------------------------
    def short_breaks(self) -> None:
        """Disabled children on series of short breaks (V4): not counted as looked after."""
        rng = self.rng
        n = max(1, round(self.population * 2.5 / 10_000))
        for _ in range(n):
            first = self.window_start - timedelta(days=rng.randint(0, 700))
            child = self.new_child(first, age=rng.randint(5, 14))
            child.disabilities = sorted(rng.sample(codes.DISABILITY, 2))
            ep = CINEpisode(first - timedelta(days=30), "5A", "N2", False)
            w = self.workforce.pick("cin", first, rng)
            ep.team, ep.worker_id = "Children with Disabilities", w.worker_id
            ep.assessments.append(
                Assessment(
                    ep.referral_date, add_working_days(ep.referral_date, 25), ["6A"], w.worker_id
                )
            )
            child.cin_episodes.append(ep)
            d = first
            stop = min(self.window_end, child.birthday(18) - timedelta(days=10))
            while d < stop:
                length = rng.randint(1, 4)
                e = d + timedelta(days=length)
                child.care_episodes.append(
                    CareEpisode(
                        d,
                        "S",
                        "V4",
                        "N2",
                        "K2" if rng.random() < 0.3 else "U6",
                        "PR1",
                        e if e <= self.window_end else None,
                        "E13" if e <= self.window_end else None,
                    )
                )
                d = e + timedelta(days=rng.randint(20, 45))
            if child.care_episodes and child.care_episodes[-1].end is None:
                continue
            ep.closure_date, ep.closure_reason = stop, "RC7"

    def authority(self) -> Authority:
        """Keep the children with anything in the return years; number them in order."""
        ws = self.window_start
        keep = [c for c in self.children if _touches(c, ws, self.window_end)]
        for c in keep:
            _truncate(c, self.window_end)
        keep.sort(key=lambda c: (_first_date(c), int(c.child_id)))
        for n, c in enumerate(keep, start=1):
            c.child_id = f"{self.cfg.la_code}{n:07d}"
            c.upn = _upn(self.cfg.la_code, n, c) if c.age_on(self.window_end) >= 4 else ""
        workers = sorted(
            (w for w in self.workforce.workers if w.end is None or w.end >= self.sim_start),
            key=lambda w: w.worker_id,
        )
        years = self.cfg.years
        pop = {
            y: round(self.population * (1 + 0.004 * (y - years.start)))
            for y in range(years.start - 2, years.stop)
        }
        return Authority(
            la_code=self.cfg.la_code,
            la_name=self.cfg.la_name,
            region_code=self.cfg.region_code,
            region_name=self.cfg.region_name,
            new_la_code=self.cfg.new_la_code,
            population=pop,
            years=years,
            children=keep,
            workers=workers,
            seed=self.cfg.seed,
            seen_within_5_days=self.rates.seen_within_5_days,
            posts=sum(len(p) for p in self.workforce.posts.values()),
        )


# ----- helpers ------------------------------------------------------------------------------
def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _band(age: int) -> str:
    return "baby" if age < 1 else "child" if age < 10 else "teen" if age < 16 else "older"


P2_ENDED = date(2023, 10, 28)  # P2 (independent living) no longer valid from this date


def _current_code(place: str, on: date) -> str:
    """The placement code valid on ``on``: P2 became H5 (supported accommodation) in 2023."""
    return "H5" if place == "P2" and on >= P2_ENDED else place


def _provider(rng: random.Random, place: str) -> str:
    if place == "P1":
        return "PR0"
    if place in codes.FOSTER:
        return "PR1" if rng.random() < 0.58 else rng.choice(("PR4", "PR4", "PR4", "PR5"))
    if place in ("K2", "H5", "S1", "R1"):
        return "PR4" if rng.random() < 0.8 else "PR1"
    if place == "K1":
        return "PR1" if rng.random() < 0.5 else "PR2"
    return "PR1" if rng.random() < 0.5 else "PR4"


def _urn(rng: random.Random, place: str, on: date) -> str:
    """An Ofsted URN for regulated placements (H5 supported accommodation only from 2023)."""
    if place in ("K1", "K2", "S1") or (place == "H5" and on >= P2_ENDED):
        return f"SC{rng.randint(100000, 999999)}"
    return "XXXXXXX"


def _postcode(rng: random.Random, la_code: str, *, local: bool) -> str:
    """A real postcode (903 HOME_POST/PL_POST): in the authority's area or elsewhere."""
    return rng.choice(codes.LOCAL_POSTCODES if local else codes.OTHER_POSTCODES)


def _placement_postcode(
    rng: random.Random, la_code: str, place: str, home: str, provider: str = ""
) -> str:
    if place == "P1":
        return home
    local = provider == "PR1" or rng.random() < 0.55
    while True:
        pc = _postcode(rng, la_code, local=local)
        if pc != home:
            return pc


def _cla_need(rng: random.Random, ep: CINEpisode, child: Child) -> str:
    if child.uasc:
        return "N4"
    code = ep.need_code
    return code if code in codes.CLA_NEED else pick(rng, codes.CLA_NEED)


def _periods(child: Child) -> list[tuple[date, date | None]]:
    """Periods of care (consecutive episodes joined), short breaks excluded."""
    out: list[tuple[date, date | None]] = []
    for e in child.care_episodes:
        if e.legal_status in ("V3", "V4"):
            continue
        if out and out[-1][1] == e.start:
            out[-1] = (out[-1][0], e.end)
        else:
            out.append((e.start, e.end))
    return out


def _left_care_as_relevant(child: Child) -> date | None:
    """Date a former relevant child left care: 13 weeks looked after since 14, left at 16+."""
    periods = _periods(child)
    if not periods or periods[-1][1] is None:
        return None
    left = periods[-1][1]
    if child.age_on(left) < 16:
        return None
    fourteen = child.birthday(14)
    days = sum(((e or left) - max(s, fourteen)).days for s, e in periods if (e or left) > fourteen)
    return left if days >= 91 else None


def _begun_by(
    items: list[_Event], end: date, start: str, stop: str | None = None, *with_stop: str
) -> list[_Event]:
    """The items begun (their ``start``) on or before ``end``; one whose ``stop`` falls after it
    is open again: ``stop`` and the fields recorded with it (``with_stop``) made blank."""
    kept = [x for x in items if getattr(x, start) <= end]
    for x in kept:
        if stop is not None and (ended := getattr(x, stop)) and ended > end:
            for f in (stop, *with_stop):
                setattr(x, f, None)
    return kept


def _truncate(c: Child, end: date) -> None:
    """Drop what happens after the last return's 31 March; what is still open is left open."""
    c.cin_episodes = _begun_by(
        c.cin_episodes, end, "referral_date", "closure_date", "closure_reason"
    )
    for e in c.cin_episodes:
        e.assessments = _begun_by(e.assessments, end, "start", "authorised")
        e.cin_plans = _begun_by(e.cin_plans, end, "start", "end")
        e.section47s = _begun_by(e.section47s, end, "start", "icpc_date")
        e.cp_plans = _begun_by(e.cp_plans, end, "start", "end")
        for cp in e.cp_plans:
            cp.reviews = [r for r in cp.reviews if r <= end]
    c.care_episodes = _begun_by(c.care_episodes, end, "start", "end", "reason_ceased")
    c.care_reviews = _begun_by(c.care_reviews, end, "date")
    c.missing = _begun_by(c.missing, end, "start", "end")
    c.workers = _begun_by(c.workers, end, "start", "end", "reason")
    c.contacts = _begun_by(c.contacts, end, "date")
    c.early_help = _begun_by(c.early_help, end, "start")
    if c.adoption:
        adoption = c.adoption
        for f in (
            "decision_date",
            "placement_order_date",
            "match_date",
            "placed_date",
            "adopted_date",
            "decision_reversed",
        ):
            v = getattr(adoption, f)
            if v and v > end:
                setattr(adoption, f, None)
        if adoption.decision_reversed is None:
            adoption.reversal_reason = None
        if adoption.decision_date is None:
            c.adoption = None


def _first_date(c: Child) -> date:
    dates = [x.date for x in c.contacts] + [e.referral_date for e in c.cin_episodes]
    dates += [e.start for e in c.care_episodes]
    return min(dates) if dates else c.dob


def _touches(c: Child, start: date, end: date) -> bool:
    """Whether any part of the child's record falls in [start, end] (so a return reports it)."""
    for e in c.cin_episodes:
        if e.referral_date <= end and (e.closure_date is None or e.closure_date >= start):
            return True
    for ce in c.care_episodes:
        if ce.start <= end and (ce.end is None or ce.end >= start):
            return True
    if any(start <= x.date <= end for x in c.contacts):
        return True
    return any(start.year <= o.year for o in c.care_leaver)


def _upn(la_code: str, n: int, child: Child) -> str:
    """A unique pupil number in DfE's format: check letter, LA code, school, year, serial.

    The synthetic authority 999 is no real LA code, so its pupils' UPNs carry 336's.
    """
    la_code = "336" if la_code == "999" else la_code
    school = 2000 + (n * 7919) % 8000
    body = f"{la_code}{school:04d}{(child.dob.year + 5) % 100:02d}{n % 1000:03d}"
    weights = range(2, 14)
    total = sum(int(ch) * w for ch, w in zip(body, weights, strict=False))
    check = "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]
    return check + body
