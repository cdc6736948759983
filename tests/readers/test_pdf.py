"""PDF reader on generated quirk fixtures (fixtures/pdf/build_pdf_fixtures.py) and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from disclosures.extractors.readers.pdf import read_pdf
from disclosures.model.errors import BadInput
from disclosures.model.layout import Table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pdf"
ACROSS = FIXTURES / "table-across-pages.pdf"


@pytest.fixture(scope="module")
def across():
    return read_pdf(ACROSS)


def test_table_across_pages_is_stitched_with_repeated_header_dropped(across):
    [table] = across.tables
    assert table.pages == [1, 2]
    assert table.n_rows == 62 and table.n_cols == 3  # 2 header rows + 60 body rows, once
    assert table.text_at(61, 0) == "支出科目60" and table.text_at(61, 1) == "600.00"
    assert table.cell_at(61, 0).page == 2
    assert [table.text_at(r, 0) for r in range(2, 62)] == [
        "机关事业单位基本养老保险缴费支出" if i == 5 else f"支出科目{i:02d}" for i in range(1, 61)]


def test_merged_header_spans(across):
    table = across.tables[0]
    assert (table.cell_at(0, 0).text, table.cell_at(0, 0).rowspan) == ("项目", 2)
    assert (table.cell_at(0, 1).text, table.cell_at(0, 1).colspan) == ("金额", 2)
    assert table.text_at(1, 2) == "项目支出"


def test_wrapped_cell_joined_without_separator(across):
    cell = across.tables[0].cell_at(6, 0)
    assert cell.text == "机关事业单位基本养老保险缴费支出"
    assert len(cell.chars) == len(cell.text)
    assert len({round(c.bbox[1]) for c in cell.chars}) == 2  # really two lines in the PDF


def test_wrapped_paragraph_caption_and_footer(across):
    texts = [p.text for p in across.paragraphs]
    assert texts[0].startswith("本部门2024年度收入预算总额") and texts[0].endswith("各项支出均严格按照预算执行。")
    assert len({round(c.bbox[1]) for c in across.paragraphs[0].chars}) >= 2
    assert texts[1:3] == ["2024年度部门支出预算表", "单位：万元"]  # captions stay before the table
    assert isinstance(across.blocks[3], Table)
    assert not any("-" in t and t.strip("- 0123456789") == "" for t in texts)  # "- 1 -" footers gone


def test_every_char_has_a_box_on_its_page(across):
    for par in across.paragraphs:
        assert len(par.chars) == len(par.text)
        assert "".join(c.text for c in par.chars) == par.text
    for cell in across.tables[0].cells:
        assert "".join(c.text for c in cell.chars) == cell.text


def test_font_without_tounicode_is_reported_not_emitted():
    doc = read_pdf(FIXTURES / "no-tounicode.pdf")
    assert [n.rule for n in doc.notes] == ["text.garbled"]
    assert doc.notes[0].pages == [1, 2, 3]
    assert not doc.paragraphs
    assert all(not c.text for t in doc.tables for c in t.cells)


def test_image_only_page_noted():
    doc = read_pdf(FIXTURES / "image-only.pdf")
    assert [(n.rule, n.pages) for n in doc.notes] == [("page.no_text_layer", [1])]
    assert doc.blocks == []


def test_document_identity(across):
    assert across.format == "pdf" and across.pages == 3 and across.file_name == ACROSS.name
    assert len(across.sha256) == 64
    assert [p.index for p in across.paragraphs] == list(range(len(across.paragraphs)))


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_text("<html><body>404 页面不存在</body></html>", encoding="utf-8"), "not a PDF"),
    (lambda p: p.write_bytes(ACROSS.read_bytes()[: ACROSS.stat().st_size // 2]), "truncated"),
    (lambda p: shutil.copy(FIXTURES / "encrypted.pdf", p), "encrypted"),
    (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), "corrupt"),
])
def test_bad_input(tmp_path, make, reason):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(BadInput, match=reason) as err:
        read_pdf(path)
    assert str(err.value).startswith("bad.pdf: ") and "\n" not in str(err.value)


SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.pdf"


def test_seed_vertical_merge_continues_across_page_break():
    """The seed 绩效自评表 on p.17 breaks inside 预算执行情况（10分）: its rows go on
    on p.18, where the page rules the merged columns finer."""
    if not SEED.exists():
        pytest.skip("seed PDF not built yet")
    doc = read_pdf(SEED)
    table = next(t for t in doc.tables if t.pages == [17, 18])
    label = table.cell_at(6, 0)
    assert (label.text, label.row, label.rowspan) == ("预算执行情况（10分）", 6, 6)
    assert table.text_at(6, 5) == "调整后预算数"  # "调整后" on p.17 + "预算数" on p.18
    assert table.text_at(11, 1) == "其他资金" and table.cell_at(11, 1).page == 18


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip("seed PDF not built yet")
    return read_pdf(SEED)


def paragraph_starting(doc, prefix: str):
    return next(p for p in doc.paragraphs if p.text.startswith(prefix))


def test_seed_list_marker_after_sentence_end_starts_paragraph(seed):
    """LibreOffice sets the seed flush left without first-line indent; items and headings
    are told apart by paragraph spacing and their markers (p.3, p.6, p.27)."""
    texts = [p.text for p in seed.paragraphs]
    item_15 = texts.index("15.住房保障支出（类）住房改革支出（款）购房补贴（项）:支出决算为30.17万元，完成预算100%。")
    assert texts[item_15 + 1] == "六、一般公共预算财政拨款基本支出决算情况说明"
    assert paragraph_starting(seed, "13.公共安全支出").text.endswith("指未单独设置项级科目的其他项目支出。")
    assert paragraph_starting(seed, "14.公共安全支出").page == 6
    # the source paragraph really ends on a comma: spacing, not punctuation, separates them
    i = texts.index("四、评价结论", texts.index("四、评价结论及建议"))
    assert texts[i - 1].startswith("（三）个性指标绩效分析。该项目") and texts[i - 1].endswith("考勤均为100%，")


def test_seed_ragged_right_line_rejoined(seed):
    """A flush-left line stops short when its next unit does not fit: a number with its
    closing punctuation (``100%。``), a character with its comma (``元，``), or a whole
    word (LibreOffice breaks Chinese at word boundaries: ``推`` / ``进“``)."""
    par = paragraph_starting(seed, "2024年度本年支出合计")
    assert par.text.endswith("项目支出628.56万元，占28%。")
    assert len({round(c.bbox[1]) for c in par.chars}) == 2
    assert paragraph_starting(seed, "5.一般公共服务（类）组织事务").text.endswith("支出决算为2.93万元，完成预算100%。")
    par = paragraph_starting(seed, "（3）紧扣化解矛盾风险")
    assert "严密部署推进“化解矛盾风险" in par.text and par.text.endswith("参与网格治理人数实现成倍增长。")
    for par in seed.paragraphs:
        assert len(par.chars) == len(par.text)


def test_seed_row_split_by_page_break_rejoined(seed):
    """The first 绩效自评表's 合计 row is cut by the page break inside its wrapped
    ``100`` (p.11 ``10``, p.12 ``0``): one row, its label left on p.11."""
    table = next(t for t in seed.tables if t.pages == [11, 12])
    row = next(r for r in range(table.n_rows) if table.text_at(r, 0) == "合计")
    assert [table.text_at(row, c) for c in (8, 9)] == ["100", "100"]
    assert {c.page for c in table.cell_at(row, 8).chars} == {11, 12}
    assert table.text_at(row + 1, 0) == "评价结论"
