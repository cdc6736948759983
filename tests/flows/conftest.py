from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
SCHEMA = REPO / "db" / "export.schema.json"


@pytest.fixture
def seed_docx() -> Path:
    return SEED_DOCX




@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database on the CI server, or skip when none is configured."""
    admin_url = os.environ.get("DISCLOSURES_TEST_PG_URL")
    if not admin_url:
        pytest.skip("DISCLOSURES_TEST_PG_URL not set (CI starts a PostgreSQL for this)")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
