"""Evidence pictures: the boxed region holds the value's characters."""

from __future__ import annotations

from pathlib import Path

import pytest
import realdocs
from disclosures.checks.evidence import boxes_by_page, render_evidence
from PIL import Image

PLANTED = "24年普陀区财政局（测试问题版本）.pdf"
SEED_PDF = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.pdf"


def text_in_box(pdf_path: Path, page: int, bbox) -> str:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        return (pdf.pages[page - 1].crop(bbox).extract_text() or "").replace(" ", "")


@realdocs.needs(PLANTED)
def test_share_finding_boxes_the_figures_it_names(tmp_path):
    from disclosures.flows.pipeline import extract

    planted = realdocs.path(PLANTED)
    _, ex = extract(planted)
    [finding] = [f for f in ex.findings if f.rule == "narrative.share"]
    written = render_evidence(planted, [finding], tmp_path)
    assert [p.name for p in written] == ["001-narrative.share-p18.png", "001-narrative.share-p19.png"]
    boxes = boxes_by_page(finding)
    texts = [text_in_box(planted, 19, b) for b in boxes[19]]
    assert "71.73%" in texts and any("2106.66" in t for t in texts)
    assert any("2940.05" in text_in_box(planted, 18, b) for b in boxes[18])
    image = Image.open(written[1])
    assert image.width == pytest.approx(595 * 2, abs=4)  # the page's width at 2 px/pt


def test_seed_pdf_finding_evidence_is_drawn(tmp_path):
    from disclosures.flows.pipeline import extract

    _, ex = extract(SEED_PDF)
    placeholders = [f for f in ex.findings if f.rule == "placeholder"]
    written = render_evidence(SEED_PDF, placeholders, tmp_path)
    assert len(written) == len(placeholders) == 2
    for finding in placeholders:
        [(page, [bbox])] = boxes_by_page(finding).items()
        assert "*" in text_in_box(SEED_PDF, page, bbox)
