"""Review decisions, learned subject pairs (``db/review.py``), organization id on documents.

Revision ID: 0003_review
Revises: 0002_crawl
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_review"
down_revision = "0002_crawl"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
        sa.CheckConstraint("kind IN ('subject', 'economic', 'indicator', 'level1', 'level2', "
                           "'organization')", name="ck_review_decisions_kind"),
    )
    op.create_index("ix_review_decisions_kind_raw", "review_decisions", ["kind", "raw"])
    op.create_table(
        "learned_subject_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=7), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learned_subject_pairs"),
        sa.UniqueConstraint("code", "name", "document_sha256", name="uq_learned_subject_pairs_pair"),
    )
    op.create_index("ix_learned_subject_pairs_document_sha256", "learned_subject_pairs",
                    ["document_sha256"])
    # A stable id of the publishing unit (normalizers.organizations), so one
    # department's reports of different years join; nullable: older rows and
    # documents whose unit is not recognized have none.
    op.add_column("documents", sa.Column("org_id", sa.String(length=160), nullable=True))
    op.add_column("documents", sa.Column("region_level", sa.String(length=8), nullable=True))
    op.create_index("ix_documents_org_id", "documents", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_org_id", table_name="documents")
    op.drop_column("documents", "region_level")
    op.drop_column("documents", "org_id")
    op.drop_index("ix_learned_subject_pairs_document_sha256", table_name="learned_subject_pairs")
    op.drop_table("learned_subject_pairs")
    op.drop_index("ix_review_decisions_kind_raw", table_name="review_decisions")
    op.drop_table("review_decisions")
