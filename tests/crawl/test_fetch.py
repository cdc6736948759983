"""flows.fetch against the mock portal: politeness, retries, validators, bad files."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from disclosures.fixtures.portal import server as mock
from disclosures.flows.fetch import (
    Fetcher,
    FetchError,
    FetchSettings,
    Validators,
    default_user_agent,
)


def settings(**overrides) -> FetchSettings:
    base = dict(delay_seconds=0.01, timeout_seconds=0.5, retries=2, backoff_seconds=0.05)
    return FetchSettings(**{**base, **overrides})


def test_user_agent_names_the_project_and_a_contact(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURES_CONTACT", "budget-research@example.org")
    with Fetcher(settings(user_agent=default_user_agent())) as fetcher:
        fetcher.get_page(portal.url("/czyjs/index.html"))
    agent = portal.requests_to("/czyjs/index.html")[0].headers["user-agent"]
    assert agent.startswith("disclosures/") and "contact: budget-research@example.org" in agent


def test_robots_txt_is_read_once_and_obeyed(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get_file(portal.url(mock.DISALLOWED_URL), Validators(), tmp_path)
        fetcher.get_page(portal.url("/czyjs/index.html"))
    assert caught.value.reason == "disallowed"
    assert portal.requests_to(mock.DISALLOWED_URL) == []
    assert len(portal.requests_to("/robots.txt")) == 1


def test_per_host_delay_holds_across_threads(portal, tmp_path):
    delay = 0.25
    paths = [mock.PDF_URL, mock.DOCX_URL, mock.DUPLICATE_URL, mock.CORRECTED_URL]
    with Fetcher(settings(delay_seconds=delay, per_host_concurrency=2)) as fetcher:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda p: fetcher.get_file(portal.url(p), Validators(), tmp_path), paths))
    starts = sorted(r.at for r in portal.requests if r.path != "/robots.txt")
    assert len(starts) == 4
    gaps = [b - a for a, b in pairwise(starts)]
    assert min(gaps) >= delay * 0.9, gaps


def test_5xx_is_retried_with_backoff_404_is_not(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        fetched = fetcher.get_file(portal.url(mock.FLAKY_URL), Validators(), tmp_path)
        with pytest.raises(FetchError) as missing:
            fetcher.get_file(portal.url(mock.MISSING_URL), Validators(), tmp_path)
    assert [r.status for r in portal.requests_to(mock.FLAKY_URL)] == [503, 503, 200]
    assert fetched.sha256 == hashlib.sha256(mock.SEED_PDF.read_bytes()).hexdigest()
    assert (missing.value.reason, missing.value.http_status) == ("http_404", 404)
    assert len(portal.requests_to(mock.MISSING_URL)) == 1


def test_timeout_gives_up_after_the_retries(portal, tmp_path):
    with Fetcher(settings(retries=1)) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get_file(portal.url(mock.SLOW_URL), Validators(), tmp_path)
    assert caught.value.reason == "timeout"
    assert len(portal.requests_to(mock.SLOW_URL)) == 2


def test_html_error_page_at_a_pdf_url_is_rejected_with_a_reason(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get_file(portal.url(mock.HTML_AS_PDF_URL), Validators(), tmp_path)
    assert caught.value.reason == "not_a_document"
    assert "text/html" in caught.value.detail and "<!DOCTYPE html>" in caught.value.detail
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing half-downloaded is left behind


def test_oversized_file_is_aborted(portal, tmp_path):
    with Fetcher(settings(max_bytes=100_000)) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get_file(portal.url(mock.PDF_URL), Validators(), tmp_path)
    assert caught.value.reason == "too_large"


def test_redirect_is_followed_and_recorded_and_the_name_comes_from_content_disposition(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        fetched = fetcher.get_file(portal.url(mock.CORRECTED_OLD_URL), Validators(), tmp_path, "下载附件")
    assert fetched.redirects == [portal.url(mock.CORRECTED_OLD_URL)]
    assert fetched.final_url == portal.url(mock.CORRECTED_URL)
    assert fetched.file_name == "泸州市委政法委2024年度部门决算（更正）.docx"
    assert fetched.format == "docx" and fetched.path.read_bytes()[:4] == b"PK\x03\x04"


def test_names_from_link_text_or_the_decoded_url(portal, tmp_path):
    with Fetcher(settings()) as fetcher:
        trs = fetcher.get_file(portal.url(mock.PDF_URL), Validators(), tmp_path, "泸州市委政法委2024年度部门决算.pdf")
        utf8 = fetcher.get_file(portal.url(mock.DOCX_URL), Validators(), tmp_path, "点击下载")
        gbk = fetcher.get_file(portal.url(mock.DUPLICATE_URL), Validators(), tmp_path, None)
    assert trs.file_name == "泸州市委政法委2024年度部门决算.pdf"
    assert utf8.file_name == "泸州市委政法委2024年度部门决算.docx"
    assert gbk.file_name == "泸州市委政法委部门决算.pdf"
    assert trs.sha256 == gbk.sha256


@pytest.mark.parametrize("path, validator", [(mock.PDF_URL, "last_modified"),   # static server: no ETag
                                             (mock.DUPLICATE_URL, "etag"),       # dynamic handler: no Last-Modified
                                             (mock.DOCX_URL, "etag")])
def test_conditional_request_answers_304_until_the_file_changes(portal, tmp_path, path, validator):
    with Fetcher(settings()) as fetcher:
        first = fetcher.get_file(portal.url(path), Validators(), tmp_path)
        assert getattr(first.validators, validator)
        again = fetcher.get_file(portal.url(path), first.validators, tmp_path)
        portal.republish(path, mock.with_zip_comment(mock.SEED_DOCX.read_bytes(), b"v2"))
        changed = fetcher.get_file(portal.url(path), first.validators, tmp_path)
    assert again.not_modified and again.path is None and again.http_status == 304
    assert not changed.not_modified and changed.sha256 != first.sha256
    assert [r.status for r in portal.requests_to(path)] == [200, 304, 200]
