"""Fixtures shared by every test package.

``db_url`` runs a test once on SQLite (a file in ``tmp_path``) and once on
PostgreSQL when ``DISCLOSURES_TEST_PG_URL`` names a server (``.ci/run``
starts one); each PostgreSQL test gets a database of its own, dropped after.

Tests that read real documents (``realdocs``) run on the committed copies in
``fixtures/real`` and on the corpus outside the repository; where the corpus is
absent, the cases that need it are skipped here with one counted reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import realdocs

# Prefect's temporary API stays on this machine, sends no analytics, and gets
# time to start on a cold runner (shared/TOOLCHAIN.md).
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

PG_ENV = "DISCLOSURES_TEST_PG_URL"
CORPUS_SKIPPED = pytest.StashKey[str]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{realdocs.MARK}(*names, copy_allowed=True): the test reads these real documents "
        "(tests/realdocs.py)")


def pytest_report_header(config):
    root = realdocs.corpus_root()
    return f"real documents: {len(realdocs.committed())} in fixtures/real; corpus at {root}" + (
        "" if root.is_dir() else " (absent)")


def pytest_collection_modifyitems(config, items):
    """Skip the cases whose documents are neither committed nor in a present corpus."""
    absent = [item for item in items if realdocs.unavailable(item)]
    reason = realdocs.absent_reason(len(absent))
    for item in absent:
        item.add_marker(pytest.mark.skip(reason=reason))
        item.stash[CORPUS_SKIPPED] = reason


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Report every corpus skip at one place, so ``-ra`` folds them into one counted line."""
    report = yield
    reason = item.stash.get(CORPUS_SKIPPED, None)
    if reason is not None and report.skipped:
        report.longrepr = (__file__, None, reason)
    return report


@contextmanager
def fresh_pg_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_db_url() -> Iterator[str]:
    """A fresh PostgreSQL database, or skip when no server is configured."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} not set (no PostgreSQL server to test against)")
    with fresh_pg_database(admin_url) as url:
        yield url


@pytest.fixture
def pg_db_urls() -> Iterator:
    """``pg_db_urls()``: one more fresh PostgreSQL database per call (all
    dropped after the test), or skip when no server is configured."""
    from contextlib import ExitStack

    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} not set (no PostgreSQL server to test against)")
    with ExitStack() as stack:
        yield lambda: stack.enter_context(fresh_pg_database(admin_url))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """The test's database URL, on each supported database in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_db_url")


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A clean working directory: the default SQLite file and raw store land here."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURES_DB", raising=False)
    monkeypatch.setenv("DISCLOSURES_RAW", str(tmp_path / "raw"))
    return tmp_path


@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect API for the whole run: two harnesses alive at once
    (one per test package) made flow runs and their readers talk to different servers."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
