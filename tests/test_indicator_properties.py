"""Invariants on random 903 and CIN histories (hypothesis): numerators never exceed
denominators, and counts at a date equal a plain-Python count of the children covered."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import sources
from selfeval.indicators import compute

DAY0 = date(2016, 4, 1)
LS = st.sampled_from(["C2", "C2", "V3", "E1"])
RNE = st.sampled_from(["P", "L", "T", "B", "U"])
PLACE = st.sampled_from(["U1", "U4", "K2", "A5", "T1"])


@st.composite
def histories(draw):
    """Up to 8 children, each a chain of up to 4 episodes (ending X1 until the last)."""
    eps, plans = [], []
    for n in range(draw(st.integers(1, 8))):
        child = f"C{n}"
        d = DAY0 + timedelta(days=draw(st.integers(0, 1200)))
        for k in range(draw(st.integers(1, 4))):
            length = draw(st.integers(0, 500))
            last = draw(st.booleans())
            end = None if (last and draw(st.booleans())) else d + timedelta(days=length)
            eps.append(
                {
                    "CHILD": child,
                    "DECOM": d.isoformat(),
                    "RNE": "S" if k == 0 else draw(RNE),
                    "LS": draw(LS),
                    "PLACE": draw(PLACE),
                    "PLACE_PROVIDER": draw(st.sampled_from(["PR1", "PR4"])),
                    "DEC": None if end is None else end.isoformat(),
                    "REC": None if end is None else ("E11" if last else "X1"),
                }
            )
            if end is None or last:
                break
            d = end
        start = DAY0 + timedelta(days=draw(st.integers(0, 1200)))
        stop = draw(st.one_of(st.none(), st.integers(0, 900)))
        plans.append(
            {
                "LAchildID": child,
                "CPPstartDate": start.isoformat(),
                "CPPendDate": None if stop is None else (start + timedelta(days=stop)).isoformat(),
                "NumberOfPreviousCPP": draw(st.integers(0, 1)),
            }
        )
    header = [{"CHILD": f"C{n}", "SEX": "1", "DOB": "2008-06-01"} for n in range(8)]
    return eps, plans, header


DATES = st.dates(date(2017, 1, 1), date(2020, 12, 31))
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def open_on(row: dict, at: date, start: str, end: str) -> bool:
    s = date.fromisoformat(row[start])
    e = row[end] and date.fromisoformat(row[end])
    return s <= at and (e is None or e > at)


@FAST
@given(histories(), DATES)
def test_counts_at_a_date_match_a_plain_count(h, at):
    eps, plans, header = h
    src = sources(ssda903_episodes=eps, cin_cp_plans=plans, ssda903_header=header)
    got = {r.id: r.value for r in compute(src, [at], ids=["cla_count", "cp_count"])}
    cla = {e["CHILD"] for e in eps if e["LS"] != "V3" and open_on(e, at, "DECOM", "DEC")}
    cp = {p["LAchildID"] for p in plans if open_on(p, at, "CPPstartDate", "CPPendDate")}
    assert got == {"cla_count": len(cla), "cp_count": len(cp)}


@FAST
@given(histories(), DATES, st.sampled_from(["year", "quarter", "month"]))
def test_numerators_never_exceed_denominators(h, at, period):
    eps, plans, header = h
    src = sources(ssda903_episodes=eps, cin_cp_plans=plans, ssda903_header=header)
    for r in compute(src, [at], period=period):
        if r.unit == "percent" and r.value is not None:
            assert 0 <= r.numerator <= r.denominator, r
            assert 0 <= r.value <= 100
        if r.value is None:
            assert r.reason, r
