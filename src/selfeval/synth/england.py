"""A synthetic England: N authorities in the nine regions, their statistical neighbours, and
DfE's published tables (EES layout) computed from them, so benchmarks work with no download.

Most authorities are aggregate-only: each gets a population and a profile (multipliers on
England's rates with a regional effect) and its published counts are drawn from it. The first
``full`` authorities are simulated child by child (``build_authority``), their returns written
under ``la/CODE/``, and their published counts computed from their own records. National and
regional rows are sums of the authorities' unrounded counts, rounded to the nearest 10 as DfE
does; authority counts of 1-5 are shown as ``c`` (with the percentages that would reveal them).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from selfeval.errors import UsageError
from selfeval.synth import measures
from selfeval.synth.config import ENGLAND, AuthorityConfig, Rates
from selfeval.synth.model import Authority, Child, Worker
from selfeval.synth.ssda903 import SW_EPISODES_FROM

Region = tuple[str, str, str, str, int, float]
REGIONS: tuple[
    Region, ...
] = (  # (code, EES name, 2021 neighbour file GOInd and GOReg, share of authorities, CLA)
    ("E12000001", "North East", "4", "North East", 12, 1.6),
    ("E12000002", "North West", "5", "North West", 23, 1.3),
    ("E12000003", "Yorkshire and The Humber", "9", "Yorkshire and the Humber", 15, 1.1),
    ("E12000004", "East Midlands", "1", "East Midlands", 9, 0.9),
    ("E12000005", "West Midlands", "8", "West Midlands", 14, 1.15),
    ("E12000006", "East of England", "2", "East of England", 11, 0.75),
    ("E12000007", "London", "3", "London (Outer)", 33, 0.75),
    ("E12000008", "South East", "6", "South East", 19, 0.8),
    ("E12000009", "South West", "7", "South West", 15, 0.85),
)
GEO = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
       "region_code", "region_name")  # fmt: skip
OLD_NEW_NAME = ("old_la_code", "new_la_code", "la_name")
OLD_NAME_NEW = ("old_la_code", "la_name", "new_la_code")
FILES = {
    "cla_number_and_rate_per_10k_children.csv": (
        OLD_NAME_NEW, ("population_type", "population_estimate", "children_count",
                       "rate_per_10000")),
    "b1_children_in_need_2013_to_2025.csv": (
        OLD_NEW_NAME, ("category", "Anypoint_episodes", "Anypoint_child", "Started_episodes",
                       "Started_child", "Ended_episodes", "Ended_child", "At31_episodes",
                       "awaiting_assessment")),
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv": (
        OLD_NEW_NAME, ("category", "referral_count", "rereferral_count", "rereferral_percent",
                       "no_further_action_count", "no_further_action_percent",
                       "not_in_need_count", "not_in_need_percent", "referral_child_count",
                       "rereferral_child_count", "rereferral_child_percent")),
    "d3_cpps_subsequent_plan_2013_to_2025.csv": (
        OLD_NEW_NAME, ("category", "CPP_start", "CPP_subsequent", "CPP_subsequent_percent")),
    "d5_cpps_at31march_by_duration_2013_to_2025.csv": (
        OLD_NEW_NAME, ("category", "CPP_At31", "3_months_or_less", "3_months_or_less_percent",
                       "more_than_3_months_6_months", "more_than_3_months_6_months_percent",
                       "more_than_6_months_less_than_1_year",
                       "more_than_6_months_less_than_1_year_percent", "1_year_less_than_2_years",
                       "1_year_less_than_2_years_percent", "2_years_or_more",
                       "2_years_or_more_percent")),
    "la_cla_placement_stability.csv": (
        OLD_NAME_NEW, ("cla_group", "placement_stability", "children_count",
                       "children_percent")),
    "la_cla_swcount.csv": (
        OLD_NAME_NEW, ("cla_group", "sw_stability", "number", "percentage")),
    "la_care_leavers_activity.csv": (
        OLD_NAME_NEW, ("care_leaver_age", "breakdown", "care_leaver_count",
                       "care_leaver_percent")),
    "la_care_leavers_accommodation_suitability.csv": (
        OLD_NAME_NEW, ("care_leaver_age", "breakdown", "care_leaver_count",
                       "care_leaver_percent")),
    "csww_indicators_2017_to_2025.csv": (
        OLD_NEW_NAME, ("inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount",
                       "leavers_fte", "leavers_headcount", "turnover_rate_fte",
                       "turnover_rate_headcount", "agency_fte", "agency_headcount",
                       "agency_rate_fte", "agency_rate_headcount", "agency_cover_fte",
                       "agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte",
                       "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases",
                       "caseload_fte", "working_days_lost_fte", "absence_rate_fte")),
    "ons_mid-year_population_estimates_2012_to_2024.csv": (
        OLD_NEW_NAME, ("age_group", "population_estimate")),
}  # fmt: skip
SN_FILE = "New_Statistical_Neighbour_Groupings_April_2021.csv"
CP_BANDS = (
    "3_months_or_less",
    "more_than_3_months_6_months",
    "more_than_6_months_less_than_1_year",
    "1_year_less_than_2_years",
    "2_years_or_more",
)
CP_BAND_SHARE = (0.31, 0.25, 0.27, 0.15, 0.02)  # d5, England 2019
STABLE_GROUP = (
    "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
)
ACTIV_CODES = (  # the OC3 ACTIV codes behind each breakdown of ACTIVITY (903 guidance)
    ("F2", "P2"),
    ("F1", "P1"),
    ("F3", "P3", "F4", "P4", "F5", "P5"),
    ("G4",),
    ("G5",),
    ("G6",),
    (),  # anything else: not known
)
EET_BREAKDOWNS = 3
"""The first three breakdowns are in education, employment or training."""
CARE_LEAVER_BANDS = (
    ("17 to 18 years", "17_18", (17, 18)),
    ("19 to 21 years", "19_21", (19, 20, 21)),
)
SUITABILITY = ("Accommodation considered suitable", "Accommodation considered unsuitable",
               "No information")  # fmt: skip
# (breakdown, share 17-18, share 19-21) from la_care_leavers_activity, 2021
ACTIVITY: tuple[tuple[str, float, float], ...] = (
    ("Education other than higher education", 0.48, 0.22),
    ("Higher education i.e. studies beyond A level", 0.04, 0.06),
    ("In training or employment", 0.14, 0.23),
    ("Not in education, training or employment, owing to illness or disability", 0.03, 0.07),
    ("Not in education, training or employment, owing to other reasons", 0.25, 0.28),
    ("Not in education, training or employment, owing to pregnancy or parenting", 0.02, 0.06),
    ("Total information not known", 0.04, 0.08),
)  # fmt: skip


@dataclass
class LA:
    old_code: str
    new_code: str
    name: str
    region: Region
    population: int
    profile: dict[str, float]
    full: bool = False
    counts: dict[int, dict[str, float]] = field(default_factory=dict)
    """Published counts by collection year (31 March)."""
    census: dict[int, dict[str, float]] = field(default_factory=dict)
    """Workforce counts by census year (30 September)."""
    mid_year: dict[int, float] = field(default_factory=dict)
    """Children aged 0-17 by ONS mid-year."""
    neighbours: list[tuple[str, str]] = field(default_factory=list)


def make_authorities(n: int, seed: int) -> list[LA]:
    """``n`` authorities spread over the regions as England's are, with populations and
    profiles (log-normal multipliers on England's rates, regional effect on care)."""
    rng = random.Random(f"{seed}-england")
    weights = [r[4] for r in REGIONS]
    regions = [REGIONS[i % 9] for i in range(min(n, 9))]
    regions += rng.choices(REGIONS, weights=weights, k=max(0, n - 9))
    regions.sort(key=lambda r: r[0])
    las = []
    for i, region in enumerate(regions):
        pop = int(min(300_000, max(8_000, rng.lognormvariate(math.log(70_000), 0.6))))
        need = rng.lognormvariate(0, 0.25)
        profile = {
            "referrals": need * rng.lognormvariate(0, 0.2),
            "cin": need * rng.lognormvariate(0, 0.15),
            "cp": need * rng.lognormvariate(0, 0.3),
            "cla": need * region[5] * rng.lognormvariate(0, 0.25),
            "rereferral": rng.lognormvariate(0, 0.2),
            "stability": rng.lognormvariate(0, 0.1),
            "turnover": rng.lognormvariate(0, 0.3),
            "agency": rng.lognormvariate(0, 0.5),
            "eet": rng.lognormvariate(0, 0.1),
        }
        las.append(LA(f"{700 + i:03d}", f"E0{6 + i % 4}9{i:05d}", f"Synthetic Authority {i + 1}",
                      region, pop, profile))  # fmt: skip
    _neighbours(las)
    return las


def _neighbours(las: list[LA]) -> None:
    """Each authority's ten nearest by population and profile (the NFER model's idea)."""
    keys = ("cin", "cp", "cla", "referrals")

    def vec(la: LA) -> list[float]:
        return [math.log(la.population) / 2] + [math.log(la.profile[k]) for k in keys]

    vecs = {la.old_code: vec(la) for la in las}
    for la in las:
        dist = sorted(
            (math.dist(vecs[la.old_code], vecs[o.old_code]), o.old_code) for o in las if o is not la
        )[:10]
        la.neighbours = [
            (code, "Very Close" if d < 0.25 else "Close" if d < 0.45 else "Somewhat close"
             if d < 0.7 else "Not Close") for d, code in dist
        ]  # fmt: skip


def _draw(la: LA, year: int, rng: random.Random) -> dict[str, float]:
    """An aggregate-only authority's published counts for ``year`` from its profile."""
    p, pop, e = la.profile, la.population, ENGLAND
    drift = rng.lognormvariate(0, 0.05)
    per = pop / 10_000
    cla = e["cla_per_10k"] * per * p["cla"] * drift
    referrals = e["referrals_per_10k"] * per * p["referrals"] * drift
    cp = e["cp_per_10k"] * per * p["cp"] * drift
    cp_starts = e["cp_starts_per_10k"] * per * p["cp"] * drift
    fte = e["fte_per_10k"] * per * rng.lognormvariate(0, 0.1)
    leavers_17 = cla * 0.09
    return {
        "population": pop,
        "cla": cla,
        "cla_starts": cla * 0.37,
        "cla_ceased": cla * 0.36,
        "cin": e["cin_per_10k"] * per * p["cin"] * drift,
        "cin_started": referrals * (1 - (e["nfa_percent"] + e["not_in_need_percent"]) / 100),
        "cin_ended": referrals * 0.6,
        "referrals": referrals,
        "rereferrals": referrals * min(0.5, e["rereferral_percent"] / 100 * p["rereferral"]),
        "nfa": referrals * e["nfa_percent"] / 100,
        "not_in_need": referrals * e["not_in_need_percent"] / 100,
        "cp": cp,
        "cp_starts": cp_starts,
        "cp_subsequent": cp_starts * e["cp_subsequent_percent"] / 100 * rng.lognormvariate(0, 0.2),
        **{
            f"cp_band{i}": cp * s * rng.lognormvariate(0, 0.15) for i, s in enumerate(CP_BAND_SHARE)
        },
        "three_placements": cla * e["three_placements_percent"] / 100 * rng.lognormvariate(0, 0.3),
        "three_workers": cla * e["three_social_workers_percent"] / 100 * rng.lognormvariate(0, 0.2),
        "lt_den": cla * 0.35,
        "lt_num": cla * 0.35 * min(0.95, e["long_term_stability_percent"] / 100 * p["stability"]),
        **_drawn_care_leavers(leavers_17, p["eet"]),
        "inpost_fte": fte,
        "leavers_fte": fte * e["turnover_percent"] / 100 * p["turnover"],
        "starters_fte": fte * e["turnover_percent"] / 100 * p["turnover"] * 1.05,
        "agency_fte": fte * e["agency_percent"] / 100 * p["agency"],
        "vacancy_fte": fte * e["vacancy_percent"] / 100 * p["agency"] ** 0.5,
        "agency_cover_fte": fte * e["agency_percent"] / 100 * p["agency"] * 0.8,
        "cases": fte * 0.8 * e["caseload"] * rng.lognormvariate(0, 0.12),
        "case_holders_fte": fte * 0.8,
        "days_lost": fte * 220 * 0.031,
        "fte_days": fte * 220,
    }


def _drawn_care_leavers(leavers_17: float, eet: float) -> dict[str, float]:
    """An aggregate-only authority's care leavers by breakdown, from England's shares."""
    out: dict[str, float] = {}
    for (_, band, _), national, total, suitable in (
        (CARE_LEAVER_BANDS[0], [s for _, s, _ in ACTIVITY], leavers_17, 0.90),
        (CARE_LEAVER_BANDS[1], [s for _, _, s in ACTIVITY], leavers_17 * 2.7, 0.88),
    ):
        shares = [s * (eet if i < EET_BREAKDOWNS else 1) for i, s in enumerate(national)]
        scale = sum(shares)
        out[f"cl_{band}"] = total
        for i, sh in enumerate(shares):
            out[f"cl_{band}_act{i}"] = total * sh / scale
        for j, sh in enumerate((suitable, 0.96 - suitable, 0.04)):
            out[f"cl_{band}_suit{j}"] = total * sh
    return out


def _model_care_leavers(kids: list[Child], y: int) -> dict[str, float]:
    """Care leavers in year ``y``'s OC3 by age band and breakdown, as the 903 reports them:
    the age each turned on their birthday in the year (1 April to 31 March)."""
    out: dict[str, float] = {}
    for _, each, _ in CARE_LEAVER_BANDS:
        out[f"cl_{each}"] = 0
        for i in range(len(ACTIVITY)):
            out[f"cl_{each}_act{i}"] = 0
        for j in range(len(SUITABILITY)):
            out[f"cl_{each}_suit{j}"] = 0
    for c in kids:
        age = y - c.dob.year - (c.dob.month >= 4)
        band = next((b for _, b, ages in CARE_LEAVER_BANDS if age in ages), None)
        if band is None:
            continue
        for o in c.care_leaver:
            if o.year != y:
                continue
            out[f"cl_{band}"] += 1
            act = next((i for i, codes in enumerate(ACTIV_CODES) if o.activity in codes), 6)
            out[f"cl_{band}_act{act}"] += 1
            accom = o.accommodation.strip()
            suit = 0 if accom.endswith("1") else 1 if accom.endswith("2") else 2
            out[f"cl_{band}_suit{suit}"] += 1
    return out


def _from_model(la: LA, years: range, seed: int, out: Path) -> list[Path]:
    """Simulate a full authority, write its returns, and take its published counts."""
    from selfeval.synth import build_authority, write_authority

    rates = Rates(care=la.profile["cla"], protection=la.profile["cp"],
                  referrals=la.profile["referrals"])  # fmt: skip
    cfg = AuthorityConfig(la_code=la.old_code, la_name=la.name, region_code=la.region[0],
                          region_name=la.region[1], new_la_code=la.new_code,
                          population=la.population, years=years, seed=seed,
                          rates=rates)  # fmt: skip
    a = build_authority(cfg)
    paths = write_authority(a, out / "la" / la.old_code)
    _model_counts(la, a, years)
    return paths


def _member(a: Authority, years: range, others: list[LA]) -> LA:
    """An authority built elsewhere (the demo's) as one of England's: its published counts
    from its own records, and a profile from them so that it gets statistical neighbours."""
    region = next((r for r in REGIONS if r[0] == a.region_code), None)
    if region is None:
        raise UsageError(f"region {a.region_code!r} of authority {a.la_code} is not England's")
    if any(o.old_code == a.la_code for o in others):
        raise UsageError(f"authority code {a.la_code} is already one of the synthetic England's")
    last = years.stop - 1
    la = LA(a.la_code, a.new_la_code, a.la_name, region, a.population[last - 1], {"eet": 1.0})
    _model_counts(la, a, years)
    per = la.population / 10_000
    c = la.counts[last]
    for key, rate in (("cla", "cla_per_10k"), ("cin", "cin_per_10k"), ("cp", "cp_per_10k"),
                      ("referrals", "referrals_per_10k")):  # fmt: skip
        la.profile[key] = max(c[key] / per / ENGLAND[rate], 0.05)
    return la


def _model_counts(la: LA, a: Authority, years: range) -> None:
    """An authority's published counts for each year, from the records its returns are
    written from, counted as the catalogue's definitions count them."""
    kids = a.children
    la.mid_year = {y: float(p) for y, p in a.population.items()}
    for y in years:
        at = date(y, 3, 31)
        ys = date(y - 1, 4, 1)
        n_ref, re = measures.referrals(kids, y)
        eps = [e for c in kids for e in c.cin_episodes]
        starts, sub = measures.cp_starts(kids, y)
        three, cla = measures.three_placements(kids, y)
        lt_num, lt_den = measures.long_term_stability(kids, y)
        cp_open = [at - p.start for c in kids for e in c.cin_episodes for p in e.cp_plans
                   if p.start <= at and (p.end is None or p.end > at)]  # fmt: skip
        bands = [0] * 5
        for d in cp_open:
            days = d.days
            bands[0 if days <= 91 else 1 if days <= 182 else 2 if days < 365 else 3
                  if days < 730 else 4] += 1  # fmt: skip
        la.counts[y] = {
            "population": a.population[y - 1],
            "cla": cla,
            # children, not episodes: a child who started (or left) twice counts once
            "cla_starts": sum(1 for c in kids if any(
                e.rne == "S" and ys <= e.start <= at and e.legal_status not in ("V3", "V4")
                for e in c.care_episodes)),
            "cla_ceased": sum(1 for c in kids if any(
                e.end and ys <= e.end <= at and e.reason_ceased and e.reason_ceased != "X1"
                and e.legal_status not in ("V3", "V4") for e in c.care_episodes)),
            "cin": measures.count(kids, "cin", at),
            "cin_started": sum(1 for e in eps if ys <= e.referral_date <= at and not e.nfa
                               and e.closure_reason not in ("RC8", "RC9")),
            "cin_ended": sum(1 for e in eps if e.closure_date and ys <= e.closure_date <= at),
            "referrals": n_ref,
            "rereferrals": re,
            "nfa": sum(1 for e in eps if e.nfa and ys <= e.referral_date <= at),
            "not_in_need": sum(1 for e in eps if ys <= e.referral_date <= at
                               and e.closure_reason in ("RC8", "RC9") and not e.nfa),
            "cp": len(cp_open),
            "cp_starts": starts,
            "cp_subsequent": sub,
            **{f"cp_band{i}": b for i, b in enumerate(bands)},
            "three_placements": three,
            "three_workers": sum(1 for c in kids if measures.looked_after(c, at)
                                 and len({w.worker_id for w in c.workers if w.start <= at
                                          and (w.end is None or w.end >= ys)}) >= 3),
            "lt_den": lt_den,
            "lt_num": lt_num,
            **_model_care_leavers(kids, y),
        }  # fmt: skip
        la.census[y - 1] = _model_census(a, y - 1)


def _model_census(a: Authority, year: int) -> dict[str, float]:
    """The workforce census at 30 September ``year`` as its CSWW file gives it (FTE to two
    decimals, vacancies to one), aggregated as the catalogue's workforce indicators do."""
    from selfeval.calendar import working_days_between
    from selfeval.synth.workforce import cases_at, vacancies_fte, workers_for_census

    at = date(year, 9, 30)
    workers = workers_for_census(a, year)
    cases = cases_at(a, at)

    def fte(w: Worker) -> float:
        return round(w.fte, 2)

    inpost = sum(fte(w) for w, p in workers if p and not w.agency)
    holders = [(w, cases.get(w.worker_id, 0)) for w, p in workers if p]
    holders = [(w, n) for w, n in holders if n > 0]
    agency = sum(w.fte for w, p in workers if p and w.agency)
    return {
        "inpost_fte": inpost,
        "leavers_fte": sum(fte(w) for w, p in workers if not p and not w.agency),
        "starters_fte": sum(fte(w) for w, p in workers
                            if p and not w.agency and w.start > date(year - 1, 9, 30)),
        "agency_fte": sum(fte(w) for w, p in workers if p and w.agency),
        "vacancy_fte": round(vacancies_fte(a, at, agency), 1),
        "agency_cover_fte": round(agency, 1),  # NoAgencyFTE: the agency workers cover vacancies
        "cases": sum(n for _, n in holders),
        "case_holders_fte": sum(fte(w) for w, _ in holders),
        "days_lost": sum(round(w.absence_days.get(year, 0), 1) for w, p in workers
                         if p and not w.agency),
        "fte_days": inpost * working_days_between(date(year - 1, 9, 30), at),
    }  # fmt: skip


def write_england(
    out: Path,
    *,
    n: int = 150,
    years: range = range(2019, 2021),
    seed: int = 1,
    full: int = 2,
    max_full_population: int | None = 50_000,
    member: Authority | None = None,
) -> list[Path]:
    """Write ``out/ees/*.csv`` (DfE's published layout), the 2021 neighbour file, and the
    child-level returns of the first ``full`` authorities under ``out/la/CODE/`` (their
    populations capped at ``max_full_population`` when given, to keep tests quick).

    ``member``, an authority already built (the demo's), joins England as its own row with
    counts from its records, in its region's totals and with its statistical neighbours, as
    a real authority appears in DfE's tables; the others' figures do not change."""
    out = Path(out)
    las = make_authorities(n, seed)
    if member is not None:
        las.append(_member(member, years, las))
        _neighbours(las)
    rng = random.Random(f"{seed}-england-counts")
    paths: list[Path] = []
    for i, la in enumerate(las):
        if la.counts:  # the member's, from its own records
            continue
        if i < full:
            la.full = True
            if max_full_population:
                la.population = min(la.population, max_full_population)
            paths += _from_model(la, years, seed + i, out)
        else:
            for y in years:
                la.counts[y] = _draw(la, y, rng)
                la.census[y - 1] = la.counts[y]  # the census at 30 September inside year y
                la.mid_year[y - 1] = la.mid_year[y] = la.population
    ees = out / "ees"
    ees.mkdir(parents=True, exist_ok=True)
    for name, (la_cols, measure_cols) in FILES.items():
        if not _periods(name, years):
            continue  # nothing published for these years (la_cla_swcount before 2024)
        header = [*GEO, *la_cols, *measure_cols]
        rows = []
        for y in sorted(_periods(name, years), reverse=True):
            for level, group in _levels(las):
                for values in _rows(name, y, group):
                    rows.append(_geo(y, level, group, la_cols) + values)
        path = ees / name
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        paths.append(path)
    paths.append(_write_neighbours(ees / SN_FILE, las))
    return paths


def _periods(name: str, years: range) -> list[int]:
    """The time_periods a file holds: the collection years; for the workforce census, the 30
    September inside each (Y-1); for the ONS estimates, each mid-year a rate uses and after."""
    if name.startswith("csww_"):
        return [y - 1 for y in years]
    if name.startswith("ons_"):
        return list(range(years.start - 1, years.stop))
    if name == "la_cla_swcount.csv":  # SWEpisodes were first collected in the 2023/24 return
        return [y for y in years if y >= SW_EPISODES_FROM]
    return list(years)


def _levels(las: list[LA]) -> Iterator[tuple[str, list[LA]]]:
    """England, each region with authorities, and each authority: a level and its group."""
    yield "National", las
    for r in REGIONS:
        group = [la for la in las if la.region is r]
        if group:
            yield "Regional", group
    for la in las:
        yield "Local authority", [la]


def _geo(y: int, level: str, group: list[LA], la_cols: tuple[str, ...]) -> list[str]:
    region = ("", "") if level == "National" else (group[0].region[0], group[0].region[1])
    base = [str(y), "Reporting year", level, "E92000001", "England", *region]
    if level != "Local authority":
        return [*base, "", "", ""]
    la = group[0]
    by = {"old_la_code": la.old_code, "new_la_code": la.new_code, "la_name": la.name}
    return base + [by[c] for c in la_cols]


def _total(group: list[LA], y: int, key: str) -> float:
    return sum(la.counts[y][key] for la in group)


def _census_total(group: list[LA], y: int, key: str) -> float:
    return sum(la.census[y][key] for la in group)


def _n(v: float, group: list[LA]) -> str:
    """A count as DfE publishes it: national/regional to the nearest 10, small LA counts c."""
    if len(group) > 1:
        return str(round(v / 10.0) * 10)
    v = round(v)
    return "c" if 1 <= v <= 5 else str(v)


def _pct(num: float, den: float, group: list[LA] | None, digits: int = 1) -> str:
    """A percentage as DfE publishes it: c where one authority's counts are 1 to 5 (no
    ``group``: never, as for the workforce census's rates), z where there is no denominator."""
    if group is not None and len(group) == 1 and (1 <= round(num) <= 5 or 1 <= round(den) <= 5):
        return "c"
    if den <= 0:
        return "z"
    p = 100 * num / den
    return str(round(p)) if digits == 0 else f"{p:.{digits}f}"


def _rows(name: str, y: int, g: list[LA]) -> list[list[str]]:
    total_of = _census_total if name.startswith("csww_") else _total

    def t(k: str) -> float:
        return total_of(g, y, k)

    def share_row(group: str, breakdown: str, count: float, whole: float) -> list[str]:
        """A breakdown's row: its count and its whole-number percentage of ``whole``."""
        return [group, breakdown, _n(count, g), _pct(count, whole, g, 0)]

    def total_row(group: str, breakdown: str, count: float) -> list[str]:
        """A group's total row: its count, 100 per cent."""
        return [group, breakdown, _n(count, g), "100"]

    def three_or_more(breakdown: str, key: str) -> list[list[str]]:
        """Children looked after on 31 March: all of them, and those with three or more of
        something in the year (``key``: their count)."""
        cla = t("cla")
        return [
            total_row("CLA on 31 March", "Total children", cla),
            share_row("CLA on 31 March", breakdown, t(key), cla),
        ]

    pop = 0.0 if name.startswith(("csww_", "ons_")) else t("population")
    if name.startswith("cla_number"):
        return [
            [label, str(round(pop)), _n(t(k), g), str(round(t(k) / pop * 10_000))]
            for label, k in (("Children ceasing to be looked after each year", "cla_ceased"),
                             ("Children looked after on 31 March each year", "cla"),
                             ("Children starting to be looked after each year", "cla_starts"))
        ]  # fmt: skip
    if name.startswith("b1_"):
        anyp = t("cin") + t("cin_ended")
        return [["Children in Need", _n(anyp, g), _n(anyp * 0.93, g), _n(t("cin_started"), g),
                 _n(t("cin_started") * 0.94, g), _n(t("cin_ended"), g),
                 _n(t("cin_ended") * 0.94, g), _n(t("cin"), g),
                 _n(t("cin") * 0.04, g)]]  # fmt: skip
    if name.startswith("c1_"):
        r = t("referrals")
        return [["Referrals and Re-referrals", _n(r, g), _n(t("rereferrals"), g),
                 _pct(t("rereferrals"), r, g), _n(t("nfa"), g), _pct(t("nfa"), r, g),
                 _n(t("not_in_need"), g), _pct(t("not_in_need"), r, g), _n(r * 0.88, g),
                 _n(t("rereferrals") * 0.83, g),
                 _pct(t("rereferrals") * 0.83, r * 0.88, g)]]  # fmt: skip
    if name.startswith("d3_"):
        return [["Child Protection Plans which are a second or subsequent plan",
                 _n(t("cp_starts"), g), _n(t("cp_subsequent"), g),
                 _pct(t("cp_subsequent"), t("cp_starts"), g)]]  # fmt: skip
    if name.startswith("d5_"):
        bands = [t(f"cp_band{i}") for i in range(5)]
        plans = sum(bands)
        row = ["Child Protection Plans by length of time", _n(plans, g)]
        for b in bands:
            row += [_n(b, g), _pct(b, plans, g)]
        return [row]
    if name == "la_cla_placement_stability.csv":
        return [
            *three_or_more("With 3 or more placements during the year", "three_placements"),
            share_row(STABLE_GROUP, "Living with the same carer for at least 2 years",
                      t("lt_num"), t("lt_den")),
            total_row(STABLE_GROUP, "Total children", t("lt_den")),
        ]  # fmt: skip
    if name == "la_cla_swcount.csv":
        return three_or_more("3 or more social workers during the year", "three_workers")
    if name == "la_care_leavers_activity.csv":
        out = []
        for label, band, _ in CARE_LEAVER_BANDS:
            leavers = t(f"cl_{band}")
            counts = [t(f"cl_{band}_act{i}") for i in range(len(ACTIVITY))]
            for (breakdown, *_), c in zip(ACTIVITY, counts, strict=True):
                out.append(share_row(label, breakdown, c, leavers))
            in_eet = sum(counts[:EET_BREAKDOWNS])
            out.append(total_row(label, "Total", leavers))
            out.append(
                share_row(label, "Total in education, employment or training", in_eet, leavers)
            )
        return out
    if name == "la_care_leavers_accommodation_suitability.csv":
        out = []
        for label, band, _ in CARE_LEAVER_BANDS:
            leavers = t(f"cl_{band}")
            for j, breakdown in enumerate(SUITABILITY):
                out.append(share_row(label, breakdown, t(f"cl_{band}_suit{j}"), leavers))
            out.append(total_row(label, "Suitability total", leavers))
        return out
    if name.startswith("csww_"):
        f = t("inpost_fte")
        lv, ag, va = t("leavers_fte"), t("agency_fte"), t("vacancy_fte")
        cv = t("agency_cover_fte")
        return [[f"{f:.1f}", str(round(f * 1.06)), f"{t('starters_fte'):.1f}",
                 str(round(t("starters_fte") * 1.04)), f"{lv:.1f}", str(round(lv * 1.07)),
                 _pct(lv, f, None), _pct(lv * 1.07, f * 1.06, None),
                 f"{ag:.1f}", str(round(ag * 1.03)), _pct(ag, ag + f, None),
                 _pct(ag * 1.03, ag * 1.03 + f * 1.06, None), f"{cv:.1f}",
                 _pct(cv, ag, None), f"{va:.1f}", _pct(va, va + f, None),
                 _pct(cv, va, None), f"{t('case_holders_fte'):.1f}",
                 str(round(t("cases"))), f"{t('cases') / max(t('case_holders_fte'), 0.1):.1f}",
                 f"{t('days_lost'):.1f}",
                 _pct(t("days_lost"), t("fte_days"), None)]]  # fmt: skip
    if name.startswith("ons_"):
        return [["Children aged 0 to 17 years", str(round(sum(la.mid_year[y] for la in g)))]]
    raise KeyError(name)


def _write_neighbours(path: Path, las: list[LA]) -> Path:
    """The 2021 groupings' layout: LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, ..."""
    header = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    for k in range(1, 11):
        header += [f"SN{k}", "SNP"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*header, ""])
        for la in las:
            row = [la.old_code, la.name, la.old_code, la.region[2], la.region[3]]
            for code, closeness in la.neighbours:
                row += [code, closeness]
            w.writerow([*row, ""])
    return path
