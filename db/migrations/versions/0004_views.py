"""The public views for researchers (``db/views.py``, version 1).

Revision ID: 0004_views
Revises: 0003_review
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op
from disclosures.db.views import create_views, drop_views

revision = "0004_views"
down_revision = "0003_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_views(op.get_bind(), version=1)


def downgrade() -> None:
    drop_views(op.get_bind())
