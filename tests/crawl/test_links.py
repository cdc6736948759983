"""Link discovery and naming rules, on page snippets shaped like real portals."""

from __future__ import annotations

from datetime import date

import pytest
from disclosures.extractors.readers import DOCUMENT_FORMATS, sniff_format
from disclosures.flows.crawl import (
    Link,
    ListSettings,
    PortalConfig,
    Scope,
    config_for_url,
    html_to_tree,
    is_pager_sibling,
    list_page_links,
    next_page_by_param,
    text_to_date,
    title_to_organization,
    tree_to_links,
    trs_pager_urls,
)
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


def test_trs_pager_written_with_variables():
    html = ('<script>var countPage = 3//共多少页\nvar currentPage = 0//当前页\n'
            'createPageHTML(countPage, currentPage, "index", "html");</script>')
    assert trs_pager_urls(html, COLUMN)[-1] == "https://www.example.gov.cn/zwgk/czyjs/index_2.html"


@pytest.mark.parametrize("page, link, expected", [
    ("https://x.gov.cn/gkml/czyjs/column-index-1.shtml", "https://x.gov.cn/gkml/czyjs/column-index-2.shtml", True),
    ("https://x.gov.cn/gk/2026nbmczys/1.html", "https://x.gov.cn/gk/2026nbmczys/2.html", True),
    ("https://x.gov.cn/cnsq/czsj/xxgk_list.shtml", "https://x.gov.cn/cnsq/czsj/xxgk_list_2.shtml", True),
    ("https://x.gov.cn/col/col55590/index.html?jh=263", "https://x.gov.cn/col/col55590/index.html?jh=263&uid=7&pageNum=2",
     True),
    ("https://x.gov.cn/?a=dir&h=1&c=177950", "https://x.gov.cn/?a=dir&h=1&c=177950&page=3", True),
    # another column, another year, another article: not a page of this list
    ("https://x.gov.cn/col/col123/index.html", "https://x.gov.cn/col/col124/index.html", False),
    ("https://x.gov.cn/?a=dir&c=177950", "https://x.gov.cn/?a=dir&c=177951", False),
    ("https://x.gov.cn/?a=dir&c=177950&page=2", "https://x.gov.cn/?a=dir&page=3", False),
    ("https://x.gov.cn/ys/2026/1.html", "https://x.gov.cn/ys/2026/1234567.html", False),
    ("https://x.gov.cn/list.jsp?year=2025", "https://x.gov.cn/list.jsp?year=2024", False),
])
def test_pager_links_are_the_list_page_with_another_page_number(page, link, expected):
    assert is_pager_sibling(page, link, ListSettings.page_params) is expected


def test_jcms_entries_are_read_from_the_datastore():
    html = ('<div id="5"><script type="text/xml"><datastore><recordset>'
            '<record><![CDATA[<li><a href="/art/2026/2/10/art_101_1001.html">市教育局2026年部门预算</a>'
            '<span>2026-02-10</span></li>]]></record></recordset></datastore></script></div>')
    page = "https://www.example.gov.cn/col/col101/index.html"
    (link,) = tree_to_links(html_to_tree(html, page))
    assert (link.url, link.text) == ("https://www.example.gov.cn/art/2026/2/10/art_101_1001.html",
                                     "市教育局2026年部门预算")
    assert "2026-02-10" in link.entry_text
    # a JCMS article, outside the column's folder
    assert Scope(config_for_url(page)).link_role(link, page) == "document"


@pytest.mark.parametrize("text, url, role", [
    ("2025年", "https://www.example.gov.cn/zwgk/ys/2025n/index.html", "list"),
    ("2026年部门预算", "https://www.example.gov.cn/zwgk/ys/2026nbmys/", "list"),
    ("2026年工作动态", "https://www.example.gov.cn/news/2026/", None),
    ("市教育局2026年部门预算", "https://www.example.gov.cn/zwgk/gk/content_88.shtml", "document"),
    ("市教育局2026年部门预算", "https://other.example.org/content_88.shtml", None),
    ("下一页", "https://www.example.gov.cn/zwgk/czyjs/list.jsp?p=2", "list"),
    ("2", "https://www.example.gov.cn/zwgk/czyjs/index_1.html", "list"),
])
def test_link_roles_on_a_list_page(text, url, role):
    scope = Scope(config_for_url(COLUMN))
    assert scope.link_role(Link(url, text, text), COLUMN) == role


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
    header = b"attachment; filename=\"P0001.pdf\"; filename*=UTF-8''%E5%86%B3%E7%AE%97.pdf"
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
