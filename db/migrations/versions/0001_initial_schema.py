"""Initial schema: documents, runs, the records of the export, per-field provenance.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AMOUNT = sa.Numeric(precision=18, scale=2)
RATIO = sa.Numeric(precision=12, scale=4)
FACT_VALUE = sa.Numeric(precision=18, scale=2)

RECORD_TABLES = ("facts", "budget_lines", "projects", "project_funding", "indicators", "findings")


def record_columns(table: str) -> list:
    """id, document_id, run_id, ordinal: what every record table starts with."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=f"fk_{table}_document_id_documents"),
        sa.ForeignKeyConstraint(["run_id"], ["extraction_runs.id"],
                                name=f"fk_{table}_run_id_extraction_runs"),
    ]


def project_fk(table: str) -> list:
    return [
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=f"fk_{table}_project_id_projects"),
    ]


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("organization", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("sha256", name="uq_documents_sha256"),
    )
    op.create_table(
        "extraction_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("n_facts", sa.Integer(), nullable=False),
        sa.Column("n_budget_lines", sa.Integer(), nullable=False),
        sa.Column("n_projects", sa.Integer(), nullable=False),
        sa.Column("n_indicators", sa.Integer(), nullable=False),
        sa.Column("n_findings", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_extraction_runs"),
        sa.CheckConstraint("status IN ('ok', 'failed')", name="ck_extraction_runs_status"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_extraction_runs_document_id_documents"),
    )
    # documents and extraction_runs point at each other: the second edge is
    # added once both exist (batch mode rebuilds the table on SQLite).
    with op.batch_alter_table("documents") as batch:
        batch.create_foreign_key("fk_documents_current_run_id_extraction_runs",
                                 "extraction_runs", ["current_run_id"], ["id"])

    op.create_table(
        "facts",
        *record_columns("facts"),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", FACT_VALUE, nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
    )
    op.create_table(
        "budget_lines",
        *record_columns("budget_lines"),
        sa.Column("subject_code", sa.String(length=7), nullable=True),
        sa.Column("subject_name", sa.Text(), nullable=True),
        sa.Column("subject_raw", sa.Text(), nullable=False),
        sa.Column("code_raw", sa.String(length=32), nullable=True),
        sa.Column("fund", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("component", sa.String(length=32), nullable=False),
        sa.Column("amount", AMOUNT, nullable=False),
        sa.Column("budget_pct", RATIO, nullable=True),
        sa.Column("match_method", sa.String(length=16), nullable=False),
        sa.Column("match_score", sa.Float(), nullable=False),
    )
    op.create_table(
        "projects",
        *record_columns("projects"),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("implementer", sa.Text(), nullable=True),
        sa.Column("budget_initial", AMOUNT, nullable=True),
        sa.Column("budget_adjusted", AMOUNT, nullable=True),
        sa.Column("executed", AMOUNT, nullable=True),
        sa.Column("execution_rate", RATIO, nullable=True),
        sa.Column("execution_weight", RATIO, nullable=True),
        sa.Column("execution_score", RATIO, nullable=True),
        sa.Column("total_score", RATIO, nullable=True),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("improvements", sa.Text(), nullable=True),
    )
    op.create_table(
        "project_funding",
        *record_columns("project_funding"),
        *project_fk("project_funding"),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("budget_initial", AMOUNT, nullable=True),
        sa.Column("budget_adjusted", AMOUNT, nullable=True),
        sa.Column("executed", AMOUNT, nullable=True),
        sa.Column("execution_rate", RATIO, nullable=True),
    )
    op.create_table(
        "indicators",
        *record_columns("indicators"),
        *project_fk("indicators"),
        sa.Column("level1", sa.Text(), nullable=True),
        sa.Column("level2", sa.Text(), nullable=True),
        sa.Column("level1_raw", sa.Text(), nullable=True),
        sa.Column("level2_raw", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_canonical", sa.String(length=64), nullable=True),
        sa.Column("operator", sa.String(length=16), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("actual", sa.Text(), nullable=True),
        sa.Column("weight", RATIO, nullable=True),
        sa.Column("score", RATIO, nullable=True),
        sa.Column("shortfall_reason", sa.Text(), nullable=True),
        sa.Column("match_method", sa.String(length=16), nullable=False),
        sa.Column("match_score", sa.Float(), nullable=False),
        sa.Column("level_match_method", sa.String(length=16), nullable=False),
        sa.Column("level_match_score", sa.Float(), nullable=False),
    )
    op.create_table(
        "findings",
        *record_columns("findings"),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
    )
    op.create_table(
        "finding_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("pointer", sa.String(length=64), nullable=False),
        sa.Column("record_table", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_finding_refs"),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"], name="fk_finding_refs_finding_id_findings"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_finding_refs_document_id_documents"),
    )
    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_table", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("x0", sa.Float(), nullable=True),
        sa.Column("top", sa.Float(), nullable=True),
        sa.Column("x1", sa.Float(), nullable=True),
        sa.Column("bottom", sa.Float(), nullable=True),
        sa.Column("locator", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("extractor", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_provenance"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_provenance_document_id_documents"),
        sa.ForeignKeyConstraint(["run_id"], ["extraction_runs.id"],
                                name="fk_provenance_run_id_extraction_runs"),
    )

    op.create_index("ix_extraction_runs_document_id", "extraction_runs", ["document_id"])
    for table in RECORD_TABLES:
        op.create_index(f"ix_{table}_document_id", table, ["document_id"])
    op.create_index("ix_project_funding_project_id", "project_funding", ["project_id"])
    op.create_index("ix_indicators_project_id", "indicators", ["project_id"])
    op.create_index("ix_finding_refs_document_id", "finding_refs", ["document_id"])
    op.create_index("ix_finding_refs_finding_id", "finding_refs", ["finding_id"])
    op.create_index("ix_provenance_document_id", "provenance", ["document_id"])
    op.create_index("ix_provenance_record", "provenance", ["record_table", "record_id"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("fk_documents_current_run_id_extraction_runs", type_="foreignkey")
    for table in ("provenance", "finding_refs", "findings", "indicators", "project_funding",
                  "projects", "budget_lines", "facts", "extraction_runs", "documents"):
        op.drop_table(table)
