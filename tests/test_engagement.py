"""The annual engagement meeting pack, on a hand-made store of two authorities."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import docx
import pytest
import sqlalchemy as sa

from builders import episode
from conftest import run_cli, write_903_children
from selfeval.assurance.grades import Grade
from selfeval.assurance.records import Audit
from selfeval.assurance.repository import add_audit
from selfeval.evaluation.engagement import engagement_pack, self_evaluation_status
from selfeval.ingest import ingest_903
from selfeval.outputs.document import Table
from selfeval.outputs.render import write
from selfeval.store import db

AT = date(2022, 3, 31)


def _inspection(la: str, start: date, published: date | None, overall: str) -> dict:
    """One of Ofsted's standard ILACS inspections, as `benchmarks import` stores it."""
    return dict(
        source="ofsted",
        la_code=la,
        framework="standard",
        start_date=start,
        publication_date=published,
        overall_effectiveness=overall,
    )


@pytest.fixture
def two_authorities(store, tmp_path):
    """301 looks after 8 children at 31/03/2022, 302 looks after 3 (a small count)."""
    for la, n in {"301": 8, "302": 3}.items():
        folder = tmp_path / la
        folder.mkdir()
        kids = [f"{la}K{i}" for i in range(n)]
        eps = [episode(c, "01/06/2021") for c in kids]
        files = write_903_children(folder, eps, dob="01/01/2012")
        ingest_903(store, files, la_code=la, return_year=2022)
    # 301: seven audits, six good, one inadequate (moderated down from requires improvement).
    for i in range(6):
        add_audit(store, "301", Audit(f"301K{i}", date(2022, 1, 10), "A. Auditor", Grade.GOOD))
    add_audit(
        store,
        "301",
        Audit(
            "301K6",
            date(2022, 1, 10),
            "A. Auditor",
            Grade.REQUIRES_IMPROVEMENT,
            moderator="M. Oderator",
            moderation_date=date(2022, 1, 20),
            moderated_grade=Grade.INADEQUATE,
        ),
    )
    with store.engine.begin() as c:
        c.execute(
            sa.insert(db.bench_inspections),
            [
                _inspection("301", date(2018, 5, 14), date(2018, 7, 2), "requires improvement"),
                _inspection("301", date(2019, 1, 14), date(2019, 3, 1), "good"),
                _inspection("302", date(2019, 6, 3), None, "inadequate"),
            ],
        )
        c.execute(
            sa.insert(db.finding_reviews).values(
                la_code="301",
                key="change:cla_count:2021-03-31:2022-03-31",
                status="accepted",
                drafted_text="drafted",
                decided_by="Head of Service",
                decided_at=datetime(2022, 4, 1, tzinfo=UTC),
            )
        )
    return store


def _table(doc, caption_start: str) -> Table:
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    return next(t for t in tables if t.caption.startswith(caption_start))


def test_pack_holds_figures_history_and_audits(two_authorities):
    doc = engagement_pack(two_authorities, "301", AT)
    words = doc.text()
    assert doc.title == "Annual engagement meeting: Authority 301"
    indicators = dict((r[0], r[1]) for r in _table(doc, "Indicators at").rows)
    assert indicators["Children looked after"] == "8"
    assert "DfE's published figures are not imported" in words
    # Seven audits: 6 good, 1 inadequate. The 1 is c; with the self-evaluation's table beside
    # this one (0 requiring improvement), 86% good or better of 7 would give it back, so the
    # 6 is withheld too and both shares are c (outputs.disclosure.grade_table).
    assert _table(doc, "Audits").rows[-1] == ("All audits in the year", "7", "c", "c")
    assert "Moderation: c audits moderated" in words
    # History, oldest first; next: a short inspection centred on 14/01/2022 +- 6 months.
    assert _table(doc, "Inspections").rows == (
        ("14 May 2018", "standard", "requires improvement", "2 July 2018"),
        ("14 January 2019", "standard", "good", "1 March 2019"),
    )
    assert "a short inspection, window 14 July 2021 to 14 July 2022 (in window)" in words
    assert "1 finding accepted, 0 rejected" in words
    assert "No improvement plan" in words
    # Eight children in care since June 2021: none for 2.5 years, none adopted, no postcodes.
    # Those indicators stand in a table of their own with the reason, not as rows of x.
    assert _table(doc, "Indicators with no figure").rows == (
        (
            "Children in the same placement for two years (long-term stability)",
            "nothing to measure: the denominator (children looked after on the date, aged "
            "under 16, in care for 2.5 years or more) is 0",
        ),
        (
            "Children placed more than 20 miles from home",
            "nothing to measure: the denominator (children looked after on the date with "
            "known home and placement postcodes) is 0",
        ),
        (
            "Average days from entering care to moving in with the adoptive family",
            "nothing to measure: the denominator (children adopted in the period whose "
            "adoptive placement is in the 903) is 0",
        ),
    )
    assert "Children placed more than 20 miles from home" not in indicators


def test_no_cell_of_one_to_five_children(two_authorities):
    """302 looks after 3 children: shown as c, and no table cell anywhere is a bare 1-5."""
    doc = engagement_pack(two_authorities, "302", AT)
    indicators = dict((r[0], r[1]) for r in _table(doc, "Indicators at").rows)
    assert indicators["Children looked after"] == "c"
    for b in doc.blocks:
        if isinstance(b, Table) and b.caption.startswith("Indicators"):
            for row in b.rows:
                assert not re.fullmatch(r"[1-5]", row[1]), row
    assert "monitoring visits until then" in doc.text()
    assert "no drafted finding accepted or rejected yet" in doc.text()


def test_status_of_both(two_authorities):
    s = self_evaluation_status(two_authorities, ["301", "302"])
    assert (s["301"].accepted, s["302"].decided) == (1, 0)


def test_renders_to_pdf_and_docx(two_authorities, tmp_path):
    doc = engagement_pack(two_authorities, "301", AT)
    pdf = write(doc, "pdf", tmp_path / "pack.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages
    assert "Authority 301" in "".join(p.extract_text() for p in pages)
    out = write(doc, "docx", tmp_path / "pack.docx")
    d = docx.Document(str(out))
    assert any("Authority 301" in p.text for p in d.paragraphs)


def test_cli_region_view_and_pack(two_authorities, tmp_path, capsys):
    """`selfeval region --at` still lists the view, now with each one's self-evaluation status;
    `selfeval region pack` writes the pack."""
    db = str(two_authorities.engine.url)
    code, out, _ = run_cli(capsys, "--db", db, "region", "--at", "2022-03-31", "--id", "cla_count")
    assert code == 0
    # Each figure as every output writes it: a count whole (this listing once wrote 8.0).
    values = {line.split()[0]: line.split()[-1] for line in out.splitlines() if "cla_count" in line}
    assert values == {"301": "8", "302": "3"}
    assert "301  self-evaluation: 1 finding accepted, 0 rejected" in out
    assert "302  self-evaluation: no drafted finding accepted or rejected yet" in out
    code, out, err = run_cli(capsys, "--db", db, "region")
    assert code == 2 and "--at" in err
    target = tmp_path / "pack.html"
    pack = ("--db", db, "region", "pack", "--at", "2022-03-31", "--out")
    code, out, _ = run_cli(capsys, *pack, str(target), "--la", "302", "--format", "html")
    assert code == 0, out
    assert "Authority 302" in target.read_text(encoding="utf-8")
    code, _, err = run_cli(capsys, *pack, str(tmp_path / "x.pdf"), "--la", "999")
    assert code == 1 and "no returns for authority 999" in err
