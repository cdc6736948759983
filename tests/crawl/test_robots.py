"""robots.txt as RFC 9309 reads it (protego): none, unreachable, wildcard rules."""

from __future__ import annotations

import pytest
from disclosures.db.crawl import CrawlRun, CrawlUrl, FetchLog
from disclosures.db.models import Document
from disclosures.fixtures.portal import server as mock
from disclosures.flows.fetch import Fetcher, FetchError, FetchSettings, Validators
from sqlalchemy import create_engine, func, select

# Every PDF/DOCX of the mock column a crawl reaches (the TRS column's attachments).
WILDCARD_ROBOTS = ("User-agent: *\n"
                   "Disallow: /*.docx$\n"                    # every Word file …
                   "Allow: /czyjs/202509/*.docx$\n"           # … but September's (longest match wins)
                   "Disallow: /czyjs/*/P02025082*.pdf$\n")   # August's TRS-named PDFs


def settings(**overrides) -> FetchSettings:
    base = {"delay_seconds": 0.01, "timeout_seconds": 0.5, "retries": 1, "backoff_seconds": 0.05}
    return FetchSettings(**{**base, **overrides})


def test_no_robots_txt_allows_everything(make_portal, tmp_path):
    portal = make_portal(robots=404)
    with Fetcher(settings()) as fetcher:
        fetcher.get_page(portal.url("/czyjs/index.html"))
        fetched = fetcher.get_file(portal.url(mock.PDF_URL), Validators(), tmp_path)
        rules = fetcher.robots_for(portal.url("/"))
    assert fetched.http_status == 200 and fetched.format == "pdf"
    assert [r.status for r in portal.requests_to("/robots.txt")] == [404]
    assert not rules.disallow_all and "unavailable (http_404): everything allowed" in rules.reason


def test_unreachable_robots_txt_disallows_the_host_and_says_why(make_portal, tmp_path):
    portal = make_portal(robots=503)
    with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as page:
            fetcher.get_page(portal.url("/czyjs/index.html"))
        with pytest.raises(FetchError) as file:
            fetcher.get_file(portal.url(mock.PDF_URL), Validators(), tmp_path)
    for caught in (page.value, file.value):
        assert caught.reason == "disallowed"
        assert "robots.txt unreachable (http_503" in caught.detail and "RFC 9309 §2.3.1.4" in caught.detail
    # robots.txt asked once per crawl (and retried once, a 5xx); nothing else was requested
    assert {r.path for r in portal.requests} == {"/robots.txt"}
    assert len(portal.requests) == 2


def test_wildcard_rules_refuse_exactly_the_matching_urls(make_portal, tmp_path):
    portal = make_portal(robots=WILDCARD_ROBOTS)
    paths = [mock.PDF_URL, mock.DOCX_URL, mock.CORRECTED_URL, mock.MISSING_URL, mock.HTML_AS_PDF_URL,
             mock.DUPLICATE_URL]
    with Fetcher(settings()) as fetcher:
        refused = {p for p in paths if fetcher.refusal(portal.url(p))}
    assert refused == {mock.CORRECTED_URL, mock.MISSING_URL, mock.HTML_AS_PDF_URL}


def test_crawl_of_a_portal_without_robots_txt_loads_its_documents(make_portal, crawl_url):
    portal = make_portal(robots=404)
    state = crawl_url(portal.url("/czyjs/index.html"))
    assert state.is_completed(), state
    summary = state.result()
    # /czyjs/private/ is no longer refused: its copy of the seed PDF is a second duplicate
    assert (summary["new"], summary["duplicate"], summary["disallowed"]) == (3, 2, 0)
    with create_engine("sqlite:///crawl.db").connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Document)) == 3


def test_crawl_skips_exactly_the_urls_wildcard_rules_disallow(make_portal, crawl_url):
    portal = make_portal(robots=WILDCARD_ROBOTS)
    summary = crawl_url(portal.url("/czyjs/index.html")).result()
    with create_engine("sqlite:///crawl.db").connect() as conn:
        outcomes = dict(conn.execute(select(CrawlUrl.url, CrawlUrl.last_outcome)).all())
    disallowed = {u.removeprefix(portal.base_url) for u, outcome in outcomes.items() if outcome == "disallowed"}
    # the redirect's source (a .docx outside 202509/) and the TRS-named PDFs of
    # 2025-08-26/27 in any folder (``*`` spans /private/ too); the September
    # .docx is allowed by the longer rule, the GBK-named August PDF by its name
    assert disallowed == {mock.CORRECTED_OLD_URL, mock.MISSING_URL, mock.HTML_AS_PDF_URL, mock.SLOW_URL,
                          mock.DISALLOWED_URL}
    assert summary["disallowed"] == 5 and summary["new"] == 2
    assert not any(portal.requests_to(p) for p in disallowed)
    assert portal.requests_to(mock.DOCX_URL) and portal.requests_to(mock.DUPLICATE_URL)


def test_crawl_of_a_host_whose_robots_txt_fails_fails_with_the_reason(make_portal, crawl_url):
    portal = make_portal(robots=503)
    state = crawl_url(portal.url("/czyjs/index.html"))
    assert state.is_failed()
    with pytest.raises(Exception, match=r"no page could be read: .*disallowed"):
        state.result()
    with create_engine("sqlite:///crawl.db").connect() as conn:
        assert conn.scalar(select(CrawlRun.status)) == "failed"
        (outcome, error), = conn.execute(select(FetchLog.outcome, FetchLog.error)).all()
    assert outcome == "disallowed" and "robots.txt unreachable (http_503" in error
    assert {r.path for r in portal.requests} == {"/robots.txt"}
