"""Synthetic practice quality: a practice-week audits workbook and an improvement-plan workbook.

Audits name the synthetic authority's own child ids; grades improve practice week by practice
week (as the reference scrutiny report describes: "more audits being judged as good in each
Practice Week"); a sample is moderated, with moderators a little stricter than auditors. The
plan's priorities are typical of the sector, in selfeval's own words: none is taken from any
one council's plan.
Deterministic by seed: the same arguments give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from selfeval.assurance.grades import DEFAULT_DOMAINS, Grade
from selfeval.assurance.io import write_audits_template
from selfeval.assurance.records import (
    AssuranceData,
    Audit,
    DipSample,
    EvidenceItem,
    PracticeWeek,
)
from selfeval.plans.io import write_plan_template
from selfeval.plans.records import (
    Action,
    Plan,
    Priority,
    Target,
    plan_year_end,
    plan_year_start,
)
from selfeval.synth.model import Authority
from selfeval.synth.workbooks import fix_times

TEAMS = (
    "MASH and Assessment",
    "Child in Need and Protection 1",
    "Child in Need and Protection 2",
    "Children in Care",
    "Care Leavers",
    "Disabled Children",
)
AUDITORS = (
    "Director of Children's Services",
    "Head of Service, Safeguarding",
    "Head of Service, Children in Care",
    "Service Manager, Assessment",
    "Service Manager, Care Leavers",
    "Quality Assurance Lead",
)
MODERATORS = ("Principal Social Worker", "Quality Assurance Lead")
STRENGTHS = (
    "The voice of the child is clear throughout the record",
    "Good direct work with the child, recorded in the child's words",
    "Timely assessment with clear analysis of risk",
    "Strong management oversight and reflective supervision",
    "The plan is specific and reviewed on time",
    "Good multi-agency working with school and health",
    "The child was seen alone and their wishes recorded",
    "Restorative practice evident in work with the family",
)
AREAS = (
    "Assessment analysis needs strengthening",
    "The plan is not specific enough about what will change",
    "The voice of the child is not evident in the plan",
    "Management oversight is not recorded at key decisions",
    "Supervision is not reflective and does not consider impact",
    "The chronology is out of date",
    "Direct work with the child is not recorded",
    "Delay in reviewing the plan",
)
DIFFERENCE = (
    "The child is safer at home and attending school",
    "The child is settled in placement and has contact with family",
    "Too early to see a difference for the child",
    "Little difference yet: drift in the plan",
    "The young person is in education and has a pathway plan they helped write",
)
ACTIONS = (
    "Update the assessment with analysis of the child's lived experience",
    "Review the plan with the family within 10 working days",
    "Record direct work with the child",
    "Manager to record oversight of the plan",
)
DIP_THEMES = (
    ("Supervision recorded monthly and reflective", 8),
    ("Children seen alone at visits", 10),
    ("Management oversight at step-down to early help", 8),
    ("Chronologies up to date", 10),
    ("Pathway plans written with the young person", 6),
)
EVIDENCE = (
    ("Feedback from a child", "My social worker listens to me and explains things", None),
    ("Feedback from a child", "I have had too many social workers this year", None),
    ("Feedback from a family", "We knew what the plan was and what we had to do", None),
    ("Feedback from a family", "Meetings were moved at short notice", None),
    ("Complaint", "Visits did not happen as planned", "Upheld"),
    ("Complaint", "Disagreement with the outcome of the assessment", "Not upheld"),
    ("Complaint", "Delay in returning calls", "Partly upheld"),
    ("Compliment", "A foster carer praised the support from the placement team", None),
)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _grade(rng: random.Random, week: int, weeks: int) -> Grade:
    """Better grades week by week: good or better rises from about 35% to 70%."""
    t = week / max(1, weeks - 1)
    p_out, p_good = 0.03 + 0.07 * t, 0.32 + 0.28 * t
    p_inad = 0.15 - 0.11 * t
    r = rng.random()
    if r < p_out:
        return Grade.OUTSTANDING
    if r < p_out + p_good:
        return Grade.GOOD
    if r < 1 - p_inad:
        return Grade.REQUIRES_IMPROVEMENT
    return Grade.INADEQUATE


def _near(rng: random.Random, g: Grade) -> Grade:
    """A domain grade near the overall one."""
    return Grade(min(4, max(1, int(g) + rng.choice((-1, 0, 0, 0, 1)))))


def practice_quality(
    child_ids: Sequence[str],
    *,
    last_day: date,
    seed: int = 1,
    weeks: int = 4,
    audits_per_week: int = 20,
    domains: Sequence[str] = DEFAULT_DOMAINS,
) -> AssuranceData:
    """Practice weeks every 13 weeks up to ``last_day``, their audits, dip samples, evidence."""
    if not child_ids:
        raise ValueError("practice quality needs the authority's child ids")
    rng = random.Random(f"quality-{seed}")
    ids = sorted(child_ids)
    starts = [_monday(last_day - timedelta(weeks=13 * (weeks - k) - 1)) for k in range(weeks)]
    pweeks = tuple(
        PracticeWeek(
            f"Practice Week {k + 1} ({s:%B %Y})",
            s,
            s + timedelta(days=4),
            "Senior managers audit a sample of cases with the workers",
        )
        for k, s in enumerate(starts)
    )
    audits: list[Audit] = []
    dips: list[DipSample] = []
    for k, w in enumerate(pweeks):
        kids = rng.sample(ids, min(audits_per_week, len(ids)))
        for cid in kids:
            g = _grade(rng, k, weeks)
            day = w.start_date + timedelta(days=rng.randrange(5))
            moderated = rng.random() < 0.25
            mod = None
            if moderated:
                r = rng.random()
                step = 1 if r < 0.2 else (-1 if r > 0.95 else 0)
                mod = Grade(min(4, max(1, int(g) + step)))
            audits.append(
                Audit(
                    child_id=cid,
                    audit_date=day,
                    auditor=rng.choice(AUDITORS),
                    overall_grade=g,
                    team=rng.choice(TEAMS),
                    worker=f"SW{rng.randrange(1, 41):02d}",
                    practice_week=w.name,
                    domain_grades={d: _near(rng, g) for d in domains},
                    strengths="; ".join(rng.sample(STRENGTHS, 2 if g <= 2 else 1)),
                    areas_for_development="; ".join(rng.sample(AREAS, 1 if g <= 2 else 2)),
                    difference_made=rng.choice(DIFFERENCE),
                    actions=rng.choice(ACTIONS),
                    moderator=rng.choice(MODERATORS) if mod else None,
                    moderation_date=day + timedelta(days=rng.randrange(7, 21)) if mod else None,
                    moderated_grade=mod,
                )
            )
        theme, n = DIP_THEMES[k % len(DIP_THEMES)]
        sample = tuple(sorted(rng.sample(ids, min(n, len(ids)))))
        met = rng.randint(len(sample) // 2, len(sample))
        dips.append(
            DipSample(
                theme,
                w.end_date,
                sample,
                f"{met} of {len(sample)} cases met the standard",
                "Principal Social Worker",
                w.name,
            )
        )
    evidence = tuple(
        EvidenceItem(
            kind,
            starts[0] + timedelta(days=rng.randrange((last_day - starts[0]).days)),
            text,
            rng.choice(ids) if kind != "Compliment" else None,
            rng.choice(TEAMS),
            outcome,
        )
        for kind, text, outcome in EVIDENCE
    )
    # Audits cannot be dated after last_day: moderation may not run past it either.
    audits = [
        a
        if not a.moderation_date or a.moderation_date <= last_day
        else Audit(**{**a.__dict__, "moderation_date": last_day})
        for a in audits
    ]
    return AssuranceData(pweeks, tuple(audits), tuple(dips), evidence)


PRIORITIES = (
    (
        "P1",
        "Keep experienced social workers: lower turnover and less reliance on agency staff",
        "New",
        None,
        ("sw_turnover_pct", 12.0),
    ),
    (
        "P2",
        "Sharper assessments and plans in which the child's own views and experience are "
        "plain, with reflective supervision",
        "New",
        None,
        ("audits_good_or_better_pct", 70.0),
    ),
    (
        "P3",
        "Quality assurance that leaders use: practice-week audits, moderation and dip samples",
        "New",
        None,
        ("moderation_agreement_pct", 80.0),
    ),
    (
        "P4",
        "One case record for each child, from early help to statutory social work",
        "New",
        None,
        None,
    ),
    ("P5", "Stronger joint working with partners on safeguarding", "New", None, None),
    ("P6", "A clear response to exploitation and harm outside the home", "New", None, None),
    (
        "P7",
        "Safe, suitable homes for every care leaver",
        "New",
        None,
        ("care_leavers_suitable_accom_19_21_pct", 90.0),
    ),
    (
        "P8",
        "Fewer moves for children in care: more support for foster carers",
        "Carried forward",
        "last year's plan, priority 4",
        ("stability_3plus_placements_pct", 9.0),
    ),
    (
        "P9",
        "Timely adoption through the regional adoption arrangements",
        "Carried forward",
        "last year's plan, priority 6",
        None,
    ),
    (
        "P10",
        "One practice model, used consistently across the service",
        "Carried forward",
        "last year's plan, priority 2",
        None,
    ),
    (
        "P11",
        "Keep children in school: work with schools to reduce exclusions",
        "New",
        None,
        None,
    ),
    (
        "P12",
        "See children in need promptly after referral",
        "Inspection recommendation",
        "Ofsted inspection of children's services (previous inspection)",
        ("assessment_45wd_pct", 90.0),
    ),
)
OWNERS = (
    "Director of Children's Services",
    "Principal Social Worker",
    "Head of Service, Safeguarding",
    "Head of Service, Children in Care",
    "Workforce Development Manager",
)
TARGET_IDS = tuple(target[0] for *_, target in PRIORITIES if target)
"""The indicators the synthetic plan sets targets on (a test holds them to the catalogue)."""


def improvement_plan(
    *, plan_year: str, as_of: date, seed: int = 1, indicator_ids: Sequence[str] = ()
) -> Plan:
    """The plan for ``plan_year`` (e.g. 2019-20) with statuses as they stand on ``as_of``.

    Targets are only set on indicators in ``indicator_ids`` (the catalogue), dated the plan
    year's end, with a baseline computed at the year before.
    """
    rng = random.Random(f"plan-{seed}")
    start, end = plan_year_start(plan_year), plan_year_end(plan_year)
    priorities, actions, targets = [], [], []
    for ref, title, origin, detail, target in PRIORITIES:
        carried = origin != "New"
        priorities.append(
            Priority(
                ref,
                title,
                origin,
                detail,
                rng.choice(("Green", "Amber", "Amber", "Red")) if carried else None,
                "Progress made; more to do this year" if carried else None,
            )
        )
        for n in range(1, rng.randint(2, 4) + 1):
            due = start + timedelta(days=rng.randrange(30, 360))
            if due < as_of:
                status = rng.choice(("Complete", "Complete", "Green", "Amber", "Red"))
            else:
                status = rng.choice(("Green", "Green", "Amber", "Red"))
            actions.append(
                Action(
                    ref,
                    f"{ref}.{n}",
                    f"Action {n} towards: {title.split(':')[0].split(',')[0].lower()}",
                    rng.choice(OWNERS),
                    due,
                    status,
                    "Audits show the change in practice" if status == "Complete" else None,
                )
            )
        if target and target[0] in indicator_ids:
            targets.append(
                Target(ref, target[0], target[1], end, baseline_date=start - timedelta(days=1))
            )
    return Plan(plan_year, tuple(priorities), tuple(actions), tuple(targets))


def write_quality(
    out: Path,
    child_ids: Sequence[str],
    *,
    last_day: date,
    seed: int = 1,
    indicator_ids: Sequence[str] | None = None,
) -> tuple[Path, Path]:
    """Write ``out/audits.xlsx`` and ``out/plan.xlsx`` for a synthetic authority; the plan
    sets targets on ``indicator_ids`` only (by default every one of ``TARGET_IDS``)."""
    if indicator_ids is None:
        indicator_ids = TARGET_IDS
    data = practice_quality(child_ids, last_day=last_day, seed=seed)
    year = last_day.year - (1 if last_day.month < 4 else 0)
    plan = improvement_plan(
        plan_year=f"{year}-{(year + 1) % 100:02d}",
        as_of=last_day,
        seed=seed,
        indicator_ids=indicator_ids,
    )
    out.mkdir(parents=True, exist_ok=True)
    return (
        fix_times(write_audits_template(out / "audits.xlsx", data=data)),
        fix_times(write_plan_template(out / "plan.xlsx", plan)),
    )


def open_cases(authority: Authority, start: date, end: date) -> list[str]:
    """Ids of the synthetic authority's children looked after at some time from ``start`` to
    ``end`` (so they are in its SSDA903 return), else open as children in need: the cases
    practice weeks audit."""
    kids = authority.children
    care = [
        c.child_id
        for c in kids
        if any(e.start <= end and (e.end is None or e.end >= start) for e in c.care_episodes)
    ]
    if care:
        return care
    return [
        c.child_id
        for c in kids
        if any(
            e.referral_date <= end and (e.closure_date is None or e.closure_date >= start)
            for e in c.cin_episodes
        )
    ]


def write_authority_quality(authority: Authority, out: Path) -> list[Path]:
    """The authority's audits and plan workbooks in ``out`` (``selfeval synth`` writes them to
    ``OUT/quality/``), auditing children open during its last return year."""
    years = authority.years
    last_day = date(years.stop - 1, 3, 31)
    ids = open_cases(authority, date(years.stop - 2, 4, 1), last_day)
    return list(write_quality(out, ids, last_day=last_day, seed=authority.seed))
