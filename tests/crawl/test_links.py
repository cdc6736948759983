"""Link discovery and naming rules, on page snippets shaped like real portals."""

from __future__ import annotations

from datetime import date

import pytest
from disclosures.flows.crawl import (
    PortalConfig,
    Scope,
    config_for_url,
    html_to_tree,
    list_page_links,
    next_page_by_param,
    text_to_date,
    title_to_organization,
    tree_to_links,
    trs_pager_urls,
)
from disclosures.extractors.readers import DOCUMENT_FORMATS, sniff_format
from disclosures.flows.fetch import (
    content_disposition_name,
    decode_html,
    decode_percent,
    url_file_name,
)

COLUMN = "https://www.example.gov.cn/zwgk/czyjs/index.html"


def test_trs_pager_old_form_lists_every_page():
    html = '<script>createPageHTML(3, 0, "index", "html");</script>'
    assert trs_pager_urls(html, COLUMN) == [
        "https://www.example.gov.cn/zwgk/czyjs/index.html",
        "https://www.example.gov.cn/zwgk/czyjs/index_1.html",
        "https://www.example.gov.cn/zwgk/czyjs/index_2.html"]


def test_trs_pager_new_form_with_div_id_and_record_count():
    html = "<script>createPageHTML('page_div', 2, 1, 'index', 'shtml', 37);</script>"
    assert trs_pager_urls(html, "https://x.gov.cn/czyjs/index_1.shtml") == [
        "https://x.gov.cn/czyjs/index.shtml", "https://x.gov.cn/czyjs/index_1.shtml"]


def test_next_link_text_is_followed_but_only_on_the_site():
    html = ('<div class="page"><a href="list.jsp?p=2">下一页</a>'
            '<a href="https://other.example.org/next">下一页</a></div>')
    scope = Scope(config_for_url(COLUMN))
    root = html_to_tree(html, COLUMN)
    assert list_page_links(root, html, COLUMN, scope) == ["https://www.example.gov.cn/zwgk/czyjs/list.jsp?p=2"]


def test_query_parameter_paging_counts_from_one():
    assert next_page_by_param("https://x.gov.cn/list?deptId=7&year=2024", "page") == \
        "https://x.gov.cn/list?deptId=7&year=2024&page=2"
    assert next_page_by_param("https://x.gov.cn/list?page=4", "page") == "https://x.gov.cn/list?page=5"


def test_entry_metadata_comes_from_the_listing_item():
    html = ('<ul><li><a href="./202509/t20250930_1234567.html">泸州市委政法委2024年度部门决算</a>'
            '<span>2025-09-30</span></li></ul>')
    (link,) = tree_to_links(html_to_tree(html, COLUMN))
    assert link.url == "https://www.example.gov.cn/zwgk/czyjs/202509/t20250930_1234567.html"
    assert text_to_date(link.entry_text, PortalConfig.list.date_pattern) == date(2025, 9, 30)
    assert title_to_organization(link.text, PortalConfig.list.organization_pattern) == "泸州市委政法委"


@pytest.mark.parametrize("text, expected", [
    ("发布时间：2025年9月30日", date(2025, 9, 30)),
    ("[2024/03/05]", date(2024, 3, 5)),
    ("2025-13-40", None),
])
def test_publish_dates_in_the_forms_portals_print(text, expected):
    assert text_to_date(text, PortalConfig.list.date_pattern) == expected


def test_default_scope_is_the_start_urls_folder():
    scope = Scope(config_for_url(COLUMN))
    assert scope.is_list_page("https://www.example.gov.cn/zwgk/czyjs/index_4.html")
    assert scope.is_document_page("https://www.example.gov.cn/zwgk/czyjs/202509/t20250930_1.html")
    assert not scope.is_document_page("https://www.example.gov.cn/zwgk/index.html")  # another column
    assert not scope.is_document_page("https://other.example.org/zwgk/czyjs/a.html")


def test_attachment_links_are_recognized_by_their_decoded_extension():
    scope = Scope(config_for_url(COLUMN))
    html = ('<a href="./P020250930123456789012.pdf">泸州市委政法委2024年度部门决算.pdf</a>'
            '<a href="./%E5%86%B3%E7%AE%97.DOCX">点击下载</a><a href="./t1.html">正文</a>')
    links = tree_to_links(html_to_tree(html, COLUMN))
    assert [scope.is_attachment(link) for link in links] == [True, True, False]


def test_percent_encoded_names_are_utf8_or_gbk():
    assert decode_percent("%E6%B3%B8%E5%B7%9E.pdf") == "泸州.pdf"
    assert decode_percent("%E3%F2%D6%DD.pdf") == "泸州.pdf"  # GBK, from an older CMS
    assert url_file_name("https://x.gov.cn/a/%E3%F2%D6%DD%CA%D0.pdf?x=1") == "泸州市.pdf"


def test_content_disposition_filename_star_wins():
    header = "attachment; filename=\"P0001.pdf\"; filename*=UTF-8''%E5%86%B3%E7%AE%97.pdf".encode()
    assert content_disposition_name(header) == "决算.pdf"
    assert content_disposition_name('attachment; filename="决算.pdf"'.encode("gbk")) == "决算.pdf"
    assert content_disposition_name(b"inline") is None


def test_sniffing_a_download_head_tells_documents_from_error_pages():
    """The crawler's check on a download's first bytes is the readers' sniffer."""
    heads = {b"%PDF-1.7\n": "pdf", b"\xef\xbb\xbf\r\n%PDF-1.4": "pdf",  # junk before the header is legal
             b"PK\x03\x04rest": "zip", b"PK\x03\x04..word/document.xml": "docx",
             b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",
             "<!DOCTYPE html><title>页面不存在</title>".encode(): "html", b"": "empty"}
    assert {head: sniff_format(head) for head in heads} == heads
    assert [sniff_format(head) in DOCUMENT_FORMATS for head in heads] == [True] * 5 + [False] * 2


def test_gb2312_pages_declared_in_meta_decode():
    body = '<meta charset="gb2312"><title>财政预决算公开</title>'.encode("gb18030")
    assert "财政预决算公开" in decode_html(body, "text/html")
