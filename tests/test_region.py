"""The regional view: authorities side by side, and the outlier rules worked by hand."""

from __future__ import annotations

from datetime import date

from conftest import write_903_table
from selfeval.ingest import ingest_903
from selfeval.region import flags, region_view


def test_outliers_against_england_and_neighbours_by_hand():
    """Ten authorities' published values 10, 12, ..., 28: population SD = sqrt(330/10) = 5.745;
    England 19, so the band is 19 +- 11.49 = 7.51 to 30.49."""
    values = [10.0, 12, 14, 16, 18, 20, 22, 24, 26, 28]
    assert flags(31.0, 19.0, values, [20, 22]) == ("above", "above")
    assert flags(30.0, 19.0, values, [20, 30.5]) == (None, None)
    assert flags(7.0, 19.0, values, [8.0, 9.0]) == ("below", "below")
    assert flags(15.0, None, values, []) == (None, None)


def test_two_authorities_side_by_side(store, tmp_path):
    """301 has 2 children looked after at 31/03/2019 (one a V3 short break, not counted, so 1);
    302 has 2."""
    for la, rows in {
        "301": [("A", "C2"), ("B", "V3")],
        "302": [("C", "C2"), ("D", "J2")],
    }.items():
        folder = tmp_path / la
        folder.mkdir()
        h = write_903_table(
            folder / "h.csv",
            "ssda903_header",
            [{"CHILD": c, "SEX": "1", "DOB": "01/01/2010"} for c, _ in rows],
        )
        e = write_903_table(
            folder / "e.csv",
            "ssda903_episodes",
            [
                {"CHILD": c, "DECOM": "01/06/2018", "RNE": "S", "LS": ls, "PLACE": "U1"}
                for c, ls in rows
            ],
        )
        ingest_903(store, [h, e], la_code=la, return_year=2019)
    view = region_view(store, date(2019, 3, 31), ids=["cla_count"])
    assert view.la_codes == ["301", "302"]
    assert view.cells[("301", "cla_count")].value == 1
    assert view.cells[("302", "cla_count")].value == 2
    assert view.outliers() == []
