"""XLSX reader (``extractors/readers/xlsx.py``) on workbooks shaped like a published
收入支出决算总表: a merged title, a two-row header with vertical merges, amounts in
``#,##0.00`` and rates in ``0.00%``. The workbooks are written here with openpyxl;
every expected text is what Excel shows for the stored value and format."""

from __future__ import annotations

from pathlib import Path

import pytest
from disclosures.extractors.readers import read_document, sniff_format
from disclosures.extractors.readers.xlsx import (
    parse_number_format,
    plain_decimal,
    read_xlsx,
)
from disclosures.model.errors import BadInput
from disclosures.model.layout import Paragraph, Table
from openpyxl import Workbook


def statement_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "表1 收入支出决算总表"
    # The statement starts at B2, as many bureau templates leave a margin row and column.
    ws["B2"] = "收入支出决算总表"
    ws.merge_cells("B2:E2")
    ws["B3"], ws["C3"], ws["E3"] = "项目", "决算数", "备注"
    ws.merge_cells("C3:D3")
    ws.merge_cells("B3:B4")
    ws["C4"], ws["D4"] = "金额", "占比"
    ws["B5"], ws["C5"], ws["D5"] = "一般公共预算财政拨款收入", 2254.91, 0.9994
    ws["C5"].number_format = "#,##0.00_ "
    ws["D5"].number_format = "0.00%"
    ws["B6"], ws["C6"], ws["D6"] = "其他收入", 0.1 + 0.2, 12
    ws["B7"], ws["C7"] = "合计", 1234567.125
    ws["C7"].number_format = '#,##0.00;[Red]\\-#,##0.00'
    ws["A40"].number_format = "0.00"  # formatting without a value does not stretch the table
    hidden = wb.create_sheet("lookup")
    hidden["A1"] = "下拉选项"
    hidden.sheet_state = "hidden"
    wb.create_sheet("空表")
    wb.save(path)
    return path


@pytest.fixture
def statement(tmp_path) -> Path:
    return statement_workbook(tmp_path / "决算总表.xlsx")


def test_each_sheet_is_a_caption_and_a_table(statement):
    doc = read_document(statement, source_url="http://example.test/t.xlsx")
    assert doc.format == "xlsx" and doc.pages is None and doc.source_url == "http://example.test/t.xlsx"
    caption, table = doc.blocks
    assert isinstance(caption, Paragraph) and isinstance(table, Table)
    assert caption.text == "表1 收入支出决算总表" and caption.index == 0 and caption.extractor == "xlsx"
    assert (table.index, table.n_rows, table.n_cols, table.extractor) == (0, 6, 4, "xlsx")


def test_merged_ranges_become_spans(statement):
    table = read_xlsx(statement).tables[0]
    title = table.cell_at(0, 3)
    assert (title.text, title.row, title.col, title.colspan) == ("收入支出决算总表", 0, 0, 4)
    assert table.cell_at(2, 0).text == "项目" and table.cell_at(2, 0).rowspan == 2
    assert table.cell_at(1, 2).text == "决算数" and table.cell_at(1, 1).colspan == 2
    assert [c.text for c in table.row_cells(2)] == ["项目", "金额", "占比", ""]


def test_numbers_are_shown_as_the_sheet_formats_them(statement):
    table = read_xlsx(statement).tables[0]
    assert [table.text_at(3, c) for c in range(4)] == ["一般公共预算财政拨款收入", "2,254.91", "99.94%", ""]
    assert [table.text_at(4, c) for c in range(3)] == ["其他收入", "0.3", "12"]  # General: no float noise
    assert table.text_at(5, 1) == "1,234,567.13"  # Excel rounds half away from zero


def test_locator_and_provenance_name_the_grid_position(statement):
    table = read_xlsx(statement).tables[0]
    prov = table.provenance(table.cell_at(3, 1))
    assert (prov.locator, prov.text, prov.extractor, prov.page, prov.bbox) == (
        "table 0 / row 3 / col 1", "2,254.91", "xlsx", None, None)


def test_hidden_and_empty_sheets_are_left_out_with_a_note(statement):
    doc = read_xlsx(statement)
    assert [b.text for b in doc.paragraphs] == ["表1 收入支出决算总表"]
    assert [(n.rule, n.message) for n in doc.notes] == [
        ("xlsx.hidden_sheets_skipped", "hidden sheets not read: lookup")]


@pytest.mark.parametrize("code, shown", [
    ("0.00", "3.14"), ("#,##0.00_ ", "1,234.57"), ("0%", "314%"), ("#,##0", "3"),
    ('0.00_);[Red]\\(0.00\\)', "3.14"), ("General", None), ('0.00"万元"', None), ("yyyy-mm-dd", None),
])
def test_simple_number_formats_only(code, shown):
    from disclosures.extractors.readers.xlsx import format_number

    fmt = parse_number_format(code)
    if shown is None:
        assert fmt is None
    else:
        value = 1234.5678 if "#,##0.00" in code else 3.14159
        assert format_number(value, fmt) == shown


def test_general_numbers_drop_float_noise_and_trailing_zero():
    assert [plain_decimal(v) for v in (100.0, 2254.91, 0.1 + 0.2, 1e-7, 7)] == [
        "100", "2254.91", "0.3", "0.0000001", "7"]


def test_not_an_xlsx_is_bad_input(tmp_path):
    truncated = tmp_path / "cut.xlsx"
    data = statement_workbook(tmp_path / "whole.xlsx").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    assert sniff_format(truncated.read_bytes()) in ("zip", "xlsx")
    with pytest.raises(BadInput, match="cut.xlsx: "):
        read_xlsx(truncated)


def test_workbook_without_text_is_bad_input(tmp_path):
    wb = Workbook()
    wb.save(tmp_path / "blank.xlsx")
    with pytest.raises(BadInput, match="blank.xlsx: no sheet with any cell holding text"):
        read_xlsx(tmp_path / "blank.xlsx")
