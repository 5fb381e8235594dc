"""The life-course model: children and their events, from which every return is written.

One ``Authority`` holds its children and its social workers. A child keeps one identity
(``child_id``) across every return and year; writers select what each return reports from the
same events, so the 903, the CIN census, Annex A and the workforce return always agree. Later
writers (the Standard Safeguarding Dataset, audits) derive visits and samples from the same
objects: every event carries its dates and the worker responsible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Contact:
    """A contact with the front door (Annex A List 1); most do not become referrals."""

    date: date
    source: str  # CIN census referral source code, e.g. "5A" (police)
    outcome: str  # "referral", "early_help", "nfa"


@dataclass
class EarlyHelp:
    """An early help assessment (Annex A List 2)."""

    start: date
    end: date | None
    organisation: str


@dataclass
class Visit:
    """A dated visit by a worker; ``seen`` says whether the child was seen (alone: ``alone``)."""

    date: date
    kind: str  # "cin", "cp", "cla", "assessment", "s47"
    worker_id: str
    seen: bool = True
    alone: bool = False


@dataclass
class Assessment:
    start: date
    authorised: date | None
    factors: list[str]
    worker_id: str
    in_need: bool = True


@dataclass
class Section47:
    start: date
    icpc_target: date
    icpc_date: date | None
    icpc_not_required: bool
    led_to_plan: bool = False


@dataclass
class CPPlan:
    start: date
    end: date | None
    initial_category: str  # NEG, EMO, PHY, SAB, MUL
    latest_category: str
    previous_plans: int
    reviews: list[date] = field(default_factory=list)


@dataclass
class CINPlan:
    start: date
    end: date | None


@dataclass
class CINEpisode:
    """A CIN census episode: one referral to its closure, with everything done within it."""

    referral_date: date
    source: str
    need_code: str  # N1-N9
    nfa: bool
    closure_date: date | None = None
    closure_reason: str | None = None  # RC1-RC9
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CINPlan] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CPPlan] = field(default_factory=list)
    team: str = ""
    worker_id: str = ""


@dataclass
class CareEpisode:
    """One SSDA903 episode: a period with one legal status and one placement."""

    start: date
    rne: str  # S, L, P, T, B, U
    legal_status: str
    need_code: str
    place: str
    provider: str
    end: date | None = None
    reason_ceased: str | None = None  # REC: X1 when a new episode follows
    reason_place_change: str | None = None
    home_postcode: str = ""
    placement_postcode: str = ""
    urn: str = ""


@dataclass
class MissingEpisode:
    kind: str  # "M" missing, "A" away without authorisation
    start: date
    end: date | None


@dataclass
class WorkerEpisode:
    """A period when one social worker was the child's allocated worker (903 SWEpisodes)."""

    worker_id: str
    start: date
    end: date | None
    reason: str | None = None
    """Why this worker became the child's worker (903 SW_REASON; FCONTA for the first)."""


@dataclass
class Adoption:
    """The adoption pathway of a child looked after (903 PlacedAdoption and AD1)."""

    decision_date: date  # date of the decision that the child should be placed for adoption
    placement_order_date: date | None = None
    match_date: date | None = None
    placed_date: date | None = None
    adopted_date: date | None = None
    decision_reversed: date | None = None
    reversal_reason: str | None = None  # RD1-RD4
    foster_carer: bool = False
    number_of_adopters: int = 2
    adopters_sex: str = "MF"
    adopters_status: str = "L0"
    family_id: str = ""


@dataclass
class CareLeaverOutcome:
    """One OC3 row: a care leaver's position around their birthday in a return year."""

    year: int
    in_touch: str
    activity: str
    accommodation: str


@dataclass
class HealthOutcome:
    """One OC2 row for a child looked after continuously for 12 months at 31 March."""

    year: int
    sdq_score: int | None
    sdq_reason: str
    convicted: int | None
    health_check: int | None
    immunisations: int
    teeth_check: int
    health_assessment: int
    substance_misuse: int | None
    intervention_received: int | None
    intervention_offered: int | None


@dataclass
class CareReview:
    date: date
    participation: str  # PN0-PN7


@dataclass
class Child:
    """One child's identity and whole recorded life course."""

    child_id: str
    sex: str  # "1" male, "2" female (903 coding)
    dob: date
    ethnicity: str
    upn: str
    disabilities: list[str] = field(default_factory=list)
    uasc: bool = False
    mother_child_dob: date | None = None
    contacts: list[Contact] = field(default_factory=list)
    early_help: list[EarlyHelp] = field(default_factory=list)
    cin_episodes: list[CINEpisode] = field(default_factory=list)
    care_episodes: list[CareEpisode] = field(default_factory=list)
    care_reviews: list[CareReview] = field(default_factory=list)
    missing: list[MissingEpisode] = field(default_factory=list)
    workers: list[WorkerEpisode] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    adoption: Adoption | None = None
    previous_permanence: str = "Z1"  # P1 adoption, P2 SGO, P3 CAO, Z1 none or not known
    health: list[HealthOutcome] = field(default_factory=list)
    care_leaver: list[CareLeaverOutcome] = field(default_factory=list)

    def age_on(self, d: date) -> int:
        """Age in whole years on ``d`` (a birthday on ``d`` counts)."""
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))

    def birthday(self, age: int) -> date:
        """The date of the ``age``-th birthday (29 February falls on 1 March)."""
        try:
            return self.dob.replace(year=self.dob.year + age)
        except ValueError:
            return date(self.dob.year + age, 3, 1)


@dataclass
class Worker:
    """A children and family social worker (the workforce return's worker level)."""

    worker_id: str
    name: str
    team: str
    role: str  # CSWW role: 1 manager, 2 senior practitioner, 3 case holder, ...
    agency: bool
    fte: float
    start: date
    end: date | None
    sex: str
    dob: date
    ethnicity: str
    leaving_reason: str | None = None
    absence_days: dict[int, float] = field(default_factory=dict)  # by collection year

    def in_post(self, d: date) -> bool:
        return self.start <= d and (self.end is None or self.end > d)


@dataclass
class Authority:
    """A synthetic local authority: its identity, population, children and workers."""

    la_code: str
    la_name: str
    region_code: str
    region_name: str
    new_la_code: str
    population: dict[int, int]  # children aged 0-17 by ONS mid-year (the year's 30 June)
    years: range  # return years (2019 = 1 April 2018 to 31 March 2019)
    children: list[Child]
    workers: list[Worker]
    seed: int
    posts: int = 0
    """Social work posts (filled or vacant) in the establishment."""
    seen_within_5_days: float = 0.75
    """Share of children referred whom a worker saw within 5 working days (visits derive it)."""

    def child(self, child_id: str) -> Child:
        for c in self.children:
            if c.child_id == child_id:
                return c
        raise KeyError(child_id)
