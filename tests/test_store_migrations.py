"""The store's schema migrations (Alembic): new stores at head, old ones upgraded, rows kept.

Each test runs on SQLite and on PostgreSQL (SELFEVAL_TEST_PG: skipped here without it,
required in CI). A revision that exists only in these tests (0004: a ``note`` column on
``se_load``) stands for the next real schema change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from builders import episode
from conftest import new_pg_database, run_cli, write_903_children
from selfeval.assurance.grades import Grade
from selfeval.assurance.records import AssuranceData, Audit
from selfeval.assurance.repository import save_assurance
from selfeval.errors import SchemaOutOfDate
from selfeval.ingest import ingest_903
from selfeval.store import Store, migrate

HEAD = "0003_plan_action_status_history"
"""This selfeval's newest revision."""

NOTE_REVISION = '''
"""A test-only revision: a note on each load (filled with 'none' for the rows already there)."""

import sqlalchemy as sa
from alembic import op

revision = "0004_test_load_note"
down_revision = "0003_plan_action_status_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite, copy the table (what a type change would need): its children must survive.
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("se_load", recreate=recreate) as b:
        b.add_column(sa.Column("note", sa.String(200), nullable=False, server_default="none"))
    FAIL


def downgrade() -> None:
    with op.batch_alter_table("se_load") as b:
        b.drop_column("note")
'''


def later_revision(folder: Path, fail: bool = False) -> list[str]:
    """A folder holding revision 0004, as ``version_locations``; ``fail`` makes it raise after
    adding its column (to show that a failed upgrade changes nothing)."""
    folder.mkdir()
    body = NOTE_REVISION.replace("FAIL", 'raise RuntimeError("boom")' if fail else "pass")
    (folder / "0004_test_load_note.py").write_text(body)
    return [str(folder)]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """An empty database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    monkeypatch.setenv("SELFEVAL_DATA_DIR", str(tmp_path / "data"))
    with new_pg_database("selfeval_mig") as pg_url:
        yield pg_url


def fill(store: Store, tmp_path: Path) -> None:
    """One 903 load of child A (2 files) and one audit of A with 2 domain grades."""
    files = write_903_children(tmp_path, [episode("A", "01/06/2018")])
    ingest_903(store, files, la_code="999", return_year=2019, loaded_by="analyst1")
    audit = Audit(
        "A",
        date(2019, 5, 1),
        "Auditor One",
        Grade(2),
        domain_grades={"Planning": Grade(2), "Voice of the child": Grade(3)},
    )
    save_assurance(store, "999", AssuranceData(audits=(audit,)), today=date(2020, 1, 1))


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every store table, by table, sorted."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=lambda name, _m: name.startswith("se_"))
    with engine.connect() as c:
        out = {
            t.name: sorted((tuple(r) for r in c.execute(sa.select(t))), key=repr)
            for t in meta.sorted_tables
        }
    engine.dispose()
    return out


def test_migrations_build_the_schema_the_models_declare(url):
    """Built by the migrations alone, the database is what the models say: Alembic's own
    comparison (tables, columns, types, nullability, indexes, unique and foreign keys) finds
    no difference. A column added to a model without a revision fails here."""
    before, after = migrate.upgrade(url)
    assert (before.state, after.state, after.revision) == ("empty", "current", HEAD)
    engine = sa.create_engine(url)
    with engine.connect() as c:
        ctx = MigrationContext.configure(
            c, opts={"include_name": migrate.include_name, "compare_type": True}
        )
        assert compare_metadata(ctx, migrate.all_tables()) == []
    engine.dispose()


def test_migrated_and_created_databases_have_the_same_constraints(tmp_path):
    """What autogenerate does not compare (check constraints, e.g. grades 1 to 4) is the same
    in a database built by the migrations as in one made from the models."""

    def shape(url: str) -> dict:
        engine = sa.create_engine(url)
        insp = sa.inspect(engine)
        out = {
            t: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)],
                sorted(
                    ((c["name"], c["sqltext"]) for c in insp.get_check_constraints(t)), key=repr
                ),
                sorted(
                    ((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)), key=repr
                ),
                sorted(
                    ((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
                    key=repr,
                ),
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                    for f in insp.get_foreign_keys(t)
                ),
            )
            for t in insp.get_table_names()
            if t.startswith("se_")
        }
        engine.dispose()
        return out

    migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrate.upgrade(migrated)
    created = f"sqlite:///{tmp_path / 'created.db'}"
    Store(created).engine.dispose()
    assert shape(migrated) == shape(created)
    checks = shape(migrated)["se_audit"][1]
    assert [name for name, _ in checks] == ["ck_moderated_grade_scale", "ck_overall_grade_scale"]
    assert len(shape(migrated)) == 22  # the se_* tables: 11 in store.db, 7 assurance, 4 plans


def test_a_store_at_the_baseline_gains_a_later_column_and_keeps_every_row(url, tmp_path):
    """A store made today (at the head) with one load (2 file rows) and one audit (2 domain
    grades); revision 0004 adds ``se_load.note``. Before upgrading, opening refuses with what to
    do; after, every row is as it was and the load's note is the default 'none'."""
    store = Store(url)
    fill(store, tmp_path)
    store.engine.dispose()
    before = rows(url)
    assert {t: len(before[t]) for t in ("se_load", "se_load_file", "se_audit")} == {
        "se_load": 1,
        "se_load_file": 2,
        "se_audit": 1,
    }
    assert len(before["se_audit_domain_grade"]) == 2

    later = later_revision(tmp_path / "later")
    engine = sa.create_engine(url)
    with pytest.raises(SchemaOutOfDate, match="older than this selfeval's 0004_test_load_note"):
        migrate.ensure_current(engine, later)
    engine.dispose()

    old, new = migrate.upgrade(url, version_locations=later)
    assert (old.revision, old.state) == (HEAD, "behind")
    assert (new.revision, new.state) == ("0004_test_load_note", "current")
    after = rows(url)
    assert {t: v for t, v in after.items() if t != "se_load"} == {
        t: v for t, v in before.items() if t != "se_load"
    }
    [load_before], [load_after] = before["se_load"], after["se_load"]
    assert load_after == (*load_before, "none")

    # This selfeval (whose newest revision is HEAD) does not open a store a newer one upgraded.
    with pytest.raises(SchemaOutOfDate, match="0004_test_load_note, which this selfeval"):
        Store(url)


def test_a_failed_upgrade_changes_nothing(url, tmp_path):
    """Revision 0004 adds its column and then fails: the column is not there and the database
    is still at 0001 with its rows (the whole upgrade is one transaction, on SQLite too)."""
    store = Store(url)
    fill(store, tmp_path)
    store.engine.dispose()
    before = rows(url)
    with pytest.raises(RuntimeError, match="boom"):
        migrate.upgrade(url, version_locations=later_revision(tmp_path / "later", fail=True))
    assert rows(url) == before
    assert migrate.current(url).revision == HEAD


def test_a_store_made_before_migrations_is_stamped_then_opened(tmp_path, capsys):
    """A database made by create_all (as every store was before revisions) with one load is
    refused on opening; ``selfeval db upgrade`` checks it, stamps it at the baseline, and the
    store then opens with its load."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    fill(store, tmp_path)
    store.engine.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE alembic_version"))  # as create_all left it
        c.execute(sa.text("DROP TABLE se_plan_action_status"))  # a later revision's table
    engine.dispose()
    before = rows(url)

    with pytest.raises(SchemaOutOfDate, match="made before selfeval kept schema versions"):
        Store(url)
    code, out, _ = run_cli(capsys, "--db", url, "db", "current")
    assert (code, out.split("\t")[0]) == (0, "none")
    code, out, err = run_cli(capsys, "--db", url, "db", "upgrade")
    assert (code, out, err) == (0, f"{HEAD}\tupgraded from unversioned\n", "")
    assert rows(url) == {**before, "se_plan_action_status": []}  # no plan: no statuses
    assert [r.loaded_by for r in Store(url).loads()] == ["analyst1"]
    code, out, _ = run_cli(capsys, "--db", url, "db", "current")
    assert out == f"{HEAD}\tat {HEAD} (current)\n"


def test_a_store_older_than_the_baseline_is_refused_naming_what_it_lacks(tmp_path, capsys):
    """A create_all database from before the provenance columns (no ``se_load.batch``) cannot
    be stamped: the upgrade says which column is missing and changes nothing (exit code 1)."""
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = sa.create_engine(url)
    migrate.all_tables().create_all(engine)
    with engine.begin() as c:
        c.execute(sa.text("ALTER TABLE se_load DROP COLUMN batch"))
    engine.dispose()
    code, _, err = run_cli(capsys, "--db", url, "db", "upgrade")
    assert code == 1
    assert "lacks column se_load.batch: it cannot be stamped" in err
    assert migrate.current(url).state == "unversioned"


def test_an_older_store_upgraded_never_gives_a_load_id_twice(tmp_path):
    """A store at the baseline with loads 1 and 2 (ids there were reused after an undo):
    upgraded to the head, every row kept; undoing load 2 and loading again gives load 3."""
    from conftest import handmade_903

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    for la in ("998", "999"):
        ingest_903(store, handmade_903(tmp_path / la), la_code=la, return_year=2020)
    store.engine.dispose()
    command_downgrade(url, "0001_baseline")
    before = rows(url)
    old, new = migrate.upgrade(url)
    assert (old.revision, new.revision) == ("0001_baseline", HEAD)
    assert rows(url) == {**before, "se_plan_action_status": []}
    store = Store(url)
    store.undo(2)
    again = ingest_903(store, handmade_903(tmp_path / "x"), la_code="999", return_year=2020)
    assert again.load.id == 3
    store.engine.dispose()


def command_downgrade(url: str, revision: str) -> None:
    """Take the database back to ``revision`` (as a store made before it would be)."""
    from alembic import command

    with migrate._changing(sa.make_url(url)) as c:
        command.downgrade(migrate.config(c), revision)


def test_a_store_before_the_status_history_gains_each_actions_status_now(url):
    """A store at 0002 holding a plan of two actions, one updated since its import (to Green),
    and two priorities, one with a status (Amber) and one with none: upgraded, each action and
    each priority has one recorded status, the one it has now ("" for none), recorded on the
    day of the upgrade and belonging to the plan's import (undoing the import removes them)."""
    from selfeval.plans.records import Action, Plan, Priority
    from selfeval.plans.repository import plan, save_plan, set_action_status, statuses_at
    from selfeval.store.workbook_imports import undo_import

    store = Store(url)
    p = Plan(
        "2019-20",
        (Priority("P1", "Stability", status="Amber"), Priority("P2", "Front door")),
        (
            Action("P1", "A1", "Recruit carers", "Head of Service", date(2019, 9, 30), "Amber"),
            Action("P1", "A2", "Panel", "Service Manager", date(2019, 12, 31), "Red"),
        ),
    )
    imported = save_plan(store, "999", p, today=date(2019, 5, 1))
    a1 = plan(store, "999").actions[0]
    set_action_status(store, a1.id, "Green", today=date(2019, 8, 1))
    store.engine.dispose()
    command_downgrade(url, "0002_monotonic_load_ids")
    before = rows(url)
    assert "se_plan_action_status" not in before

    old, new = migrate.upgrade(url)
    assert (old.revision, new.revision) == ("0002_monotonic_load_ids", HEAD)
    after = rows(url)
    assert {t: v for t, v in after.items() if t != "se_plan_action_status"} == before
    today = date.today()
    assert [r[1:] for r in after["se_plan_action_status"]] == [
        ("999", "2019-20", "P1", "A1", "Green", today, imported.record.id),
        ("999", "2019-20", "P1", "A2", "Red", today, imported.record.id),
        ("999", "2019-20", "P1", "", "Amber", today, imported.record.id),
        ("999", "2019-20", "P2", "", "", today, imported.record.id),
    ]
    store = Store(url)
    # Before the upgrade's day the store knew no status: the first recorded after is used.
    assert statuses_at(store, "999", "2019-20", date(2020, 3, 31)) == {
        ("P1", "A1"): ("Green", today),
        ("P1", "A2"): ("Red", today),
        ("P1", ""): ("Amber", today),
        ("P2", ""): ("", today),
    }
    undo_import(store, imported.record.id)
    assert rows(url)["se_plan_action_status"] == []
    store.engine.dispose()
