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
