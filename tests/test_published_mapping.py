"""The catalogue is the one home of each published mapping (issue 16)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from builders import declare
from conftest import SHARED
from selfeval.benchmarks import mapped_indicators
from selfeval.indicators import catalogue
from selfeval.indicators.registry import Published

SRC = Path(__file__).resolve().parents[1] / "src" / "selfeval"
EES = SHARED / "data" / "ees"


def _declare(ind_id: str, published: Published) -> None:
    declare(ind_id, "A second home for a mapping", published=published)(lambda src, periods: None)


def test_a_published_measure_cannot_be_declared_twice():
    """cla_count already declares the 31 March count; a second indicator naming it is refused."""
    taken = catalogue()["cla_count"].published
    with pytest.raises(ValueError, match="already 'cla_count'"):
        _declare("cla_count_again", taken)
    assert "cla_count_again" not in catalogue()


def test_no_published_measure_is_declared_outside_the_catalogue():
    """Only indicator declarations (and the ONS population, which is no indicator's) build a
    ``Published``: a second table of mappings would drift from the declarations."""
    homes = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"import[^\n]*\bPublished\b", text) and "Published(" in text:
            homes.append(path.relative_to(SRC).as_posix())
    assert [h for h in sorted(homes) if not h.startswith("indicators/definitions/")] == [
        "indicators/published.py",  # POPULATION, the denominator of rates
    ]
    assert "PUBLISHED" not in (SRC / "indicators" / "population.py").read_text(encoding="utf-8")


def test_every_mapping_is_an_indicators_own():
    mapped = {m.id: m.published for m in mapped_indicators()}
    cat = catalogue()
    assert mapped == {i: ind.published for i, ind in cat.items() if ind.published}
    assert len(mapped) == 29  # 26 published measures, 3 of them also as rates per 10,000


def _rows(file: str) -> list[dict[str, str]]:
    with open(EES / f"{file}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("ind_id", [m.id for m in mapped_indicators()])
def test_each_filter_picks_one_breakdown_of_the_real_file(ind_id):
    """Every filter names a column of DfE's file and a value in it, and together with the
    measure column they pick one row per authority and year (no breakdown column left open)."""
    p = catalogue()[ind_id].published
    rows = _rows(p.file)
    assert p.column in rows[0], f"{p.file} has no column {p.column}"
    for col, value in p.filters:
        assert value in {r[col] for r in rows}, f"{p.file}.{col} has no {value!r}"
    picked = [r for r in rows if all(r[c] == v for c, v in p.filters)]
    geo = ("time_period", "geographic_level", "region_code", "old_la_code", "new_la_code")
    keys = [tuple(r.get(g, "") for g in geo) for r in picked]
    assert picked and len(keys) == len(set(keys)), f"{ind_id}: {len(keys)} rows, not one each"


def test_the_three_drifted_filters_name_their_cla_group():
    """The stability and social-worker tables hold several groups of children; the mapping
    names the group (real files: 'CLA on 31 March' and the 2.5-years-under-16 group)."""
    cat = catalogue()
    groups = {
        i: dict(cat[i].published.filters)["cla_group"]
        for i in (
            "stability_3plus_placements_pct",
            "stability_long_term_pct",
            "sw_changes_3plus_pct",
        )
    }
    assert groups == {
        "stability_3plus_placements_pct": "CLA on 31 March",
        "stability_long_term_pct": "Children looked after continuously for at least 2.5 years "
        "on 31 March aged under 16 years",
        "sw_changes_3plus_pct": "CLA on 31 March",
    }
