"""Classification first: extract refuses what is no disclosure, survey lists it, the
crawl logs it, stored documents carry their kind and scope."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from disclosures.cli.app import app
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "fixtures" / "real"

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def rows(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_extract_of_a_website_report_exits_2_with_the_reason(workdir):
    result = invoke("extract", REAL / "crawl-website-annual-report.pdf")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [(
        "Error: crawl-website-annual-report.pdf: not a budget disclosure: a website annual report "
        "(«政府网站工作年度报表», page 1)")]
    db = workdir / "disclosures.db"
    assert not db.exists() or rows(db, "select count(*) from documents")[0][0] == 0


def test_extract_of_a_web_page_says_what_it_is(workdir):
    linking = invoke("extract", REAL / "crawl-web-page-linking-budget.pdf")
    assert linking.exit_code == 2
    [line] = linking.stderr.strip().splitlines()
    assert line.startswith("Error: crawl-web-page-linking-budget.pdf: not a budget disclosure: a web page titled "
                           "«2026年部门预算公开» that holds no figures or tables")
    inline = invoke("extract", REAL / "crawl-web-page-inline-budget.pdf")
    assert inline.exit_code == 2
    [line] = inline.stderr.strip().splitlines()
    assert "a budget published as a web page (HTML)" in line


def test_stored_documents_carry_kind_classification_and_scope(workdir, seed_docx):
    assert invoke("extract", seed_docx).exit_code == 0
    db = workdir / "disclosures.db"
    assert rows(db, "select kind, classification, scope from documents") == [
        ("final_accounts", "final_accounts", "部门")]
    assert rows(db, "select scope, classification from v_documents") == [("部门", "final_accounts")]
    provenance = rows(db, "select field, text from provenance where record_table = 'documents' "
                          "and field in ('kind', 'scope') order by field")
    assert provenance == [("kind", "2024年度部门决算情况"), ("scope", "部门")]


def test_survey_lists_what_is_no_disclosure_apart_from_failures(workdir, seed_docx):
    folder = workdir / "crawl"
    folder.mkdir()
    shutil.copy(seed_docx, folder)
    for name in ("crawl-website-annual-report.pdf", "crawl-compliance-list.pdf"):
        shutil.copy(REAL / name, folder)
    result = invoke("survey", folder)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "final_a" in out  # the kind column (folded at the test console's width)
    assert ("not a disclosure (website_annual_report): crawl-website-annual-report.pdf: "
            "a website annual report («政府网站工作年度报表», page 1)") in out
    assert "not a disclosure (regulation): crawl-compliance-list.pdf" in out
    assert "failed:" not in out
    assert rows(workdir / "disclosures.db", "select file_name, classification from documents") == [
        (seed_docx.name, "final_accounts")]


def test_the_crawl_logs_a_file_that_is_no_disclosure(tmp_path):
    """``settle_document`` with the real pipeline: the fetch log keeps the reason,
    nothing counts as failed, and the URL keeps its validators (not fetched again
    until it changes)."""
    import hashlib

    from disclosures.db.crawl import FetchLog, begin_crawl, crawl_counts, known_url
    from disclosures.db.engine import get_engine, migrate, write_transaction
    from disclosures.flows.crawl import Attachment, CrawlContext, Known, settle_document
    from disclosures.flows.fetch import FileFetch, Validators
    from disclosures.flows.pipeline import process_file
    from sqlalchemy import select

    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    engine = get_engine(url)
    migrate(engine)
    with write_transaction(engine) as conn:
        crawl_id = begin_crawl(conn, "test", None, __import__("datetime").datetime.now())
    run = CrawlContext(engine, crawl_id, "test", url, str(tmp_path / "raw"))
    path = tmp_path / "P020260302.pdf"
    shutil.copy(REAL / "crawl-website-annual-report.pdf", path)
    data = path.read_bytes()
    attachment = Attachment("http://127.0.0.1/a/P020260302.pdf", "2026年部门预算", "http://127.0.0.1/a/")
    fetched = FileFetch(attachment.url, attachment.url, [], 200, False, Validators('"e1"'), path,
                        hashlib.sha256(data).hexdigest(), len(data), path.name, "pdf")

    def process(run, attachment, fetched):
        return process_file(fetched.path, run.db_url, attachment.url, run.raw_root).document_id

    assert settle_document(run, attachment, fetched, Known(), None, process) == "not_a_disclosure"
    with engine.connect() as conn:
        [log] = conn.execute(select(FetchLog.outcome, FetchLog.error, FetchLog.document_id)).all()
        counts = crawl_counts(conn, crawl_id)
        known = known_url(conn, attachment.url)
    assert log == ("not_a_disclosure",
                   "website_annual_report: a website annual report («政府网站工作年度报表», page 1)", None)
    assert (counts["not_a_disclosure"], counts["failed"]) == (1, 0)
    assert (known.last_outcome, known.etag) == ("not_a_disclosure", '"e1"')
    engine.dispose()
