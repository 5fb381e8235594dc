"""CIN census XML reader: the validator's tables from a hand-made file, and hostile files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from selfeval.errors import InputError
from selfeval.returns import cin_census

HEADER = (
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2023</Year>"
    "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source>"
    "<SourceLevel>L</SourceLevel><LEA>336</LEA><SoftwareCode>x</SoftwareCode>"
    "<Release>1</Release><SerialNo>001</SerialNo><DateTime>2024-05-01T10:00:00</DateTime>"
    "</Source></Header>"
)

# Child A: two CIN episodes; the second has one assessment with two factors and a CP plan
# reviewed twice. Child B: one episode, a disability, no plans.
CHILDREN = """<Children>
<Child><ChildIdentifiers><LAchildID>A</LAchildID><PersonBirthDate>2015-03-27</PersonBirthDate>
<Sex>1</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
</ChildCharacteristics>
<CINdetails><CINreferralDate>2022-10-06</CINreferralDate><ReferralSource>1A</ReferralSource>
<CINclosureDate>2023-02-27</CINclosureDate><ReferralNFA>0</ReferralNFA></CINdetails>
<CINdetails><CINreferralDate>2023-06-01</CINreferralDate><ReferralSource>2A</ReferralSource>
<Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>
<AssessmentAuthorisationDate>2023-07-10</AssessmentAuthorisationDate>
<FactorsIdentifiedAtAssessment><AssessmentFactors>1C</AssessmentFactors>
<AssessmentFactors>RB</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
<Section47><S47ActualStartDate>2023-06-03</S47ActualStartDate>
<ICPCnotRequired>false</ICPCnotRequired></Section47>
<ReferralNFA>false</ReferralNFA>
<ChildProtectionPlans><CPPstartDate>2023-07-01</CPPstartDate>
<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG
</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP>
<Reviews><CPPreviewDate>2023-09-20</CPPreviewDate><CPPreviewDate>2024-03-01</CPPreviewDate>
</Reviews></ChildProtectionPlans></CINdetails></Child>
<Child><ChildIdentifiers><LAchildID>B</LAchildID><Sex>2</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>APKN</Ethnicity><Disabilities><Disability>HEAR</Disability>
</Disabilities></ChildCharacteristics>
<CINdetails><CINreferralDate>2024-01-15</CINreferralDate><ReferralNFA>1</ReferralNFA>
</CINdetails></Child>
</Children>"""


def write(tmp_path: Path, body: str, name: str = "cin.xml") -> Path:
    p = tmp_path / name
    p.write_text(body)
    return p


def test_tables_of_a_hand_made_file(tmp_path):
    t = cin_census.read(write(tmp_path, f"<Message>{HEADER}{CHILDREN}</Message>"))
    assert (t.la_code, t.return_year, t.warnings) == ("336", 2024, [])
    rows = {name: table.num_rows for name, table in t.items()}
    assert rows == {
        "cin_header": 1,
        "cin_child_identifiers": 2,
        "cin_child_characteristics": 2,
        "cin_disabilities": 1,
        "cin_details": 3,
        "cin_assessments": 1,
        "cin_assessment_factors": 2,
        "cin_plan_dates": 0,
        "cin_section47": 1,
        "cin_cp_plans": 1,
        "cin_cp_reviews": 2,  # both review dates of the one Reviews block
    }
    details = t["cin_details"].select(["LAchildID", "CINdetailsID", "CINreferralDate"])
    assert details.to_pylist() == [
        {"LAchildID": "A", "CINdetailsID": 1, "CINreferralDate": date(2022, 10, 6)},
        {"LAchildID": "A", "CINdetailsID": 2, "CINreferralDate": date(2023, 6, 1)},
        {"LAchildID": "B", "CINdetailsID": 1, "CINreferralDate": date(2024, 1, 15)},
    ]
    assessment = t["cin_assessments"].to_pylist()[0]
    assert assessment["CINdetailsID"] == 2 and assessment["AssessmentFactors"] == "1C,RB"
    plan = t["cin_cp_plans"].to_pylist()[0]
    assert (plan["CPPID"], plan["LatestCategoryOfAbuse"], plan["NumberOfPreviousCPP"]) == (
        1,
        "NEG",
        1,
    )
    reviews = t["cin_cp_reviews"].column("CPPreviewDate").to_pylist()
    assert reviews == [date(2023, 9, 20), date(2024, 3, 1)]
    assert t["cin_disabilities"].to_pylist()[0]["Disability"] == "HEAR"


def test_given_la_and_year_win_with_a_warning(tmp_path):
    t = cin_census.read(
        write(tmp_path, f"<Message>{HEADER}{CHILDREN}</Message>"), la_code="335", return_year=2023
    )
    assert (t.la_code, t.return_year) == ("335", 2023)
    assert [w.rule for w in t.warnings] == ["la-mismatch", "year-mismatch"]


ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    f"<Message>{HEADER}<Children><Child><ChildIdentifiers><LAchildID>&c;</LAchildID>"
    "</ChildIdentifiers></Child></Children></Message>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f"<Message>{HEADER}<Children><Child><ChildIdentifiers><LAchildID>&x;</LAchildID>"
    "</ChildIdentifiers></Child></Children></Message>"
)


@pytest.mark.parametrize(
    ("body", "rule", "row"),
    [
        (ENTITY_BOMB, "xml-dtd", 1),
        (EXTERNAL, "xml-dtd", 1),
        (f"<Message>{HEADER}{CHILDREN}"[:-300], "xml-syntax", None),  # truncated
        ("CHILD,SEX,DOB\n1,1,01/01/2010\n", "xml-syntax", 1),  # a CSV is not XML
        (f"<EXPSSDA903>{CHILDREN}</EXPSSDA903>", "wrong-kind", 1),
        (f"<Message>{HEADER.replace('>CIN<', '>CSWW<')}</Message>", "wrong-kind", 1),
        (f"<Message>{CHILDREN}</Message>", "header", None),
        (
            f"<Message>{HEADER}{CHILDREN.replace('2023-06-02', '2023-02-30')}</Message>",
            "date-format",
            "<Assessments>",
        ),
        (
            f"<Message>{HEADER}{CHILDREN.replace('<LAchildID>B</LAchildID>', '')}</Message>",
            "required",
            "<Child><ChildIdentifiers><Sex>2",
        ),
        (
            f"<Message>{HEADER}{CHILDREN.replace('>1</NumberOf', '>one</NumberOf')}</Message>",
            "integer",
            "<ChildProtectionPlans>",
        ),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, body, rule, row):
    with pytest.raises(InputError) as e:
        cin_census.read(write(tmp_path, body))
    assert e.value.rule == rule
    assert e.value.location.file == "cin.xml"
    if isinstance(row, str):  # the line where this text starts
        row = 1 + body[: body.index(row)].count("\n")
    if row is not None:
        assert e.value.location.row == row


def test_empty_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        cin_census.read(write(tmp_path, ""))
    big = write(tmp_path, f"<Message>{HEADER}{CHILDREN}</Message>")
    with pytest.raises(InputError) as e:
        cin_census.read(big, max_bytes=1000)
    assert e.value.rule == "file-too-large"


def test_sniff(tmp_path):
    assert cin_census.sniff(write(tmp_path, f"<Message>{HEADER}{CHILDREN}</Message>"))
    assert not cin_census.sniff(write(tmp_path, ENTITY_BOMB))
    assert not cin_census.sniff(write(tmp_path, "a,b\n1,2\n"))


PRE_PROCEEDINGS = (
    "<PreProceedingsandFGDM><PPStartDate>2025-09-09</PPStartDate>"
    "<LBPSentDate>2025-09-20</LBPSentDate><FGDMMeetingOffer>1</FGDMMeetingOffer>"
    "<FGDMMeetingFac>1</FGDMMeetingFac><ReviewMeetingsCount>3</ReviewMeetingsCount>"
    "<PPOutcome>A</PPOutcome></PreProceedingsandFGDM>"
)


def year_header(ref: str) -> str:
    return HEADER.replace("2024-03-31", ref)


def test_the_2025_26_pre_proceedings_block_is_read(tmp_path):
    """A 2025/26 census (ReferenceDate 2026-03-31): child B's episode has one
    PreProceedingsandFGDM block, read into cin_pre_proceedings (not dropped)."""
    body = CHILDREN.replace(
        "<ReferralNFA>1</ReferralNFA>", "<ReferralNFA>1</ReferralNFA>" + PRE_PROCEEDINGS
    )
    t = cin_census.read(write(tmp_path, f"<Message>{year_header('2026-03-31')}{body}</Message>"))
    assert t.warnings == []
    [row] = t["cin_pre_proceedings"].to_pylist()
    assert (row["LAchildID"], row["CINdetailsID"], row["PPStartDate"]) == ("B", 1, date(2025, 9, 9))
    assert (row["ReviewMeetingsCount"], row["PPOutcome"], row["StepDecisionDate"]) == (3, "A", None)


def test_tables_the_census_did_not_collect_that_year_are_left_out(tmp_path):
    """CIN plan dates enter the census in 2021/22 (return 2022), pre-proceedings in 2025/26:
    a 2019/20 return has neither table (its figures are "no data", not 0); 2022 has plan
    dates (none here: 0 rows) but not pre-proceedings."""
    t2020 = cin_census.read(
        write(tmp_path, f"<Message>{year_header('2020-03-31')}{CHILDREN}</Message>")
    )
    assert "cin_plan_dates" not in t2020 and "cin_pre_proceedings" not in t2020
    t2022 = cin_census.read(
        write(tmp_path, f"<Message>{year_header('2022-03-31')}{CHILDREN}</Message>", "b.xml")
    )
    assert t2022["cin_plan_dates"].num_rows == 0 and "cin_pre_proceedings" not in t2022


def test_elements_no_table_keeps_are_counted_and_named(tmp_path):
    body = CHILDREN.replace(
        "<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WBRI</Ethnicity><Religion>X</Religion>"
    ).replace(
        "<ReferralNFA>1</ReferralNFA>",
        "<ReferralNFA>1</ReferralNFA><NewThing><A>1</A><A>2</A></NewThing>",
    )
    t = cin_census.read(write(tmp_path, f"<Message>{HEADER}{body}</Message>"))
    assert [str(w) for w in t.warnings] == [
        "cin.xml: 4 elements that selfeval does not keep were left out: "
        "1 CINdetails/NewThing, 1 ChildCharacteristics/Religion, 2 NewThing/A [not-read]"
    ]


def test_a_year_the_census_did_not_collect_cin_plans_is_no_data(store, tmp_path):
    """The CIN plan count at 31 March 2020 from a 2019/20 return is "no data" (the census did
    not collect CIN plan dates), while at 31 March 2022 a return with none gives 0."""
    from selfeval.indicators import compute, sources_from_store
    from selfeval.ingest import ingest

    plan_ids = ["cin_plan_count"]
    a = tmp_path / "a"
    a.mkdir()
    write(a, f"<Message>{year_header('2020-03-31')}{CHILDREN}</Message>", "cin2020.xml")
    write(a, f"<Message>{year_header('2022-03-31')}{CHILDREN}</Message>", "cin2022.xml")
    ingest(store, [a], validate=False)
    [r2020] = compute(sources_from_store(store), [date(2020, 3, 31)], ids=plan_ids[:1])
    assert r2020.value is None and r2020.reason
    [r2022] = compute(sources_from_store(store), [date(2022, 3, 31)], ids=plan_ids[:1])
    assert r2022.value == 0
