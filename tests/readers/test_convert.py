"""Legacy .doc / .xls through LibreOffice (``extractors/readers/convert.py``).

The legacy files are made here from our own fixtures with LibreOffice itself
(seed .docx → .doc; a small workbook → .xls), then read back through
``read_document``. Skips without ``soffice``; the missing-tool message is
tested always.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from disclosures.extractors.readers import convert, read_document, sniff_format
from disclosures.extractors.readers.docx import read_docx
from disclosures.model.errors import BadInput
from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")


def soffice_convert(source: Path, ext: str, outdir: Path) -> Path:
    profile = (outdir / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", ext,
                    "--outdir", str(outdir), str(source)], check=True, capture_output=True, timeout=180)
    converted = outdir / f"{source.stem}.{ext}"
    if not converted.exists():  # soffice exits 0 when the component (Calc) is not installed
        pytest.skip(f"LibreOffice could not write .{ext} here (libreoffice-calc missing?)")
    return converted


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory) -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    return soffice_convert(SEED_DOCX, "doc", tmp_path_factory.mktemp("doc"))


@needs_soffice
def test_doc_is_read_through_docx_and_keeps_its_identity(legacy_doc):
    assert sniff_format(legacy_doc.read_bytes()) == "doc"
    doc = read_document(legacy_doc, source_url="http://example.test/a.doc")
    assert (doc.format, doc.file_name, doc.source_url) == ("doc", legacy_doc.name, "http://example.test/a.doc")
    assert doc.notes[0].rule == "file.converted"
    assert {b.extractor for b in doc.blocks} == {"doc→docx:docx"}
    assert doc.tables[0].provenance(doc.tables[0].cells[0]).extractor == "doc→docx:docx"


@needs_soffice
def test_doc_content_matches_the_docx_it_was_saved_from(legacy_doc):
    original, legacy = read_docx(SEED_DOCX), read_document(legacy_doc)
    assert [p.text for p in legacy.paragraphs[:40]] == [p.text for p in original.paragraphs[:40]]
    assert len(legacy.tables) == len(original.tables)
    first, again = original.tables[0], legacy.tables[0]
    assert (again.n_rows, again.n_cols) == (first.n_rows, first.n_cols)
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in again.cells] == \
           [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in first.cells]


@needs_soffice
def test_xls_is_read_through_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "支出决算表"
    ws["A1"] = "科目名称"
    ws["B1"] = "金额"
    ws["A2"], ws["B2"] = "一般公共服务支出", 1626.35
    ws["B2"].number_format = "#,##0.00"
    ws.merge_cells("A3:B3")
    ws["A3"] = "注：本表无数据的项目以空表列示"
    wb.save(tmp_path / "t.xlsx")
    xls = soffice_convert(tmp_path / "t.xlsx", "xls", tmp_path / "out")
    assert sniff_format(xls.read_bytes()) == "xls"
    doc = read_document(xls)
    table = doc.tables[0]
    assert (doc.format, doc.paragraphs[0].text, table.extractor) == ("xls", "支出决算表", "xls→xlsx:xlsx")
    assert [table.text_at(1, 0), table.text_at(1, 1)] == ["一般公共服务支出", "1,626.35"]
    assert table.cell_at(2, 1).colspan == 2


def test_without_libreoffice_the_message_names_the_missing_tool(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "find_soffice", lambda settings: None)
    legacy = tmp_path / "预算.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(BadInput) as error:
        read_document(legacy)
    assert str(error.value) == ("预算.doc: is a legacy Word .doc; converting it needs LibreOffice (soffice), "
                                "which is not installed")


@needs_soffice
def test_a_corrupt_doc_is_bad_input(tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(BadInput, match=r"^broken\.doc: "):
        read_document(broken)
