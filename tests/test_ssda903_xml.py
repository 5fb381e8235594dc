"""SSDA903 XML (EXPSSDA903) into the same tables as the 903 CSVs; kind detection."""

from __future__ import annotations

from datetime import date

import pytest

from builders import refusal
from selfeval.returns import ssda903_xml
from selfeval.returns.detect import detect

XML = """<?xml version='1.0' encoding='us-ascii'?>
<EXPSSDA903><CHILD><HEADER><CHILDID>947390</CHILDID><SEX>1</SEX><DOB>02/03/2013</DOB>
<ETHNIC>BOTH</ETHNIC><UASC /><AREVIEW><REVIEW>28/01/2016</REVIEW><REVIEW_CODE>PN3</REVIEW_CODE>
</AREVIEW><AREVIEW><REVIEW>14/04/2016</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
<OC2><SDQ_SCORE>18</SDQ_SCORE><CONVICTED>0</CONVICTED></OC2></HEADER>
<EPISODE><DECOM>11/11/2016</DECOM><RNE>L</RNE><LS>V3</LS><CIN>N1</CIN><PL>A3</PL>
<DEC>26/04/2017</DEC><REC>E7</REC></EPISODE></CHILD>
<CHILD><HEADER><CHILDID>97318</CHILDID><SEX>2</SEX><DOB>19/12/2001</DOB><UASC>1</UASC>
<DUC>15/12/2019</DUC><IN_TOUCH>YES</IN_TOUCH><ACTIV>F2</ACTIV><ACCOM>U1</ACCOM></HEADER>
<EPISODE><DECOM>20/01/2017</DECOM><RNE>P</RNE><PL>U2</PL><DEC>10/07/2017</DEC></EPISODE>
<EPISODE><DECOM>10/07/2017</DECOM><RNE>T</RNE><PL>K1</PL><DEC /></EPISODE></CHILD></EXPSSDA903>
"""


def test_tables_as_lac_validator_reads_them(tmp_path):
    path = tmp_path / "903.xml"
    path.write_text(XML)
    assert detect(path) == "903"
    t = ssda903_xml.read(path, la_code="336", return_year=2017)
    assert {k: v.num_rows for k, v in t.items()} == {
        "ssda903_header": 2,
        "ssda903_episodes": 3,
        "ssda903_reviews": 2,
        "ssda903_uasc": 1,  # only child 97318 has a UASC value
        "ssda903_oc2": 1,
        "ssda903_oc3": 1,
        # tables the 2017 903 collected that the file has none of: no rows, not "no data"
        "ssda903_ad1": 0,
        "ssda903_placed_adoption": 0,
        "ssda903_prev_perm": 0,
        "ssda903_missing": 0,
    }
    assert t.warnings == []
    ep = t["ssda903_episodes"].select(["CHILD", "DECOM", "RNE", "PLACE", "DEC"]).to_pylist()
    assert ep[2] == {
        "CHILD": "97318",
        "DECOM": date(2017, 7, 10),
        "RNE": "T",
        "PLACE": "K1",  # PL in the XML
        "DEC": None,
    }
    assert t["ssda903_oc2"].to_pylist()[0]["SDQ_SCORE"] == 18
    assert t["ssda903_oc3"].to_pylist()[0]["ACTIV"] == "F2"
    assert t["ssda903_reviews"].column("REVIEW_CODE").to_pylist() == ["PN3", "PN1"]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (XML.replace("11/11/2016", "2016-11-11"), "date-format"),
        (XML.replace("<CHILDID>97318</CHILDID>", ""), "required"),
        (XML.replace("EXPSSDA903", "Message"), "wrong-kind"),
        (XML[:-40], "xml-syntax"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, body, rule):
    path = tmp_path / "903.xml"
    read = ssda903_xml.read
    assert refusal(read, path, body, la_code="336", return_year=2017) == (rule, "903.xml")


def test_detect_by_content_not_name(tmp_path):
    """A 903 table by its exact header; files of no known kind give None."""
    header = tmp_path / "anything.txt"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/2010,WBRI,,,\n")
    near = tmp_path / "near.csv"
    near.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n1,1,01/01/2010,WBRI,,\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert [detect(p) for p in (header, near, empty)] == ["903", None, None]


def test_later_tables_by_year_and_elements_not_kept_are_named(tmp_path):
    """Social worker episodes are collected from 2023/24 (return 2024): a 2024 file without
    any has that table with no rows, a 2017 one has no such table. An element no table keeps
    (``LANGUAGE`` here) is counted and named."""
    path = tmp_path / "903.xml"
    path.write_text(
        XML.replace("<ETHNIC>BOTH</ETHNIC>", "<ETHNIC>BOTH</ETHNIC><LANGUAGE>x</LANGUAGE>")
    )
    t2024 = ssda903_xml.read(path, la_code="336", return_year=2024)
    assert t2024["ssda903_sw_episodes"].num_rows == 0 and "ssda903_dolo" not in t2024
    t2017 = ssda903_xml.read(path, la_code="336", return_year=2017)
    assert "ssda903_sw_episodes" not in t2017
    assert [str(w) for w in t2017.warnings] == [
        "903.xml: 1 elements that selfeval does not keep were left out: 1 HEADER/LANGUAGE "
        "[not-read]"
    ]
