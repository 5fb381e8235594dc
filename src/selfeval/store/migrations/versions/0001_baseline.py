"""The baseline: the store's tables as ``create_all`` made them before migrations existed.

Written by Alembic's autogenerate from the models, with the grade scales' check constraints
added by hand (autogenerate does not render a check given on a column).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-26 15:17:30.679637
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "se_assurance_import",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "kind", "sha256", name="uq_assurance_import_hash"),
    )
    op.create_index(
        op.f("ix_se_assurance_import_la_code"), "se_assurance_import", ["la_code"], unique=False
    )
    op.create_table(
        "se_bench_area",
        sa.Column("la_code", sa.String(length=12), nullable=False),
        sa.Column("new_la_code", sa.String(length=40), nullable=True),
        sa.Column("la_name", sa.String(length=120), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("region_name", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("la_code"),
    )
    op.create_table(
        "se_bench_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("release", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "release", name="uq_bench_file_release"),
    )
    op.create_table(
        "se_bench_inspection",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("urn", sa.String(length=12), nullable=True),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("framework", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("overall_effectiveness", sa.String(length=60), nullable=True),
        sa.Column("impact_of_leaders", sa.String(length=60), nullable=True),
        sa.Column("help_and_protection", sa.String(length=60), nullable=True),
        sa.Column("in_care", sa.String(length=60), nullable=True),
        sa.Column("care_leavers", sa.String(length=60), nullable=True),
        sa.Column("link", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_se_bench_inspection_la_code"), "se_bench_inspection", ["la_code"], unique=False
    )
    op.create_table(
        "se_bench_neighbour",
        sa.Column("model", sa.String(length=8), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("neighbour_code", sa.String(length=3), nullable=False),
        sa.Column("closeness", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("model", "la_code", "position"),
    )
    op.create_table(
        "se_bench_period",
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("release", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "year"),
    )
    op.create_table(
        "se_bench_series",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("release", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=120), nullable=False),
        sa.Column("breakdown", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "release", "measure", "breakdown", name="uq_bench_series"),
    )
    op.create_index(
        "ix_bench_series_measure", "se_bench_series", ["source", "measure"], unique=False
    )
    op.create_table(
        "se_finding_review",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("drafted_text", sa.Text(), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "key", name="uq_finding_review_la_key"),
    )
    op.create_table(
        "se_load",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("return_year", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("folder", sa.String(length=80), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), nullable=False),
        sa.Column("pseudonym_key_id", sa.String(length=32), nullable=True),
        sa.Column("validators", sa.JSON(), nullable=False),
        sa.Column("selfeval_version", sa.String(length=40), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("folder"),
        sa.UniqueConstraint("la_code", "content_hash", name="uq_load_la_hash"),
    )
    op.create_index(op.f("ix_se_load_la_code"), "se_load", ["la_code"], unique=False)
    op.create_table(
        "se_setting",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "se_bench_value",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("time_period", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("geographic_level", sa.String(length=40), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("la_code", sa.String(length=12), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["series_id"], ["se_bench_series.id"], ondelete="CASCADE"),
    )
    op.create_index(
        "ix_bench_value_series_year", "se_bench_value", ["series_id", "year"], unique=False
    )
    op.create_table(
        "se_evidence_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("child_id", sa.String(length=40), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_se_evidence_item_import_id"), "se_evidence_item", ["import_id"], unique=False
    )
    op.create_index(
        op.f("ix_se_evidence_item_la_code"), "se_evidence_item", ["la_code"], unique=False
    )
    op.create_table(
        "se_load_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["load_id"], ["se_load.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_se_load_file_load_id"), "se_load_file", ["load_id"], unique=False)
    op.create_table(
        "se_plan_priority",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("plan_year", sa.String(length=7), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column("origin_detail", sa.String(length=400), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "plan_year", "ref", name="uq_plan_priority"),
    )
    op.create_index(
        op.f("ix_se_plan_priority_la_code"), "se_plan_priority", ["la_code"], unique=False
    )
    op.create_table(
        "se_practice_week",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "name", name="uq_practice_week_name"),
    )
    op.create_index(
        op.f("ix_se_practice_week_import_id"), "se_practice_week", ["import_id"], unique=False
    )
    op.create_index(
        op.f("ix_se_practice_week_la_code"), "se_practice_week", ["la_code"], unique=False
    )
    op.create_table(
        "se_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("practice_week_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("audit_date", sa.Date(), nullable=False),
        sa.Column(
            "overall_grade",
            sa.SmallInteger(),
            sa.CheckConstraint("overall_grade between 1 and 4", name="ck_overall_grade_scale"),
            nullable=False,
        ),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("areas_for_development", sa.Text(), nullable=True),
        sa.Column("difference_made", sa.Text(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("moderator", sa.String(length=200), nullable=True),
        sa.Column("moderation_date", sa.Date(), nullable=True),
        sa.Column(
            "moderated_grade",
            sa.SmallInteger(),
            sa.CheckConstraint("moderated_grade between 1 and 4", name="ck_moderated_grade_scale"),
            nullable=True,
        ),
        sa.Column("moderation_notes", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["practice_week_id"], ["se_practice_week.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "child_id", "audit_date", "auditor", name="uq_audit"),
    )
    op.create_index(op.f("ix_se_audit_import_id"), "se_audit", ["import_id"], unique=False)
    op.create_index(op.f("ix_se_audit_la_code"), "se_audit", ["la_code"], unique=False)
    op.create_table(
        "se_dip_sample",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("theme", sa.String(length=300), nullable=False),
        sa.Column("sample_date", sa.Date(), nullable=False),
        sa.Column("practice_week_id", sa.Integer(), nullable=True),
        sa.Column("sampled_by", sa.String(length=200), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["se_assurance_import.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["practice_week_id"], ["se_practice_week.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("la_code", "theme", "sample_date", name="uq_dip_sample"),
    )
    op.create_index(
        op.f("ix_se_dip_sample_import_id"), "se_dip_sample", ["import_id"], unique=False
    )
    op.create_index(op.f("ix_se_dip_sample_la_code"), "se_dip_sample", ["la_code"], unique=False)
    op.create_table(
        "se_plan_action",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("evidence_of_impact", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["priority_id"], ["se_plan_priority.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("priority_id", "ref", name="uq_plan_action"),
    )
    op.create_index(op.f("ix_se_plan_action_la_code"), "se_plan_action", ["la_code"], unique=False)
    op.create_index(
        op.f("ix_se_plan_action_priority_id"), "se_plan_action", ["priority_id"], unique=False
    )
    op.create_table(
        "se_plan_target",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=80), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["priority_id"], ["se_plan_priority.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("priority_id", "indicator_id", "target_date", name="uq_plan_target"),
    )
    op.create_index(op.f("ix_se_plan_target_la_code"), "se_plan_target", ["la_code"], unique=False)
    op.create_index(
        op.f("ix_se_plan_target_priority_id"), "se_plan_target", ["priority_id"], unique=False
    )
    op.create_table(
        "se_audit_domain_grade",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column(
            "grade",
            sa.SmallInteger(),
            sa.CheckConstraint("grade between 1 and 4", name="ck_grade_scale"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["audit_id"], ["se_audit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("audit_id", "domain"),
    )
    op.create_index(
        op.f("ix_se_audit_domain_grade_la_code"), "se_audit_domain_grade", ["la_code"], unique=False
    )
    op.create_table(
        "se_dip_sample_case",
        sa.Column("dip_sample_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.String(length=40), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(["dip_sample_id"], ["se_dip_sample.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dip_sample_id", "child_id"),
    )
    op.create_index(
        op.f("ix_se_dip_sample_case_la_code"), "se_dip_sample_case", ["la_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_se_dip_sample_case_la_code"), table_name="se_dip_sample_case")
    op.drop_table("se_dip_sample_case")
    op.drop_index(op.f("ix_se_audit_domain_grade_la_code"), table_name="se_audit_domain_grade")
    op.drop_table("se_audit_domain_grade")
    op.drop_index(op.f("ix_se_plan_target_priority_id"), table_name="se_plan_target")
    op.drop_index(op.f("ix_se_plan_target_la_code"), table_name="se_plan_target")
    op.drop_table("se_plan_target")
    op.drop_index(op.f("ix_se_plan_action_priority_id"), table_name="se_plan_action")
    op.drop_index(op.f("ix_se_plan_action_la_code"), table_name="se_plan_action")
    op.drop_table("se_plan_action")
    op.drop_index(op.f("ix_se_dip_sample_la_code"), table_name="se_dip_sample")
    op.drop_index(op.f("ix_se_dip_sample_import_id"), table_name="se_dip_sample")
    op.drop_table("se_dip_sample")
    op.drop_index(op.f("ix_se_audit_la_code"), table_name="se_audit")
    op.drop_index(op.f("ix_se_audit_import_id"), table_name="se_audit")
    op.drop_table("se_audit")
    op.drop_index(op.f("ix_se_practice_week_la_code"), table_name="se_practice_week")
    op.drop_index(op.f("ix_se_practice_week_import_id"), table_name="se_practice_week")
    op.drop_table("se_practice_week")
    op.drop_index(op.f("ix_se_plan_priority_la_code"), table_name="se_plan_priority")
    op.drop_table("se_plan_priority")
    op.drop_index(op.f("ix_se_load_file_load_id"), table_name="se_load_file")
    op.drop_table("se_load_file")
    op.drop_index(op.f("ix_se_evidence_item_la_code"), table_name="se_evidence_item")
    op.drop_index(op.f("ix_se_evidence_item_import_id"), table_name="se_evidence_item")
    op.drop_table("se_evidence_item")
    op.drop_index("ix_bench_value_series_year", table_name="se_bench_value")
    op.drop_table("se_bench_value")
    op.drop_table("se_setting")
    op.drop_index(op.f("ix_se_load_la_code"), table_name="se_load")
    op.drop_table("se_load")
    op.drop_table("se_finding_review")
    op.drop_index("ix_bench_series_measure", table_name="se_bench_series")
    op.drop_table("se_bench_series")
    op.drop_table("se_bench_period")
    op.drop_table("se_bench_neighbour")
    op.drop_index(op.f("ix_se_bench_inspection_la_code"), table_name="se_bench_inspection")
    op.drop_table("se_bench_inspection")
    op.drop_table("se_bench_file")
    op.drop_table("se_bench_area")
    op.drop_index(op.f("ix_se_assurance_import_la_code"), table_name="se_assurance_import")
    op.drop_table("se_assurance_import")
