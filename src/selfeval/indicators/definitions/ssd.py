"""Timeliness of seeing children and the front door, from the Standard Safeguarding Dataset.

The statutory returns do not say when a child was seen; the SSD's visit tables do. Visits
count only where the child was seen (``*_visit_seen`` = Y). Working days are weekdays less
England's bank holidays, counted from the day after the start (the same day is 0).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from selfeval.indicators.expr import count_every_row, rows_share
from selfeval.indicators.registry import ChildLevel, indicator
from selfeval.indicators.sources import Sources, register_reference

KEYS = ["la_code", "period_end"]


def _in_period(d: ir.Value, periods: ir.Table) -> ir.BooleanValue:
    return (d >= periods.period_start) & (d <= periods.period_end)


def _with_wd(t: ir.Table, src: Sources, column: str, name: str) -> ir.Table:
    """``t`` with the working-day index of its date column ``column`` as ``name``."""
    cal = src.calendar.select(_d=src.calendar.date, _wd=src.calendar.wd_index)
    j = t.join(cal, t[column] == cal._d, how="left")
    return j.mutate(**{name: j._wd}).drop("_d", "_wd")


REFERRALS_ASSESSED = "referrals_assessed"
SSD_REFERRALS = ("ssd_cin_episodes", "ssd_cin_assessments")
CIN_REFERRALS = ("cin_details", "cin_assessments")


@register_reference(REFERRALS_ASSESSED, needs=(SSD_REFERRALS, CIN_REFERRALS))
def referrals_assessed(src: Sources) -> pa.Table:
    """Referrals that went on to an assessment (la_code, referral_id, person_id, referral_date,
    source), from the SSD extract when it holds its referrals and assessments, else from the
    CIN census (a partial SSD extract of visits and persons only): there a referral went on to
    an assessment when the child's assessment started on or after the referral date and not
    after the episode closed. The census's coverage then stands for the table's."""
    if all(src.has(n) for n in SSD_REFERRALS):
        ref, ass = (src.table(n) for n in SSD_REFERRALS)
        proceeded = ass.select(_rid=ass.cina_referral_id, _la=ass.la_code).distinct()
        r = ref.semi_join(
            proceeded, (ref.cine_referral_id == proceeded._rid) & (ref.la_code == proceeded._la)
        )
        r = r.select(
            la_code=r.la_code.cast("string"),
            referral_id=r.cine_referral_id.cast("string"),
            person_id=r.cine_person_id.cast("string"),
            referral_date=r.cine_referral_date.cast("date"),
            source=ibis.literal("Standard Safeguarding Dataset (ssd_cin_episodes)"),
        )
    else:
        d, a = (src.table(n) for n in CIN_REFERRALS)
        d = d.select("la_code", "LAchildID", "CINreferralDate", "CINclosureDate").distinct()
        a = a.select(_la=a.la_code, _c=a.LAchildID, _s=a.AssessmentActualStartDate).distinct()
        r = d.semi_join(
            a,
            (d.la_code == a._la)
            & (d.LAchildID == a._c)
            & (a._s >= d.CINreferralDate)
            & (d.CINclosureDate.isnull() | (a._s <= d.CINclosureDate)),
        )
        r = r.select(
            la_code=r.la_code.cast("string"),
            referral_id=(r.LAchildID.cast("string") + "/" + r.CINreferralDate.cast("string")),
            person_id=r.LAchildID.cast("string"),
            referral_date=r.CINreferralDate.cast("date"),
            source=ibis.literal("CIN census (cin_details, cin_assessments)"),
        )
        if "cin_details" in src.coverage:
            src.coverage[REFERRALS_ASSESSED] = src.coverage["cin_details"]
    table: pa.Table = src.backend.to_pyarrow(r.distinct())  # ibis's backends are untyped
    return table


@indicator(
    id="seen_within_5wd_of_referral_pct",
    area="need",
    title="Children seen within 5 working days of referral",
    definition=(
        "Of the referrals in the period that went on to an assessment, the percentage where "
        "the child was seen on a visit (the visit record says the child was seen) within 5 "
        "working days of the referral date. A child seen on the day of referral counts (0 "
        "working days). Weekends and England's bank holidays are not working days. Each "
        "referral counts once, so a child referred twice in the period counts twice. This is "
        "a local measure (DfE does not publish it). Visits come from the Standard "
        "Safeguarding Dataset's CIN visits; referrals and assessments from the SSD's CIN "
        "episodes and assessments, or, where the extract holds visits and persons only, from "
        "the CIN census (a referral went on to an assessment when the child's assessment "
        "started on or after it and not after the episode closed); visits are linked to the "
        "referral by the child's id (SSD person id = CIN census LAchildID)."
    ),
    numerator="referrals that went on to assessment where the child was seen within 5 working days",
    denominator="referrals in the period that went on to an assessment",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=(REFERRALS_ASSESSED, "ssd_cin_visits"),
    dfe_reference="Local measure (no DfE publication); reported in councils' scrutiny reports",
    suppression="cin",
    child_level=ChildLevel("person_id", ("referral_id", "referral_date", "first_seen")),
)
def seen_within_5wd_of_referral_pct(src: Sources, periods: ir.Table) -> ir.Table:
    ref = src.table(REFERRALS_ASSESSED)
    vis = src.table("ssd_cin_visits")
    r = ref.cross_join(periods)
    r = r.filter(_in_period(r.referral_date, r))
    r = _with_wd(r, src, "referral_date", "ref_wd").select(
        "la_code",
        "period_end",
        "referral_id",
        "person_id",
        "referral_date",
        "ref_wd",
    )
    v = vis.filter(vis.cinv_cin_visit_seen.upper() == "Y")
    v = _with_wd(v, src, "cinv_cin_visit_date", "vis_wd").select(
        _la=ibis._.la_code,
        _pid=ibis._.cinv_person_id,
        _vdate=ibis._.cinv_cin_visit_date,
        _vwd=ibis._.vis_wd,
    )
    j = r.left_join(
        v,
        (r.la_code == v._la)
        & (r.person_id == v._pid.cast("string"))
        & (v._vdate >= r.referral_date)
        & (v._vwd - r.ref_wd <= 5),
    )
    per_ref = j.group_by([*KEYS, "referral_id", "person_id", "referral_date"]).aggregate(
        seen=j._vdate.notnull().any(), first_seen=j._vdate.min()
    )
    return rows_share(per_ref, per_ref.seen)


@indicator(
    id="cp_visits_10wd_pct",
    area="protection",
    title="Children on protection plans visited at least every 10 working days",
    definition=(
        "Of the children with a child protection plan open at any time in the period, the "
        "percentage whose visits (with the child seen) were never more than 10 working days "
        "apart during the period. The first gap runs from the start of the plan; the last runs "
        "to the end of the plan or of the period, so a visit that is overdue at the period's "
        "end counts against it. A child with two plans must meet this on both. Visits are "
        "linked to their plan by the plan id in the Standard Safeguarding Dataset."
    ),
    numerator="children on plans whose visits were never more than 10 working days apart",
    denominator="children with a child protection plan open in the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("ssd_cp_plans", "ssd_cp_visits"),
    dfe_reference="Local measure; Working Together 2023 leaves visit frequency to the plan",
    suppression="cin",
    child_level=ChildLevel("cppl_person_id", ("longest_gap",)),
)
def cp_visits_10wd_pct(src: Sources, periods: ir.Table) -> ir.Table:
    cp = src.table("ssd_cp_plans")
    vis = src.table("ssd_cp_visits")
    p = cp.cross_join(periods)
    p = p.filter(
        (p.cppl_cp_plan_start_date <= p.period_end)
        & (p.cppl_cp_plan_end_date.isnull() | (p.cppl_cp_plan_end_date > p.period_start))
    )
    p = p.mutate(
        w_end=ibis.least(p.cppl_cp_plan_end_date.fill_null(p.period_end), p.period_end)
    ).select(
        "la_code",
        "period_start",
        "period_end",
        "cppl_cp_plan_id",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "w_end",
    )
    v = vis.filter(vis.cppv_cp_visit_seen.upper() == "Y").select(
        _la=vis.la_code, _plan=vis.cppv_cp_plan_id, _d=vis.cppv_cp_visit_date
    )
    seen = p.join(
        v,
        (p.la_code == v._la)
        & (p.cppl_cp_plan_id == v._plan)
        & (v._d >= p.cppl_cp_plan_start_date)
        & (v._d <= p.w_end),
    )
    cols = ["la_code", "period_start", "period_end", "cppl_cp_plan_id", "cppl_person_id"]
    events = (
        seen.select(*cols, d=seen._d)
        .union(p.select(*cols, d=p.cppl_cp_plan_start_date))
        .union(p.select(*cols, d=p.w_end))
    )
    events = _with_wd(events, src, "d", "wd")
    w = ibis.window(group_by=["la_code", "period_end", "cppl_cp_plan_id"], order_by="d")
    events = events.mutate(prev_wd=events.wd.lag().over(w))
    gaps = events.filter(events.prev_wd.notnull() & (events.d >= events.period_start))
    gaps = gaps.mutate(gap=gaps.wd - gaps.prev_wd)
    per_child = gaps.group_by([*KEYS, "cppl_person_id"]).aggregate(worst=gaps.gap.max())
    children = p.select(*KEYS, "cppl_person_id").distinct()
    c = children.left_join(
        per_child,
        (children.la_code == per_child.la_code)
        & (children.period_end == per_child.period_end)
        & (children.cppl_person_id == per_child.cppl_person_id),
    )
    c = c.select(
        la_code=children.la_code,
        period_end=children.period_end,
        cppl_person_id=children.cppl_person_id,
        longest_gap=c.worst.fill_null(0),
    )
    return rows_share(c, c.longest_gap <= 10)


FIRST_VISIT_DAYS = 7
FIRST_YEAR_DAYS = 42
LATER_DAYS = 92


@indicator(
    id="cla_visits_timely_pct",
    area="looked_after",
    title="Children in care visited within the statutory intervals",
    definition=(
        "Of the children looked after at the end of the period, the percentage whose visits "
        "(with the child seen) during the period were all within the statutory intervals of "
        "the Care Planning Regulations 2010 (regulation 28): within 1 week of the start of a "
        "placement, then at intervals of not more than 6 weeks in the placement's first year, "
        "then not more than 3 months. selfeval takes 3 months as 92 days and applies the "
        "interval by the placement current when the gap starts; a gap still open at the end "
        "of the period counts (a visit overdue then is late). Placements and visits come from "
        "the Standard Safeguarding Dataset."
    ),
    numerator="children looked after whose visits were all within the statutory intervals",
    denominator="children looked after at the end of the period",
    unit="percent",
    polarity="higher_better",
    measure="period",
    sources=("ssd_cla_episodes", "ssd_cla_placement", "ssd_cla_visits"),
    dfe_reference="Care Planning, Placement and Case Review Regulations 2010, reg. 28",
    suppression="cla",
    child_level=ChildLevel("pid", ("late_visits",)),
)
def cla_visits_timely_pct(src: Sources, periods: ir.Table) -> ir.Table:
    eps = src.table("ssd_cla_episodes")
    pl = src.table("ssd_cla_placement")
    vis = src.table("ssd_cla_visits")
    e = eps.cross_join(periods)
    e = e.filter(
        (e.clae_cla_episode_start_date <= e.period_end)
        & (
            e.clae_cla_episode_ceased_date.isnull()
            | (e.clae_cla_episode_ceased_date > e.period_end)
        )
    )
    kids = e.select("la_code", "period_start", "period_end", pid=e.clae_person_id).distinct()
    plc = pl.select(
        _la=pl.la_code,
        _pid=pl.clap_person_id,
        ps=pl.clap_cla_placement_start_date,
        pe=pl.clap_cla_placement_end_date,
    )
    v = vis.filter(vis.clav_cla_visit_seen.upper() == "Y").select(
        _la=vis.la_code, _pid=vis.clav_person_id, _d=vis.clav_cla_visit_date
    )
    kv = kids.join(v, (kids.la_code == v._la) & (kids.pid == v._pid) & (v._d <= kids.period_end))
    kp = kids.join(
        plc, (kids.la_code == plc._la) & (kids.pid == plc._pid) & (plc.ps <= kids.period_end)
    )
    base = ["la_code", "period_start", "period_end", "pid"]
    events = (
        kv.select(*base, d=kv._d, is_start=ibis.literal(False))
        .union(kp.select(*base, d=kp.ps, is_start=ibis.literal(True)))
        .union(kids.select(*base, d=kids.period_end, is_start=ibis.literal(False)))
    )
    # The placement current on each event's date gives the interval that applies after it.
    cur = events.left_join(
        plc,
        (events.la_code == plc._la)
        & (events.pid == plc._pid)
        & (plc.ps <= events.d)
        & (plc.pe.isnull() | (plc.pe > events.d)),
    )
    cur = cur.group_by([*base, "d", "is_start"]).aggregate(placed=cur.ps.max())
    w = ibis.window(group_by=["la_code", "period_end", "pid"], order_by=["d", "is_start"])
    cur = cur.mutate(
        prev_d=cur.d.lag().over(w),
        prev_start=cur.is_start.lag().over(w),
        prev_placed=cur.placed.lag().over(w),
    )
    gaps = cur.filter(cur.prev_d.notnull() & (cur.d >= cur.period_start) & ~cur.is_start)
    gap_days = gaps.d.delta(gaps.prev_d, unit="day")
    in_first_year = gaps.prev_placed.notnull() & (
        gaps.prev_d.delta(gaps.prev_placed, unit="day") < 365
    )
    limit = ibis.cases(
        (gaps.prev_start, FIRST_VISIT_DAYS),
        (in_first_year, FIRST_YEAR_DAYS),
        else_=LATER_DAYS,
    )
    gaps = gaps.mutate(late=(gap_days > limit).cast("int64"))
    per_child = gaps.group_by(["la_code", "period_end", "pid"]).aggregate(late=gaps.late.sum())
    k = kids.left_join(
        per_child,
        (kids.la_code == per_child.la_code)
        & (kids.period_end == per_child.period_end)
        & (kids.pid == per_child.pid),
    )
    k = k.select(la_code=kids.la_code, period_end=kids.period_end, pid=kids.pid, late_visits=k.late)
    return rows_share(k, k.late_visits.fill_null(0) == 0)


@indicator(
    id="contacts",
    area="need",
    title="Contacts",
    definition=(
        "The number of contacts received in the period: every contact recorded at the front "
        "door (a request for help or a concern about a child), whatever its outcome."
    ),
    numerator="contacts dated in the period",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=("ssd_contacts",),
    dfe_reference="Annex A List 1 (contacts); not in the CIN census",
    suppression="cin",
    child_level=ChildLevel("cont_person_id", ("cont_contact_id", "cont_contact_date")),
)
def contacts(src: Sources, periods: ir.Table) -> ir.Table:
    c = src.table("ssd_contacts").cross_join(periods)
    c = c.filter(_in_period(c.cont_contact_date, c))
    return count_every_row(c)


CONTACT_TO_REFERRAL_WD = 5


@indicator(
    id="contact_to_referral_pct",
    area="need",
    title="Contacts that led to a referral",
    definition=(
        "Of the contacts in the period, the percentage followed by a referral to children's "
        "social care for the same child on the day of the contact or within the next 5 working "
        "days. The Standard Safeguarding Dataset does not link a contact to its referral, so "
        "selfeval links them by child and date."
    ),
    numerator="contacts followed by a referral of the same child within 5 working days",
    denominator="contacts dated in the period",
    unit="percent",
    polarity="neutral",
    measure="period",
    sources=("ssd_contacts", "ssd_cin_episodes"),
    dfe_reference="Annex A Lists 1 and 3; a local conversion measure",
    suppression="cin",
    child_level=ChildLevel(
        "cont_person_id", ("cont_contact_id", "cont_contact_date", "referred_on")
    ),
)
def contact_to_referral_pct(src: Sources, periods: ir.Table) -> ir.Table:
    c = src.table("ssd_contacts").cross_join(periods)
    c = c.filter(_in_period(c.cont_contact_date, c))
    c = _with_wd(c, src, "cont_contact_date", "c_wd").select(
        "la_code", "period_end", "cont_contact_id", "cont_person_id", "cont_contact_date", "c_wd"
    )
    ref = src.table("ssd_cin_episodes")
    r = _with_wd(ref, src, "cine_referral_date", "r_wd").select(
        _la=ibis._.la_code,
        _pid=ibis._.cine_person_id,
        _rd=ibis._.cine_referral_date,
        _rwd=ibis._.r_wd,
    )
    j = c.left_join(
        r,
        (c.la_code == r._la)
        & (c.cont_person_id == r._pid)
        & (r._rd >= c.cont_contact_date)
        & (r._rwd - c.c_wd <= CONTACT_TO_REFERRAL_WD),
    )
    per = j.group_by([*KEYS, "cont_contact_id", "cont_person_id", "cont_contact_date"]).aggregate(
        led=j._rd.notnull().any(), referred_on=j._rd.min()
    )
    return rows_share(per, per.led)
