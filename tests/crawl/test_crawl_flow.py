"""crawl_portal as a real Prefect flow run over the mock portal (local temporary API)."""

from __future__ import annotations

import hashlib
from itertools import pairwise

import pytest
from disclosures.db.crawl import CrawlRun, CrawlUrl, FetchLog
from disclosures.db.models import BudgetLine, Document, ExtractionRun
from disclosures.fixtures.portal import server as mock
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

VALID = (mock.PDF_URL, mock.DOCX_URL, mock.CORRECTED_OLD_URL, mock.DUPLICATE_URL)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.scalar(select(func.count()).select_from(model))
                for model in (Document, ExtractionRun, BudgetLine)}


def log_by_path(engine, portal, crawl_run_id: int) -> dict[str, FetchLog]:
    with Session(engine) as session:
        rows = session.scalars(select(FetchLog).where(FetchLog.crawl_run_id == crawl_run_id)).all()
    return {row.url.removeprefix(portal.base_url): row for row in rows}


# Long enough that a missing pause would show in the gaps between requests
# measured at the mock server (documents are processed meanwhile).
POLITE_DELAY = 0.3


@pytest.fixture
def crawl(prefect_api, portal_config, workdir, db_url):
    """``crawl(config=…)`` runs one crawl of the mock portal (on SQLite, and on
    PostgreSQL when the CI provides one); ``crawl.engine`` reads the result."""
    from disclosures.flows.crawl import crawl_portal

    def run(config=portal_config) -> dict:
        state = crawl_portal(str(config), db_url, str(workdir / "raw"), return_state=True)
        assert state.is_completed()
        return state.result()

    run.engine = create_engine(db_url)
    return run


def test_crawl_loads_every_valid_document_and_logs_every_failure(crawl, portal, make_config):
    summary = crawl(make_config(delay=POLITE_DELAY))
    assert {k: summary[k] for k in ("new", "duplicate", "changed", "unchanged", "failed", "disallowed")} == \
        dict(new=3, duplicate=1, changed=0, unchanged=0, failed=3, disallowed=1)
    assert summary["pages"] == 7  # 2 list pages (TRS pager) + 5 articles

    engine = crawl.engine
    with Session(engine) as session:
        docs = {d.file_name: d for d in session.scalars(select(Document))}
        urls = {u.url.removeprefix(portal.base_url): u for u in session.scalars(select(CrawlUrl))}
        amount = session.scalar(select(BudgetLine.amount).join(Document, BudgetLine.document_id == Document.id)
                             .where(Document.format == "pdf", BudgetLine.subject_code == "2013101"))
    # the names people gave the files: link text, UTF-8 URL, Content-Disposition
    assert sorted(docs) == ["泸州市委政法委2024年度部门决算.docx", "泸州市委政法委2024年度部门决算.pdf",
                            "泸州市委政法委2024年度部门决算（更正）.docx"]
    assert all(d.current_run_id for d in docs.values())
    assert amount == 9392100  # 行政运行 in the seed's 支出决算表, read from the crawled PDF

    # the same bytes under two URLs: stored and processed once, both URLs recorded
    pdf_sha = sha(mock.SEED_PDF.read_bytes())
    assert urls[mock.PDF_URL].sha256 == urls[mock.DUPLICATE_URL].sha256 == pdf_sha
    assert urls[mock.PDF_URL].document_id == urls[mock.DUPLICATE_URL].document_id
    # metadata carried from the listing
    pdf = urls[mock.PDF_URL]
    assert (pdf.published.isoformat(), pdf.organization, pdf.page_title, pdf.last_modified) == (
        "2025-09-30", "泸州市委政法委", "泸州市委政法委2024年度部门决算", "Tue, 30 Sep 2025 08:00:00 GMT")

    log = log_by_path(engine, portal, summary["crawl_run_id"])
    assert log[mock.CORRECTED_OLD_URL].redirects == [portal.url(mock.CORRECTED_OLD_URL)]
    assert log[mock.CORRECTED_OLD_URL].final_url == portal.url(mock.CORRECTED_URL)
    reasons = {path: (log[path].outcome, log[path].http_status, log[path].error.split(":")[0])
               for path in (mock.MISSING_URL, mock.HTML_AS_PDF_URL, mock.SLOW_URL, mock.DISALLOWED_URL)}
    assert reasons == {mock.MISSING_URL: ("failed", 404, "http_404"),
                       mock.HTML_AS_PDF_URL: ("failed", 200, "not_a_document"),
                       mock.SLOW_URL: ("failed", None, "timeout"),
                       mock.DISALLOWED_URL: ("disallowed", None, "disallowed")}
    assert log[mock.PDF_URL].bytes == mock.SEED_PDF.stat().st_size and log[mock.PDF_URL].sha256 == pdf_sha

    # politeness, counted at the server
    assert portal.requests_to(mock.DISALLOWED_URL) == []
    assert len(portal.requests_to("/robots.txt")) == 1
    # robots.txt, 7 pages, 7 attachment URLs + a redirect hop + a retry after the timeout
    assert len(portal.requests) == 17
    gaps = sorted(b - a for a, b in pairwise(sorted(r.at for r in portal.requests)))
    assert gaps[0] >= POLITE_DELAY, gaps


def test_recrawl_downloads_nothing_and_a_republished_file_replaces_its_document(crawl, portal):
    first = crawl()
    before = table_counts(crawl.engine)

    mark = portal.mark()
    second = crawl()
    assert (second["unchanged"], second["new"], second["changed"]) == (4, 0, 0)
    assert not set(portal.bodies_sent(mark)) & {mock.PDF_URL, mock.DOCX_URL, mock.CORRECTED_URL, mock.DUPLICATE_URL}
    assert {r.status for r in portal.requests_since(mark)
            if r.path in (mock.PDF_URL, mock.DOCX_URL, mock.CORRECTED_URL, mock.DUPLICATE_URL)} == {304}
    assert table_counts(crawl.engine) == before

    old_docx = sha(mock.SEED_DOCX.read_bytes())
    corrected = mock.with_zip_comment(mock.SEED_DOCX.read_bytes(), b"republished 2025-10-08")
    portal.republish(mock.DOCX_URL, corrected)
    mark = portal.mark()
    third = crawl()
    assert (third["changed"], third["unchanged"], third["new"]) == (1, 3, 0)
    assert [p for p in portal.bodies_sent(mark) if p in portal.resources and p not in
            (mock.HTML_AS_PDF_URL, mock.SLOW_URL)] == [mock.DOCX_URL]

    after = table_counts(crawl.engine)
    assert after["extraction_runs"] == before["extraction_runs"] + 1  # history keeps both runs
    assert after["budget_lines"] == before["budget_lines"]  # old rows replaced, not added to
    with Session(crawl.engine) as conn:
        old = conn.scalars(select(Document).where(Document.sha256 == old_docx)).one()
        new = conn.scalars(select(Document).where(Document.sha256 == sha(corrected))).one()
        assert old.current_run_id is None and new.current_run_id is not None
        assert conn.scalar(select(func.count()).where(BudgetLine.document_id == old.id)) == 0
        assert conn.scalar(select(func.count()).where(BudgetLine.document_id == new.id)) == 18
        history = conn.execute(select(FetchLog.outcome, FetchLog.sha256, FetchLog.previous_sha256)
                               .where(FetchLog.url == portal.url(mock.DOCX_URL)).order_by(FetchLog.id)).all()
        runs = conn.execute(select(CrawlRun.status, CrawlRun.n_new, CrawlRun.n_changed, CrawlRun.n_unchanged)
                            .order_by(CrawlRun.id)).all()
    assert history == [("new", old_docx, None), ("unchanged", old_docx, None),
                       ("changed", sha(corrected), old_docx)]
    assert runs == [("completed", 3, 0, 0), ("completed", 0, 0, 4), ("completed", 0, 1, 3)]
    assert first["crawl_run_id"] < second["crawl_run_id"] < third["crawl_run_id"]
