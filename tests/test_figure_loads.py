"""A record of figures (``FigureCache``) reads the store's loads once, for its sources and
every figure's evidence alike, and keeps to that reading for as long as it lives (one
document); the next record reads them anew."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import count_loads, write_903_children
from selfeval.evaluation.placeholders import FigureCache, parse_figure
from selfeval.ingest import ingest_903
from selfeval.store import Store

LA = "999"


def _return(folder: Path, child: str, decom: str) -> list[Path]:
    folder.mkdir()
    return write_903_children(
        folder, [{"CHILD": child, "DECOM": decom, "RNE": "S", "LS": "C2", "PLACE": "U1"}]
    )


@pytest.fixture
def counted(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every reading of the store's loads (``Store.loads``), by authority asked for."""
    return count_loads(store, monkeypatch)


def test_a_record_reads_the_loads_once_and_keeps_to_that_reading(store, tmp_path, counted):
    """Load 1 is the 2018/19 return (1/4/2018-31/3/2019), load 2 the 2019/20 return: a
    figure at 31/03/2020 rests on load 2, a change from 31/03/2019 on both. A 2020/21 return
    loaded while the record lives (load 3) is not in its evidence or its state, which stay
    those of the loads its figures were computed from; the next record has it."""
    ingest_903(store, _return(tmp_path / "2019", "A", "01/05/2018"), la_code=LA, return_year=2019)
    ingest_903(store, _return(tmp_path / "2020", "B", "01/05/2019"), la_code=LA, return_year=2020)
    counted.clear()
    record = FigureCache(store, LA)
    assert counted == [LA]  # its sources' and its evidence's one reading
    at = record.figure(parse_figure("cla_count at 2020-03-31"))
    change = record.figure(parse_figure("cla_count from 2019-03-31 to 2020-03-31"))
    assert (at.evidence.load_ids, change.evidence.load_ids) == ((2,), (1, 2))
    assert counted == [LA]
    ingest_903(store, _return(tmp_path / "2021", "C", "01/05/2020"), la_code=LA, return_year=2021)
    # (its sources cover no date of 2020/21: neither may its evidence)
    assert record.load_ids(("ssda903_episodes",), date(2019, 4, 1), date(2021, 3, 31)) == (2,)
    assert record.state() == (str(store.url), LA, (1, 2))
    again = FigureCache(store, LA)
    assert again.figure(parse_figure("cla_count at 2021-03-31")).evidence.load_ids == (3,)
    assert again.state() == (str(store.url), LA, (1, 2, 3))
