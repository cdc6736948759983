"""Link discovery and a crawl against a mock column of each URL shape the
100-city list shows (flows/portals/README.md): TRS static with a JavaScript
pager, Hanweb JCMS, a dynamic query-string handler, year sub-columns, .shtml
lists; attachments through download handlers."""

from __future__ import annotations

import pytest
from disclosures.db.crawl import CrawlUrl
from disclosures.db.models import Document
from disclosures.fixtures.portal import server as mock
from disclosures.flows.crawl import config_for_url, discover
from disclosures.flows.fetch import Fetcher, FetchSettings
from sqlalchemy import create_engine, select

# start page → (list pages, article pages, attachment URLs) the column holds
SHAPES = {
    "jcms": (mock.JCMS_START,
             {mock.JCMS_START, mock.JCMS_PAGE2_URL, "/jcms/col/col101/index.html?uid=5&pageNum=1"},
             {"/jcms/art/2026/2/10/art_101_1001.html", "/jcms/art/2026/2/20/art_101_1002.html"},
             {mock.JCMS_PDF_URL, mock.JCMS_DOCX_URL}),
    "query": (mock.QUERY_START,
              {mock.QUERY_START, "/query/index.jsp?a=dir&c=177&page=1", "/query/index.jsp?a=dir&c=177&page=2"},
              {"/query/index.jsp?a=show&id=9001", "/query/index.jsp?a=show&id=9002"},
              {mock.QUERY_PDF_URL, mock.QUERY_DOCX_URL, mock.QUERY_ERROR_URL}),
    "yearcol": (mock.YEAR_START,
                {mock.YEAR_START, "/yearcol/2026ys/", "/yearcol/2026ys/index.html", "/yearcol/2026ys/index_1.html",
                 "/yearcol/2025/index.html"},
                {"/yearcol/2026ys/202602/t20260210_501.html", "/yearcol/2026ys/202602/t20260211_502.html"},
                {mock.YEAR_PDF_URL, mock.YEAR_DOCX_URL, mock.YEAR_LISTED_URL}),
    "shtml": (mock.SHTML_START,
              {mock.SHTML_START, "/shtml/column-index-2.shtml"},
              {"/shtml/2026-03/05/content_88.shtml", "/shtml/2026-03/06/content_89.shtml"},
              {mock.SHTML_PDF_URL, mock.SHTML_DOCX_URL}),
}

# What a crawl stores per shape: the documents' names (from Content-Disposition,
# link text or the handler's query) and the URLs that fail (an HTML error page).
STORED = {
    "jcms": ({"市教育局2026年部门预算.pdf", "市教育局2026年部门预算（Word版）.docx"}, set()),
    "query": ({"市卫健委2026年部门预算.pdf", "市卫健委2026年部门预算表.docx"}, {mock.QUERY_ERROR_URL}),
    "yearcol": ({"市民政局2026年部门预算.pdf", "市司法局2026年部门预算.docx", "市民政局2025年部门预算.docx"}, set()),
    "shtml": ({"市交通局2026年部门预算.pdf", "预算.docx"}, set()),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_discovery_walks_the_column_and_finds_every_attachment(portal, shape):
    start, lists, articles, attachments = SHAPES[shape]
    with Fetcher(FetchSettings(delay_seconds=0.01, timeout_seconds=2)) as fetcher:
        found = discover(config_for_url(portal.url(start)), fetcher)
    requested = {r.path for r in portal.requests if r.path != "/robots.txt"}
    assert requested == lists | articles  # every list and article page, nothing else of the site
    assert found.pages == len(lists | articles) and found.failures == []
    assert set(found.attachments) == {portal.url(a) for a in attachments}


def test_listing_metadata_reaches_handler_attachments(portal):
    with Fetcher(FetchSettings(delay_seconds=0.01, timeout_seconds=2)) as fetcher:
        found = discover(config_for_url(portal.url(mock.JCMS_START)), fetcher)
    pdf = found.attachments[portal.url(mock.JCMS_PDF_URL)]
    assert (pdf.page_title, pdf.published.isoformat(), pdf.organization) == (
        "市教育局2026年部门预算", "2026-02-10", "市教育局")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_crawl_of_each_shape_stores_its_documents(crawl_url, portal, shape):
    start = SHAPES[shape][0]
    names, failing = STORED[shape]
    summary = crawl_url(portal.url(start)).result()
    with create_engine("sqlite:///crawl.db").connect() as conn:
        stored = set(conn.scalars(select(Document.file_name).where(Document.current_run_id.is_not(None))))
        failed = set(conn.scalars(select(CrawlUrl.url).where(CrawlUrl.last_outcome == "failed")))
    assert stored == names
    assert failed == {portal.url(u) for u in failing}
    assert summary["new"] == len(names) and summary["failed"] == len(failing)
