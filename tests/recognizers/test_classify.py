"""What a file is: the genre's cues on small documents, and real crawled files (fixtures/real)."""

from __future__ import annotations

from pathlib import Path

import pytest
from disclosures.extractors.recognizers.classify import (
    classify_document,
    settled_by_head,
)
from disclosures.model.layout import Cell, Document, Paragraph, Table
from disclosures.model.records import NOT_A_DISCLOSURE, Classification, Evidence

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "fixtures" / "real"
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
SCANNED_SEED = REPO / "fixtures" / "scanned" / "luzhou-zfw-2024-final-accounts-scanned.pdf"

AMOUNTS = "2026年收入预算1,234.56万元，支出预算1,234.56万元，其中基本支出800.00万元，项目支出434.56万元。"


def table(index: int, rows: list[list[str]]) -> Table:
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(index, len(rows), max(len(r) for r in rows), cells, extractor="test")


def doc_of(*blocks: str | list[list[str]], file_name: str = "t.pdf", fmt: str = "pdf",
           pages: bool = True) -> Document:
    """Paragraphs (str) and tables (rows) in order, all on page 1 unless ``pages`` is False."""
    out, n_par, n_tab = [], 0, 0
    for b in blocks:
        if isinstance(b, str):
            out.append(Paragraph(n_par, b, page=1 if pages else None, extractor="test"))
            n_par += 1
        else:
            out.append(table(n_tab, b))
            n_tab += 1
    return Document(out, fmt, file_name, "0" * 64, pages=1 if pages else None)


STATEMENT_ROWS = [["科目编码", "科目名称", "金额"], ["201", "一般公共服务支出", "100.00"],
                  ["20101", "人大事务", "100.00"], ["2010101", "行政运行", "100.00"]]


def test_a_budget_says_so_in_its_title_and_shows_figures():
    c = classify_document(doc_of("某某市信访局", "2026年部门预算情况说明", "一、单位基本情况", AMOUNTS))
    assert (c.kind, c.reason) == ("budget", None)
    assert c.evidence[0].cue == "title.budget" and c.evidence[0].provenance.text == "2026年部门预算情况"
    assert c.evidence[1].cue == "body.amount"


def test_a_notice_about_budgets_is_a_notice():
    c = classify_document(doc_of("某某市财政局文件", "某财预〔2026〕3号",
                                 "关于做好2026年部门预算编制工作的通知", "各有关单位：", AMOUNTS))
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "notice")
    assert "关于做好2026年部门预算编制工作的通知" in c.detail and "page 1" in c.detail


def test_a_notice_title_wrapped_over_two_lines():
    c = classify_document(doc_of("某某市司法局", "关于调整市级行政规范性文件", "制定主体清单的通知",
                                 "市有关部门："))
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "notice")
    assert c.evidence[0].provenance.text == "关于调整市级行政规范性文件"


def test_a_notice_that_carries_the_budget_tables_is_the_budget():
    c = classify_document(doc_of("关于批复2026年部门预算的通知", "2026年部门收支总体情况表", STATEMENT_ROWS,
                                 "2026年一般公共预算支出情况表", STATEMENT_ROWS))
    assert c.kind == "budget"
    assert {e.cue for e in c.evidence} >= {"table.statement", "title.notice"}


def test_a_title_without_figures_is_no_disclosure():
    c = classify_document(doc_of("某某市财政局2026年部门预算公开", "详见附件。"))
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "no_disclosure_content")


def test_a_web_page_that_links_to_the_budget():
    c = classify_document(doc_of("某某市财政局2026年部门预算公开_某某市财政局", "首页 政务公开", "详见附件。",
                                 fmt="html", pages=False))
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "web_page")


@pytest.mark.parametrize("title, reason", [
    ("政府网站工作年度报表", "website_annual_report"),
    ("某某市审计局政府信息公开申请表", "application_form"),
    ("2023年度政府信息公开工作年度报告", "information_disclosure_report"),
    ("某某市文物保护条例（征求意见稿）", "regulation"),
    ("依申请信息公开流程图", "procedure"),
    ("养老机构预收费存管协议", "agreement"),
    ("巡察通告", "notice"),
])
def test_other_genres_of_the_portals(title, reason):
    c = classify_document(doc_of(title, "填报单位：某某市公安局", [["网站名称", "某某市公安局"]]))
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, reason)


def test_a_budget_title_ending_in_wenjian_is_no_red_header():
    c = classify_document(doc_of("江苏省委办公厅2018年度部门预算公开文件", AMOUNTS))
    assert c.kind == "budget"


def test_fund_names_do_not_decide_the_basis():
    """一般公共预算财政拨款支出决算表 is a 决算 table; 一般公共预算 is a fund."""
    c = classify_document(doc_of("一般公共预算财政拨款支出决算表", STATEMENT_ROWS,
                                 "一般公共预算财政拨款基本支出决算表", STATEMENT_ROWS))
    assert c.kind == "final_accounts"
    assert c.evidence[0].cue == "table.final"


def test_tables_named_by_the_ministry_templates_need_a_basis_word_from_the_body():
    c = classify_document(doc_of("部门收支总体情况表", STATEMENT_ROWS, "部门支出总体情况表", STATEMENT_ROWS,
                                 "2024年度收入、支出决算总计均为100.00万元，决算数比上年减少。"))
    assert c.kind == "final_accounts"
    assert c.evidence[0].cue == "body.basis_words"


def test_coded_rows_make_a_statement_table_without_a_title():
    c = classify_document(doc_of(STATEMENT_ROWS, STATEMENT_ROWS, "单位：万元 预算数"))
    assert c.kind == "budget"
    assert c.evidence[-1].cue == "table.coded_rows" and c.evidence[-1].provenance.text == "201"


INDICATORS = [["一级指标", "二级指标", "三级指标", "年度指标值"], ["产出指标", "数量指标", "会议次数", "≥30次"]]


def test_indicator_tables_tell_targets_from_self_evaluations():
    targets = classify_document(doc_of("项目名称：某某项目", INDICATORS))
    assert targets.kind == "performance_targets"
    scored = [INDICATORS[0] + ["实际完成值", "得分"], INDICATORS[1] + ["32", "10"]]
    assert classify_document(doc_of("项目名称：某某项目", scored)).kind == "performance_self_evaluation"


def test_a_narrative_with_a_self_evaluation_form_is_the_narratives_kind():
    """No title on these pages (the seed's pages 2-6 and 13): the body's 决算 words decide."""
    body = [f"{i}.支出决算为{i}00.00万元，决算数比年初预算增加{i}.00万元。" for i in range(1, 4)]
    scored = [INDICATORS[0] + ["实际完成值", "得分"], INDICATORS[1] + ["32", "10"]]
    c = classify_document(doc_of(*body, scored))
    assert c.kind == "final_accounts"
    assert c.evidence[0].cue == "body.basis_words"


def test_a_budget_with_its_performance_target_section_is_a_budget():
    c = classify_document(doc_of("某某市民政局2026年部门预算", AMOUNTS, "2026年项目支出绩效目标表", INDICATORS))
    assert c.kind == "budget"


@pytest.mark.parametrize("title, kind", [
    ("2024年度项目支出绩效评价报告", "performance_evaluation_report"),
    ("2024年度部门整体支出绩效自评报告", "performance_self_evaluation"),
    ("2026年项目支出绩效目标表", "performance_targets"),
    ("2024年度部门决算", "final_accounts"),
])
def test_titles_of_the_other_kinds(title, kind):
    assert classify_document(doc_of("某某县农业农村局", title, AMOUNTS)).kind == kind


def test_the_file_name_decides_only_what_the_content_leaves_open():
    c = classify_document(doc_of("收入 100.00万元，支出 100.00万元，结余 0.00万元", file_name="某局2024年决算.pdf"))
    assert c.kind == "final_accounts"
    assert c.evidence[0].provenance.locator == "file name" and c.evidence[0].provenance.extractor == "file-name"
    assert c.confidence <= 0.6
    lying = classify_document(doc_of("巡察通告", "现将有关事项通告如下：", file_name="某局2026年部门预算.pdf"))
    assert lying.kind == NOT_A_DISCLOSURE


def test_an_empty_document():
    c = classify_document(doc_of())
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "empty")


def test_the_seed_final_accounts():
    if not SEED_DOCX.exists():
        pytest.skip("seed docx not built")
    from disclosures.extractors.readers.docx import read_docx

    c = classify_document(read_docx(SEED_DOCX))
    assert (c.kind, c.report_kind) == ("final_accounts", "final_accounts")
    assert c.evidence[0].provenance.text == "2024年度部门决算情况"  # 第二部分 2024年度部门决算情况说明


def verdict(e: str) -> Evidence:
    from disclosures.model.layout import Provenance

    return Evidence("x", e, Provenance("paragraph 0", "x", "test"))


@pytest.mark.parametrize("classification, last, settled", [
    (Classification("budget", 0.9, [verdict("budget")]), False, True),  # the rest is read anyway
    (Classification(NOT_A_DISCLOSURE, 0.9, [verdict(NOT_A_DISCLOSURE)], "notice"), False, True),
    # a cover: a disclosure title, no figures yet — never settled by the head
    (Classification(NOT_A_DISCLOSURE, 0.8, [verdict("budget")], "no_disclosure_content"), True, False),
    (Classification(NOT_A_DISCLOSURE, 0.7, [], "no_disclosure_content"), False, False),
    (Classification(NOT_A_DISCLOSURE, 0.7, [], "no_disclosure_content"), True, True),
])
def test_when_a_scans_first_pages_decide(classification, last, settled):
    assert settled_by_head(classification, last) is settled


# ---- real crawled files (fixtures/real/MANIFEST.tsv) -----------------------------------------

@pytest.mark.parametrize("name, kind, reason", [
    ("crawl-self-evaluation-form.pdf", "performance_self_evaluation", None),
    ("crawl-website-annual-report.pdf", NOT_A_DISCLOSURE, "website_annual_report"),
    ("crawl-compliance-list.pdf", NOT_A_DISCLOSURE, "regulation"),
    ("crawl-web-page-linking-budget.pdf", NOT_A_DISCLOSURE, "web_page"),
    ("crawl-web-page-inline-budget.pdf", "budget", None),
])
def test_real_crawled_files(name, kind, reason):
    from disclosures.flows.pipeline import classify_file

    doc, c = classify_file(REAL / name)
    assert (c.kind, c.reason) == (kind, reason)
    if name.startswith("crawl-web-page"):
        assert doc is None  # a web page is classified, never extracted


def test_real_self_evaluation_form_evidence():
    from disclosures.flows.pipeline import classify_file

    _, c = classify_file(REAL / "crawl-self-evaluation-form.pdf")
    assert c.evidence[0].cue == "title.self_evaluation"
    assert (c.evidence[0].provenance.text, c.evidence[0].provenance.page) == ("绩效自评表", 1)
    assert c.evidence[1].cue.startswith("header.")  # backed by the form's 绩效 header


def ocr_or_skip():
    from disclosures.extractors.readers.ocr import ocr_available

    if not ocr_available():
        pytest.skip("OCR ([ocr] extra) not installed")


def test_a_scanned_notice_is_rejected_from_its_first_page(monkeypatch, tmp_path):
    """The crawled one-page scan put before four scanned pages of the seed 决算: only
    the first page is OCR'd before the file is rejected."""
    ocr_or_skip()
    import pypdfium2 as pdfium
    from disclosures.extractors.readers import pdf as pdf_reader
    from disclosures.flows.pipeline import classify_file

    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(str(REAL / "crawl-scanned-flow-chart.pdf")))
    merged.import_pages(pdfium.PdfDocument(str(SCANNED_SEED)), [0, 1, 2, 3])
    path = tmp_path / "scan.pdf"
    merged.save(str(path))
    ocr_calls: list[int] = []
    real_ocr = pdf_reader.ocr_page

    def counting_ocr(doc, index, geometry, settings=None):
        ocr_calls.append(index)
        return real_ocr(doc, index, geometry)

    monkeypatch.setattr(pdf_reader, "ocr_page", counting_ocr)
    doc, c = classify_file(path)
    assert doc is None
    assert (c.kind, c.reason) == (NOT_A_DISCLOSURE, "procedure")
    assert c.evidence[0].provenance.text == "办理流程" and c.evidence[0].provenance.page == 1
    assert ocr_calls == [0]
