"""The two bases: as returned (loads of a return year and earlier) and as now recorded."""

from __future__ import annotations

from datetime import date

import pytest

from selfeval.errors import UsageError
from selfeval.indicators import (
    AS_RECORDED,
    AS_RETURNED,
    Basis,
    compute,
    sources_from_store,
)
from selfeval.indicators.export import to_csv, to_table
from selfeval.indicators.on_basis import basis_differences, compute_from_store
from test_merge import ep, load


def _two_years(store):
    """2019 leaves A and B open at 31 March 2019; 2020 re-reports A only (B was recorded in
    error) and adds C, who started on 1 June 2019."""
    load(store, "903", 2019, {"ssda903_episodes": [ep("A", "01/06/2018"), ep("B", "01/01/2019")]})
    load(
        store,
        "903",
        2020,
        {"ssda903_episodes": [ep("A", "01/06/2018"), ep("C", "01/06/2019")]},
    )


def test_as_returned_is_the_record_of_the_year_and_earlier(store):
    """At 31 March 2019: as returned 2 (A, B: the 2019 return as submitted); as now recorded 1
    (2020 dropped B). At 31 March 2020 both bases read both returns: 2 (A, C)."""
    _two_years(store)
    at19, at20 = date(2019, 3, 31), date(2020, 3, 31)
    as_returned = sources_from_store(store, basis=AS_RETURNED, year=2019)
    [r] = compute(as_returned, [at19], ids=["cla_count"])
    assert (r.value, r.basis) == (2, AS_RETURNED)
    [r] = compute(sources_from_store(store), [at19], ids=["cla_count"])
    assert (r.value, r.basis) == (1, AS_RECORDED)
    [r] = compute(
        sources_from_store(store, basis="as-returned", year=at20), [at20], ids=["cla_count"]
    )
    assert r.value == 2


def test_a_series_as_returned_takes_each_month_from_its_own_return_year(store):
    """31 March 2019 from 2019's record (2), 30 April 2019 from 2020's (A, C not yet: 1)."""
    _two_years(store)
    res = compute_from_store(
        store, [date(2019, 3, 31), date(2019, 4, 30)], basis=AS_RETURNED, ids=["cla_count"]
    )
    assert [(r.date, r.value, str(r.basis)) for r in res] == [
        (date(2019, 3, 31), 2, "as returned"),
        (date(2019, 4, 30), 1, "as returned"),
    ]
    assert "as returned" in to_table(res) and to_csv(res).splitlines()[1].endswith("as returned")


def test_the_difference_between_the_bases_for_a_year(store):
    _two_years(store)
    [d] = basis_differences(store, "999", 2019, ids=["cla_count"])
    assert (d.as_returned.value, d.as_recorded.value, d.difference, d.differs) == (2, 1, -1, True)
    [d] = basis_differences(store, "999", 2020, ids=["cla_count"])
    assert (d.difference, d.differs) == (0, False)


def test_as_returned_needs_a_year_and_a_known_basis(store):
    _two_years(store)
    with pytest.raises(UsageError, match="need the year"):
        sources_from_store(store, basis=AS_RETURNED)
    with pytest.raises(UsageError, match="as-returned or as-recorded"):
        Basis.parse("as published")
    assert Basis.parse("as now recorded") is AS_RECORDED
    assert Basis.parse("AS_RETURNED") is AS_RETURNED


@pytest.mark.django_db
def test_the_children_behind_a_figure_on_each_basis(store, capsys):
    """At 31 March 2019 as returned the list is A and B, as the 2019 return counted them."""
    from conftest import run_cli

    _two_years(store)
    args = ["--db", str(store.url), "indicators", "children", "cla_count", "--at", "2019-03-31"]
    code, out, err = run_cli(capsys, *args, "--basis", "as-returned")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert [ln.split("\t")[0] for ln in lines[1:-1]] == ["A", "B"]
    assert lines[-1] == "cla_count at 2019-03-31 for 999 (as returned): 2 rows"
    code, out, _ = run_cli(capsys, *args)
    assert (
        out.strip().splitlines()[-1] == "cla_count at 2019-03-31 for 999 (as now recorded): 1 rows"
    )
