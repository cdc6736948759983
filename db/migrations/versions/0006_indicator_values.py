"""Indicators as numbers (target/actual comparator, value, unit; met), projects' scope; views version 2.

Revision ID: 0006_indicator_values
Revises: 0005_crawl_pages
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from disclosures.db.views import create_views, drop_views

revision = "0006_indicator_values"
down_revision = "0005_crawl_pages"
branch_labels = None
depends_on = None

VIEWS_VERSION = 2
INDICATOR_COLUMNS = (
    ("target_comparator", sa.String(length=2)),
    ("target_value", sa.Numeric(precision=12, scale=4)),
    ("target_unit", sa.Text()),
    ("actual_comparator", sa.String(length=2)),
    ("actual_value", sa.Numeric(precision=12, scale=4)),
    ("actual_unit", sa.Text()),
    ("met", sa.Boolean()),
)


def upgrade() -> None:
    # the views read these tables: PostgreSQL refuses to alter them underneath a view
    drop_views(op.get_bind())
    for name, type_ in INDICATOR_COLUMNS:
        op.add_column("indicators", sa.Column(name, type_, nullable=True))
    op.add_column("projects", sa.Column("scope", sa.String(length=16), nullable=True))
    create_views(op.get_bind(), version=VIEWS_VERSION)


def downgrade() -> None:
    drop_views(op.get_bind())
    op.drop_column("projects", "scope")
    for name, _ in reversed(INDICATOR_COLUMNS):
        op.drop_column("indicators", name)
    create_views(op.get_bind(), version=1)
