"""OCR of image-only PDF pages (``extractors/readers/ocr.py``).

The scanned fixture (``fixtures/build_scanned.py``) is pages 2–6 and 13 of the
seed PDF rasterised at 150 dpi, rotated by up to 0.5° and speckled. Its
extraction is compared with the born-digital extraction of the same six pages.
Tests that run OCR skip without rapidocr (the ``[ocr]`` extra); the geometry
and the no-OCR behaviour are tested always.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from disclosures.extractors.readers import ocr, read_document
from disclosures.extractors.readers.pdf import PdfSettings, find_page_tables, read_pdf
from disclosures.extractors.readers.pdf_page import PageGeometry
from disclosures.model.errors import BadInput
from disclosures.model.layout import Paragraph

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.pdf"
SCANNED = REPO / "fixtures" / "scanned" / "luzhou-zfw-2024-final-accounts-scanned.pdf"
SCANNED_PAGES = (2, 3, 4, 5, 6, 13)  # seed pages the scan holds, in order (build_scanned.PAGES)


def seed_subset(pages: tuple[int, ...], target: Path) -> Path:
    src = pdfium.PdfDocument(str(SEED))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [p - 1 for p in pages])
    out.save(str(target))
    return target


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(digital, scanned) extractions of the same six seed pages."""
    pytest.importorskip("rapidocr")
    from disclosures.flows.pipeline import extract

    digital = seed_subset(SCANNED_PAGES, tmp_path_factory.mktemp("ocr") / "digital.pdf")
    return extract(digital), extract(SCANNED)


def test_ocr_pages_are_classified_as_their_digital_text(both):
    """The 决算's narrative pages and a 绩效自评表: a final account, scanned or not."""
    (_, digital), (_, scanned) = both
    assert digital.classification.kind == scanned.classification.kind == "final_accounts"


def fact_keys(extraction) -> set:
    return {(f.key, f.value, f.unit) for f in extraction.facts}


def budget_keys(extraction) -> set:
    return {(b.subject_code, b.fund, b.measure, b.component, b.amount) for b in extraction.budget_lines}


# ---- the scanned seed pages against their born-digital text ----------------------------------

def test_ocr_recovers_the_facts_of_the_digital_pages(both):
    (_, digital), (_, scanned) = both
    expected = fact_keys(digital)
    assert len(expected) >= 50  # the narrative pages are full of figures: the comparison means something
    assert len(expected & fact_keys(scanned)) >= 0.95 * len(expected)


def test_ocr_recovers_the_budget_lines_with_their_amounts(both):
    (_, digital), (_, scanned) = both
    expected = budget_keys(digital)
    assert len(expected) >= 15
    assert len(expected & budget_keys(scanned)) >= 0.95 * len(expected)
    assert all(code for code, *_ in expected & budget_keys(scanned))  # matched to subject codes


def test_ocr_reads_the_self_evaluation_form_as_the_same_grid(both):
    (digital_doc, _), (scanned_doc, _) = both
    digital, scanned = digital_doc.tables[0], scanned_doc.tables[0]
    assert (scanned.n_rows, scanned.n_cols) == (digital.n_rows, digital.n_cols)
    assert scanned.extractor == "ocr" and scanned.pages == [6]
    # 总额 row of 预算执行情况: 年初预算, 调整后预算数, 预算执行数, 预算执行率
    total = next(r for r in range(scanned.n_rows) if scanned.text_at(r, 1) == "总额")
    assert [scanned.text_at(total, c) for c in range(4, 8)] == ["0.00", "28.48", "28.46", "99.94%"]
    label = scanned.cell_at(total, 0)
    assert label.text.startswith("预算执行情况") and label.rowspan == 6


def test_ocr_project_matches_the_digital_project(both):
    (_, digital), (_, scanned) = both
    assert [(p.code, p.executed) for p in scanned.projects] == [(p.code, p.executed) for p in digital.projects]


def test_ocr_blocks_carry_confidence_into_provenance(both):
    (_, _), (doc, _) = both
    paragraphs = doc.paragraphs
    assert paragraphs and all(p.extractor == "ocr" for p in paragraphs)
    for p in paragraphs:
        assert 0.5 <= p.confidence <= 1.0
        assert len(p.chars) == len(p.text)
        x0, top, x1, bottom = p.bbox
        assert 0 <= x0 < x1 <= 595.5 and 0 <= top < bottom <= 842
    prov = paragraphs[3].provenance(0, 4)
    assert prov.extractor == "ocr" and prov.confidence == paragraphs[3].confidence and prov.page is not None
    table = doc.tables[0]
    cell = table.cell_at(1, 0)
    assert cell.text == "项目名称" and table.provenance(cell).confidence == cell.confidence > 0.5


def test_ocr_notes_replace_the_no_text_layer_warning(both):
    (_, _), (doc, extraction) = both
    rules = {n.rule: n.pages for n in doc.notes}
    assert rules["page.ocr"] == [1, 2, 3, 4, 5, 6]
    assert "page.no_text_layer" not in rules
    low = [n for n in doc.notes if n.rule == "ocr.low_confidence"]
    assert all(len(n.pages) == 1 and "below 0.9" in n.message for n in low)
    assert {f.rule for f in extraction.findings} >= {"page.ocr"}


def test_mixed_document_reads_text_pages_and_ocrs_the_scanned_one(tmp_path):
    pytest.importorskip("rapidocr")
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(SEED)), [0])  # born-digital 部门概况
    mixed.import_pages(pdfium.PdfDocument(str(SCANNED)), [0])  # scanned seed p.2
    mixed.save(str(tmp_path / "mixed.pdf"))
    doc = read_pdf(tmp_path / "mixed.pdf")
    by_page = {p.page: p.extractor for p in doc.paragraphs}
    assert by_page[1] == "pdf-text" and by_page[2] == "ocr"
    assert any("2254.91万元" in p.text for p in doc.paragraphs if p.page == 2)
    assert [n.pages for n in doc.notes if n.rule == "page.ocr"] == [[2]]


# ---- without OCR installed ----------------------------------------------------------------------

def test_without_ocr_scanned_pages_are_noted(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    doc = read_pdf(SCANNED)
    assert doc.blocks == []
    assert [(n.rule, n.pages) for n in doc.notes] == [("page.no_text_layer", [1, 2, 3, 4, 5, 6])]


def test_without_ocr_an_image_only_pdf_is_bad_input(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(BadInput) as error:
        read_document(SCANNED)
    assert str(error.value) == (f"{SCANNED.name}: image-only PDF and OCR is not installed "
                                f"(pip install -e '.[ocr]')")


def test_without_ocr_a_born_digital_pdf_is_read(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    assert read_document(SEED).paragraphs


# ---- geometry, no OCR engine needed -------------------------------------------------------------

def test_line_box_split_in_proportion_to_character_widths():
    boxes = ocr.split_box("合计12", (0.0, 10.0, 30.0, 20.0))
    assert [round(b[2] - b[0], 2) for b in boxes] == [10.0, 10.0, 5.0, 5.0]
    assert boxes[-1][2] == 30.0 and all(b[1] == 10.0 and b[3] == 20.0 for b in boxes)


@pytest.mark.parametrize("scan_dpi, page_px, rendered", [
    (300, 600, 300),  # a 2-inch page scanned at 300 dpi: its own resolution
    (50, 100, 100),  # too coarse for the recogniser: upsampled to min_dpi
    (300, 2480, 2000 / (2480 / 300)),  # A4-wide at 300 dpi: capped where rapidocr would shrink it
])
def test_pages_render_at_the_scans_resolution(tmp_path, scan_dpi, page_px, rendered):
    from PIL import Image

    Image.new("L", (page_px, page_px // 2), 255).save(tmp_path / "scan.pdf", "PDF", resolution=scan_dpi)
    page = pdfium.PdfDocument(str(tmp_path / "scan.pdf"))[0]
    assert ocr.render_dpi(page, ocr.OcrSettings()) == pytest.approx(rendered, rel=1e-3)


def text_like_page(angle: float) -> np.ndarray:
    """Rows of dark word-blocks, like lines of body text, turned by ``angle`` degrees."""
    import cv2

    page = np.full((1200, 900), 255, np.uint8)
    for y in range(100, 1100, 40):
        for x in range(80, 800, 60):
            cv2.rectangle(page, (x, y), (x + 45, y + 18), 0, -1)
    matrix = cv2.getRotationMatrix2D((450, 600), angle, 1.0)
    return cv2.warpAffine(page, matrix, (900, 1200), borderValue=255)


@pytest.mark.parametrize("turned", [0.4, -0.3, 0.0])
def test_skew_found_and_undone(turned):
    settings = ocr.OcrSettings()
    page = text_like_page(turned)
    correction = ocr.estimate_skew(page, settings)
    assert correction == pytest.approx(-turned, abs=0.1)
    assert ocr.estimate_skew(ocr.deskew_image(page, correction), settings) == pytest.approx(0.0, abs=0.1)


def test_frame_scales_pixels_to_points():
    frame = ocr.PageFrame(72 / 200)
    assert frame.box([[100, 200], [300, 200], [300, 250], [100, 250]]) == pytest.approx((36, 72, 108, 90))


def draw_form(scale: int = 2) -> np.ndarray:
    """A 3×3 ruled form with its top row merged across all columns, as a scan would show it."""
    import cv2

    image = np.full((400 * scale, 600 * scale), 255, np.uint8)
    xs, ys = [50, 200, 350, 500], [50, 100, 150, 200]
    for y in ys:
        cv2.line(image, (xs[0] * scale, y * scale), (xs[-1] * scale, y * scale), 0, 2)
    for x in xs:
        top = ys[0] if x in (xs[0], xs[-1]) else ys[1]  # inner rules stop under the merged title row
        cv2.line(image, (x * scale, top * scale), (x * scale, ys[-1] * scale), 0, 2)
    cv2.putText(image, "ONE TWO", (60 * scale, 130 * scale), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    return image


def test_rulings_in_a_picture_become_a_grid_with_spans():
    scale_pt = 72 / 144  # the drawing is "rendered" at 144 dpi: 2 px per point, lines at xs
    edges = ocr.image_to_rulings(draw_form(), scale_pt, ocr.OcrSettings())
    geometry = PageGeometry(1, 300.0, 200.0, [], edges, 1)
    (table,) = find_page_tables(geometry, PdfSettings())
    grid = table.as_table()
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert grid.cell_at(0, 0).colspan == 3
    assert table.x_edges == pytest.approx([50, 200, 350, 500], abs=1.5)


def test_lowest_line_score_becomes_the_block_confidence():
    from disclosures.model.layout import Char

    chars = [Char("合", 1, (0, 0, 1, 1), 0.97), Char(" ", 1, (1, 0, 2, 1)), Char("计", 1, (2, 0, 3, 1), 0.81)]
    paragraph = Paragraph(index=0, text="合 计", page=1, chars=chars, extractor="pdf-text")
    notes = ocr.mark_ocr_blocks([paragraph])
    assert paragraph.extractor == "ocr" and paragraph.confidence == 0.81
    assert [(n.rule, n.pages) for n in notes] == [("page.ocr", [1]), ("ocr.low_confidence", [1])]
    assert paragraph.provenance().confidence == 0.81
