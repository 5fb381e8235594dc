"""How to ask for a synthetic authority: size, years, seed, rate knobs and exact targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# England's published figures the default rates are calibrated to (../shared/data/ees):
ENGLAND = {
    # b1_children_in_need_2013_to_2025.csv, 2019: 399,510 at 31 March / 11,790,492 aged 0-17
    "cin_per_10k": 339.0,
    # c1_children_in_need_referrals_and_rereferrals, 2019: 650,930 referrals; 22.6% re-referrals
    "referrals_per_10k": 552.0,
    "rereferral_percent": 22.6,
    # c1 2019: 8.1% NFA; 29.1% not in need after assessment
    "nfa_percent": 8.1,
    "not_in_need_percent": 29.1,
    # d5_cpps_at31march_by_duration, 2019: 52,260 plans at 31 March
    "cp_per_10k": 44.3,
    # d3_cpps_subsequent_plan, 2019: 66,680 plans started; 20.8% second or subsequent
    "cp_starts_per_10k": 56.6,
    "cp_subsequent_percent": 20.8,
    # cla_number_and_rate_per_10k_children.csv, 2021: 80,780 at 31 March, rate 69; starts 24
    "cla_per_10k": 67.0,
    "cla_starts_per_10k": 24.0,
    # la_cla_placement_stability.csv, 2021: 3+ placements 9%; long-term stability 70%
    "three_placements_percent": 9.0,
    "long_term_stability_percent": 70.0,
    # la_care_leavers_activity.csv, 2021: EET 65% (17-18), 52% (19-21); HE 6% (19-21)
    "care_leavers_eet_17_18_percent": 65.0,
    "care_leavers_eet_19_21_percent": 52.0,
    # csww_indicators_2017_to_2025.csv, 2019: turnover 15.0%, agency 15.8%, vacancy 16.4%,
    # caseload 16.9; in post 30,683.8 FTE (26 per 10,000 children)
    "turnover_percent": 15.0,
    "agency_percent": 15.8,
    "vacancy_percent": 16.4,
    "caseload": 16.9,
    "fte_per_10k": 26.0,
    # la_cla_swcount.csv, 2024: 27% of CLA at 31 March had 3+ social workers in the year
    "three_social_workers_percent": 27.0,
}

TARGET_MEASURES = ("cla", "cp", "cin_plan")
"""Measures that take exact targets: children looked after (excl. V3/V4), on a CP plan and
with a CIN plan open on a date (open = started on or before the date, ended after it)."""


@dataclass
class Rates:
    """Knobs, each a multiplier on England's rate (1.0 = England; 1.5 = half as much again)."""

    referrals: float = 1.0
    rereferrals: float = 1.0
    protection: float = 1.0
    """Child protection plans started (and so CP plans open)."""
    cin_plans: float = 1.0
    care: float = 1.0
    """Children starting to be looked after (and so looked after at a date)."""
    placement_moves: float = 1.0
    care_leaver_eet: float = 1.0
    worker_turnover: float = 1.0
    agency: float = 1.0
    seen_within_5_days: float = 0.75
    """Share of children referred and assessed whom a worker saw within 5 working days."""
    assessment_timeliness: float = 0.85
    """Share of assessments authorised within 45 working days."""
    uasc_share: float = 0.12
    """Share of children starting care who are unaccompanied asylum-seeking children."""


@dataclass
class AuthorityConfig:
    """What synthetic authority to build (``selfeval.synth.build_authority``).

    ``children`` sets the size (about that many distinct children in the record over the
    years); ``population`` (children aged 0-17) may be given instead. ``targets`` fixes exact
    counts on dates, e.g. ``{"cla": {"2019-03-31": 624, "2020-03-31": 588}}`` for the measures in
    ``TARGET_MEASURES``; the rates then follow the targets, and the counts are met exactly.
    """

    la_code: str = "999"
    la_name: str = "Synthshire"
    region_code: str = "E12000005"
    region_name: str = "West Midlands"
    new_la_code: str = "E09999999"
    children: int | None = 2000
    population: int | None = None
    years: range = range(2019, 2021)
    seed: int = 1
    rates: Rates = field(default_factory=Rates)
    targets: dict[str, dict[date | str, int]] = field(default_factory=dict)

    def target_dates(self) -> dict[str, dict[date, int]]:
        """The targets with their dates parsed, checked against ``TARGET_MEASURES``."""
        out: dict[str, dict[date, int]] = {}
        for measure, by_date in self.targets.items():
            if measure not in TARGET_MEASURES:
                raise ValueError(
                    f"no target measure called {measure!r}: use one of {', '.join(TARGET_MEASURES)}"
                )
            parsed = {
                (d if isinstance(d, date) else date.fromisoformat(d)): int(n)
                for d, n in by_date.items()
            }
            if any(n < 0 for n in parsed.values()):
                raise ValueError(f"target for {measure!r} must not be negative")
            out[measure] = dict(sorted(parsed.items()))
        return out
