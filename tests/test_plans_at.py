"""The plans a document reads are those of its date, not the latest in the store.

Authority 999 has loaded four plan years, 2022-23 to 2025-26 (in an order that is not the
years' own). Each plan has a new priority and one carried forward, both recorded at the same
status, one for each year: 2022-23 Red, 2023-24 Amber, 2024-25 Green, 2025-26 Complete (no
target or action contradicts these, so each is also its rating from the data, save Complete:
with no action complete it is rated Green). A document made at a date reads the plans of that
date (``selfeval.plans.repository.plans_at``): the current plan is the latest in force at the
date or from the day after; last year's is the one whose year ended in the 12 months to the
date. So:

| at | current | last year's (rated by the self-evaluation) |
|---|---|---|
| 31 March 2024 | 2024-25 (it starts the next day) | 2023-24 |
| 30 September 2023 | 2023-24 | 2022-23 |
| 31 March 2022 | 2022-23 (it starts the next day) | none: 2022-23's carried-forward priority |
| 30 September 2021 | none | none |

Before, every document read the latest plans whatever its date: the self-evaluation rated the
2024-25 plan at each of these dates and the engagement pack showed the 2025-26 plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from builders import episode
from conftest import write_903_children
from selfeval.evaluation import FigureCache, SefOptions, build_scrutiny
from selfeval.evaluation.engagement import engagement_pack
from selfeval.evaluation.publish import example_council_path, load_council
from selfeval.evaluation.scrutiny import council_sef
from selfeval.ingest import ingest_903
from selfeval.outputs.document import Document, Heading, Paragraph, Table
from selfeval.outputs.quality import quality_page
from selfeval.plans.records import Action, Plan, Priority
from selfeval.plans.repository import plans_at, save_plan
from selfeval.store import Store

LA = "999"  # the example council's authority
STATUS = {
    "2021-22": "Red",
    "2022-23": "Red",
    "2023-24": "Amber",
    "2024-25": "Green",
    "2025-26": "Complete",
}
MARCH_2024, SEPTEMBER_2023 = date(2024, 3, 31), date(2023, 9, 30)
MARCH_2022, SEPTEMBER_2021 = date(2022, 3, 31), date(2021, 9, 30)
PROGRESS = "Progress against last year's priorities and recommendations"


def _plan(year: str) -> Plan:
    start = int(year[:4])
    status = STATUS[year]
    return Plan(
        year,
        (
            Priority("P1", f"The {year} priority", status=status),
            Priority(
                "P2", f"Carried into {year}", "Carried forward", f"{start - 1} P1", status=status
            ),
        ),
        (Action("P1", "A1", f"Act in {year}", "Head of Service", date(start + 1, 3, 1), "Green"),),
    )


@pytest.fixture(scope="module")
def four_plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Six children in care since June 2020 (returns 2021 to 2024) and the four plans."""
    tmp = tmp_path_factory.mktemp("plans_at")
    store = Store(f"sqlite:///{tmp / 'selfeval.db'}")
    for year in (2021, 2022, 2023, 2024):
        folder = tmp / str(year)
        folder.mkdir()
        eps = [episode(f"K{i}", "01/06/2020") for i in range(6)]
        ingest_903(store, write_903_children(folder, eps), la_code=LA, return_year=year)
    for y in ("2024-25", "2022-23", "2025-26", "2023-24"):
        save_plan(store, LA, _plan(y), today=date(2025, 4, 1))
    yield store
    store.engine.dispose()


def _years(store: Store, at: date) -> tuple[str | None, str | None]:
    found = plans_at(store, LA, at)
    return (
        found.current.plan_year if found.current else None,
        found.evaluated.plan_year if found.evaluated else None,
    )


def test_plans_at_each_date(four_plans: Store) -> None:
    assert _years(four_plans, MARCH_2024) == ("2024-25", "2023-24")
    assert _years(four_plans, SEPTEMBER_2023) == ("2023-24", "2022-23")
    assert _years(four_plans, MARCH_2022) == ("2022-23", None)
    assert _years(four_plans, SEPTEMBER_2021) == (None, None)
    # A plan is considered from the day before its year starts, not two days before.
    assert _years(four_plans, date(2023, 3, 31)) == ("2023-24", "2022-23")
    assert _years(four_plans, date(2023, 3, 30)) == ("2022-23", None)
    assert _years(four_plans, date(2022, 3, 30)) == (None, None)
    # The latest plan's year ends on the date: it is both the current plan and last year's.
    assert _years(four_plans, date(2026, 3, 31)) == ("2025-26", "2025-26")
    # A year later no plan is in force, and none ended in the year: the 2025-26 plan is
    # neither (it was both, read as current and as last year's at any later date).
    assert _years(four_plans, date(2027, 3, 31)) == (None, None)


def test_a_plan_of_an_earlier_year_is_not_last_years(store: Store) -> None:
    """Plans 2021-22 and 2023-24 only (2022-23 not loaded): at 30 September 2023 the current
    plan is 2023-24 and there is no last year's plan (2022-23's is not in the store), rather
    than 2021-22's, which ended 18 months before."""
    for y in ("2021-22", "2023-24"):
        save_plan(store, LA, _plan(y), today=date(2024, 4, 1))
    assert _years(store, SEPTEMBER_2023) == ("2023-24", None)
    assert _years(store, MARCH_2024) == ("2023-24", "2023-24")


def _review(doc: Document) -> Table | Paragraph:
    """The self-evaluation's review of last year's priorities: its table, or what stands
    in its place."""
    heading = next(
        i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == PROGRESS
    )
    block = doc.blocks[heading + 1]
    assert isinstance(block, Table | Paragraph)
    return block


@pytest.mark.parametrize(
    ("at", "caption", "rows", "ratings"),
    [
        (
            MARCH_2024,
            f"{PROGRESS}: the 2023-24 plan",
            [("The 2023-24 priority", "Amber"), ("Carried into 2023-24", "Amber")],
            "Amber 2",
        ),
        (
            SEPTEMBER_2023,
            f"{PROGRESS}: the 2022-23 plan",
            [("The 2022-23 priority", "Red"), ("Carried into 2022-23", "Red")],
            "Red 2",
        ),
        (
            MARCH_2022,
            f"{PROGRESS}: the 2022-23 plan (carried forward and inspection recommendations)",
            [("Carried into 2022-23", "Red")],
            "Red 1",
        ),
        (SEPTEMBER_2021, None, [], None),
    ],
)
def test_self_evaluation_and_scrutiny_read_the_plans_of_their_date(
    four_plans: Store, at: date, caption: str | None, rows: list, ratings: str | None
) -> None:
    record = FigureCache(four_plans, LA, public=True)
    cfg = load_council(example_council_path())
    sef = council_sef(record, cfg, at=at)
    review = _review(sef.document)
    if caption is None:
        assert isinstance(review, Paragraph)
        assert "".join(s.text for s in review.spans) == (
            "No priorities or recommendations from last year are recorded in the store."
        )
    else:
        assert isinstance(review, Table)
        assert review.caption == caption
        assert [(r[0], r[2], r[3]) for r in review.rows] == [
            (title, rag, rag) for title, rag in rows
        ]
    words = build_scrutiny(record, cfg, at=at, sef=sef).document.text()
    said = "Last year's priorities, rated on the evidence (a rating the data contradict is lowered)"
    if ratings is None:
        assert said not in words
    else:
        assert f"{said}: {ratings}." in words
    # No later plan's priorities are named anywhere in either document.
    later = [y for y in STATUS if int(y[:4]) > at.year - (at.month < 4)]
    for y in later:
        assert f"The {y} priority" not in sef.document.text() + words


@pytest.mark.parametrize(
    ("at", "said"),
    [
        (MARCH_2024, "Plan 2024-25: 1 action,"),
        (SEPTEMBER_2023, "Plan 2023-24: 1 action,"),
        (SEPTEMBER_2021, "No improvement plan is recorded for this authority."),
    ],
)
def test_engagement_pack_shows_the_plan_of_its_date(four_plans: Store, at: date, said: str) -> None:
    words = engagement_pack(four_plans, LA, at).text()
    assert said in words
    assert "2025-26" not in words


def test_quality_page_at_a_date_shows_the_plan_of_that_date(
    four_plans: Store, tmp_path: Path
) -> None:
    page = quality_page(four_plans, LA, tmp_path / "q.html", at=SEPTEMBER_2023).read_text()
    assert "Plan 2023-24: 2 priorities, 1 action;" in page
    assert "2025-26" not in page
    earlier = quality_page(four_plans, LA, tmp_path / "q.html", at=SEPTEMBER_2021).read_text()
    assert "No improvement plan is recorded." in earlier
    # Without a date, the latest plan (as before).
    assert "Plan 2025-26" in quality_page(four_plans, LA, tmp_path / "q.html").read_text()


def test_action_statuses_are_those_of_the_date(store: Store, tmp_path: Path) -> None:
    """One action of the 2023-24 plan: imported Amber on 1 April 2023, set Green on 1 October
    2023, Complete on 1 May 2024, and the plan imported again (Red) on 1 June 2024. A document
    at a date shows the status recorded last on or before it; before the first, the first,
    with its day."""
    from selfeval.evaluation.supporting import priority_ratings
    from selfeval.plans.repository import plan, set_action_status, statuses_at

    def one(status: str) -> Plan:
        return Plan(
            "2023-24",
            (Priority("P1", "Stability"),),
            (Action("P1", "A1", "Recruit carers", "Head", date(2024, 6, 30), status),),
        )

    save_plan(store, LA, one("Amber"), today=date(2023, 4, 1))
    action = plan(store, LA).actions[0].id
    assert action is not None
    set_action_status(store, action, "Green", today=date(2023, 10, 1))
    set_action_status(store, action, "Complete", today=date(2024, 5, 1))
    save_plan(store, LA, one("Red"), today=date(2024, 6, 1))  # replaces the year's rows
    assert plan(store, LA).actions[0].status == "Red"  # as now recorded

    def at(d: date) -> tuple[str, date]:
        return statuses_at(store, LA, "2023-24", d)[("P1", "A1")]

    assert at(date(2023, 3, 31)) == ("Amber", date(2023, 4, 1))  # none yet: the first after
    assert at(date(2023, 4, 1)) == ("Amber", date(2023, 4, 1))
    assert at(date(2023, 9, 30)) == ("Amber", date(2023, 4, 1))
    assert at(date(2024, 3, 31)) == ("Green", date(2023, 10, 1))
    assert at(date(2024, 5, 1)) == ("Complete", date(2024, 5, 1))
    assert at(date(2024, 6, 1)) == ("Red", date(2024, 6, 1))

    def pack(d: date) -> str:
        return next(
            line
            for line in engagement_pack(store, LA, d).text().splitlines()
            if line.startswith("Plan ")
        )

    assert pack(SEPTEMBER_2023) == "Plan 2023-24: 1 action, 0 on track (0%), 0 overdue."
    assert pack(MARCH_2024) == "Plan 2023-24: 1 action, 1 on track (100%), 0 overdue."
    assert pack(date(2023, 3, 31)) == (
        "Plan 2023-24: 1 action, 0 on track (0%), 0 overdue. Statuses as recorded on or "
        "before 31 March 2023; 1 of the actions had no status recorded by then and show the "
        "first recorded after it (on 1 April 2023)."
    )
    # The self-evaluation at 31 March 2024 rates the 2023-24 plan by its Green action; at
    # 31 March 2023 (the plan's carried-forward priorities only: none) nothing is rated.
    source, rated = priority_ratings(store, LA, at=MARCH_2024)
    assert source == "the 2023-24 plan"
    assert [(p.title, rag, reasons) for p, rag, reasons in rated] == [("Stability", "Green", [])]
    quality = quality_page(store, LA, tmp_path / "q.html", at=SEPTEMBER_2023).read_text()
    assert 'class="Amber">Amber<' in quality
    # The 2022-23 plan, loaded late (1 June 2024): at 30 September 2023 it is last year's
    # plan, its action's status the first recorded, named with its day.
    late = Plan(
        "2022-23",
        (Priority("P1", "Front door"),),
        (Action("P1", "A1", "Triage", "Head", date(2023, 9, 1), "Complete"),),
    )
    save_plan(store, LA, late, today=date(2024, 6, 1))
    source, rated = priority_ratings(store, LA, at=SEPTEMBER_2023)
    assert source == "the 2022-23 plan"
    assert [(p.title, rag, reasons) for p, rag, reasons in rated] == [
        ("Front door", "Complete", ["action A1 Complete as first recorded, on 1 June 2024"])
    ]


def test_a_priority_s_status_is_that_of_the_date(store: Store) -> None:
    """The 2023-24 plan's one priority, imported Red on 1 April 2023 and imported again Green
    on 1 June 2024 (the year-end review): the self-evaluation at 31 March 2024 reads Red (and
    the data, with nothing against it, rate it Red too); from 1 June 2024 it is Green. A
    status taken off by a later import is recorded as none ("")."""
    from selfeval.evaluation.supporting import priority_ratings
    from selfeval.plans.repository import statuses_at

    def one(status: str | None) -> Plan:
        return Plan("2023-24", (Priority("P1", "Stability", status=status),), ())

    save_plan(store, LA, one("Red"), today=date(2023, 4, 1))
    save_plan(store, LA, one("Green"), today=date(2024, 6, 1))
    assert statuses_at(store, LA, "2023-24", MARCH_2024)[("P1", "")] == ("Red", date(2023, 4, 1))
    _, rated = priority_ratings(store, LA, at=MARCH_2024)
    assert [(p.status, rag, reasons) for p, rag, reasons in rated] == [("Red", "Red", [])]
    assert statuses_at(store, LA, "2023-24", date(2024, 6, 1))[("P1", "")] == (
        "Green",
        date(2024, 6, 1),
    )
    save_plan(store, LA, one(None), today=date(2024, 7, 1))  # the status taken off
    assert statuses_at(store, LA, "2023-24", date(2024, 7, 1))[("P1", "")] == (
        "",
        date(2024, 7, 1),
    )


def test_a_priority_first_recorded_after_the_date_says_so(store: Store) -> None:
    """A plan loaded only after the date: its priority's status is the first recorded, and the
    self-evaluation names the day."""
    from selfeval.evaluation.supporting import priority_ratings

    late = Plan("2023-24", (Priority("P1", "Stability", status="Green"),), ())
    save_plan(store, LA, late, today=date(2024, 6, 1))
    _, rated = priority_ratings(store, LA, at=MARCH_2024)
    assert [(p.status, reasons) for p, _, reasons in rated] == [
        ("Green", ["priority Green as first recorded, on 1 June 2024"])
    ]


def test_report_check_makes_the_self_evaluation_again_after_a_status_changes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``report check`` keeps the self-evaluation it made from the store for a state of the
    store: an action's new status (which can change the ratings) is a new state."""
    from types import SimpleNamespace

    from selfeval.evaluation import report_check
    from selfeval.plans.repository import plan, set_action_status

    made: list[date] = []

    def build(record: object, opts: SefOptions) -> SimpleNamespace:
        made.append(opts.at)
        return SimpleNamespace(document=SimpleNamespace(text=lambda: "12 of 34"))

    monkeypatch.setattr(report_check, "build_sef", build)
    save_plan(store, LA, _plan("2023-24"), today=date(2023, 4, 1))
    assert report_check.supporting_figures(store, LA, date(2023, 3, 31), MARCH_2024) == {12, 34}
    report_check.supporting_figures(store, LA, date(2023, 3, 31), MARCH_2024)
    assert len(made) == 1
    action = plan(store, LA).actions[0].id
    assert action is not None
    set_action_status(store, action, "Complete", today=date(2024, 3, 1))
    report_check.supporting_figures(store, LA, date(2023, 3, 31), MARCH_2024)
    assert len(made) == 2
