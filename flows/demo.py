"""``disclosures demo``: the main job on the bundled sample.

Serves the mock portal (``fixtures/portal``) on 127.0.0.1, crawls it through
the ``crawl_portal`` Prefect flow into the database and reads back what was
loaded. The mock portal fails on purpose — a 404, a page robots.txt
disallows, an HTML error page named ``.pdf``, an answer slower than the
timeout — so those failures are part of the result, not an error.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from disclosures.db.crawl import FetchLog
from disclosures.db.engine import get_engine
from disclosures.db.query import run_readonly
from sqlalchemy import select

DEMO_QUERY = ("select file_name, key, value, unit, page, source_text from v_facts "
              "join v_documents using (sha256) where key like 'three_public.total%' order by file_name, key")
DOCUMENTS_QUERY = ("select file_name, organization, fiscal_year, n_facts, n_budget_lines, n_indicators, "
                   "n_findings from v_documents order by file_name")
NOT_LOADED = ("failed", "disallowed")


@dataclass
class Rows:
    title: str
    columns: list[str]
    rows: list[tuple]


@dataclass
class Demo:
    summary: dict  # the crawl's counts (``crawl_portal``)
    not_loaded: list[tuple[str, str]]  # (url, reason) of the portal's deliberate failures
    documents: Rows
    example: Rows


def load_mock_portal():
    from disclosures.fixtures.portal.server import MockPortal

    return MockPortal


def local_prefect() -> None:
    """A demo talks to nothing but this machine: Prefect's temporary API server
    stays local, and its analytics are switched off."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def demo(db: str | None = None, raw_dir: str | None = None, started=None) -> Demo:
    """Crawl the mock portal into ``db`` (raw files in ``raw_dir``); ``started`` is
    called with the portal's start URL once it serves."""
    local_prefect()
    from disclosures.flows.crawl import PORTALS_DIR, crawl_portal

    portal = load_mock_portal()().start(0)
    try:
        with tempfile.TemporaryDirectory(prefix="disclosures-demo-") as tmp:
            config = Path(tmp) / "mock-czyjs.toml"
            config.write_text((PORTALS_DIR / "mock-czyjs.toml").read_text(encoding="utf-8")
                              .replace("http://127.0.0.1:8765", portal.base_url), encoding="utf-8")
            if started is not None:
                started(portal.url("/czyjs/index.html"))
            summary = crawl_portal(str(config), db, raw_dir)
    finally:
        portal.stop()
    engine = get_engine(db)
    return Demo(summary, not_loaded(engine, summary["crawl_run_id"]),
                Rows("documents loaded", *run_readonly(engine, DOCUMENTS_QUERY)),
                Rows(f"example query: {DEMO_QUERY}", *run_readonly(engine, DEMO_QUERY)))


def not_loaded(engine, crawl_run_id: int) -> list[tuple[str, str]]:
    """The attachments the crawl could not load, and why (the fetch log's reason)."""
    with engine.connect() as conn:
        rows = conn.execute(select(FetchLog.url, FetchLog.error)
                            .where(FetchLog.crawl_run_id == crawl_run_id,
                                   FetchLog.kind == "attachment",
                                   FetchLog.outcome.in_(NOT_LOADED))
                            .order_by(FetchLog.id)).all()
    return [(url, reason(error)) for url, error in rows]


def reason(error: str | None) -> str:
    """``http_404: HTTP 404 at …`` → ``http_404``: the fetcher's reason code."""
    return (error or "unknown").split(":", 1)[0].strip()
