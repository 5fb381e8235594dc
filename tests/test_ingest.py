"""Ingest: detection, grouping, usage, provenance and bad input (through the library and CLI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli, store_snapshot, write_903_table
from selfeval.errors import InputError, UsageError
from selfeval.ingest import ingest
from selfeval.schema import SSDA903

LA = "999"


def header(path: Path, children="AB") -> Path:
    return write_903_table(
        path, "ssda903_header", [{"CHILD": c, "SEX": "1", "DOB": "01/01/2010"} for c in children]
    )


def episodes(path: Path, children="AB") -> Path:
    return write_903_table(
        path,
        "ssda903_episodes",
        [
            {"CHILD": c, "DECOM": "01/06/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"}
            for c in children
        ],
    )


@pytest.fixture
def returns_2019(tmp_path: Path) -> Path:
    d = tmp_path / "903-2019"
    d.mkdir()
    header(d / "header.csv")
    episodes(d / "episodes.csv")
    return d


def db_url(store) -> str:
    return str(store.url)


# -- detection, folders, grouping -------------------------------------------------------------


def test_a_folder_is_read_whole_and_903_tables_are_known_by_their_header(store, returns_2019):
    res = ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    rec = res.load
    assert (rec.kind, rec.la_code, rec.return_year) == ("903", LA, 2019)
    assert rec.tables == {"ssda903_episodes": 2, "ssda903_header": 2}
    assert sorted(f.name for f in store.load(rec.id).files) == ["episodes.csv", "header.csv"]


def test_columns_in_another_order_are_the_same_table(store, tmp_path):
    """DfE's validator identifies a table by its set of columns; so does selfeval."""
    p = tmp_path / "h.csv"
    p.write_text("SEX,CHILD,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n2,K,03/04/2011,,,,\n")
    ingest(store, [p], return_year=2019, la_code=LA, validate=False)
    t = store.table("ssda903_header")
    assert t.column("CHILD").to_pylist() == ["K"] and t.column("SEX").to_pylist() == ["2"]


def test_loading_the_same_files_again_changes_nothing(store, returns_2019):
    first = ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    before = store_snapshot(store)
    again = ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    assert not again.created and again.load.id == first.load.id
    assert store_snapshot(store) == before


@pytest.mark.django_db
def test_903_without_a_year_takes_it_from_its_episodes_or_is_a_usage_error(
    store, returns_2019, capsys
):
    """Episodes starting 01/06/2018 (the latest start) are the 2019 return's (tests of this in
    test_ingest_years.py); a header without its episodes says no year, so --year is needed."""
    (returns_2019 / "episodes.csv").rename(returns_2019.parent / "elsewhere.csv")
    with pytest.raises(UsageError, match="give --year"):
        ingest(store, [returns_2019], la_code=LA, validate=False)
    code, _, err = run_cli(capsys, "--db", db_url(store), "ingest", str(returns_2019), "--la", LA)
    assert code == 2 and "give --year YYYY" in err
    (returns_2019.parent / "elsewhere.csv").rename(returns_2019 / "episodes.csv")
    assert ingest(store, [returns_2019], la_code=LA, validate=False).load.return_year == 2019


@pytest.mark.django_db
def test_the_first_authority_loaded_becomes_the_default(store, returns_2019, tmp_path, capsys):
    with pytest.raises(UsageError, match="give --la"):
        ingest(store, [returns_2019], return_year=2019, validate=False)
    ingest(store, [returns_2019], return_year=2019, la_code="336", validate=False)
    assert store.default_la == "336"
    later = tmp_path / "2020"
    later.mkdir()
    episodes(later / "e.csv", "A")
    code, out, err = run_cli(
        capsys, "--db", db_url(store), "ingest", str(later), "--year", "2020", "--no-validate"
    )
    assert code == 0, err
    assert "for 336" in out
    assert [r.la_code for r in store.loads()] == ["336", "336"]


# -- provenance: loads, show, undo ------------------------------------------------------------


@pytest.mark.django_db
def test_loads_lists_shows_and_undoes_with_provenance(store, returns_2019, capsys):
    """... and the undo is in the audit log (who, which load, whose, which year)."""
    code, out, err = run_cli(
        capsys, "--db", db_url(store), "ingest", str(returns_2019), "--year", "2019", "--la", LA,
        "--no-validate",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("loaded load 1 (903 2019 for 999, 4 rows; not validated")
    code, out, _ = run_cli(capsys, "--db", db_url(store), "loads", "--format", "json")
    [rec] = json.loads(out)
    assert rec["kind"] == "903" and rec["return_year"] == 2019 and rec["la_code"] == LA
    assert rec["tables"] == {"ssda903_episodes": 2, "ssda903_header": 2}
    assert {f["name"] for f in rec["files"]} == {"header.csv", "episodes.csv"}
    assert all(len(f["sha256"]) == 64 for f in rec["files"])
    assert rec["loaded_by"] and rec["loaded_at"] and rec["selfeval_version"]
    code, out, _ = run_cli(capsys, "--db", db_url(store), "loads", "show", "1")
    assert code == 0 and "sha256" in out and "return year:   2019" in out
    code, out, _ = run_cli(capsys, "--db", db_url(store), "loads", "undo", "1")
    assert code == 0 and out.startswith("removed load 1")
    from selfeval.web.models import AuditEvent

    [undone] = AuditEvent.objects.filter(action="undo load")
    assert (undone.what, undone.detail["la_code"], undone.detail["return_year"]) == (
        "load 1",
        LA,
        2019,
    )
    assert store.loads() == [] and list((store.data_dir / "loads").iterdir()) == []
    code, _, err = run_cli(capsys, "--db", db_url(store), "loads", "show", "1")
    assert code == 1 and "there is no load 1" in err


@pytest.mark.django_db
def test_every_load_and_refusal_from_the_command_line_is_in_the_audit_log(
    store, returns_2019, tmp_path, capsys, monkeypatch
):
    """The 2019 return loaded, loaded again, then a call refused by its bad file: one event
    each, with the load's authority, kind, year and content hash (as an undo says them) and
    its files, or the rule and file that refused it; ``--db`` does not stay in the
    environment of the process that ran the command."""
    from selfeval.web.models import AuditEvent

    monkeypatch.delenv("SELFEVAL_DB", raising=False)
    args = ["--db", db_url(store), "ingest", str(returns_2019), "--year", "2019", "--la", LA]
    for _ in range(2):
        code, _, err = run_cli(capsys, *args, "--no-validate")
        assert code == 0, err
    bad = tmp_path / "bad" / "header.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"NOT,A,903,HEADER\nCLIENTX99,1,2,3\n")
    code, _, err = run_cli(capsys, "--db", db_url(store), "ingest", str(bad.parent), "--la", LA)
    assert code == 1 and "[unknown-kind]" in err
    assert "SELFEVAL_DB" not in os.environ
    [rec] = store.loads()
    detail = {
        "la_code": "999",
        "kind": "903",
        "return_year": 2019,
        "content_hash": rec.content_hash,
        "files": ["episodes.csv", "header.csv"],
        "via": "command line",
    }
    events = [(e.action, e.what, e.detail) for e in AuditEvent.objects.order_by("id")]
    assert events == [
        ("load", "load 1", detail),
        ("load again (no change)", "load 1", detail | {"files": []}),  # none stored
        (
            "refused ingest",
            "ingest",
            {
                "files": [str(bad.parent)],
                "kind": "",
                "la_code": "999",
                "rule": "unknown-kind",
                "file": "header.csv",
                "via": "command line",
            },
        ),
    ]
    assert all(e.who.startswith("cli") for e in AuditEvent.objects.all())


# -- bad input of the first kind: refused whole, store as before ------------------------------

EPISODES = ",".join(SSDA903["ssda903_episodes"].fields)
OC2 = (
    "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
    "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED"
)
OK_EPISODE = "Z,01/06/2018,S,C2,N1,U1,PR1,,,,,,"

BAD_FILES = {
    # name: (bytes, what the error must say)
    "wrong-header": (b"NOT,A,HEADER\n1,2,3\n", "bad.csv, row 1: the header row is not"),
    "missing-header": (
        (OK_EPISODE + "\n").encode(),
        "bad.csv, row 1: the header row is not",
    ),
    "bad-date": (
        f"{EPISODES}\n{OK_EPISODE}\nY,31/02/2018,S,C2,N1,U1,PR1,,,,,,\n".encode(),
        "bad.csv, row 3, field DECOM: '31/02/2018' is not a date",
    ),
    "bad-number": (
        f"{OC2}\nZ,01/01/2005,high,,0,1,1,1,1,0,0,0\n".encode(),
        "bad.csv, row 2, field SDQ_SCORE: 'high' is not a whole number",
    ),
    "ragged-row": (
        f"{EPISODES}\n{OK_EPISODE}\n{OK_EPISODE},extra\n".encode(),
        "bad.csv, row 3: the row has 14 fields where the header has 13",
    ),
    "empty": (b"", "bad.csv, row 1: the file is blank, and its name says no SSDA903 table"),
    "not-utf8": (EPISODES.encode() + b"\n\xff\xfe\xfa,,\n", "bad.csv: the file is not UTF-8"),
    "wrong-kind": (
        b'<?xml version="1.0"?><Message><Header/></Message>',
        "bad.csv, row 1: the header row is not",
    ),
    "too-large": (
        f"{EPISODES}\n".encode() + (OK_EPISODE + "\n").encode() * 20,
        "bad.csv: the file is",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_that_does_not_read_is_refused_whole(store, returns_2019, tmp_path, case, capsys):
    """Library and CLI both refuse it, name file, row and field, and leave the store as it was
    (every database row and every file of the data folder)."""
    content, message = BAD_FILES[case]
    ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    before = store_snapshot(store)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = bad_dir / "bad.csv"
    bad.write_bytes(content)
    good = episodes(bad_dir / "good-episodes.csv", "Q")  # refused with it: one call, one load
    limit = 400 if case == "too-large" else None

    with pytest.raises(InputError) as e:
        ingest(
            store,
            [good, bad],
            kind="903",
            return_year=2020,
            la_code=LA,
            max_bytes=limit,
            validate=False,
        )
    assert str(e.value).startswith(message)
    assert store_snapshot(store) == before

    env = {"SELFEVAL_MAX_FILE_BYTES": str(limit)} if limit else {}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        code, out, err = run_cli(
            capsys, "--db", db_url(store), "ingest", str(bad_dir), "--kind", "903",
            "--year", "2020", "--la", LA,
        )  # fmt: skip
    assert code == 1, (out, err)
    assert err.startswith(f"Error: {message}"), err
    assert "Traceback" not in err
    assert store_snapshot(store) == before


def _readers() -> dict[str, tuple[str, object]]:
    """Every reader of a file the project has, with a file name fit for it."""
    from selfeval.assurance.io import read_audits
    from selfeval.plans.io import read_plan
    from selfeval.returns import grouping, ssd, ssda903

    def reader(kind: str):
        return lambda p: grouping.READERS[kind](p, la_code=LA, return_year=2019, max_bytes=10**6)

    return {
        "903 CSV": ("2019-episodes.csv", reader("903")),
        "903 CSV table": (
            "2019-episodes.csv",
            lambda p: ssda903.read_csv(p, la_code=LA, return_year=2019),
        ),
        "903 XML": ("ssda903.xml", reader("903")),
        "CIN census": ("cin.xml", reader("cin")),
        "Annex A": ("annex_a.xlsx", reader("annex-a")),
        "workforce": ("csww.csv", reader("workforce")),
        "SSD": ("ssd_person.csv", reader("ssd")),
        "SSD table": ("ssd_person.csv", lambda p: ssd.read_csv(p, la_code=LA)),
        "audits workbook": ("audits.xlsx", read_audits),
        "plan workbook": ("plan.xlsx", read_plan),
        "kind detection": ("2019-episodes.csv", grouping.detect_kind),
    }


@pytest.mark.parametrize("reader", sorted(_readers()))
def test_a_missing_file_is_refused_naming_it_by_every_reader(tmp_path, reader):
    name, read = _readers()[reader]
    path = tmp_path / name
    with pytest.raises(InputError) as e:
        read(path)
    assert str(e.value) == (
        f"{name}: the file cannot be read ([Errno 2] No such file or directory: '{path}') "
        "[unreadable]"
    )


@pytest.mark.parametrize("reader", sorted(_readers()))
def test_a_folder_given_as_a_file_is_refused_naming_it_by_every_reader(tmp_path, reader):
    name, read = _readers()[reader]
    (tmp_path / name).mkdir()
    with pytest.raises(InputError) as e:
        read(tmp_path / name)
    assert str(e.value) == f"{name}: it is not a file [not-a-file]"


def _unreadable(monkeypatch, locked: Path) -> None:
    """``locked`` exists but may not be opened (a file without read permission: as root, as
    the tests may run, ``chmod 000`` does not refuse, so the refusal is the operating system's
    error raised by hand)."""
    real = Path.open

    def refuse(self, *args, **kwargs):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)


@pytest.mark.parametrize("reader", sorted(_readers()))
def test_a_file_without_read_permission_is_refused_naming_it_by_every_reader(
    tmp_path, monkeypatch, reader
):
    name, read = _readers()[reader]
    path = tmp_path / name
    path.write_bytes(b"CHILD,DECOM\n")
    _unreadable(monkeypatch, path)
    with pytest.raises(InputError) as e:
        read(path)
    assert str(e.value) == (
        f"{name}: the file cannot be read ([Errno 13] Permission denied: '{path}') [unreadable]"
    )


@pytest.mark.django_db
def test_an_unreadable_file_among_good_ones_refuses_the_call_and_stores_nothing(
    store, returns_2019, tmp_path, monkeypatch, capsys
):
    ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    before = store_snapshot(store)
    folder = tmp_path / "2020"
    folder.mkdir()
    episodes(folder / "episodes.csv", "Q")
    locked = header(folder / "header.csv", "Q")
    _unreadable(monkeypatch, locked)
    said = f"header.csv: the file cannot be read ([Errno 13] Permission denied: '{locked}')"
    with pytest.raises(InputError) as e:
        ingest(store, [folder], return_year=2020, la_code=LA, validate=False)
    assert str(e.value) == f"{said} [unreadable]"
    assert store_snapshot(store) == before
    code, out, err = run_cli(
        capsys, "--db", db_url(store), "ingest", str(folder), "--year", "2020", "--la", LA
    )
    assert code == 1, (out, err)
    assert err.startswith(f"Error: {said} [unreadable]"), err
    assert store_snapshot(store) == before


@pytest.mark.django_db
def test_a_file_of_no_known_kind_is_refused(store, tmp_path, capsys):
    p = tmp_path / "notes.txt"
    p.write_text("minutes of the practice week\n")
    before = store_snapshot(store)
    with pytest.raises(InputError, match=r"notes.txt, row 1: the file is not a return"):
        ingest(store, [p], return_year=2019, la_code=LA, validate=False)
    code, _, err = run_cli(
        capsys, "--db", db_url(store), "ingest", str(p), "--year", "2019", "--la", LA
    )
    assert code == 1 and "notes.txt" in err
    assert store_snapshot(store) == before


# -- hostile XML and workbooks, through the readers ---------------------------------------------

CIN_HEAD = '<?xml version="1.0"?>'


def _cin_with_entities(path: Path, entities: str, child_id: str) -> Path:
    """A CIN census whose DOCTYPE declares ``entities`` and whose one child's id is
    ``child_id`` (an entity reference)."""
    path.write_text(
        f"{CIN_HEAD}<!DOCTYPE Message [{entities}]>"
        f"<Message><Children><Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
        "</ChildIdentifiers></Child></Children></Message>"
    )
    return path


def _cin_bomb(tmp_path: Path) -> Path:
    return _cin_with_entities(
        tmp_path / "bomb.xml",
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">',
        "&c;",
    )


def _cin_external(tmp_path: Path) -> Path:
    return _cin_with_entities(
        tmp_path / "xxe.xml", '<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"
    )


def _cin_truncated(tmp_path: Path) -> Path:
    from conftest import write_cin_xml

    p = write_cin_xml(tmp_path / "truncated.xml", 20, lea=LA, reference_date="2020-03-31")
    p.write_bytes(p.read_bytes()[:-400])
    return p


def _workbook_with_formula(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 1"
    ws.append(["Child Unique ID", "Gender", "Date of birth"])
    ws.append(["A1", "Male", "=TODAY()"])
    p = tmp_path / "annex_a.xlsx"
    wb.save(p)
    return p


def _workbook_with_macros(tmp_path: Path) -> Path:
    import zipfile

    p = _workbook_with_formula(tmp_path)
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return p


HOSTILE = {
    # name: (make the file, --kind, the rule the error must name)
    "entity-expansion": (_cin_bomb, "cin", "[xml-dtd]"),
    "external-entity": (_cin_external, "cin", "[xml-dtd]"),
    "truncated-xml": (_cin_truncated, "cin", "[xml-syntax]"),
    "workbook-formula": (_workbook_with_formula, "annex-a", "[formula]"),
    "workbook-macros": (_workbook_with_macros, "annex-a", "[macros]"),
    "workbook-as-903": (_workbook_with_formula, "903", "annex_a.xlsx"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_xml_and_workbooks_are_refused_whole(store, returns_2019, tmp_path, case, capsys):
    make, kind, rule = HOSTILE[case]
    ingest(store, [returns_2019], return_year=2019, la_code=LA, validate=False)
    before = store_snapshot(store)
    d = tmp_path / "hostile"
    d.mkdir()
    bad = make(d)
    with pytest.raises(InputError) as e:
        ingest(store, [bad], kind=kind, return_year=2020, la_code=LA, validate=False)
    assert bad.name in str(e.value) and rule in str(e.value)
    assert store_snapshot(store) == before
    code, _, err = run_cli(
        capsys, "--db", db_url(store), "ingest", str(bad), "--kind", kind,
        "--year", "2020", "--la", LA,
    )  # fmt: skip
    assert code == 1 and err.startswith(f"Error: {bad.name}") and rule in err
    assert "/etc/passwd" not in err or case == "external-entity"
    assert store_snapshot(store) == before


def test_one_call_loads_several_kinds_and_years_or_nothing(store, returns_2019, tmp_path):
    """A 903 folder (2020) and two CIN census files (2019 and 2020, their years from their
    headers) make three loads in one transaction; add one bad file and none is made."""
    from conftest import write_cin_xml

    d = tmp_path / "call"
    (d / "903").mkdir(parents=True)
    episodes(d / "903" / "episodes.csv", "AB")
    write_cin_xml(d / "cin-2020.xml", 5, lea=LA, reference_date="2020-03-31")
    write_cin_xml(d / "cin-2019.xml", 4, lea=LA, reference_date="2019-03-31", seed=2)
    before = store_snapshot(store)
    bad = d / "zz-bad.csv"
    bad.write_text(f"{EPISODES}\nZ,not a date,S,C2,N1,U1,PR1,,,,,,\n")
    with pytest.raises(InputError, match=r"zz-bad.csv, row 2, field DECOM"):
        ingest(store, [d], return_year=2020, la_code=LA, validate=False)
    assert store_snapshot(store) == before
    bad.unlink()
    res = ingest(store, [d], return_year=2020, la_code=LA, validate=False)
    assert sorted((o.load.kind, o.load.return_year) for o in res.loads) == [
        ("903", 2020),
        ("cin", 2019),
        ("cin", 2020),
    ]
    assert len({o.load.batch for o in res.loads}) == 1
    assert store.table("cin_header").num_rows == 2


def test_a_cin_file_for_another_authority_is_refused(store, tmp_path):
    from conftest import write_cin_xml

    p = write_cin_xml(tmp_path / "cin.xml", 3, lea="336", reference_date="2020-03-31")
    with pytest.raises(InputError, match="authority 336's, but --la 999"):
        ingest(store, [p], la_code=LA, validate=False)
    assert store.loads() == []


@pytest.mark.parametrize(
    ("module", "name", "says"),
    [
        ("annex_a", "annex-a.xlsx", "an Annex A workbook names no authority or year"),
        ("workforce", "csww.csv", "a workforce table names no authority or year"),
        ("ssd", "ssd_person.csv", "an SSD extract names no authority"),
    ],
)
def test_a_return_that_names_no_authority_is_refused_naming_its_file(tmp_path, module, name, says):
    """Read alone (no folder or file name to infer from), a file that does not state its
    authority or year is refused with its own name first, as every other refusal is."""
    from importlib import import_module

    from selfeval.errors import UsageError

    f = tmp_path / name
    f.write_text("a,b\n1,2\n")
    reader = import_module(f"selfeval.returns.{module}")
    with pytest.raises(UsageError) as e:
        reader.read(f, la_code=None, return_year=None)
    assert str(e.value).startswith(f"{name}: {says}: give --la")


def test_a_broken_link_in_a_folder_refuses_the_call_naming_it(store, tmp_path):
    """A folder of a whole 903 return and a link to a file that is gone: the call is refused
    naming the link (it was passed over, and the load went ahead without that file), and the
    store is as it was."""
    from conftest import handmade_903
    from selfeval.errors import UsageError

    folder = tmp_path / "returns"
    handmade_903(folder)
    (folder / "uasc.csv").symlink_to(tmp_path / "gone.csv")
    before = store_snapshot(store)
    with pytest.raises(UsageError) as e:
        ingest(store, [folder], kind="903", return_year=2020, la_code="999")
    assert str(e.value) == f"{folder / 'uasc.csv'} is not a file (a broken link or a special file)"
    assert store_snapshot(store) == before
