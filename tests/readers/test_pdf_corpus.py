"""PDF reader on real disclosures (``fixtures/real`` and the corpus of
``benchmarks/corpus/MANIFEST.tsv``), values checked by eye on pages rendered
with pypdfium2. Cases whose file is only in the corpus skip when it is absent."""

from __future__ import annotations

from collections import defaultdict

import pytest
import realdocs
from disclosures.extractors.readers.pdf import read_pdf

JIANCHA_2018 = "2018年省检察院部门预算公开.pdf"
JIANCHA_2017 = "2017年省检察院部门预算.pdf"
CAIZHENG_2024 = "24年普陀区财政局（测试问题版本）.pdf"
WANLI_2024 = "上海市普陀区人民政府万里街道办事处24年预算.pdf"
RENDA_2017 = "江苏省人大办公厅2017年度预算公开.pdf"
SHENGWEI_2019_TABLES = "江苏省委办公厅2019年度部门预算公开表格.pdf"
SHANGWU_2025 = "上海市普陀区商务委员会25年预算.pdf"
ROTATED = "江苏省人大常委会办公厅2019年部门预算公开表.pdf"


def read(name: str):
    return read_pdf(realdocs.path(name))


@pytest.fixture(scope="module")
def jiancha_2018():
    return read(JIANCHA_2018)


@realdocs.needs(JIANCHA_2018)
def test_summary_table_stitched_across_pages_with_split_row_rejoined(jiancha_2018):
    table = next(t for t in jiancha_2018.tables if t.text_at(0, 0) == "收入")
    assert table.pages == [13, 14]
    assert (table.n_rows, table.n_cols) == (26, 6)
    assert table.text_at(6, 3) == "16,458.75" and table.cell_at(6, 3).page == 13
    # "十七、国土海洋气象等支" ends p.13, "出" starts p.14: one row, not two
    assert table.text_at(19, 2) == "十七、国土海洋气象等支出"
    assert {c.page for c in table.cell_at(19, 2).chars} == {13, 14}
    assert table.text_at(20, 2) == "十八、住房保障支出" and table.text_at(20, 3) == "3,660.38"
    assert table.cell_at(20, 3).page == 14
    assert table.text_at(25, 5) == "21,955.35"


@realdocs.needs(JIANCHA_2018)
def test_merged_cells_spans(jiancha_2018):
    summary = next(t for t in jiancha_2018.tables if t.text_at(0, 0) == "收入")
    assert (summary.cell_at(0, 0).colspan, summary.cell_at(0, 2).colspan) == (2, 4)
    assert (summary.cell_at(1, 0).text, summary.cell_at(1, 0).rowspan) == ("项目名称", 2)
    income = next(t for t in jiancha_2018.tables if t.text_at(1, 0) == "收入总计")
    assert income.pages == [14]
    assert (income.cell_at(2, 0).text, income.cell_at(2, 0).rowspan) == ("一般公共预算资金", 3)
    assert income.text_at(12, 1) == "其他收入" and income.text_at(12, 2) == "14.39"


@realdocs.needs(JIANCHA_2018)
def test_caption_before_table_and_page_numbers_gone(jiancha_2018):
    texts = [p.text for p in jiancha_2018.paragraphs]
    i = texts.index("公开01表：收支预算总表")
    assert texts[i + 1].startswith("部门：") and texts[i + 1].endswith("单位：万元")
    assert not [t for t in texts if t.strip().isdigit()]


@realdocs.needs(JIANCHA_2018)
def test_paragraph_rejoined_across_page_break(jiancha_2018):
    par = next(p for p in jiancha_2018.paragraphs if p.text.startswith("24.持之以恒正风肃纪"))
    assert (par.page, {c.page for c in par.chars}) == (12, {12, 13})
    assert "重点岗位轮岗交流制度，坚持把检察权关进制度的笼子。" in par.text  # the page break fell inside 轮岗|交流
    assert par.text.endswith("彰显对自身腐败零容忍的坚定决心和鲜明态度。")


@realdocs.needs(JIANCHA_2017)
def test_number_pushed_to_next_line_and_mid_page_page_number():
    doc = read(JIANCHA_2017)
    texts = [p.text for p in doc.paragraphs]
    assert ("2017年我部门政府采购预算总金额为2889.8万元。"
            "其中拟购买货物334万元；拟购买工程0万元；拟购买服务2555.8万元。") in texts
    assert "23" not in texts  # p.24 is half empty: its page number sits mid-page
    par = next(p for p in doc.paragraphs if p.text.startswith("七、单位预留机动经费"))
    assert {c.page for c in par.chars} == {24, 25}


@realdocs.needs(CAIZHENG_2024)
def test_wrapped_header_cell_joined():
    doc = read(CAIZHENG_2024)
    table = next(t for t in doc.tables if 8 in t.pages)
    assert table.pages == [8, 9]
    cell = next(c for c in table.cells if c.text == "附属单位上缴收入")
    assert len({round(c.bbox[1]) for c in cell.chars}) == 2
    row = next(r for r in range(table.n_rows) if table.text_at(r, 3) == "机关事业单位基本养老保险缴费支出")
    assert [table.text_at(row, c) for c in range(3)] == ["208", "05", "05"]
    assert table.text_at(row, 4) == "160.75"


@realdocs.needs(WANLI_2024)
def test_long_table_stitched_over_five_pages():
    doc = read(WANLI_2024)
    table = next(t for t in doc.tables if 11 in t.pages)
    assert table.pages == [11, 12, 13, 14, 15]
    assert table.text_at(0, 0) == "项目" and table.cell_at(0, 0).colspan == 4
    last = table.n_rows - 1
    assert table.text_at(last, 0) == "合计" and table.cell_at(last, 0).colspan == 4
    assert table.text_at(last, 4) == "156,211,123"


@realdocs.needs(ROTATED)
def test_rotated_pages_read_upright():
    doc = read(ROTATED)
    first = doc.tables[0]
    assert first.text_at(0, 0) == "收入" and first.pages == [1]
    assert any(p.text == "公开01表" or p.text.startswith("一、收支预算总表") or "收支预算总表" in p.text
               for p in doc.paragraphs)


@realdocs.needs(JIANCHA_2018)
def test_every_char_box_holds_that_char(jiancha_2018):
    """Independent check with pdfplumber (pdfminer's boxes): each character the reader
    emits is drawn inside its own box on its page."""
    pdfplumber = pytest.importorskip("pdfplumber")
    wanted = defaultdict(list)
    for block in jiancha_2018.blocks:
        chars = block.chars if hasattr(block, "chars") else [c for cell in block.cells for c in cell.chars or []]
        for ch in chars:
            if ch.text.strip():
                wanted[ch.page].append(ch)
    missing = []
    with pdfplumber.open(realdocs.path(JIANCHA_2018)) as pdf:
        for number, chars in wanted.items():
            page = pdf.pages[number - 1]
            drawn = defaultdict(list)
            for c in page.chars:
                drawn[c["text"]].append(((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2))
            for ch in chars:
                x0, top, x1, bottom = ch.bbox
                if not any(x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1 for x, y in drawn[ch.text]):
                    missing.append((number, ch.text, ch.bbox))
            page.close()
    assert sum(map(len, wanted.values())) > 10000
    assert missing == []


@realdocs.needs(RENDA_2017)
def test_hidden_copy_beyond_the_page_dropped():
    """p.11 draws its table a second time at top 841–2573 pt on an 842 pt page."""
    doc = read(RENDA_2017)
    on_11 = [p.text for p in doc.paragraphs if p.page == 11]
    assert on_11 == ["财政拨款支出预算表", "部门： 江苏省人大常委会办公厅 单位：万元"]
    [table] = [t for t in doc.tables if 11 in t.pages]
    assert (table.n_rows, table.n_cols) == (20, 3)
    boxes = [c.bbox for cell in table.cells for c in cell.chars or []]
    boxes += [c.bbox for p in doc.paragraphs if p.page == 11 for c in p.chars]
    assert boxes and all(0 <= b[1] and b[3] <= 842 for b in boxes)


@realdocs.needs(SHENGWEI_2019_TABLES)
def test_two_row_header_stays_two_rows():
    """p.1: ``功能分类`` spans the two columns ``功能科目名称 | 金额`` below it (pdfplumber
    finds the same cells); the recognizer's joined header path is not a merged cell."""
    doc = read(SHENGWEI_2019_TABLES)
    table = doc.tables[0]
    top = table.cell_at(1, 2)
    assert (top.text, top.row, top.rowspan, top.colspan) == ("功能分类", 1, 1, 2)
    assert [table.text_at(2, c) for c in range(2, 6)] == ["功能科目名称", "金额", "项目名称", "金额"]
    assert (table.cell_at(1, 4).text, table.cell_at(1, 4).colspan) == ("支出用途", 2)


@realdocs.needs(JIANCHA_2017)
def test_list_marker_opening_a_page_starts_paragraph():
    """The contents' last entry ``第四部分名词解释`` sits alone at the top of p.3."""
    doc = read(JIANCHA_2017)
    par = next(p for p in doc.paragraphs if p.text == "第四部分名词解释")
    assert par.page == 3
    assert any(p.text == "第三部分江苏省人民检察院2017年度部门预算情况说明" for p in doc.paragraphs)


@realdocs.needs(SHANGWU_2025)
def test_list_marker_after_sentence_end_starts_paragraph():
    """Justified with a first-line indent, but p.3's items 7 and 8 line up at one left
    edge and item 7 ends on a full line: the marker after ``。`` splits them."""
    doc = read(SHANGWU_2025)
    texts = [p.text for p in doc.paragraphs if p.page == 3]
    seven = next(t for t in texts if t.startswith("7、组织推进本区工商业技术进步"))
    assert seven.endswith("推进现代服务业综合发展。")
    assert any(t.startswith("8、组织协调本区工商业、煤炭、电力") for t in texts)
