"""An indicator DfE redefined in a given year is two declarations of one id, each for its
return years: the catalogue of a year shows the one in force, and each figure is computed by
the definition of its own return year (docs/decisions/0023-return-year-versions.md)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builders import declare, episode, sources, value
from selfeval.cli import cli
from selfeval.indicators import registry
from selfeval.indicators.expr import (
    count_rows,
    looked_after_at,
    looked_after_episodes,
    open_at,
    with_periods,
)
from selfeval.indicators.registry import catalogue

ID = "test_children_in_care_redefined"
OLD = "Children looked after"
NEW = "Children looked after in foster care"
META = dict(
    definition="Until 2019 every child looked after; from 2020 those placed with foster carers "
    "(U1) only.",
    numerator="children looked after on the date",
)


@pytest.fixture
def redefined():  # type: ignore[no-untyped-def]
    declare(ID, OLD, **META, until_year=2019)(lambda src, p: count_rows(looked_after_at(src, p)))

    def from_2020(src, p):  # type: ignore[no-untyped-def]
        j = with_periods(looked_after_episodes(src), p)
        j = j.filter(open_at(j.DECOM, j.DEC, j.period_end) & (j.PLACE == "U1"))
        return count_rows(j.select("la_code", "period_end", "CHILD").distinct())

    declare(ID, NEW, **META, from_year=2020)(from_2020)
    yield
    registry._REGISTRY.pop(ID, None)
    registry._EARLIER.pop(ID, None)


def test_each_figure_uses_its_own_year_s_definition(redefined):
    """A in foster care (U1) and B in a children's home (K2), both since 2018: 2 children at
    31/3/2019 (all, the old definition), 1 at 31/3/2020 (U1 only, the new one)."""
    src = sources(
        ssda903_episodes=[
            episode("A", "2018-05-01", place="U1"),
            episode("B", "2018-06-01", place="K2"),
        ]
    )
    assert value(src, ID, "2019-03-31") == 2
    assert value(src, ID, "2020-03-31") == 1
    assert catalogue(2019)[ID].until_year == 2019
    assert catalogue(2020)[ID].from_year == 2020 and catalogue()[ID].from_year == 2020


def test_overlapping_years_are_refused(redefined):
    with pytest.raises(ValueError, match="declared twice for the same return years"):
        declare(ID, NEW, **META, from_year=2019, until_year=2021)(lambda src, p: None)


def test_indicators_list_year_shows_that_year_s_catalogue(redefined):
    def listed(*year: str) -> list[str]:
        r = CliRunner().invoke(cli, ["indicators", "list", *year])
        assert r.exit_code == 0, r.output
        return next(x for x in r.output.splitlines() if ID in x).split()

    assert listed("--year", "2019") == ["looked_after", ID, *OLD.split()]
    assert listed("--year", "2020") == listed() == ["looked_after", ID, *NEW.split()]
