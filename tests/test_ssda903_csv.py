"""The 903 CSV reader's fast path (Arrow's CSV reader for plain files) reads synthetic returns
exactly as the careful row-by-row reader does (``tests/test_fuzz.py`` fuzzes the same promise
on hostile input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfeval.errors import InputError
from selfeval.returns import ssda903
from selfeval.synth import AuthorityConfig, synthesise


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("synth")
    _, paths = synthesise(
        out, AuthorityConfig(children=400, years=range(2019, 2021), seed=3), ("903",)
    )
    found = sorted(p for p in paths if p.suffix == ".csv")
    assert len(found) >= 10  # every table of two years
    return found


def _both(path: Path) -> tuple[tuple[str, object] | None, tuple[str, object]]:
    fast = ssda903._read_plain(path.read_bytes(), path.name, "999", 2020)
    return fast, ssda903._read_carefully(path, "999", 2020)


def test_every_synthetic_903_table_reads_by_the_fast_path_as_by_the_careful_reader(files):
    taken = 0
    for path in files:
        fast, careful = _both(path)
        if careful[1].num_rows == 0:  # a header alone is the careful reader's
            assert fast is None
            continue
        assert fast is not None, f"{path}: the fast path should take a plain file"
        taken += 1
        assert fast[0] == careful[0]
        assert fast[1].equals(careful[1]), path
        assert ssda903.read_csv(path, la_code="999", return_year=2020)[1].equals(careful[1])
    assert taken >= 10


def test_padded_fields_crlf_line_ends_and_lower_case_codes_read_the_same(files, tmp_path):
    """Blanks around fields (trimmed), CRLF line ends and codes in lower case: the fast path
    still takes the file and reads it as the careful reader does."""
    episodes = next(p for p in files if p.name == "episodes.csv")
    lines = episodes.read_text().splitlines()
    padded = [lines[0]] + [
        ",".join(f" {v.lower()}\t" if i % 3 == 1 else v for i, v in enumerate(line.split(",")))
        for line in lines[1:]
        if line
    ]
    path = tmp_path / "episodes.csv"
    path.write_bytes(("\r\n".join(padded) + "\r\n").encode())
    fast, careful = _both(path)
    assert fast is not None
    assert fast[1].equals(careful[1])
    assert fast[1].column("CIN").to_pylist()[0] == lines[1].split(",")[4].lower()  # trimmed
    assert fast[1].num_rows == len(padded) - 1


def test_a_bad_date_is_refused_naming_file_row_and_field(files, tmp_path):
    """The fast path takes the file and refuses it as the careful reader does: the row and
    field of the first bad date."""
    episodes = next(p for p in files if p.name == "episodes.csv")
    lines = episodes.read_bytes().split(b"\n")
    cells = lines[3].split(b",")
    cells[1] = b"31/02/2019"
    lines[3] = b",".join(cells)
    path = tmp_path / "episodes.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as fast:
        ssda903._read_plain(path.read_bytes(), path.name, "999", 2020)
    with pytest.raises(InputError) as careful:
        ssda903._read_carefully(path, "999", 2020)
    assert str(fast.value) == str(careful.value)
    assert "row 4" in str(fast.value) and "DECOM" in str(fast.value)


def test_dates_read_over_their_bytes_as_date_reads_them():
    """Every day of years at the calendar's edges (1, 1600, 1900, 2000, 2020, 2100, 9999) read
    at once give Python's ``date``; every day (00-32, 99) and month (00-13, 99) in a leap and a
    common year (and a century that is not leap) is a date exactly when ``date`` takes it."""
    from datetime import date, timedelta

    import pyarrow as pa

    from selfeval.returns.tables import _distinct_dates

    days = [
        date(y, 1, 1) + timedelta(n)
        for y in (1, 1600, 1900, 2000, 2020, 2100, 9999)
        for n in range(365 + (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))
    ]
    texts = pa.array([d.strftime("%d/%m/") + f"{d.year:04d}" for d in days])
    assert _distinct_dates(texts, "%d/%m/%Y").to_pylist() == days
    for year in (1900, 2019, 2020, 0):
        for month in [*range(14), 99]:
            for day in [*range(33), 99]:
                try:
                    expected = [date(year, month, day)]
                except ValueError:
                    expected = None
                got = _distinct_dates(pa.array([f"{day:02d}/{month:02d}/{year:04d}"]), "%d/%m/%Y")
                assert (got.to_pylist() if got is not None else None) == expected


def test_a_row_of_empty_fields_is_left_to_the_careful_reader(files, tmp_path):
    """Empty fields are read as nulls by the fast path; a row of nothing but commas is a blank
    row, which the careful reader skips (numbering the rest by line): the fast path declines."""
    episodes = next(p for p in files if p.name == "episodes.csv")
    lines = episodes.read_bytes().split(b"\n")
    width = lines[0].count(b",") + 1
    path = tmp_path / "episodes.csv"
    path.write_bytes(b"\n".join([*lines[:3], b"," * (width - 1), *lines[3:]]))
    assert ssda903._read_plain(path.read_bytes(), path.name, "999", 2020) is None
    table = ssda903.read_csv(path, la_code="999", return_year=2020)[1]
    assert table.equals(ssda903._read_carefully(episodes, "999", 2020)[1])


def test_dates_read_in_place_with_nulls_and_offsets():
    """A date column of dd/mm/yyyy texts and nulls is read over its bytes where they lie, a
    slice of it too; any other text (a short date, a blank, 29 February of a common year)
    leaves it to the other ways."""
    from datetime import date

    import pyarrow as pa

    from selfeval.returns.tables import _dates_in_place

    texts = pa.array(["01/02/2019", None, "29/02/2020", None, "31/12/1999"])
    assert _dates_in_place(texts).to_pylist() == [
        date(2019, 2, 1),
        None,
        date(2020, 2, 29),
        None,
        date(1999, 12, 31),
    ]
    assert _dates_in_place(texts.slice(1, 3)).to_pylist() == [None, date(2020, 2, 29), None]
    assert _dates_in_place(pa.array(["01/02/2019", "31/12/1999"])).to_pylist() == [
        date(2019, 2, 1),
        date(1999, 12, 31),
    ]
    for odd in (["1/2/2019"], ["01/02/2019", ""], ["29/02/2019"], ["01-02-2019"]):
        assert _dates_in_place(pa.array(odd)) is None, odd
    assert _dates_in_place(pa.array([None, None], pa.string())).to_pylist() == [None, None]
    assert _dates_in_place(pa.array(["01/02/2019", None, "1/2/2019"])) is None
    assert _dates_in_place(pa.array(["01/02/2019", None, "01/02/20199"])) is None


@pytest.mark.parametrize("odd", [b"\x00", b"\x0b", b"\x1f", b"\x7f", b'"', b"\xc3\xa9", b"\r"])
def test_a_file_with_a_byte_a_plain_file_has_not_is_left_to_the_careful_reader(
    files, tmp_path, odd
):
    """A control other than tab and line ends, DEL, a quote, a non-ASCII letter or a CR not
    before a LF, anywhere in a field: the fast path declines the file."""
    episodes = next(p for p in files if p.name == "episodes.csv")
    data = episodes.read_bytes()
    at = data.index(b",", data.index(b"\n")) + 2  # inside the second field of the first row
    path = tmp_path / "episodes.csv"
    path.write_bytes(data[:at] + odd + data[at:])
    assert ssda903._read_plain(path.read_bytes(), path.name, "999", 2020) is None


def test_dates_of_1900_to_2100_read_by_the_months_table_as_date_reads_them():
    """Every day of 1900 (not leap), 2000 (leap), 2019, 2020 and 2100 at once (all within the
    table of months), and the days after each month's last refused."""
    from datetime import date, timedelta

    import pyarrow as pa

    from selfeval.returns.tables import _distinct_dates

    days = [
        date(y, 1, 1) + timedelta(n)
        for y in (1900, 2000, 2019, 2020, 2100)
        for n in range(365 + (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))
    ]
    texts = pa.array([d.strftime("%d/%m/%Y") for d in days])
    assert _distinct_dates(texts, "%d/%m/%Y").to_pylist() == days
    for text in ("29/02/1900", "29/02/2100", "30/02/2000", "31/04/2019", "32/01/2020"):
        assert _distinct_dates(pa.array(["01/01/2000", text]), "%d/%m/%Y") is None, text
    assert _distinct_dates(pa.array(["29/02/2000"]), "%d/%m/%Y").to_pylist() == [date(2000, 2, 29)]
