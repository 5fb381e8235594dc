"""The self-evaluation's narrative in its own tables: every revision kept (who, when), a change
shown as lines removed and added, an earlier text restored as a new revision; the texts the
store's settings held moved by a data migration; the reports read the current text."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conftest import handmade_903
from selfeval.ingest import ingest_903
from selfeval.web import narrative
from selfeval.web.models import AuditEvent, Narrative, NarrativeRevision


@pytest.mark.django_db
def test_revisions_are_numbered_kept_and_restorable():
    """ana writes two lines, bob changes the second, ana restores revision 1: three revisions,
    the third with revision 1's text; saving the same text again saves nothing."""
    first = "Care is stable.\nWe look after {{ cla_count at 2020-03-31 }} children."
    second = "Care is stable.\nFewer children move placement."
    assert narrative.save("999", "children_in_care", first, "ana").number == 1
    assert narrative.save("999", "children_in_care", first, "ana") is None
    assert narrative.save("999", "children_in_care", second, "bob").number == 2
    now = narrative.current("999", "children_in_care")
    assert (now.text, now.changed_by) == (second, "bob")
    back = narrative.restore("999", "children_in_care", 1, "ana")
    assert (back.number, back.text, back.note) == (3, first, "restored revision 1")
    assert narrative.texts("999", ["children_in_care", "context"]) == {
        "children_in_care": first,
        "context": "",
    }
    [r3, r2, r1] = narrative.history("999", "children_in_care")
    assert [c.revision.number for c in (r3, r2, r1)] == [3, 2, 1]
    assert r2.diff == [
        "@@ -1,2 +1,2 @@",
        " Care is stable.",
        "-We look after {{ cla_count at 2020-03-31 }} children.",
        "+Fewer children move placement.",
    ]
    assert r1.diff == ["@@ -0,0 +1,2 @@", "+Care is stable.", f"+{first.splitlines()[1]}"]
    assert narrative.history("999", "context") == []
    with pytest.raises(NarrativeRevision.DoesNotExist):
        narrative.restore("999", "children_in_care", 9, "ana")


@pytest.fixture
def loaded(web_store, tmp_path):  # type: ignore[no-untyped-def]
    ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return web_store


def test_edit_history_and_restore_through_the_pages(loaded, role_client):
    manager = role_client("manager")
    edit = reverse("evaluation_section_edit", args=["context"])
    manager.post(edit, {"text": "Demand rose."})
    manager.post(edit, {"text": "Demand fell."})
    page = manager.get(reverse("evaluation_section", args=["context"])).content.decode()
    assert "Demand fell." in page and "Last changed by test-manager" in page
    history = manager.get(reverse("evaluation_section_history", args=["context"]))
    html = history.content.decode()
    assert "Revision 2 (current)" in html and "-Demand rose.\n+Demand fell." in html
    assert "Restore revision 1" in html and "Restore revision 2" not in html
    # the history is for staff, as the editor is; restoring is for those who may edit
    assert role_client("viewer").get(history.request["PATH_INFO"]).status_code == 403
    restore = reverse("evaluation_section_restore", args=["context", 1])
    assert role_client("auditor").post(restore).status_code == 403
    r = manager.post(restore)
    assert r.status_code == 302 and r["Location"].startswith("/evaluation/context/history/")
    assert narrative.current("999", "context").text == "Demand rose."
    assert (
        manager.post(reverse("evaluation_section_restore", args=["context", 7])).status_code == 404
    )
    events = AuditEvent.objects.filter(action__endswith="narrative").order_by("id")
    assert [(e.action, e.what) for e in events] == [
        ("edit narrative", "section context of 999: revision 1"),
        ("edit narrative", "section context of 999: revision 2"),
        ("restore narrative", "section context of 999: revision 1 as revision 3"),
    ]


def test_the_scrutiny_report_reads_the_current_progress_narrative(loaded, role_client):
    c = role_client("analyst")
    c.post(
        reverse("evaluation_section_edit", args=["progress"]), {"text": "Progress: steady work."}
    )
    c.post(reverse("evaluation_section_edit", args=["progress"]), {"text": "Progress: we did X."})
    html = c.get(reverse("scrutiny_download", args=["html"])).content.decode()
    assert "Progress: we did X." in html and "steady work" not in html


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_moves_settings_into_the_tables_and_back():
    """Two texts under narrative:999:context and narrative:336:progress, an empty one and an
    unrelated setting: the two texts become revision 1, the keys go; reversed, they return."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE se_setting (key VARCHAR(80) PRIMARY KEY, value JSON NOT NULL)")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("web", "0001_initial")])
        rows = {
            "narrative:999:context": "Demand rose by a *third*.",
            "narrative:336:progress": "We did what we said: {{ cla_count at 2020-03-31 }}.",
            "narrative:999:introduction": "",
            "default_la": "999",
        }
        with connection.cursor() as cur:
            for k, v in rows.items():
                cur.execute("INSERT INTO se_setting VALUES (%s, %s)", [k, json.dumps(v)])
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        moved = {(n.la_code, n.section): n.text for n in Narrative.objects.all()}
        assert moved == {
            ("999", "context"): "Demand rose by a *third*.",
            ("336", "progress"): "We did what we said: {{ cla_count at 2020-03-31 }}.",
        }
        assert {r.number for r in NarrativeRevision.objects.all()} == {1}
        with connection.cursor() as cur:
            cur.execute("SELECT key FROM se_setting ORDER BY key")
            assert [k for (k,) in cur.fetchall()] == ["default_la"]
        executor = MigrationExecutor(connection)
        executor.migrate([("web", "0001_initial")])
        with connection.cursor() as cur:
            cur.execute("SELECT key, value FROM se_setting ORDER BY key")
            back = {k: json.loads(v) for k, v in cur.fetchall()}
        assert back == {
            "default_la": "999",
            "narrative:336:progress": rows["narrative:336:progress"],
            "narrative:999:context": rows["narrative:999:context"],
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        with connection.cursor() as cur:
            cur.execute("DROP TABLE se_setting")
