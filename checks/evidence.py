"""Evidence pictures: the page region of a finding with every involved value boxed.

A finding names its values through ``records`` (each field's provenance) and
``evidence`` (source places that are no record). For a PDF, each page those
places are on is rendered (pypdfium2), the boxes drawn (Pillow) and the
picture cropped to the boxes with a margin, so the reader sees the figures
and what is printed around them. Boxes are PDF points from the page's
top-left (the reader's convention); pixels are points × scale. A Word file
has no pages: its findings are shown by locator only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from disclosures.model.layout import BBox, Provenance
from disclosures.model.records import Finding


@dataclass(frozen=True)
class EvidenceSettings:
    scale: float = 2.0  # pixels per PDF point (144 dpi)
    margin: float = 36.0  # points of context around the boxes
    # the box is drawn just outside the value's glyphs so it never covers them
    pad: float = 2.0  # points
    line_width: int = 3
    colour: str = "#e0201b"


DEFAULT_SETTINGS = EvidenceSettings()


def finding_places(finding: Finding) -> list[Provenance]:
    """Every source place of a finding, records' fields first, without repeats."""
    places: list[Provenance] = []
    for record in finding.records:
        places += list(record.field_provenance.values())
        main = getattr(record, "provenance", None)
        if main is not None:
            places.append(main)
    places += finding.evidence
    seen: set[tuple] = set()
    unique: list[Provenance] = []
    for p in places:
        key = (p.locator, p.page, p.bbox)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def boxes_by_page(finding: Finding) -> dict[int, list[BBox]]:
    pages: dict[int, list[BBox]] = {}
    for p in finding_places(finding):
        if p.page and p.bbox:
            pages.setdefault(p.page, []).append(p.bbox)
    return pages


def locators(finding: Finding) -> list[str]:
    return [f"p.{p.page} {p.locator}" if p.page else p.locator for p in finding_places(finding)]


def region(boxes: list[BBox], width: float, height: float, margin: float) -> BBox:
    """The boxes' union with a margin, kept on the page; full page width for context."""
    top = max(0.0, min(b[1] for b in boxes) - margin)
    bottom = min(height, max(b[3] for b in boxes) + margin)
    return 0.0, top, width, bottom


def file_stem(index: int, finding: Finding, page: int) -> str:
    rule = re.sub(r"[^A-Za-z0-9_.-]", "_", finding.rule)
    return f"{index:03d}-{rule}-p{page}"


def boxed_page(pdf, page_no: int, boxes: list[BBox], settings: EvidenceSettings):
    """Page ``page_no`` of an open PDF as an RGB image with ``boxes`` drawn (pypdfium2,
    Pillow): the one page renderer of the evidence pictures and ``disclosures show``."""
    from PIL import ImageDraw

    image = pdf[page_no - 1].render(scale=settings.scale).to_pil().convert("RGB")
    draw = ImageDraw.Draw(image)
    s, pad, line = settings.scale, settings.pad, settings.line_width
    for x0, top, x1, bottom in boxes:
        draw.rectangle([(x0 - pad) * s - line, (top - pad) * s - line,
                        (x1 + pad) * s + line, (bottom + pad) * s + line],
                       outline=settings.colour, width=line)
    return image


def render_evidence(pdf_path: Path, findings: list[Finding], out_dir: Path,
                    settings: EvidenceSettings = DEFAULT_SETTINGS) -> list[Path]:
    """One PNG per (finding, page) with boxes; returns the files written."""
    import pypdfium2 as pdfium

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for index, finding in enumerate(findings, 1):
            for page_no, boxes in sorted(boxes_by_page(finding).items()):
                image = boxed_page(pdf, page_no, boxes, settings)
                width, height = pdf[page_no - 1].get_size()
                x0, top, x1, bottom = region(boxes, width, height, settings.margin)
                s = settings.scale
                crop = image.crop((int(x0 * s), int(top * s), int(x1 * s), int(bottom * s)))
                target = out_dir / f"{file_stem(index, finding, page_no)}.png"
                crop.save(target)
                written.append(target)
    finally:
        pdf.close()
    return written


def render_box(pdf_path: Path, page_no: int, bbox: BBox, out: Path,
               settings: EvidenceSettings = DEFAULT_SETTINGS) -> Path:
    """The whole page ``page_no`` as PNG with one value's box drawn (``disclosures show --png``)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        boxed_page(pdf, page_no, [bbox], settings).save(out, format="PNG")
    finally:
        pdf.close()
    return out
