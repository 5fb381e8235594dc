"""The improvement plan: the workbook, its checks, targets' progress, and the catalogue's quality
and plan indicators computed from the store."""

from __future__ import annotations

from datetime import date

import pytest

from builders import episode, set_cell
from conftest import write_903_children
from selfeval.assurance import repository as arepo
from selfeval.assurance.grades import Grade
from selfeval.assurance.records import AssuranceData, Audit
from selfeval.errors import InputError
from selfeval.indicators import compute, sources_from_store
from selfeval.ingest import ingest_903
from selfeval.plans import repository as repo
from selfeval.plans.io import read_plan, write_plan_template
from selfeval.plans.progress import action_summary, target_progress
from selfeval.plans.records import Action, Plan, Priority, Target

TODAY = date(2020, 1, 31)


def plan() -> Plan:
    """Two priorities (one carried forward from 2018-19), four actions, two targets."""
    return Plan(
        "2019-20",
        (
            Priority(
                "P1",
                "Improve placement stability",
                "Carried forward",
                "2018-19 P2",
                "Amber",
                "Stability in line with neighbours; more to do",
            ),
            Priority("P2", "Embed Practice Weeks", "New"),
        ),
        (
            Action(
                "P1",
                "P1.1",
                "Extend Fostering Families United",
                "Head of Service, CLA",
                date(2019, 9, 30),
                "Green",
                "12 more families supported",
            ),
            Action(
                "P1",
                "P1.2",
                "Placement stability panel",
                "Service Manager",
                date(2019, 12, 31),
                "Red",
            ),
            Action(
                "P2",
                "P2.1",
                "Quarterly practice weeks",
                "Principal Social Worker",
                date(2019, 11, 30),
                "Complete",
            ),
            Action(
                "P2",
                "P2.2",
                "Dip sample supervision",
                "Principal Social Worker",
                date(2020, 6, 30),
                "Amber",
            ),
        ),
        (
            Target("P1", "cla_count", 2, date(2020, 3, 31), baseline_value=4),
            Target(
                "P2",
                "audits_good_or_better_pct",
                60,
                date(2020, 3, 31),
                baseline_date=date(2019, 3, 31),
            ),
        ),
    )


def test_actions_on_track_and_overdue_by_hand():
    # Overdue on 31 January 2020: P1.2 (Red, due 31 December 2019) and P1.1 (Green, but due
    # 30 September 2019 and not Complete). On track: P2.1 (Complete) alone, since an overdue
    # action is never Green: 1 of 4 = 25%, and no action is both on track and overdue.
    s = action_summary(plan().actions, TODAY)
    assert (s.total, s.on_track, s.on_track_pct, s.overdue) == (4, 1, 25.0, 2)
    assert s.by_status == {"Red": 1, "Amber": 1, "Green": 1, "Complete": 1}


def test_plan_workbook_round_trip_and_a_new_version_replaces_the_year(store, tmp_path):
    path = write_plan_template(tmp_path / "plan.xlsx", plan())
    assert read_plan(path) == plan()
    res = repo.import_plan(store, path, "999", today=TODAY)
    assert res.created and res.record.counts == {"priorities": 2, "actions": 4, "targets": 2}
    assert not repo.import_plan(store, path, "999", today=TODAY).created
    stored = repo.plan(store, "999")
    assert stored.priorities[0].origin == "Carried forward"
    assert [a.ref for a in stored.actions] == ["P1.1", "P1.2", "P2.1", "P2.2"]
    p = plan()
    p2 = Plan(p.plan_year, p.priorities, p.actions[:1], ())
    repo.import_plan(store, write_plan_template(tmp_path / "v2.xlsx", p2), "999", today=TODAY)
    assert [a.ref for a in repo.plan(store, "999").actions] == ["P1.1"]
    assert repo.plan(store, "999").targets == ()


@pytest.mark.parametrize(
    ("sheet", "row", "header", "value", "expected"),
    [
        (
            "Targets",
            3,
            "Indicator id",
            "audits_brilliant_pct",
            "plan.xlsx, sheet Targets, row 3, field Indicator id: 'audits_brilliant_pct' is not an "
            "indicator in the catalogue",
        ),
        (
            "Actions",
            4,
            "Status",
            "Purple",
            "plan.xlsx, sheet Actions, row 4, field Status: 'Purple' is not one of: Red, Amber",
        ),
        (
            "Actions",
            2,
            "Priority ref",
            "P9",
            "plan.xlsx, sheet Actions, row 2, field Priority ref: priority 'P9' is not on",
        ),
        (
            "Targets",
            3,
            "Baseline date",
            date(2020, 2, 1),
            "plan.xlsx, sheet Targets, row 3, field Baseline date: 2020-02-01 is in the future",
        ),
        (
            "Priorities",
            3,
            "Plan year",
            "2019-21",
            "plan.xlsx, sheet Priorities, row 3, field Plan year: '2019-21' is not a plan year",
        ),
        (
            "Actions",
            3,
            "Due date",
            "31/13/2019",
            "plan.xlsx, sheet Actions, row 3, field Due date: '31/13/2019' is not a date",
        ),
    ],
)
def test_bad_plan_rows_are_refused_whole(store, tmp_path, sheet, row, header, value, expected):
    repo.import_plan(store, write_plan_template(tmp_path / "old.xlsx", plan()), "999", today=TODAY)
    before = repo.plan(store, "999")
    path = set_cell(write_plan_template(tmp_path / "plan.xlsx", plan()), sheet, row, header, value)
    with pytest.raises(InputError) as e:
        repo.import_plan(store, path, "999", today=TODAY)
    assert str(e.value).startswith(expected)
    assert repo.plan(store, "999") == before
    assert len(arepo.imports(store, "999")) == 1


def _audits(store, grades, moderated=()):
    """Audits of children A0.. on 1 June 2019 with the given auditor grades; ``moderated`` maps
    an index to the moderator's grade."""
    audits = tuple(
        Audit(
            f"A{i}",
            date(2019, 6, 1),
            "Auditor",
            g,
            moderator="PSW" if i in dict(moderated) else None,
            moderated_grade=dict(moderated).get(i),
            moderation_date=date(2019, 6, 2) if i in dict(moderated) else None,
        )
        for i, g in enumerate(grades)
    )
    arepo.save_assurance(store, "999", AssuranceData(audits=audits), today=TODAY)


O, G, RI, I = Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE  # noqa: E741


def test_quality_indicators_from_the_store_by_hand(store):
    """Seven audits in 2019-20: auditors O, G, G, G, RI, RI, I; four moderated, audit 3
    (Good) moderated down to RI, the others agreed. Final grades O, G, G, RI, RI, RI, I:
    good or better 3/7 = 42.9%, inadequate 1/7 = 14.3%, moderation agreement 3/4 = 75%."""
    _audits(store, [O, G, G, G, RI, RI, I], moderated=[(0, O), (1, G), (3, RI), (4, RI)])
    repo.save_plan(store, "999", plan(), today=TODAY)
    res = {
        r.id: r
        for r in compute(sources_from_store(store, "999"), [date(2020, 3, 31)], la_codes=["999"])
    }
    g = res["audits_good_or_better_pct"]
    assert (g.numerator, g.denominator, round(g.value, 1)) == (3, 7, 42.9)
    assert round(res["audits_inadequate_pct"].value, 1) == 14.3
    m = res["moderation_agreement_pct"]
    assert (m.numerator, m.denominator, m.value) == (3, 4, 75.0)
    # Actions due 1 April 2019 - 31 March 2020: P1.1 Green but past its due date (30 September
    # 2019) at the year's end, so overdue; P1.2 Red; P2.1 Complete -> 1/3.
    a = res["plan_actions_on_track_pct"]
    assert (a.numerator, a.denominator) == (1, 3)
    # The year before holds no audits: no audits in the denominator, so no value.
    [before] = compute(
        sources_from_store(store, "999"), [date(2019, 3, 31)], ids=["audits_good_or_better_pct"]
    )
    assert before.value is None and before.denominator == 0


def test_an_authority_without_audits_has_no_data_not_zero(store):
    _audits(store, [G])
    [r] = compute(
        sources_from_store(store, "998"),
        [date(2020, 3, 31)],
        ids=["audits_good_or_better_pct"],
        la_codes=["998"],
    )
    assert r.value is None and r.reason == "no data: the store has no case audits table"


def test_target_progress_from_the_indicator_engine(store, tmp_path):
    """cla_count: 3 children looked after at 31 March 2020 against a target of 2 from a
    baseline of 4: progress (3 - 4) / (2 - 4) = 50% (polarity neutral, direction taken from
    baseline to target); the data reach the target date, so not met.
    audits_good_or_better_pct: baseline computed at 31 March 2019 (audits in 2018-19: 1 of 2
    good = 50%); now 2 of 2 in 2019-20 = 100% against 60%: met; (100 - 50) / (60 - 50) = 500%
    is bounded at 100% (the target reached, never "500% of the way")."""
    kids = ["K1", "K2", "K3"]
    d = tmp_path / "903"
    d.mkdir()
    files = write_903_children(d, [episode(k, "01/06/2019") for k in kids])
    ingest_903(store, files, la_code="999", return_year=2020)
    arepo.save_assurance(
        store,
        "999",
        AssuranceData(
            audits=(
                Audit("K1", date(2018, 6, 1), "X", G),
                Audit("K2", date(2018, 6, 1), "X", I),
                Audit("K1", date(2019, 6, 1), "X", G),
                Audit("K2", date(2019, 6, 1), "X", O),
            )
        ),
        today=TODAY,
    )
    cla, audits = target_progress(store, "999", plan())
    assert (cla.at, cla.value, cla.baseline, cla.progress_pct, cla.status) == (
        date(2020, 3, 31),
        3.0,
        4.0,
        50.0,
        "not met",
    )
    assert (audits.value, audits.baseline, audits.progress_pct, audits.status) == (
        100.0,
        50.0,
        100.0,
        "met",
    )
    # `selfeval plan show` writes each figure as every output does: a count whole (it wrote
    # 3 and 4 as they are, but a percentage without its sign), a percentage to one place.
    assert cla.describe() == (
        "Children looked after (cla_count): 2 by 2020-03-31; 3 at 2020-03-31 from a baseline"
        " of 4: moved 50% of the way (target date passed)"
    )
    assert audits.describe() == (
        "Case audits graded good or better (audits_good_or_better_pct): 60.0% by 2020-03-31;"
        " 100.0% at 2020-03-31 from a baseline of 50.0%: target reached"
    )
    # The quality page's reader: no id, dates in words.
    assert cla.describe(for_people=True) == (
        "Children looked after: 2 by 31 March 2020; 3 at 31 March 2020 from a baseline"
        " of 4: moved 50% of the way (target date passed)"
    )


def test_undoing_a_plan_import_removes_its_plan_and_leaves_the_audits(store, tmp_path):
    """One store, two imports (selfeval.store.workbook_imports keeps both): a plan (2 priorities,
    4 actions, 2 targets) and an audit entered by hand. Undoing the plan's import removes its
    whole plan year and nothing else; the audit and its import stay."""
    import sqlalchemy as sa

    from selfeval.store import workbook_imports as imports
    from selfeval.store import workbook_tables as pt

    res = repo.import_plan(
        store, write_plan_template(tmp_path / "p.xlsx", plan()), "999", today=TODAY
    )
    arepo.save_assurance(
        store,
        "999",
        AssuranceData(audits=(Audit("A0", date(2019, 6, 1), "Ann", Grade(2)),)),
        today=TODAY,
    )
    assert res.record.counts == {"priorities": 2, "actions": 4, "targets": 2}
    assert [i.kind for i in imports.imports_of(store, "999")] == ["plan", "audits"]

    undone = imports.undo_import(store, res.record.id)
    assert (undone.id, undone.kind) == (res.record.id, "plan")
    assert repo.plan_years(store, "999") == []
    with store.engine.connect() as c:
        assert [
            c.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (pt.priorities, pt.actions, pt.targets)
        ] == [0, 0, 0]
    assert [a.child_id for a in arepo.audits(store, "999")] == ["A0"]
    assert [i.kind for i in imports.imports_of(store, "999")] == ["audits"]
