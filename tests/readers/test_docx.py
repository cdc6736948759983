"""The DOCX reader: document order, true grids from w:tc merges, and bad input."""

from __future__ import annotations

import hashlib
import io
import sys
import types
import zipfile
from pathlib import Path

import docx
import pytest
from disclosures.extractors.readers import read_document, sniff_format
from disclosures.extractors.readers.docx import read_docx
from disclosures.model.errors import BadInput
from disclosures.model.layout import Table
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
FORM_TITLE = "部门预算项目支出绩效自评表（2024年度）"


@pytest.fixture(scope="module")
def seed():
    return read_docx(SEED_DOCX)


# --------------------------------------------------------------------------- the seed

def test_seed_has_13_forms_in_11_tables(seed):
    # Forms 9–11 (驻村第一书记, 法学会, 培训费) were one Word table in the original.
    titles = [(t.index, c.row) for t in seed.tables for c in t.cells if c.text == FORM_TITLE]
    assert len(seed.tables) == 11
    assert len(titles) == 13
    assert [row for index, row in titles if index == 8] == [0, 26, 57]


def test_seed_paragraph_text_verbatim(seed):
    texts = [p.text for p in seed.paragraphs]
    assert ("1.一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）:"
            "支出决算为939.21万元，完成预算100%。") in texts
    # numbering kept as written, including the jump 6 → 8 and the "（2） " quirk
    i = texts.index(next(t for t in texts if t.startswith("6.社会保障和就业支出")))
    assert texts[i + 1].startswith("8.社会保障和就业支出")
    assert "（2） 一般公共预算财政拨款支出决算结构情况" in texts
    # bookmark markers are bookmarks, not text
    assert not any("[bookmark" in t or "[image" in t for t in texts)
    assert "此项不阐述" in texts


def test_seed_paragraph_locators_count_text_paragraphs_only(seed):
    paragraphs = seed.paragraphs
    assert [p.index for p in paragraphs] == list(range(len(paragraphs)))
    assert paragraphs[0].text == " 第一部分  部门概况"
    assert paragraphs[1].text == "1、 部门职责"  # the empty line between them is not counted
    assert all(p.text.strip() and p.page is None and p.bbox is None for p in paragraphs)
    assert {p.extractor for p in paragraphs} == {"docx"}


def test_seed_blocks_in_document_order(seed):
    kinds = [type(b).__name__ for b in seed.blocks]
    first_table = kinds.index("Table")
    assert seed.blocks[first_table - 1].text == " 附表：部门预算项目支出绩效自评表（2024年度）"
    assert kinds[first_table:first_table + 11] == ["Table"] * 11  # only empty paragraphs between
    last_table = len(kinds) - 1 - kinds[::-1].index("Table")
    assert seed.blocks[last_table + 1].text == "附件2"


def test_seed_first_form_merges(seed):
    table = seed.tables[0]
    assert (table.n_rows, table.n_cols) == (22, 11)
    title = table.cell_at(0, 0)
    assert (title.text, title.colspan) == (FORM_TITLE, 11)
    name_value = table.cell_at(1, 1)
    assert name_value.text == "51050021Y000000024280-单项定额基本运转支出"
    assert (name_value.col, name_value.colspan) == (1, 10)
    indicators = table.cell_at(12, 0)
    assert indicators.text == "绩效指标（90分）"
    assert (indicators.row, indicators.rowspan) == (12, 5)  # header + 4 indicator rows
    assert table.cell_at(16, 0) is indicators and table.cell_at(17, 0) is not indicators
    output = table.cell_at(13, 1)
    assert (output.text, output.rowspan) == ("产出指标", 2)
    assert table.cell_at(14, 1) is output
    assert [table.text_at(r, 3) for r in (13, 14)] == [
        "科目调整次数", "预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）"]
    budget = table.cell_at(6, 0)
    assert (budget.text, budget.rowspan) == ("预算执行情况（10分）", 6)
    total = table.cell_at(17, 0)
    assert (total.text, total.colspan) == ("合计", 8)
    assert [table.text_at(17, c) for c in (8, 9)] == ["100", "100"]


def test_seed_repeated_levels_stay_separate_cells(seed):
    # 法学会 form (table 8, second form): the source repeats 成本指标/经济成本指标 on
    # consecutive rows, so they are two cells each, not one merged cell.
    table = seed.tables[8]
    rows = [r for r in range(26, 57) if table.text_at(r, 1) == "成本指标"]
    assert len(rows) == 2
    cells = {table.cell_at(r, 1).row for r in rows}
    assert cells == set(rows)
    assert table.text_at(rows[1], 3) == "2024年省法学会白酒产业法治研究会年会费用"


def test_seed_xml_has_grid_span_and_vmerge():
    with zipfile.ZipFile(SEED_DOCX) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:gridSpan ") > 100
    assert xml.count('<w:vMerge w:val="restart"/>') > 50
    assert xml.count("<w:vMerge/>") > 100


def test_read_document_dispatches_docx_and_hashes_bytes():
    doc = read_document(SEED_DOCX, source_url="http://example.test/seed.docx")
    assert doc.format == "docx" and doc.pages is None
    assert doc.sha256 == hashlib.sha256(SEED_DOCX.read_bytes()).hexdigest()
    assert doc.source_url == "http://example.test/seed.docx"
    assert doc.file_name == SEED_DOCX.name


# --------------------------------------------------------------------------- quirk fixtures

def save(document, path: Path) -> Path:
    document.save(path)
    return path


def grid_before(row, n: int) -> None:
    """Drop the row's first ``n`` cells and shift the rest right with w:gridBefore."""
    tr = row._tr
    for tc in tr.tc_lst[:n]:
        tr.remove(tc)
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), str(n))
    tr.get_or_add_trPr().insert(0, before)


def test_vmerge_over_5_rows(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=6, cols=3)
    merged = table.cell(0, 0).merge(table.cell(4, 0))
    merged.text = "产出指标"
    for r in range(6):
        table.cell(r, 2).text = f"v{r}"
    grid = read_docx(save(document, tmp_path / "merged-level1-across-5-rows.docx")).tables[0]
    cell = grid.cell_at(4, 0)
    assert (cell.text, cell.row, cell.col, cell.rowspan, cell.colspan) == ("产出指标", 0, 0, 5, 1)
    assert grid.cell_at(5, 0) is not cell
    assert sum(1 for c in grid.cells if c.col == 0) == 2  # the merged cell once, plus row 5


def test_grid_span_and_grid_before(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "标题"
    table.cell(2, 1).merge(table.cell(2, 2)).text = "middle"
    table.cell(1, 2).text = "after two skipped columns"
    grid_before(table.rows[1], 2)  # last: python-docx's own accessors ignore gridBefore
    grid = read_docx(save(document, tmp_path / "gridspan-gridbefore.docx")).tables[0]
    assert (grid.n_rows, grid.n_cols) == (3, 4)
    title = grid.cell_at(0, 3)
    assert (title.text, title.colspan) == ("标题", 4)
    shifted = grid.row_cells(1)
    assert [(c.col, c.text) for c in shifted] == [(2, "after two skipped columns"), (3, "")]
    assert grid.cell_at(1, 0) is None and grid.cell_at(1, 1) is None
    middle = grid.cell_at(2, 2)
    assert (middle.text, middle.col, middle.colspan) == ("middle", 1, 2)
    assert grid.cell_at(2, 3).col == 3


def test_legacy_hmerge_joins_columns(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    for i, state in enumerate(("restart", "continue")):
        tc_pr = table.cell(0, i)._tc.get_or_add_tcPr()
        tc_pr.append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="{state}"/>'))
    table.cell(0, 0).text = "合并"
    grid = read_docx(save(document, tmp_path / "hmerge.docx")).tables[0]
    assert [(c.text, c.col, c.colspan) for c in grid.row_cells(0)] == [("合并", 0, 2), ("", 2, 1)]


def test_text_in_vmerge_continuation_is_kept(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "上"
    table.cell(1, 0).text = "下"
    for r, state in enumerate(('w:val="restart"', "")):
        table.cell(r, 0)._tc.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {nsdecls("w")} {state}/>'))
    grid = read_docx(save(document, tmp_path / "vmerge-continuation-text.docx")).tables[0]
    assert [(c.text, c.rowspan) for c in grid.cells] == [("上\n下", 2)]


def test_nested_table_text_goes_into_the_cell(tmp_path):
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    cell = outer.cell(0, 0)
    cell.text = "外层"
    inner = cell.add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "内层一"
    inner.cell(1, 0).text = "内层二"
    outer.cell(0, 1).text = "右"
    doc = read_docx(save(document, tmp_path / "nested-table.docx"))
    assert len(doc.tables) == 1
    grid = doc.tables[0]
    assert (grid.n_rows, grid.n_cols) == (1, 2)
    assert grid.text_at(0, 0) == "外层\n内层一\n内层二"
    assert grid.text_at(0, 1) == "右"


def test_paragraphs_and_tables_interleaved_with_stable_indexes(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一段")
    document.add_paragraph("")
    document.add_paragraph("   ")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "表一"
    document.add_paragraph("第二段", style="Heading 1")
    document.add_table(rows=1, cols=1)
    document.add_paragraph("第三段\t末尾")
    doc = read_docx(save(document, tmp_path / "interleaved.docx"))
    summary = [(type(b).__name__, b.index) for b in doc.blocks]
    assert summary == [("Paragraph", 0), ("Table", 0), ("Paragraph", 1), ("Table", 1), ("Paragraph", 2)]
    assert [p.text for p in doc.paragraphs] == ["第一段", "第二段", "第三段\t末尾"]
    assert [p.style for p in doc.paragraphs] == ["Normal", "Heading 1", "Normal"]
    assert doc.paragraphs[1].locator == "paragraph 1"
    assert doc.tables[1].cells[0].text == ""


def test_tracked_changes_content_controls_and_text_boxes(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("支出")
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>939.21</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>900</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:pict><w:txbxContent><w:p><w:r><w:t>浮动文本框</w:t></w:r></w:p>'
        f'</w:txbxContent></w:pict></w:r>'))
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>万元</w:t></w:r>'))
    document.element.body.insert(1, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>控件内段落</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    doc = read_docx(save(document, tmp_path / "tracked-sdt-textbox.docx"))
    assert [p.text for p in doc.paragraphs] == ["支出939.21万元", "控件内段落"]
    assert [n.rule for n in doc.notes] == ["docx-textbox-skipped"]


# --------------------------------------------------------------------------- bad input

def minimal_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("2024年度收入、支出总计均为2254.91万元。")
    return save(document, tmp_path / "ok.docx")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(*streams: str) -> bytes:
    """The bytes a sniffer looks at in an OLE compound file: the magic and the
    UTF-16LE directory names (no OLE writer is installed to make a full one)."""
    return OLE_MAGIC + b"\x00" * 504 + b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in streams)


@pytest.mark.parametrize("name, data, reason", [
    ("empty.docx", b"", "empty file (0 bytes)"),
    ("pdf-renamed.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "looks like a PDF"),
    ("html-renamed.docx", "<!DOCTYPE html><html><head><title>404 页面不存在</title></head></html>"
     .encode(), "looks like HTML"),
    ("encrypted.docx", ole_file("EncryptionInfo", "EncryptedPackage"), "encrypted"),
    ("legacy.docx", ole_file("WordDocument", "1Table"), "legacy Word .doc"),
])
def test_bad_input_named_and_explained(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(BadInput) as error:
        read_docx(path)
    message = str(error.value)
    assert message.startswith(f"{name}: ") and reason in message and "\n" not in message


def test_truncated_docx(tmp_path):
    data = minimal_docx(tmp_path).read_bytes()
    path = write(tmp_path, "truncated.docx", data[: len(data) // 2])
    with pytest.raises(BadInput, match=r"^truncated\.docx: truncated or corrupt DOCX"):
        read_docx(path)


def test_damaged_member_inside_an_intact_zip(tmp_path):
    source = minimal_docx(tmp_path)
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("word/document.xml")
    data = bytearray(source.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0xFF
    path = write(tmp_path, "damaged.docx", bytes(data))
    with pytest.raises(BadInput, match=r"truncated or corrupt DOCX"):
        read_docx(path)


def test_zip_without_word_document(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word file")
    path = write(tmp_path, "plain-zip.docx", buffer.getvalue())
    with pytest.raises(BadInput, match="not a Word document"):
        read_docx(path)


def test_docx_without_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("  ")
    document.add_table(rows=2, cols=2)
    with pytest.raises(BadInput, match=r"^blank\.docx: no paragraphs or tables with text$"):
        read_docx(save(document, tmp_path / "blank.docx"))


# --------------------------------------------------------------------------- dispatch

@pytest.mark.parametrize("data, kind", [
    (b"", "empty"),
    (b"%PDF-1.4\n", "pdf"),
    (b"\xef\xbb\xbf  <html><body>", "html"),
    (ole_file("EncryptedPackage"), "encrypted-ooxml"),
    (ole_file("WordDocument"), "doc"),
    (b"plain text", "unknown"),
])
def test_sniff_format(data, kind):
    assert sniff_format(data) == kind


def test_sniff_docx_and_truncated_docx(tmp_path):
    data = minimal_docx(tmp_path).read_bytes()
    assert sniff_format(data) == "docx"
    assert sniff_format(data[: len(data) // 2]) == "docx"  # so the DOCX reader says "truncated"


def test_read_document_sends_pdf_bytes_to_the_pdf_reader(tmp_path, monkeypatch):
    calls = []

    def fake_read_pdf(path, sha256=None, source_url=None):
        calls.append((Path(path).name, sha256, source_url))
        return "pdf document"

    # a stand-in module: the dispatch is under test here, not the PDF reader
    fake_module = types.ModuleType("disclosures.extractors.readers.pdf")
    fake_module.read_pdf = fake_read_pdf
    monkeypatch.setitem(sys.modules, "disclosures.extractors.readers.pdf", fake_module)
    data = b"%PDF-1.7\n"
    path = write(tmp_path, "named-docx-but-pdf.docx", data)
    assert read_document(path, source_url="u") == "pdf document"
    assert calls == [("named-docx-but-pdf.docx", hashlib.sha256(data).hexdigest(), "u")]


@pytest.mark.parametrize("name, data, message", [
    ("page.pdf", b"<html><body>error</body></html>", "page.pdf: is not a PDF or DOCX (looks like HTML)"),
    ("empty.pdf", b"", "empty.pdf: empty file (0 bytes)"),
    ("locked.docx", ole_file("EncryptedPackage"), "locked.docx: encrypted (password-protected Office file)"),
])
def test_read_document_refuses_other_formats(tmp_path, name, data, message):
    with pytest.raises(BadInput) as error:
        read_document(write(tmp_path, name, data))
    assert str(error.value) == message


def test_seed_tables_are_true_grids(seed):
    for table in seed.tables:
        assert isinstance(table, Table)
        covered = [[0] * table.n_cols for _ in range(table.n_rows)]
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    covered[r][c] += 1
        assert all(v == 1 for row in covered for v in row), table.index
