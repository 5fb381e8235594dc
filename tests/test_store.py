"""The store records loads with provenance, ignores repeats and undoes cleanly."""

from __future__ import annotations

import pytest

from conftest import write_903_table
from selfeval.errors import InputError
from selfeval.ingest import ingest_903


def _files(tmp_path, child="A"):
    h = write_903_table(
        tmp_path / "header.csv",
        "ssda903_header",
        [{"CHILD": child, "SEX": "1", "DOB": "01/01/2010"}],
    )
    e = write_903_table(
        tmp_path / "episodes.csv",
        "ssda903_episodes",
        [{"CHILD": child, "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"}],
    )
    return [h, e]


def test_load_records_provenance_and_same_files_change_nothing(store, tmp_path):
    files = _files(tmp_path)
    first = ingest_903(store, files, la_code="999", return_year=2019, loaded_by="analyst1")
    again = ingest_903(store, files, la_code="999", return_year=2019)
    assert first.created and not again.created
    assert again.load.id == first.load.id
    [rec] = store.loads()
    assert rec.loaded_by == "analyst1"
    assert rec.tables == {"ssda903_header": 1, "ssda903_episodes": 1}
    assert {f.name for f in store.load(rec.id).files} == {"header.csv", "episodes.csv"}


def test_undo_removes_the_load_and_its_files(store, tmp_path):
    res = ingest_903(store, _files(tmp_path), la_code="999", return_year=2019)
    store.undo(res.load.id)
    assert store.loads() == []
    assert store.table("ssda903_episodes") is None
    assert list((store.data_dir / "loads").iterdir()) == []


def test_a_merged_table_is_kept_until_the_loads_it_reads_change(store, tmp_path):
    """The store keeps the tables it merged (``Store.table``) by the files and loads they
    read: asked again, the same table; after a load, an undo or a load again (the same files,
    a new load id), the table as the loads now are (as merged afresh)."""
    from selfeval.store.merge import merged_table

    def fresh(**kw):
        return merged_table(store, "ssda903_episodes", **kw)

    ingest_903(store, _files(tmp_path), la_code="999", return_year=2019)
    first = store.table("ssda903_episodes")
    assert store.table("ssda903_episodes") is first and first.equals(fresh())
    assert store.table("ssda903_episodes", max_year=2018) is None
    other = tmp_path / "2020"
    other.mkdir()
    res = ingest_903(store, _files(other, child="B"), la_code="999", return_year=2020)
    second = store.table("ssda903_episodes")
    assert second.equals(fresh()) and not second.equals(first)
    assert store.table("ssda903_episodes", max_year=2019).equals(first)
    store.undo(res.load.id)
    assert store.table("ssda903_episodes").equals(first)
    again = ingest_903(store, _files(other, child="B"), la_code="999", return_year=2020)
    assert again.load.id != res.load.id
    third = store.table("ssda903_episodes")
    assert third.equals(fresh()) and set(third.column("load_id").to_pylist()) == {again.load.id}


def test_a_bad_date_refuses_the_load_and_names_file_row_field(store, tmp_path):
    ingest_903(store, _files(tmp_path), la_code="999", return_year=2019)
    bad = tmp_path / "bad"
    bad.mkdir()
    h, e = _files(bad, child="B")
    e.write_text(e.read_text().replace("01/06/2018", "31/02/2018"))
    with pytest.raises(InputError) as err:
        ingest_903(store, [h, e], la_code="999", return_year=2020)
    assert "episodes.csv, row 2, field DECOM" in str(err.value)
    assert len(store.loads()) == 1
    assert store.table("ssda903_episodes").column("CHILD").to_pylist() == ["A"]


def test_later_return_wins_for_the_same_episode(store, tmp_path):
    ingest_903(store, _files(tmp_path), la_code="999", return_year=2019)
    later = tmp_path / "2020"
    later.mkdir()
    h, e = _files(later)
    e.write_text(e.read_text().rstrip("\n").replace("U1", "U4") + "\n")
    ingest_903(store, [h, e], la_code="999", return_year=2020)
    t = store.table("ssda903_episodes")
    assert t.num_rows == 1
    assert t.column("PLACE").to_pylist() == ["U4"]


def test_the_stores_files_and_folders_are_private_under_a_permissive_umask(tmp_path):
    """Under umask 022 (files 0644, folders 0755 by default) the database, the data folder,
    every load's folder and file are its owner's only: 0600 and 0700."""
    import os
    import stat

    from conftest import handmade_903
    from selfeval.ingest import ingest_903
    from selfeval.store import Store

    old = os.umask(0o022)
    try:
        s = Store(f"sqlite:///{tmp_path / 'private.db'}")
        ingest_903(s, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
        s.engine.dispose()
    finally:
        os.umask(old)
    made = [tmp_path / "private.db", *(tmp_path / "private.db.data").rglob("*")]
    modes = {
        p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in [tmp_path / "private.db.data", *made]
        if not p.name.startswith("private.db-")  # SQLite's -wal/-shm copy the database's mode
    }
    assert any(k.endswith(".parquet") for k in modes)
    wrong = {
        k: oct(m) for k, m in modes.items() if m != (0o700 if (tmp_path / k).is_dir() else 0o600)
    }
    assert wrong == {}


def test_load_ids_are_never_given_twice(store, tmp_path):
    """Loads 1 and 2; undo 2; the next load is 3, not 2 again (SQLite reused the largest id
    plus one)."""
    from conftest import handmade_903
    from selfeval.ingest import ingest_903

    one = ingest_903(store, handmade_903(tmp_path / "a"), la_code="998", return_year=2020)
    two = ingest_903(store, handmade_903(tmp_path / "b"), la_code="999", return_year=2020)
    assert (one.load.id, two.load.id) == (1, 2)
    store.undo(2)
    three = ingest_903(store, handmade_903(tmp_path / "c"), la_code="999", return_year=2020)
    assert three.load.id == 3
