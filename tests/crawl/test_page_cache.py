"""Conditional requests for list and article pages: an unchanged page is a 304
and its stored copy is read again; a changed one is read whole."""

from __future__ import annotations

from disclosures.db.crawl import CrawlPage, CrawlUrl
from disclosures.fixtures.portal import server as mock
from disclosures.flows.fetch import CachedPage, Fetcher, FetchSettings
from sqlalchemy import create_engine, select

LIST_PAGES = ("/czyjs/index.html", "/czyjs/index_1.html")
NEW_ENTRY = ('<li><a href="../yearcol/2026ys/202602/P020260210501000000001.pdf">'
             '泸州市委政法委2024年度部门决算（重新发布）.pdf</a><span class="date">2025-10-08</span></li>\n  </ul>')


def test_a_page_is_asked_for_conditionally_and_a_304_gives_the_cached_copy(portal):
    url = portal.url("/czyjs/index.html")
    with Fetcher(FetchSettings(delay_seconds=0.01)) as fetcher:
        first = fetcher.get_page(url)
        cached = CachedPage(first.validators, first.body, first.content_type)
        again = fetcher.get_page(url, cached)
        portal.edit_page("/czyjs/index.html", "</ul>", NEW_ENTRY)
        changed = fetcher.get_page(url, cached)
    assert first.validators.etag and first.validators.last_modified
    assert (again.http_status, again.not_modified, again.text) == (304, True, first.text)
    assert (changed.http_status, changed.not_modified) == (200, False)
    assert "重新发布" in changed.text and changed.validators.etag != first.validators.etag
    sent = portal.requests_to("/czyjs/index.html")
    assert [r.status for r in sent] == [200, 304, 200]
    assert sent[1].headers["if-none-match"] == first.validators.etag
    assert sent[1].headers["if-modified-since"] == first.validators.last_modified


def test_second_crawl_of_unchanged_list_pages_gets_304s(crawl_url, portal, workdir):
    first = crawl_url(portal.url("/czyjs/index.html")).result()
    mark = portal.mark()
    second = crawl_url(portal.url("/czyjs/index.html")).result()
    pages = [r for r in portal.requests_since(mark) if r.path.endswith(".html")]
    assert {r.path for r in pages} >= set(LIST_PAGES)
    assert {r.status for r in pages} == {304} and all("if-none-match" in r.headers for r in pages)
    assert (second["pages"], second["pages_not_modified"]) == (first["pages"], first["pages"])
    # the cached pages led to the same attachments (all unchanged, or failing as before)
    assert second["unchanged"] == first["new"] + first["duplicate"] and second["failed"] == first["failed"]
    with create_engine("sqlite:///crawl.db").connect() as conn:
        stored = dict(conn.execute(select(CrawlPage.url, CrawlPage.etag)).all())
    assert set(stored) == {portal.url(p) for p in {r.path for r in pages}}

    portal.edit_page("/czyjs/index.html", "</ul>", NEW_ENTRY)
    mark = portal.mark()
    third = crawl_url(portal.url("/czyjs/index.html")).result()
    statuses = {r.path: r.status for r in portal.requests_since(mark) if r.path.endswith(".html")}
    assert statuses.pop("/czyjs/index.html") == 200 and set(statuses.values()) == {304}
    assert third["duplicate"] == 1 and third["pages_not_modified"] == third["pages"] - 1
    with create_engine("sqlite:///crawl.db").connect() as conn:
        assert conn.scalar(select(CrawlUrl.last_outcome).where(
            CrawlUrl.url == portal.url(mock.YEAR_PDF_URL))) == "duplicate"
