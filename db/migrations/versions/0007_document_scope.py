"""What a document covers and what it is: ``documents.scope``, ``documents.classification``; views version 3.

Revision ID: 0007_document_scope
Revises: 0006_indicator_values
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from disclosures.db.views import create_views, drop_views

revision = "0007_document_scope"
down_revision = "0006_indicator_values"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    drop_views(bind)  # the views read documents; SQLite and PostgreSQL refuse to alter it under them
    # 本级 / 汇总 / 部门 / 单位 (extractors.recognizers.docinfo); nullable: older rows, and
    # documents that do not say
    op.add_column("documents", sa.Column("scope", sa.String(length=8), nullable=True))
    # extractors.recognizers.classify's kind; documents.kind keeps the export contract's value
    op.add_column("documents", sa.Column("classification", sa.String(length=40), nullable=True))
    create_views(bind, version=3)


def downgrade() -> None:
    bind = op.get_bind()
    drop_views(bind)
    op.drop_column("documents", "classification")
    op.drop_column("documents", "scope")
    create_views(bind, version=2)
