"""Charts: PNG and SVG, readable without colour, a text alternative, reproducible SVG."""

from __future__ import annotations

from pathlib import Path

from selfeval.benchmarks.spc import p_chart
from selfeval.outputs.charts import control_chart, neighbours_chart


def _series(out: Path):
    c = p_chart([10, 16] * 4 + [10, 40], [100] * 10, [str(y) for y in range(2011, 2021)])
    return control_chart(
        c,
        out,
        title="Looked after children with 3 or more placements",
        y_label="Children (%)",
        benchmarks={"England": [11.0] * 10, "Region": [10.0] * 9 + [None]},
    )


def test_control_chart_files_alt_text_and_reproducible_svg(tmp_path):
    a = _series(tmp_path / "a" / "stability")
    b = _series(tmp_path / "b" / "stability")
    assert [p.suffix for p in a.files] == [".png", ".svg"]
    assert a.file("png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = a.file("svg").read_text()
    assert a.file("svg").read_bytes() == b.file("svg").read_bytes()
    assert "<dc:date>" not in svg
    assert "Looked after children with 3 or more placements" in svg
    assert "Children (%)" in svg and "Year" in svg
    assert "Signal: beyond the limits" in svg  # the legend names the marker, not a colour
    assert a.alt.startswith("Looked after children with 3 or more placements. Line chart of 10")
    assert "2011 (10.0%) to 2020 (40.0%)" in a.alt
    assert "England 11.0%" in a.alt
    assert "Signal: 2020 beyond the control limits." in a.alt


def test_neighbours_chart_highlights_the_authority_by_hatching(tmp_path):
    ch = neighbours_chart(
        [("Wolverhampton", 9.0), ("Walsall", 11.0), ("Sandwell", None), ("Coventry", 10.0)],
        "Wolverhampton",
        tmp_path / "nb",
        title="3+ placements, 31 March 2020",
        y_label="Children (%)",
        england=11.0,
    )
    svg = ch.file("svg").read_text()
    assert 'id="patch' in svg and "hatch" in svg  # the authority's bar carries a pattern
    assert "Wolverhampton 9.0%, Walsall 11.0%, Sandwell not published, Coventry 10.0%" in ch.alt
    assert "Wolverhampton is 9.0%, 2 of the others higher and 0 lower" in ch.alt
