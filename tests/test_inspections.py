"""The ILACS planner on hand-made histories and on Ofsted's published outcomes."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import SHARED
from selfeval.errors import InputError
from selfeval.inspections import Inspection, accuracy, expected_next, read_outcomes

OUTCOMES = SHARED / "data" / "ofsted" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods"


def insp(start: date, overall: str, kind: str = "standard", la: str = "E0") -> Inspection:
    return Inspection(la, "Anyshire", "West Midlands", start, None, kind, {"overall": overall})


def test_good_authority_expects_a_short_inspection_around_the_third_anniversary():
    """Inspected 28/03/2022, good: window 28/09/2024 to 28/09/2025 (3 years +- 6 months)."""
    e = expected_next([insp(date(2022, 3, 28), "good")], at=date(2024, 1, 1))
    assert e.next_type == "short"
    assert (e.window_start, e.window_end) == (date(2024, 9, 28), date(2025, 9, 28))
    assert e.status == "before window"
    assert e.focused_visit_eligible  # 21 months after, window not yet open
    assert not e.monitoring_visits


def test_requires_improvement_expects_standard_and_inadequate_gets_monitoring_visits():
    ri = expected_next([insp(date(2019, 2, 18), "requires improvement")], at=date(2023, 1, 1))
    assert ri.next_type == "standard" and ri.status == "overdue"
    bad = expected_next([insp(date(2021, 10, 4), "inadequate")], at=date(2022, 6, 1))
    assert bad.next_type == "standard"
    assert bad.monitoring_visits and not bad.focused_visit_eligible


def test_focused_visit_not_within_six_months_of_the_last_inspection():
    e = expected_next([insp(date(2022, 3, 28), "good")], at=date(2022, 9, 27))
    assert not e.focused_visit_eligible
    e = expected_next([insp(date(2022, 3, 28), "good")], at=date(2022, 9, 28))
    assert e.focused_visit_eligible


def test_visits_and_later_inspections_do_not_count_as_the_last_inspection():
    history = [
        insp(date(2019, 1, 7), "requires improvement"),
        insp(date(2020, 1, 1), None, kind="focused visit"),
        insp(date(2022, 5, 9), "good", kind="standard"),
    ]
    e = expected_next(history, at=date(2021, 1, 1))
    assert e.last.start == date(2019, 1, 7)
    assert expected_next(history, at=date(2018, 1, 1)) is None


def test_accuracy_counts_pairs_by_window_and_type():
    """Two authorities: A good 2018 -> short 2021-06 (in window, right type);
    B RI 2018-01 -> short 2023 (late, wrong type)."""
    hist = [
        insp(date(2018, 3, 1), "good", la="A"),
        insp(date(2021, 6, 1), "good", kind="short", la="A"),
        insp(date(2018, 1, 1), "requires improvement", la="B"),
        insp(date(2023, 1, 1), "good", kind="short", la="B"),
    ]
    acc = accuracy(hist)
    assert (acc.overall.pairs, acc.overall.in_window, acc.overall.type_right) == (2, 1, 1)
    assert (acc.early, acc.late) == (0, 1)
    assert accuracy(hist, first_from=date(2018, 2, 1)).overall.pairs == 1


@pytest.mark.skipif(not OUTCOMES.exists(), reason="needs ../shared/data/ofsted")
def test_reads_ofsteds_published_history():
    ins = read_outcomes(OUTCOMES)
    assert len(ins) == 271  # the sheet's 271 short and standard inspections
    wolves = [i for i in ins if i.la_code_new == "E08000031"]
    last = wolves[-1]
    assert (last.start, last.type, last.overall) == (date(2022, 3, 28), "short", "good")


def test_a_file_that_is_not_the_workbook_is_refused(tmp_path):
    bad = tmp_path / "outcomes.ods"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError) as e:
        read_outcomes(bad)
    assert "outcomes.ods" in str(e.value)


def test_authorities_that_no_longer_exist_are_left_out_and_carried_to_successors(tmp_path):
    """Oldshire (E1, "No longer exists", requires improvement 1 June 2019) was replaced by
    Newshire (E2, not yet inspected) and Eastshire (E3, judged good 1 May 2024), as a lookup
    in provider_la_lookup.csv's shape says; Goneshire (E4) has no successor in it. At 1 June
    2025: Oldshire and Goneshire are not planned; Newshire is planned from Oldshire's
    inspection (standard, window 1 December 2021 to 1 December 2022: overdue); Eastshire from
    its own (short, 1 November 2026 to 1 November 2027)."""
    from dataclasses import replace

    from selfeval.inspections import next_for_all, read_successors

    old = replace(insp(date(2019, 6, 1), "requires improvement", la="E1"), current=False)
    gone = replace(insp(date(2019, 1, 1), "good", la="E4"), current=False)
    east = replace(insp(date(2024, 5, 1), "good", la="E3"), la_name="Eastshire")
    lookup = tmp_path / "provider_la_lookup.csv"
    lookup.write_text(
        "urn,la_code,la_code_new,local_authority_ons_name,ltla23cd\n"
        "1,901,,Oldshire,E1\n"
        "2,902,E2,Newshire,E1\n"
        "3,903,E3,Eastshire,E1\n"
        "4,904,E5,Otherville,E5\n"
    )
    successors = read_successors(lookup)
    assert successors == {"E1": [("E2", "Newshire"), ("E3", "Eastshire")]}
    plan = {e.la_code_new: e for e in next_for_all([old, gone, east], date(2025, 6, 1), successors)}
    assert sorted(plan) == ["E2", "E3"]
    new = plan["E2"]
    assert (new.la_name, new.last.inspected_as, new.next_type) == (
        "Newshire",
        "Anyshire",
        "standard",
    )
    assert (new.window_start, new.window_end, new.status) == (
        date(2021, 12, 1),
        date(2022, 12, 1),
        "overdue",
    )
    e = plan["E3"]
    assert (e.last.inspected_as, e.next_type, e.window_start) == (None, "short", date(2026, 11, 1))
    assert sorted(x.la_code_new for x in next_for_all([old, gone, east], date(2025, 6, 1))) == [
        "E3"
    ]


@pytest.mark.skipif(not OUTCOMES.exists(), reason="needs ../shared/data/ofsted")
def test_ofsteds_no_longer_exists_authorities_are_not_planned():
    """Bournemouth (E06000028), Cumbria (E10000006) and Northamptonshire (E10000021) are marked
    "No longer exists" in the 2025 workbook; none is planned."""
    from selfeval.inspections import next_for_all

    ins = read_outcomes(OUTCOMES)
    assert sorted(i.la_name for i in ins if not i.current) == [
        "Bournemouth",
        "Cumbria",
        "Northamptonshire",
    ]
    planned = {e.la_code_new for e in next_for_all(ins, date(2025, 6, 1))}
    assert not planned & {"E06000028", "E10000006", "E10000021"}
    assert {"E06000058", "E06000063", "E06000061"} <= planned
