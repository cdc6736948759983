"""Attachments behind download handlers: the URL names no format; the link
text, Content-Disposition (RFC 5987 or raw GBK bytes) or the query name the
file, and the bytes decide what it is."""

from __future__ import annotations

import hashlib

import pytest
from disclosures.fixtures.portal import server as mock
from disclosures.flows.crawl import Link, Scope, config_for_url
from disclosures.flows.fetch import (
    Fetcher,
    FetchError,
    FetchSettings,
    Validators,
    query_file_name,
)

COLUMN = "https://www.example.gov.cn/zwgk/czyjs/index.html"


@pytest.mark.parametrize("url, text, expected", [
    ("https://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2602101001.pdf", "点击下载", True),
    ("https://x.gov.cn/download?id=77", "点击下载", True),
    ("https://x.gov.cn/ewebeditor/DownLoad.aspx?fileid=78", "附件", True),
    ("https://x.gov.cn/attach/fileDownload.do?fid=9", "附件", True),
    ("https://x.gov.cn/getfile?path=/upload/%E9%A2%84%E7%AE%97.xls", "附件", True),
    ("https://x.gov.cn/showfile.jsp?id=5", "市教育局2026年部门预算.xlsx", True),  # only the text names it
    ("https://x.gov.cn/zwgk/t20260210_1.html", "市教育局2026年部门预算.pdf", False),  # a page titled like a file
    ("https://x.gov.cn/download/index.html", "下载中心", False),
    ("https://x.gov.cn/downloads/", "下载中心", False),
])
def test_download_handlers_are_attachments(url, text, expected):
    assert Scope(config_for_url(COLUMN)).is_attachment(Link(url, text, text)) is expected


def test_a_file_name_in_the_query_is_utf8_or_gbk():
    assert query_file_name("https://x.gov.cn/downfile.jsp?classid=0&filename=P0202603.pdf") == "P0202603.pdf"
    assert query_file_name("https://x.gov.cn/getfile?path=/upload/%E9%A2%84%E7%AE%97.docx") == "预算.docx"
    assert query_file_name("https://x.gov.cn/getfile?name=%D4%A4%CB%E3.xls") == "预算.xls"  # GBK
    assert query_file_name("https://x.gov.cn/download?id=77") is None


def fetch(portal, tmp_path, path: str, link_text: str | None):
    with Fetcher(FetchSettings(delay_seconds=0.01, timeout_seconds=2, retries=0)) as fetcher:
        return fetcher.get_file(portal.url(path), Validators(), tmp_path, link_text)


@pytest.mark.parametrize("path, link_text, name, fmt", [
    # RFC 5987 filename*=UTF-8''… beats the link text
    (mock.JCMS_PDF_URL, "市教育局2026年部门预算.pdf", "市教育局2026年部门预算.pdf", "pdf"),
    (mock.JCMS_DOCX_URL, "点击下载", "市教育局2026年部门预算（Word版）.docx", "docx"),
    # raw GBK bytes in filename="…"
    (mock.QUERY_PDF_URL, "点击下载", "市卫健委2026年部门预算.pdf", "pdf"),
    # no Content-Disposition: the link text names it, the bytes say it is Word
    (mock.QUERY_DOCX_URL, "市卫健委2026年部门预算表.docx", "市卫健委2026年部门预算表.docx", "docx"),
    # no Content-Disposition, a generic link text: the name in the query
    (mock.SHTML_DOCX_URL, "附件", "预算.docx", "docx"),
])
def test_handler_downloads_are_named_and_typed_by_header_text_and_bytes(portal, tmp_path, path, link_text,
                                                                         name, fmt):
    fetched = fetch(portal, tmp_path, path, link_text)
    assert (fetched.file_name, fetched.format, fetched.path.name) == (name, fmt, name)
    assert fetched.sha256 == hashlib.sha256(portal.resources[path].body).hexdigest()


def test_a_handler_answering_an_html_page_is_no_document(portal, tmp_path):
    with pytest.raises(FetchError) as caught:
        fetch(portal, tmp_path, mock.QUERY_ERROR_URL, "市卫健委2026年部门预算说明")
    assert caught.value.reason == "not_a_document" and "(looks like HTML)" in caught.value.detail
