"""OCR for image-only PDF pages: the page's picture → the glyphs and ruling lines a
born-digital page would give, so the PDF reader builds paragraphs and tables from
them unchanged (line joining, running headers, grids, spans, page stitching).

Portals publish 决算 that were printed, stamped and scanned back in: pages that
are one picture and no text layer. Such a page is rendered with pdfium and read
with rapidocr (PP-OCR models inside the wheel; nothing is downloaded); its
ruling lines are found in the same picture with OpenCV (morphological opening
with long thin kernels keeps only long straight dark runs: table rules, not
character strokes). The picture is levelled first (scans come in turned by a
fraction of a degree), and everything is converted here, once, to PDF points
with a top-left origin.

rapidocr is an optional dependency (``pip install -e '.[ocr]'``): without
it ``ocr_page`` returns the page unchanged and the reader notes
``page.no_text_layer`` as before.

Confidence: rapidocr scores each recognised line (the mean probability of its
characters). Every character carries its line's score (``Char.confidence``);
a paragraph or cell takes the lowest score of its characters, and the PDF
reader's ``mark_ocr_blocks`` turns that into ``extractor="ocr"`` and the
block's ``confidence``, which provenance carries to the database.
"""

from __future__ import annotations

import importlib.util
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from disclosures.extractors.readers.pdf_page import (
    PageGeometry,
    RuleSettings,
    edge,
    read_page_geometry,
)
from disclosures.extractors.readers.pdf_text import Glyph, is_cjk
from disclosures.model.errors import BadInput
from disclosures.model.layout import Block, Char, Paragraph, ReaderNote

EXTRACTOR = "ocr"
INSTALL_HINT = "pip install -e '.[ocr]'"

Point = tuple[float, float]
Quad = Sequence[Sequence[float]]  # four corners, clockwise from top-left, in pixels


@dataclass(frozen=True)
class OcrSettings:
    """Tunables of page OCR (pixels are of the rendered page; lengths otherwise in points)."""

    # The page is rendered at its scan's own resolution (resampling a scan only blurs
    # it), but no larger than rapidocr's detector takes without shrinking the picture
    # again (``Global.max_side_len``: 2000 px, ~171 dpi on A4). Measured on the
    # scanned seed (fixtures/scanned, 150-dpi JPEG): rendered at 200 dpi and shrunk
    # by rapidocr, seed p.5 lost the line ``次，360人次…`` to a box overlapping its
    # neighbour; at the native 150 dpi pages took 8 s instead of 14 s.
    max_side_px: int = 2000
    min_dpi: int = 100  # a coarser scan is upsampled to this
    fallback_dpi: int = 150  # when the page's picture has no usable size
    min_score: float = 0.5  # lines still scored lower than this after a retry are noise, not text
    retry_below: float = 0.8  # lines scored lower than this are recognised again from a plain crop
    retry_pad_px: int = 3  # white margin kept around a re-read line
    low_confidence: float = 0.9  # a paragraph or cell below this gets an ``ocr.low_confidence`` note
    max_skew_deg: float = 2.0  # skew searched within ± this; feeders turn pages by well under 1°
    skew_step_deg: float = 0.05
    ink_below: int = 160  # grey level under which a pixel is ink, for the skew search
    size_snap: float = 0.2  # line heights within this fraction of the page's median are body text
    # A straight dark run at least this long is a ruling line. Horizontally: longer than
    # any stroke of a character up to 18 pt, shorter than the narrowest form column
    # (权重, ~25 pt). Vertically a rule may be one row high (~15 pt in the 绩效自评表's
    # signature row), so only body-size strokes (10.5–12 pt type) are excluded.
    rule_min_h_pt: float = 20.0
    rule_min_v_pt: float = 12.0
    rule_max_thickness_pt: float = 3.0  # thicker runs are filled areas or bold text, not rules
    threshold_block_px: int = 25  # neighbourhood of the adaptive threshold (odd)
    threshold_offset: int = 15  # a pixel this much darker than its neighbourhood is ink


# ---- the engine ------------------------------------------------------------------------------

def ocr_available() -> bool:
    """rapidocr and its onnxruntime backend are importable (the ``[ocr]`` extra)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


@lru_cache(maxsize=1)
def ocr_engine():
    """One rapidocr engine per process: loading the models takes about a second. It
    keeps every line (``text_score`` 0): weak lines are retried, then filtered here.
    Calls pass ``use_det``/``use_cls``/``use_rec`` every time: rapidocr 3.10 keeps
    the flags of the previous call."""
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "warning", "Global.text_score": 0.0})


@dataclass(frozen=True)
class OcrLine:
    """One recognised line: its text, score, outline and (when rapidocr gives them)
    one box per character, all in rendered-page pixels."""

    text: str
    score: float
    quad: Quad
    char_quads: list[Quad] | None


def image_to_lines(grey: np.ndarray, settings: OcrSettings) -> list[OcrLine]:
    """Every line rapidocr finds, weak ones read again, noise (still weak) dropped."""
    result = ocr_engine()(np.dstack([grey] * 3), use_det=True, use_cls=True, use_rec=True,
                          return_word_box=True, return_single_char_box=True)
    if result.boxes is None:
        return []
    words = result.word_results or [()] * len(result.txts)
    lines = [OcrLine(text, float(score), quad.tolist(), char_boxes(text, word))
             for text, score, quad, word in zip(result.txts, result.scores, result.boxes, words, strict=False)]
    lines = [retry_weak_line(grey, line, settings) if line.score < settings.retry_below else line
             for line in lines]
    return [line for line in lines if line.score >= settings.min_score and line.text.strip()]


def retry_weak_line(grey: np.ndarray, line: OcrLine, settings: OcrSettings) -> OcrLine:
    """Recognise a weak line again from a plain padded crop of the page. rapidocr's own
    crop (warped to the detected outline) sometimes garbles a long line: on seed p.5
    (scanned) ``次，360人次，共计支出4.31万元，…矛盾纠纷`` came out as ``：`` (0.51);
    the padded crop read it whole (0.99). The better reading wins; a re-read line has no
    per-character boxes (its box is split, see ``split_box``)."""
    xs, ys = [p[0] for p in line.quad], [p[1] for p in line.quad]
    pad = settings.retry_pad_px
    h, w = grey.shape
    x0, x1 = max(int(min(xs)) - pad, 0), min(int(max(xs)) + pad, w)
    y0, y1 = max(int(min(ys)) - pad, 0), min(int(max(ys)) + pad, h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return line
    crop = np.ascontiguousarray(grey[y0:y1, x0:x1])
    result = ocr_engine()(np.dstack([crop] * 3), use_det=False, use_cls=False, use_rec=True)
    if not result.txts or float(result.scores[0]) <= line.score:
        return line
    return OcrLine(result.txts[0], float(result.scores[0]), line.quad, None)


def char_boxes(text: str, word: Sequence) -> list[Quad] | None:
    """rapidocr's per-character boxes for ``text``, when they account for every
    character but spaces (it gives none for spaces); otherwise None."""
    chars = [w for w in word if w and w[0]]
    if "".join(w[0] for w in chars) != text.replace(" ", "") or any(len(w[0]) != 1 for w in chars):
        return None
    return [w[2] for w in chars]


# ---- skew, and pixels → points -----------------------------------------------------------------

def estimate_skew(grey: np.ndarray, settings: OcrSettings) -> float:
    """The rotation in degrees (OpenCV's sense: counter-clockwise positive) that levels
    the page: the angle at which the rows of ink are sharpest (highest variance of
    the horizontal projection), tried in ``skew_step_deg`` steps on a half-size copy.

    The scan is straightened before OCR, not after: on the scanned seed p.3, turned
    0.4°, rapidocr read the line ``6.社会保障和就业支出…24.25万`` as ``：2）和``
    (score 0.59); on the levelled page it read it whole (0.99)."""
    import cv2

    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = (small < settings.ink_below).astype(np.float32)
    h, w = ink.shape
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-settings.max_skew_deg, settings.max_skew_deg + 1e-9, settings.skew_step_deg):
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0), (w, h))
        score = float(np.var(turned.sum(axis=1)))
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and abs(angle) < abs(best_angle)):
            best_angle, best_score = float(angle), score
    return round(best_angle, 4)


def deskew_image(grey: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by ``angle`` about its centre, same size, white where it was empty.
    Points of the levelled picture are taken as page points: the error is at most
    the skew times the distance from the centre (< 4 pt at an A4 corner for 0.5°)."""
    import cv2

    if angle == 0.0:
        return grey
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


@dataclass(frozen=True)
class PageFrame:
    """Rendered (levelled) pixels → page points, top-left origin."""

    scale: float  # points per pixel

    def point(self, x: float, y: float) -> Point:
        return x * self.scale, y * self.scale

    def box(self, quad: Quad) -> tuple[float, float, float, float]:
        points = [self.point(x, y) for x, y in quad]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)


# ---- lines → glyphs --------------------------------------------------------------------------

def char_weight(ch: str) -> float:
    """Nominal advance in em: CJK and full-width forms 1, everything else ½."""
    return 1.0 if is_cjk(ch) else 0.5


def split_box(text: str, box: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    """rapidocr gave no per-character boxes for this line: the line's box is split
    across its characters in proportion to their nominal widths (CJK 1 em, Latin,
    digits and spaces ½ em) — an estimate, good to within a character."""
    x0, top, x1, bottom = box
    weights = [char_weight(ch) for ch in text]
    total = sum(weights) or 1.0
    out, x = [], x0
    for w in weights:
        step = (x1 - x0) * w / total
        out.append((x, top, x + step, bottom))
        x += step
    return out


def line_char_boxes(line: OcrLine, frame: PageFrame) -> list[tuple[float, float, float, float]]:
    """A box per character of the line, in points: rapidocr's own character boxes
    (spaces get the gap between their neighbours), else the line's box split evenly."""
    top_bottom = frame.box(line.quad)
    if line.char_quads is None:
        return split_box(line.text, top_bottom)
    own = iter([frame.box(q) for q in line.char_quads])
    boxes: list[tuple[float, float, float, float] | None] = [None if ch == " " else next(own) for ch in line.text]
    filled: list[tuple[float, float, float, float]] = []
    for i, b in enumerate(boxes):
        if b is None:
            left = filled[-1][2] if filled else top_bottom[0]
            right = next((n[0] for n in boxes[i + 1:] if n), top_bottom[2])
            b = (left, top_bottom[1], max(left, right), top_bottom[3])
        filled.append(b)
    return [(b[0], top_bottom[1], b[2], top_bottom[3]) for b in filled]


def body_height(heights: Sequence[float]) -> float | None:
    return statistics.median(heights) if heights else None


def snapped_size(height: float, body: float | None, settings: OcrSettings) -> float:
    """OCR line boxes jitter by a point or two from line to line; the paragraph builder
    reads a size change as a new paragraph, so body-text lines share one size."""
    if body is not None and abs(height - body) <= settings.size_snap * body:
        return body
    return height


def lines_to_glyphs(lines: Sequence[OcrLine], frame: PageFrame, page: int,
                    settings: OcrSettings) -> list[Glyph]:
    boxes = {id(line): frame.box(line.quad) for line in lines}
    body = body_height([b[3] - b[1] for b in boxes.values()])
    glyphs: list[Glyph] = []
    for line in lines:
        size = snapped_size(boxes[id(line)][3] - boxes[id(line)][1], body, settings)
        for ch, (x0, top, x1, bottom) in zip(line.text, line_char_boxes(line, frame), strict=False):
            glyphs.append(OcrGlyph(ch, x0, top, x1, bottom, size, page, line.score))
    return glyphs


@dataclass(frozen=True)
class OcrGlyph(Glyph):
    """A glyph read by OCR: it remembers its line's score, and so does its Char."""

    confidence: float = 1.0

    def to_char(self) -> Char:
        return Char(self.text, self.page, self.bbox, self.confidence)


# ---- ruling lines in the picture -------------------------------------------------------------

def ink_mask(grey: np.ndarray, settings: OcrSettings) -> np.ndarray:
    """Dark-on-light ink as 255, by a local threshold (scans are unevenly lit)."""
    import cv2

    block = settings.threshold_block_px | 1
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, settings.threshold_offset)


def runs_of(mask: np.ndarray, length_px: int, horizontal: bool) -> np.ndarray:
    """Only the straight runs at least ``length_px`` long survive a morphological
    opening with a 1-pixel-thin kernel of that length. No closing first: bridging
    small gaps joined the strokes of neighbouring characters (一, 二, 工 side by
    side) into rule-long runs; a rule broken by speckle comes out in pieces that
    the table builder joins again (``TableSettings.join_tolerance``)."""
    import cv2

    shape = (length_px, 1) if horizontal else (1, length_px)
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))


def runs_to_edges(runs: np.ndarray, horizontal: bool, scale: float, max_thickness_px: float) -> list[dict]:
    """Each connected run becomes one pdfplumber-shaped edge through its middle, in points."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    edges = []
    for x, y, w, h, _area in stats[1:count]:
        if horizontal and h <= max_thickness_px:
            mid = (y + h / 2) * scale
            edges.append(edge(x * scale, mid, (x + w) * scale, mid, "h"))
        elif not horizontal and w <= max_thickness_px:
            mid = (x + w / 2) * scale
            edges.append(edge(mid, y * scale, mid, (y + h) * scale, "v"))
    return edges


def image_to_rulings(grey: np.ndarray, scale: float, settings: OcrSettings) -> list[dict]:
    """Table rules drawn in a (levelled) page picture, as edges in points."""
    mask = ink_mask(grey, settings)
    thickness = settings.rule_max_thickness_pt / scale
    edges = []
    for horizontal, min_pt in ((True, settings.rule_min_h_pt), (False, settings.rule_min_v_pt)):
        runs = runs_of(mask, max(int(min_pt / scale), 10), horizontal)
        edges += runs_to_edges(runs, horizontal, scale, thickness)
    return edges


# ---- one page --------------------------------------------------------------------------------

def scan_dpi(page: pdfium.PdfPage) -> float | None:
    """Pixels per inch of the page's largest picture, as placed on the page."""
    best: tuple[float, float] | None = None  # (area in points², dpi)
    for image in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = image.get_bounds()
        longest_pt = max(right - left, top - bottom)
        if longest_pt <= 0:
            continue
        dpi = max(image.get_px_size()) / (longest_pt / 72)
        area = (right - left) * (top - bottom)
        if best is None or area > best[0]:
            best = (area, dpi)
    return best[1] if best else None


def render_dpi(page: pdfium.PdfPage, settings: OcrSettings) -> float:
    width, height = page.get_size()
    ceiling = settings.max_side_px / (max(width, height) / 72)
    native = scan_dpi(page) or settings.fallback_dpi
    return min(max(native, settings.min_dpi), ceiling)


def render_grey(doc: pdfium.PdfDocument, index: int, settings: OcrSettings) -> tuple[np.ndarray, float]:
    """The page as a grey picture, and the resolution it was rendered at."""
    page = doc[index]
    try:
        dpi = render_dpi(page, settings)
        return np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")), dpi
    finally:
        page.close()


def ocr_page(doc: pdfium.PdfDocument, index: int, geometry: PageGeometry,
             settings: OcrSettings | None = None) -> PageGeometry:
    """The page's geometry with glyphs (and, where the page draws none, ruling lines)
    read from its picture; unchanged when OCR is not installed or the page holds no image."""
    if geometry.images == 0 or not ocr_available():
        return geometry
    settings = settings or OcrSettings()
    grey, dpi = render_grey(doc, index, settings)
    grey = deskew_image(grey, estimate_skew(grey, settings))
    lines = image_to_lines(grey, settings)
    frame = PageFrame(72 / dpi)
    glyphs = lines_to_glyphs(lines, frame, geometry.number, settings)
    edges = geometry.edges or image_to_rulings(grey, frame.scale, settings)
    return replace(geometry, glyphs=glyphs, edges=edges)


# ---- blocks built from OCR glyphs ------------------------------------------------------------

def lowest_confidence(chars: Sequence[Char] | None) -> float | None:
    scores = [c.confidence for c in chars or () if c.confidence is not None]
    return min(scores) if scores else None


def mark_ocr_blocks(blocks: Sequence[Block], settings: OcrSettings | None = None) -> list[ReaderNote]:
    """Blocks holding OCR'd characters get ``extractor="ocr"`` and their confidence
    (paragraphs and cells: the lowest line score of their characters); returns the
    notes: which pages were read by OCR, and per page how many paragraphs and cells
    fell below the confidence threshold."""
    settings = settings or OcrSettings()
    pages: set[int] = set()
    low: Counter[int] = Counter()
    for block in blocks:
        units = [block] if isinstance(block, Paragraph) else block.cells
        for unit in units:
            unit.confidence = lowest_confidence(unit.chars)
            if unit.confidence is None or not unit.chars:
                continue
            page = unit.chars[0].page
            pages.add(page)
            if unit.confidence < settings.low_confidence:
                low[page] += 1
        if any(u.confidence is not None for u in units):
            block.extractor = EXTRACTOR
    return ocr_notes(sorted(pages), low, settings)


def ocr_notes(pages: list[int], low: Counter[int], settings: OcrSettings) -> list[ReaderNote]:
    if not pages:
        return []
    notes = [ReaderNote("page.ocr", "info", f"pages without a text layer read by OCR: pages {pages}", pages)]
    notes += [ReaderNote("ocr.low_confidence", "warning",
                         f"page {page}: {n} paragraph(s)/cell(s) read by OCR with confidence "
                         f"below {settings.low_confidence}", [page])
              for page, n in sorted(low.items())]
    return notes


def has_no_text_layer(path: Path) -> bool:
    """No page of the PDF has a single character of text (stops at the first that has);
    False when pdfium cannot open it (the PDF reader reports why)."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return False
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                if textpage.count_chars() > 0:
                    return False
            finally:
                textpage.close()
                page.close()
        return len(doc) > 0
    finally:
        doc.close()


def first_page_is_a_scan(path: Path) -> bool:
    """The PDF's first page is a picture without a text layer: what OCR reads (a
    blank page is none). False when pdfium cannot open the file."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return False
    try:
        if len(doc) == 0:
            return False
        geometry = read_page_geometry(doc, 0, RuleSettings())
        return geometry.images > 0 and not geometry.glyphs
    finally:
        doc.close()


def refuse_scan_without_ocr(path: Path) -> None:
    """A PDF that is pictures only yields nothing without OCR: say so up front,
    instead of an empty document (mixed PDFs are read; their scanned pages noted)."""
    if not ocr_available() and has_no_text_layer(path):
        raise BadInput(f"{path.name}: image-only PDF and OCR is not installed ({INSTALL_HINT})")
