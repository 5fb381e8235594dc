"""Returns as councils' and tools' files really come: blank tables, a stray second file of a
table, real export names, Ofsted's provider lists beside a 903 return (issue 21). Every file
here is hand-made in the shape of the real one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli, write_903_table
from selfeval.errors import InputError, UsageError
from selfeval.ingest import ingest

LA = "999"
EP = {"RNE": "S", "LS": "C2", "PLACE": "U1"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own for the files (the store lives in tmp_path)."""
    d = tmp_path / "returns"
    d.mkdir()
    return d


def header(path: Path, children: str = "AB") -> Path:
    rows = [{"CHILD": c, "SEX": "1", "DOB": "01/01/2010"} for c in children]
    return write_903_table(path, "ssda903_header", rows)


def episodes(path: Path, children: str = "AB", decom: str = "01/06/2018") -> Path:
    rows = [{"CHILD": c, "DECOM": decom, **EP} for c in children]
    return write_903_table(path, "ssda903_episodes", rows)


def test_a_blank_table_file_is_a_table_with_no_rows_noted_in_the_report(store, folder):
    """cs-demand-model's shape: ``2017-ad1.csv`` is a newline only, beside the year's other
    tables. The load holds ad1 with 0 rows (so "no adoptions", not "not given") and says so."""
    header(folder / "2017-header.csv")
    episodes(folder / "2017-episodes.csv")
    (folder / "2017-ad1.csv").write_text("\n")
    (folder / "2017-placed_for_adoption.csv").write_text("")
    rec = ingest(store, [folder], la_code=LA, validate=False).load
    assert rec.return_year == 2019  # from the episodes (latest start 01/06/2018)
    assert rec.tables == {
        "ssda903_ad1": 0,
        "ssda903_episodes": 2,
        "ssda903_header": 2,
        "ssda903_placed_adoption": 0,
    }
    notes = [w for w in rec.validation["tolerated"] if "[empty-table]" in w]
    assert notes == [
        "2017-ad1.csv: the file is blank: read as the ssda903_ad1 table with no rows (its name "
        "says which table) [empty-table]",
        "2017-placed_for_adoption.csv: the file is blank: read as the ssda903_placed_adoption "
        "table with no rows (its name says which table) [empty-table]",
    ]


def test_a_blank_file_whose_name_says_no_table_is_refused(store, folder):
    episodes(folder / "episodes.csv")
    (folder / "notes.csv").write_text("\n\n")
    with pytest.raises(InputError, match=r"notes\.csv.*blank.*\[empty-file\]"):
        ingest(store, [folder], la_code=LA, validate=False)
    assert store.loads() == []


def test_two_files_of_one_table_in_one_return_are_refused_naming_both(store, folder):
    """D2I's fake-data shape: placed_for_adoption.csv and placed_for_adoption_errors.csv (a
    variant made to trip a rule) side by side; which is the return's cannot be told."""
    header(folder / "header.csv")
    episodes(folder / "episodes.csv")
    for name in ("placed_for_adoption.csv", "placed_for_adoption_errors.csv"):
        write_903_table(
            folder / name,
            "ssda903_placed_adoption",
            [{"CHILD": "A", "DOB": "01/01/2010", "DATE_PLACED": "01/02/2018"}],
        )
    with pytest.raises(InputError) as e:
        ingest(store, [folder], la_code=LA, validate=False)
    assert "placed_for_adoption.csv and placed_for_adoption_errors.csv are both the " in str(
        e.value
    )
    assert "[two-files-one-table]" in str(e.value)
    assert store.loads() == []


def test_two_files_of_one_table_given_as_one_year_are_refused(store, folder):
    """Parts of a table in two files, loaded as one year with --year: still one table, two
    files; refused rather than concatenated (one of them is usually a stray copy)."""
    a = episodes(folder / "episodes-part1.csv", "AB")
    b = episodes(folder / "episodes-part2.csv", "CDE")
    with pytest.raises(InputError, match=r"episodes-part1\.csv and episodes-part2\.csv"):
        ingest(store, [a, b], return_year=2019, la_code=LA, validate=False)


def test_real_export_names_group_a_yearless_table_with_its_folders_year(store, folder):
    """liia-tools' export shape: ``SSDA903_header.csv`` beside ``SSDA903_episodes_2018.csv``
    is one return (the folder names one year only), not two."""
    header(folder / "SSDA903_header.csv")
    episodes(folder / "SSDA903_episodes_2018.csv", decom="01/06/2017")
    res = ingest(store, [folder], la_code=LA, validate=False)
    assert [(o.load.return_year, o.load.tables) for o in res.loads] == [
        (2018, {"ssda903_episodes": 2, "ssda903_header": 2})
    ]


def test_a_yearless_table_in_a_folder_of_several_years_is_not_guessed(store, folder):
    """With 2019 and 2020 tables in one folder, ``header.csv`` belongs to neither by its name:
    it is a return of its own, which has no episodes to tell its year from."""
    episodes(folder / "2019_episodes.csv", decom="01/06/2018")
    episodes(folder / "2020_episodes.csv", decom="01/06/2019")
    header(folder / "header.csv")
    with pytest.raises(UsageError, match=r"header\.csv: no episode starts"):
        ingest(store, [folder], la_code=LA, validate=False)


def provider_list(path: Path) -> Path:
    """Ofsted's children's homes list in its shape (the columns DfE's validator reads)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Provider information"
    ws.append(["Local Authority", "URN", "Provider Type", "Sector", "Setting Name"])
    ws.append(["Somewhere", "SC000001", "Children's home", "Private", "A Home"])
    wb.save(path)
    return path


def test_ofsteds_provider_lists_beside_a_return_are_skipped_with_a_note(store, folder, capsys):
    header(folder / "header.csv")
    episodes(folder / "episodes.csv")
    provider_list(folder / "ch_fake.xlsx")
    provider_list(folder / "scpch_assisted.xlsx")
    rec = ingest(store, [folder], la_code=LA, validate=False).load
    assert rec.tables == {"ssda903_episodes": 2, "ssda903_header": 2}
    notes = [w for w in rec.validation["tolerated"] if "[reference-list]" in w]
    assert [n.split(":")[0] for n in notes] == ["ch_fake.xlsx", "scpch_assisted.xlsx"]
    assert "not a return: not loaded" in notes[0]


def test_a_folder_of_provider_lists_alone_has_nothing_to_load(store, folder):
    provider_list(folder / "ch_fake.xlsx")
    with pytest.raises(UsageError, match=r"no returns to load: ch_fake\.xlsx"):
        ingest(store, [folder], la_code=LA, validate=False)


def test_a_workbook_that_is_not_a_provider_list_is_still_refused(store, folder):
    wb = openpyxl.Workbook()
    wb.active.append(["URN", "Name"])
    wb.save(folder / "other.xlsx")
    episodes(folder / "episodes.csv")
    with pytest.raises(InputError, match=r"other\.xlsx.*\[unknown-kind\]"):
        ingest(store, [folder], la_code=LA, validate=False)


@pytest.mark.django_db
def test_cli_ingest_shows_the_folder_loaded(store, folder, capsys):
    header(folder / "2017-header.csv")
    episodes(folder / "2017-episodes.csv")
    (folder / "2017-ad1.csv").write_text("\n")
    provider_list(folder / "ch_fake.xlsx")
    code, out, err = run_cli(
        capsys, "--db", str(store.url), "ingest", str(folder), "--la", LA, "--no-validate"
    )
    assert code == 0, err
    assert out.startswith("loaded load 1 (903 2019 for 999, 4 rows")


def test_codes_are_read_case_blind_as_dfes_validator_reads_them(store, folder):
    """D2I's fake data writes some codes in lower case (``s``, ``p``, ``v3``). On 31 March
    2019: A (RNE ``s``, LS ``c2``) is looked after; B is on short breaks (LS ``v3``), which
    do not count; so 1 child, not 2. The load notes the codes it upper-cased."""
    from datetime import date

    from selfeval.indicators import compute, sources_from_store

    header(folder / "header.csv", "AB")
    write_903_table(
        folder / "episodes.csv",
        "ssda903_episodes",
        [
            {"CHILD": "A", "DECOM": "01/06/2018", "RNE": "s", "LS": "c2", "PLACE": "u1"},
            {"CHILD": "B", "DECOM": "01/02/2019", "RNE": "S", "LS": "v3", "PLACE": "T1"},
        ],
    )
    rec = ingest(store, [folder], la_code=LA, validate=False).load
    t = store.table("ssda903_episodes").sort_by("CHILD")
    assert t.column("LS").to_pylist() == ["C2", "V3"]
    assert t.column("RNE").to_pylist() == ["S", "S"]
    [r] = compute(sources_from_store(store), [date(2019, 3, 31)], ids=["cla_count"])
    assert r.value == 1
    assert (
        "episodes.csv: codes in lower case read as upper case, as DfE's validator reads them "
        "(2 LS, 1 PLACE, 1 RNE values of ssda903_episodes) [code-case]"
    ) in rec.validation["tolerated"]


def test_child_identifiers_keep_their_case(store, folder):
    header(folder / "header.csv", "a")
    episodes(folder / "episodes.csv", "a")
    ingest(store, [folder], la_code=LA, validate=False)
    assert store.table("ssda903_header").column("CHILD").to_pylist() == ["a"]


def test_two_rows_with_one_key_that_differ_are_refused_naming_them(store, folder):
    """Child A has two episodes starting 01/06/2018 with different legal statuses: which one is
    the child's record cannot be told, so the load is refused, rows named."""
    rows = [
        {"CHILD": "A", "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"},
        {"CHILD": "B", "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"},
        {"CHILD": "A", "DECOM": "01/06/2018", "RNE": "S", "LS": "V2", "PLACE": "U1"},
    ]
    write_903_table(folder / "episodes.csv", "ssda903_episodes", rows)
    with pytest.raises(InputError) as e:
        ingest(store, [folder], la_code=LA, validate=False)
    assert str(e.value).startswith(
        "episodes.csv, row 4: rows 2 and 4 of the ssda903_episodes table are both CHILD A, "
        "DECOM 01/06/2018, and differ"
    )
    assert "[duplicate-key]" in str(e.value)
    assert store.loads() == []


def test_two_reviews_of_one_child_on_one_day_keep_the_first(store, folder):
    """Child A's review of 13/08/2020 twice with different codes (as in D2I's and
    cs-demand-model's samples): a review is counted by its date, so the first row is kept and
    the load says so."""
    episodes(folder / "episodes.csv", decom="01/06/2020")
    rows = [
        {"CHILD": "A", "DOB": "01/01/2010", "REVIEW": "01/07/2020", "REVIEW_CODE": "PN1"},
        {"CHILD": "A", "DOB": "01/01/2010", "REVIEW": "13/08/2020", "REVIEW_CODE": "PN1"},
        {"CHILD": "A", "DOB": "01/01/2010", "REVIEW": "13/08/2020", "REVIEW_CODE": "PN5"},
    ]
    write_903_table(folder / "reviews.csv", "ssda903_reviews", rows)
    rec = ingest(store, [folder], la_code=LA, validate=False).load
    assert rec.tables["ssda903_reviews"] == 2
    assert store.table("ssda903_reviews").column("REVIEW_CODE").to_pylist() == ["PN1", "PN1"]
    assert (
        "reviews.csv: 1 rows of ssda903_reviews have the key of an earlier row but differ "
        "(first: rows 3 and 4, CHILD A, REVIEW 13/08/2020); the earlier row is kept, as the "
        "store keeps one per child and date [duplicate-key]"
    ) in rec.validation["tolerated"]


def test_a_row_repeated_exactly_is_kept_once_with_a_note(store, folder):
    rows = [{"CHILD": c, "DECOM": "01/06/2018", **EP} for c in "ABA"]
    write_903_table(folder / "episodes.csv", "ssda903_episodes", rows)
    rec = ingest(store, [folder], la_code=LA, validate=False).load
    assert rec.tables == {"ssda903_episodes": 2}
    assert (
        "episodes.csv: 1 rows of ssda903_episodes repeat an earlier row exactly (first: row 4, "
        "as row 2); kept once [duplicate-row]"
    ) in rec.validation["tolerated"]


def test_a_table_pooling_several_years_is_split_by_its_year_column(store, folder):
    """liia-tools' and cs-demand-model-regional's shape: the 903 columns plus LA and YEAR,
    ISO dates, the same episode in two years' rows (re-reported while open). Split by YEAR,
    each year is its own return: 2019 holds A and B, 2020 holds A (again) and C; no
    duplicate key within either."""
    head = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    head += "PL_POST,URN,LA,YEAR\n"
    rows = [
        "A,2018-06-01,S,C2,N1,U1,PR1,,,,,,,Anyshire,2019",
        "B,2018-07-01,S,C2,N1,U1,PR1,2019-01-01,E11,,,,,Anyshire,2019",
        "A,2018-06-01,S,C2,N1,U1,PR1,,,,,,,Anyshire,2020",
        "C,2019-05-01,S,C2,N1,U1,PR1,,,,,,,Anyshire,2020",
    ]
    (folder / "episodes.csv").write_text(head + "\n".join(rows) + "\n")
    res = ingest(store, [folder], la_code=LA, validate=False)
    got = {o.load.return_year: o.load.tables for o in res.loads}
    assert got == {2019: {"ssda903_episodes": 2}, 2020: {"ssda903_episodes": 2}}
    notes = res.loads[1].load.validation["tolerated"]
    assert (
        "episodes.csv: 2 of its 4 rows are the 2020 return's (its YEAR column) [pooled-years]"
        in notes
    )


def test_a_pooled_table_of_several_authorities_is_refused(store, folder):
    head = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,LA,YEAR\n"
    rows = ["A,1,2010-01-01,WBRI,,,,Hillingdon,2020", "B,2,2011-01-01,WBRI,,,,Southwark,2020"]
    (folder / "header.csv").write_text(head + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match=r"pools the returns of 2 authorities \(Hillingdon"):
        ingest(store, [folder], la_code=LA, validate=False)


def test_a_pooled_table_row_of_the_wrong_width_is_refused_at_its_line(store, folder):
    """Blank rows are passed over but counted: the ragged row is named by its line."""
    head = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,LA,YEAR\n"
    rows = ["A,1,2010-01-01,WBRI,,,,Hillingdon,2020", "", "B,2,2011-01-01,WBRI,,,,2020"]
    (folder / "header.csv").write_text(head + "\n".join(rows) + "\n")
    with pytest.raises(
        InputError, match=r"header\.csv, row 4: the row has 8 fields where the header has 9"
    ):
        ingest(store, [folder], la_code=LA, validate=False)
