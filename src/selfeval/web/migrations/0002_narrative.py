"""Narrative gets its own tables (text, who and when, every revision), and the texts the store's
settings held (``narrative:LA:SECTION`` keys of ``se_setting``, the same database) move there,
each as revision 1. Reversed, the current texts go back to the settings."""

import json

import django.db.models.deletion
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db import migrations, models
from django.utils import timezone

PREFIX = "narrative:"
MOVED_BY = "selfeval (moved from the store's settings)"


def _settings_table(schema_editor: BaseDatabaseSchemaEditor) -> bool:
    return "se_setting" in schema_editor.connection.introspection.table_names()


def settings_to_narrative(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if not _settings_table(schema_editor):
        return
    conn = schema_editor.connection
    value = "value::text" if conn.vendor == "postgresql" else "value"
    with conn.cursor() as cur:
        cur.execute(f"SELECT key, {value} FROM se_setting WHERE key LIKE %s", [PREFIX + "%"])
        rows = cur.fetchall()
    Narrative = apps.get_model("web", "Narrative")
    Revision = apps.get_model("web", "NarrativeRevision")
    now = timezone.now()
    for key, raw in rows:
        la_code, _, section = key[len(PREFIX) :].partition(":")
        text = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        if not la_code or not section or not isinstance(text, str) or not text.strip():
            continue
        n = Narrative.objects.create(
            la_code=la_code, section=section, text=text, changed_by=MOVED_BY, changed_at=now
        )
        Revision.objects.create(
            narrative=n, number=1, text=text, changed_by=MOVED_BY, changed_at=now, note="moved"
        )
    with conn.cursor() as cur:
        cur.execute("DELETE FROM se_setting WHERE key LIKE %s", [PREFIX + "%"])


def narrative_to_settings(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if not _settings_table(schema_editor):
        return
    conn = schema_editor.connection
    cast = "CAST(%s AS json)" if conn.vendor == "postgresql" else "%s"
    with conn.cursor() as cur:
        for n in apps.get_model("web", "Narrative").objects.all():
            key = f"{PREFIX}{n.la_code}:{n.section}"
            cur.execute("DELETE FROM se_setting WHERE key = %s", [key])
            cur.execute(
                f"INSERT INTO se_setting (key, value) VALUES (%s, {cast})", [key, json.dumps(n.text)]
            )


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Narrative",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("la_code", models.CharField(max_length=10)),
                ("section", models.CharField(max_length=60)),
                ("text", models.TextField(blank=True, default="")),
                ("changed_by", models.CharField(max_length=150)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "db_table": "web_narrative",
                "ordering": ["la_code", "section"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("la_code", "section"), name="web_narrative_one_per"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NarrativeRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("text", models.TextField(blank=True, default="")),
                ("changed_by", models.CharField(max_length=150)),
                ("changed_at", models.DateTimeField()),
                ("note", models.CharField(blank=True, default="", max_length=200)),
                (
                    "narrative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="web.narrative",
                    ),
                ),
            ],
            options={
                "db_table": "web_narrative_revision",
                "ordering": ["-number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("narrative", "number"), name="web_narrative_rev_once"
                    )
                ],
            },
        ),
        migrations.RunPython(settings_to_narrative, narrative_to_settings),
    ]
