"""Fuzzing the readers: malformed inputs give InputError (or a UsageError), never another
exception. A short run here; ``make fuzz`` runs many more examples (HYPOTHESIS_PROFILE=fuzz)."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_cin_xml
from selfeval.errors import InputError
from selfeval.returns import annex_a, cin_census, ssda903_xml, workforce
from selfeval.returns.detect import detect

settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "short", max_examples=30, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))

_TMP = Path(tempfile.mkdtemp(prefix="selfeval-fuzz-"))
_CIN = write_cin_xml(_TMP / "seed.xml", 3, seed=5).read_bytes()
_903 = (
    b"<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><SEX>1</SEX><DOB>01/02/2010</DOB>"
    b"<AREVIEW><REVIEW>01/01/2020</REVIEW></AREVIEW></HEADER><EPISODE><DECOM>01/05/2019"
    b"</DECOM><RNE>S</RNE><PL>U1</PL></EPISODE></CHILD></EXPSSDA903>"
)
_WORKERS = b"AgencyWorker,SWENo,FTE,RoleStartDate,Cases30\n0,SW1,1,01/01/2015,12\n"


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """Delete, replace or insert bytes at a few places."""
    b = bytearray(data)
    for pos, length, insert in cuts:
        p = pos % (len(b) + 1)
        b[p : p + length] = insert
    return bytes(b)


mutations = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.integers(0, 20),
        st.one_of(
            st.binary(max_size=12),
            st.sampled_from(
                [
                    b"<",
                    b">",
                    b"</Child>",
                    b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
                    b"&e;",
                    b"\x00",
                    b"2024-02-30",
                    b"abc",
                    b"<Child>",
                    b"\xff\xfe",
                    b"]]>",
                    b",",
                ]
            ),
        ),
    ),
    min_size=1,
    max_size=4,
)


def _write(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=_TMP, suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(name)


def _only_input_errors(read, data: bytes, suffix: str) -> None:
    path = _write(data, suffix)
    try:
        read(path)
    except InputError as e:
        assert e.location.file == path.name or e.location.file.startswith(path.name)
        assert e.rule and e.message
    finally:
        detect(path)  # detection never raises either
        path.unlink()


@given(mutations)
def test_cin_census(cuts):
    _only_input_errors(cin_census.read, _mutate(_CIN, cuts), ".xml")


@given(mutations)
def test_ssda903_xml(cuts):
    def read(p: Path):
        return ssda903_xml.read(p, la_code="336", return_year=2020)

    _only_input_errors(read, _mutate(_903, cuts), ".xml")


@given(mutations)
def test_workforce_csv(cuts):
    def read(p: Path):
        return workforce.read(p, la_code="336", return_year=2020)

    _only_input_errors(read, _mutate(_WORKERS, cuts), ".csv")


cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["=1+1", "#N/A", "31/02/2020", "", "  "]),
)


@given(
    st.lists(st.lists(cell_values, max_size=8), max_size=8),
    st.sampled_from(["List 1", "list3", "List 9 care leavers", "Sheet1"]),
)
def test_annex_a_workbooks(rows, title):
    """Workbooks of arbitrary cells under a real list's header row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age",
            "Date of Contact",
            "Contact Source",
        ]
    )
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)

    def read(p: Path):
        return annex_a.read(p, la_code="336", return_year=2021)

    _only_input_errors(read, buf.getvalue(), ".xlsx")


@given(mutations)
def test_annex_a_damaged_zips(cuts):
    wb = openpyxl.Workbook()
    wb.active.title = "List 1"
    wb.active.append(["Child Unique ID", "Date of Birth"])
    wb.active.append(["1", "01/01/2010"])
    buf = io.BytesIO()
    wb.save(buf)

    def read(p: Path):
        return annex_a.read(p, la_code="336", return_year=2021)

    _only_input_errors(read, _mutate(buf.getvalue(), cuts), ".xlsx")


def test_zip_bomb_refused(tmp_path):
    """A part that inflates 1000-fold is refused before openpyxl reads it."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 20_000_000 + "/>")
    try:
        annex_a.read(path, la_code="336", return_year=2021)
    except InputError as e:
        assert e.rule == "zip-bomb"
    else:
        raise AssertionError("a zip bomb was read")
