"""Practice weeks and case audits: the workbook, its checks, and what the audits say."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from builders import set_cell
from conftest import write_903_table
from selfeval.assurance import repository as repo
from selfeval.assurance.grades import Grade
from selfeval.assurance.io import read_audits, write_audits_template
from selfeval.assurance.records import AssuranceData, Audit, DipSample, EvidenceItem, PracticeWeek
from selfeval.assurance.summary import grade_shares, moderation, themes
from selfeval.errors import InputError
from selfeval.ingest import ingest_903

OUT, G, RI, INAD = Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE
TODAY = date(2020, 1, 31)
WEEK1 = PracticeWeek("Practice Week 1", date(2019, 6, 17), date(2019, 6, 21))
WEEK2 = PracticeWeek("Practice Week 2", date(2019, 10, 14), date(2019, 10, 18))


def _audit(child, day, grade, *, week="Practice Week 1", team="Team A", mod=None, **kw):
    return Audit(
        child_id=child,
        audit_date=day,
        auditor=kw.pop("auditor", "Head of Service"),
        overall_grade=grade,
        team=team,
        practice_week=week,
        moderator="PSW" if mod else None,
        moderation_date=day if mod else None,
        moderated_grade=mod,
        **kw,
    )


def seven_audits() -> list[Audit]:
    """The hand-worked case: auditors' grades OUT, G, G, G, RI, RI, INAD; four moderated.

    Moderated: C1 Outstanding -> Outstanding (agree), C2 Good -> Good (agree),
    C5 RI -> RI (agree), C4 Good -> RI (disagree, moderator lower: auditor generous).
    Final grades (moderator's where moderated): OUT, G, G, RI, RI, RI, INAD.
    Auditors' domain grades for Planning: C1 Good, C2 Good, C6 Inadequate.
    """
    w1, w2 = date(2019, 6, 18), date(2019, 10, 15)
    return [
        _audit("C1", w1, OUT, mod=OUT, domain_grades={"Planning": G}, team="Team A"),
        _audit("C2", w1, G, mod=G, domain_grades={"Planning": G}, team="Team A"),
        _audit("C3", w1, G, team="Team B"),
        _audit("C4", w2, G, week="Practice Week 2", mod=RI, team="Team B"),
        _audit("C5", w2, RI, week="Practice Week 2", mod=RI, team="Team B"),
        _audit("C6", w2, RI, week="Practice Week 2", domain_grades={"Planning": INAD}),
        _audit("C7", w2, INAD, week="Practice Week 2"),
    ]


def test_grade_shares_by_week_team_domain_by_hand():
    a = seven_audits()
    [total] = grade_shares(a)
    # Final grades O, G, G, RI, RI, RI, I: good or better 3/7 = 42.86%, inadequate 1/7 = 14.29%.
    assert (total.audits, total.good_or_better, total.inadequate) == (7, 3, 1)
    assert total.good_or_better_pct == pytest.approx(300 / 7)
    assert total.inadequate_pct == pytest.approx(100 / 7)
    w1, w2 = grade_shares(a, "week")
    # Week 1: OUT, G, G = 3/3 good or better; week 2: RI (C4 moderated), RI, RI, INAD = 0/4.
    assert (w1.group, w1.audits, w1.good_or_better_pct) == ("Practice Week 1", 3, 100.0)
    assert (w2.group, w2.audits, w2.good_or_better_pct, w2.inadequate) == (
        "Practice Week 2",
        4,
        0.0,
        1,
    )
    teams = {s.group: (s.audits, s.good_or_better) for s in grade_shares(a, "team")}
    # Team A: C1 OUT, C2 G, C6 RI, C7 INAD -> 2 of 4; Team B: C3 G, C4 RI, C5 RI -> 1 of 3.
    assert teams == {"Team A": (4, 2), "Team B": (3, 1)}
    [planning] = grade_shares(a, "domain")
    assert (planning.group, planning.audits, planning.good, planning.inadequate) == (
        "Planning",
        3,
        2,
        1,
    )


def test_the_briefs_seven_audits_good_or_better_four_of_seven():
    """1 outstanding, 3 good, 2 RI, 1 inadequate, none moderated: 4/7 = 57.1% good or better."""
    grades = [OUT, G, G, G, RI, RI, INAD]
    a = [_audit(f"C{i}", date(2019, 6, 18), g) for i, g in enumerate(grades)]
    [s] = grade_shares(a)
    assert round(s.good_or_better_pct, 1) == 57.1
    assert round(s.inadequate_pct, 1) == 14.3


def test_moderation_agreement_and_direction_by_hand():
    """Four moderated, three agree: 75%; the one disagreement is the moderator lower (Good ->
    RI), so the auditors were generous."""
    m = moderation(seven_audits())
    assert (m.moderated, m.agreed, m.moderator_lower, m.moderator_higher) == (4, 3, 1, 0)
    assert m.agreement_pct == 75.0
    assert m.direction == "auditors generous"
    harsh = moderation([_audit("C1", date(2019, 6, 18), RI, mod=G)])
    assert harsh.direction == "auditors harsh" and harsh.agreement_pct == 0.0


def test_themes_count_each_audit_once_and_prefer_the_longer_phrase():
    texts = [
        "Voice of the child is clear; voice of the child recorded well.",
        "Good direct work; the voice of the child is clear.",
        "Direct work with the family.",
        None,
    ]
    got = {t.phrase: t.audits for t in themes(texts)}
    # Text 1 names "voice of the child" twice but counts once. "child is clear" is named by the
    # same texts (1, 2): one theme with it, named by the longer phrase. "direct work" (texts
    # 2, 3) is kept though "good direct work" contains it, since that is named once; "good
    # direct" is dropped: "good direct work" is named by as many texts. Single words are never
    # themes.
    assert got == {
        "voice of the child": 2,
        "direct work": 2,
        "good direct work": 1,
        "child recorded": 1,
        "work with the family": 1,
    }


def test_a_theme_reads_in_the_auditors_words_only_where_several_wrote_them():
    """Three of five audits write "Good multi-agency working with school and health" (one of
    them beside another statement): its phrases are one theme of 3 audits, shown as that
    statement. A statement only one audit wrote (here naming a child) is never quoted: its
    theme shows the phrase alone."""
    texts = [
        "Good multi-agency working with school and health",
        "Good multi-agency working with school and health.",
        "Good multi-agency working with school and health; plan reviewed",
        "Jayden Smith's plan reviewed in good time",
        "Chronology up to date",
    ]
    [first, second, *_] = themes(texts)
    assert (first.audits, first.words) == (3, "Good multi-agency working with school and health")
    assert (second.phrase, second.audits, second.example) == ("plan reviewed", 2, "")
    assert second.words == "plan reviewed"


# -- the workbook and the store ----------------------------------------------------------------


def _returns(store, tmp_path, children=("C1", "C2", "C3", "C4", "C5", "C6", "C7")):
    rows = [{"CHILD": c, "SEX": "1", "DOB": "01/01/2010"} for c in children]
    eps = [
        {"CHILD": c, "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"} for c in children
    ]
    d = tmp_path / "903"
    d.mkdir()
    files = [
        write_903_table(d / "header.csv", "ssda903_header", rows),
        write_903_table(d / "episodes.csv", "ssda903_episodes", eps),
    ]
    ingest_903(store, files, la_code="999", return_year=2019)


def _data(**over) -> AssuranceData:
    base = dict(
        practice_weeks=(WEEK1, WEEK2),
        audits=tuple(seven_audits()),
        dip_samples=(
            DipSample("Supervision recorded monthly", date(2019, 6, 20), ("C1", "C3"), "2 of 2"),
        ),
        evidence=(
            EvidenceItem("Complaint", date(2019, 7, 1), "Late visit", "C2", outcome="Upheld"),
        ),
    )
    base.update(over)
    return AssuranceData(**base)


def test_workbook_round_trip_through_the_store(store, tmp_path):
    _returns(store, tmp_path)
    path = write_audits_template(tmp_path / "audits.xlsx", data=_data())
    res = repo.import_audits(store, path, "999", today=TODAY)
    assert res.created and res.warnings == ()
    assert res.record.counts == {"practice_weeks": 2, "audits": 7, "dip_samples": 1, "evidence": 1}
    again = repo.import_audits(store, path, "999", today=TODAY)
    assert not again.created and again.record.id == res.record.id
    back = repo.audits(store, "999")
    assert [a.child_id for a in back] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert back[3].moderated_grade == RI and back[3].practice_week == "Practice Week 2"
    assert back[5].domain_grades == {"Planning": INAD}
    assert moderation(back).agreement_pct == 75.0
    [dip] = repo.dip_samples(store, "999")
    assert dip.child_ids == ("C1", "C3")
    [ev] = repo.evidence_items(store, "999")
    assert (ev.kind, ev.child_id, ev.outcome) == ("Complaint", "C2", "Upheld")
    # The export reads back as the same records.
    out = write_audits_template(tmp_path / "export.xlsx", data=repo.load_assurance(store, "999"))
    assert read_audits(out).audits == tuple(
        Audit(**{**a.__dict__, "la_code": "", "id": None}) for a in back
    )


def test_undo_import_removes_everything_it_brought(store, tmp_path):
    path = write_audits_template(tmp_path / "audits.xlsx", data=_data())
    res = repo.import_audits(store, path, "999", today=TODAY)
    repo.undo_import(store, res.record.id)
    assert repo.load_assurance(store, "999") == AssuranceData()


def _refused(store, path, today=TODAY):
    with pytest.raises(InputError) as e:
        repo.import_audits(store, path, "999", today=today)
    assert repo.load_assurance(store, "999") == AssuranceData(), "nothing is half-loaded"
    assert repo.imports(store, "999") == []
    return str(e.value)


def test_a_grade_off_the_scale_names_file_sheet_row_field(store, tmp_path):
    path = write_audits_template(tmp_path / "a.xlsx", data=_data())
    set_cell(path, "Audits", 4, "Overall grade", "Satisfactory")
    msg = _refused(store, path)
    assert msg.startswith("a.xlsx, sheet Audits, row 4, field Overall grade:")
    assert "'Satisfactory' is not on Ofsted's four-point scale" in msg


def test_a_domain_grade_off_the_scale_is_refused(store, tmp_path):
    path = write_audits_template(tmp_path / "a.xlsx", data=_data())
    set_cell(path, "Audits", 2, "Grade: Planning", "Very good")
    assert "sheet Audits, row 2, field Grade: Planning" in _refused(store, path)


def test_an_audit_of_a_child_not_in_the_returns_is_refused(store, tmp_path):
    _returns(store, tmp_path, children=("C1", "C2", "C3", "C4", "C5", "C6"))
    path = write_audits_template(tmp_path / "a.xlsx", data=_data(dip_samples=(), evidence=()))
    msg = _refused(store, path)
    # C7 is the seventh audit: row 8 (the header is row 1).
    assert msg.startswith("a.xlsx, sheet Audits, row 8, field Child ID: child 'C7' is not in")


def test_with_no_returns_child_ids_are_not_checked_and_a_warning_says_so(store, tmp_path):
    path = write_audits_template(tmp_path / "a.xlsx", data=_data())
    res = repo.import_audits(store, path, "999", today=TODAY)
    assert res.created
    assert "holds no returns for authority 999" in res.warnings[0]


def test_a_duplicate_audit_in_the_file_is_refused(store, tmp_path):
    a = seven_audits()
    path = write_audits_template(tmp_path / "a.xlsx", data=_data(audits=(*a, a[1])))
    msg = _refused(store, path)
    assert "sheet Audits, row 9, field Child ID" in msg
    assert "already at a.xlsx, sheet Audits, row 3" in msg


def test_an_audit_already_in_the_store_is_a_duplicate(store, tmp_path):
    first = write_audits_template(tmp_path / "a.xlsx", data=_data())
    repo.import_audits(store, first, "999", today=TODAY)
    before = repo.load_assurance(store, "999")
    second = write_audits_template(
        tmp_path / "b.xlsx", data=_data(audits=(seven_audits()[2],), dip_samples=(), evidence=())
    )
    with pytest.raises(InputError, match=r"b.xlsx, sheet Audits, row 2.*already in the store"):
        repo.import_audits(store, second, "999", today=TODAY)
    assert repo.load_assurance(store, "999") == before
    assert len(repo.imports(store, "999")) == 1


def test_a_date_in_the_future_is_refused(store, tmp_path):
    path = write_audits_template(tmp_path / "a.xlsx", data=_data())
    msg = _refused(store, path, today=date(2019, 10, 14))
    assert msg.startswith("a.xlsx, sheet Audits, row 5, field Audit date: 2019-10-15 is in the")


def test_formulas_and_macros_are_refused(store, tmp_path):
    path = write_audits_template(tmp_path / "a.xlsx", data=_data())
    set_cell(path, "Audits", 3, "Team", '=HYPERLINK("http://x","y")')
    assert "sheet Audits, row 3, field Team: cell C3 holds a formula" in _refused(store, path)
    xlsm = tmp_path / "a.xlsm"
    xlsm.write_bytes(b"PK")
    assert "workbooks are refused" in _refused(store, xlsm)


def test_export_makes_formula_like_text_inert_and_reads_it_back(tmp_path):
    a = _audit("C1", date(2019, 6, 18), G, strengths="=1+1 and more", actions="-see notes")
    path = write_audits_template(tmp_path / "x.xlsx", data=AssuranceData((WEEK1,), (a,)))
    ws = openpyxl.load_workbook(path)["Audits"]
    cells = [c for c in ws[2] if isinstance(c.value, str) and "1+1" in c.value]
    assert cells[0].value == "'=1+1 and more" and cells[0].data_type == "s"
    [back] = read_audits(path).audits
    assert (back.strengths, back.actions) == ("=1+1 and more", "-see notes")


def test_the_template_has_instructions_lists_and_the_authoritys_domains(store, tmp_path):
    repo.set_domains(store, "999", ["Assessment", "Safety planning"])
    path = write_audits_template(tmp_path / "t.xlsx", repo.domains(store, "999"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Practice weeks", "Audits", "Dip samples", "Evidence"]
    headers = [c.value for c in wb["Audits"][1]]
    assert headers[-2:] == ["Grade: Assessment", "Grade: Safety planning"]
    lists = [dv.formula1 for dv in wb["Audits"].data_validations.dataValidation]
    assert '"Outstanding,Good,Requires improvement to be good,Inadequate"' in lists
    # A domain the authority does not grade is refused.
    set_cell(path, "Audits", 1, "Grade: Safety planning", "Grade: Impact")
    with pytest.raises(InputError, match="'Impact' is not one of this authority's audit domains"):
        wb2 = openpyxl.load_workbook(path)
        wb2["Practice weeks"].append(["W", date(2019, 1, 1), date(2019, 1, 2)])
        wb2["Audits"].append(["W", "C1", None, None, "X", date(2019, 1, 1), "Good"])
        wb2.save(path)
        read_audits(path, repo.domains(store, "999"))
