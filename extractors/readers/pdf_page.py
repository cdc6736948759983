"""One PDF page through pdfium: its glyphs, its ruling lines, whether it holds images.

pdfium parses a page about 20× faster than pdfminer (TOOLCHAIN.md: ~600 pages/s
for text), and the reader needs only three things from a page: every character
with its box, the straight lines that rule tables, and whether there is an
image. Everything is converted once here to top-left points, 1-based pages.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from disclosures.extractors.readers.pdf_text import Glyph

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class RuleSettings:
    """Which path segments count as table rulings (points)."""

    max_rule_width: float = 2.0  # a filled shape thinner than this draws a ruling line
    axis_slack: float = 0.5  # a segment this close to horizontal/vertical is axis-aligned
    white: int = 250  # an RGB channel at or above this (of 255) is white paper
    # a character drawn again this close (points) to itself is a fake-bold copy
    overprint_offset: float = 1.0


@dataclass(frozen=True)
class Placement:
    """PDF user space → displayed page, top-left origin: crop-box origin removed and
    the page's /Rotate applied (the Jiangsu 公开表 PDFs are portrait pages turned 90°)."""

    left: float
    bottom: float
    width: float  # unrotated crop box
    height: float
    rotation: int  # clockwise degrees: 0, 90, 180, 270

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.left, y - self.bottom
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.width - x, y
        if self.rotation == 270:
            return self.height - y, self.width - x
        return x, self.height - y

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        (ax, ay), (bx, by) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


@dataclass
class PageGeometry:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    edges: list[dict]  # pdfplumber-shaped edges: x0, x1, top, bottom, width, height, orientation
    images: int


# ---- characters ---------------------------------------------------------------------------

def read_glyphs(textpage: pdfium.PdfTextPage, number: int, place: Placement) -> list[Glyph]:
    """Every drawn character with its loose (font-height) box; the spaces and line
    breaks pdfium invents between words are skipped (the line builder decides)."""
    handle = textpage.raw
    rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    glyphs: list[Glyph] = []
    clips: dict[int, tuple[float, float, float, float] | None] = {}
    pending_high: int | None = None
    for i in range(raw.FPDFText_CountChars(handle)):
        if raw.FPDFText_IsGenerated(handle, i) == 1:
            continue
        code = raw.FPDFText_GetUnicode(handle, i)
        if 0xD800 <= code < 0xDC00:  # a character outside the BMP comes as two halves
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high is not None:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = None
        text = chr(code) if code else ""
        if not text or text in "\r\n":
            continue
        if not raw.FPDFText_GetLooseCharBox(handle, i, rect):
            continue
        if clipped_away(handle, i, rect, clips):
            continue
        x0, top, x1, bottom = place.box(rect.left, rect.bottom, rect.right, rect.top)
        glyphs.append(Glyph(text, x0, top, x1, bottom, font_size(handle, i, matrix) or bottom - top, number))
    return glyphs


def clip_box(obj) -> tuple[float, float, float, float] | None:
    """The bounding box (PDF user space) of a page object's clipping path, or None."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    xs, ys = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(raw.FPDFClipPath_CountPaths(clip)):
        for j in range(raw.FPDFClipPath_CountPathSegments(clip, i)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, i, j)
            if segment and raw.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def clipped_away(handle, index: int, rect, clips: dict, slack: float = 0.5) -> bool:
    """A character its text object's clipping path hides: spreadsheet exports draw a
    cell's whole text and clip it to the cell (西安 2019 部门综合预算公开报表 p.3:
    ``部门预算支出经济分类科目`` runs into the next column, where only ``出经济分类…``
    shows). ``clips`` caches each object's clip box."""
    obj = raw.FPDFText_GetTextObject(handle, index)
    if not obj:
        return False
    key = ctypes.cast(obj, ctypes.c_void_p).value or 0
    if key not in clips:
        clips[key] = clip_box(obj)
    box = clips[key]
    if box is None:
        return False
    cx, cy = (rect.left + rect.right) / 2, (rect.bottom + rect.top) / 2
    return not (box[0] - slack <= cx <= box[2] + slack and box[1] - slack <= cy <= box[3] + slack)


def drop_overprints(glyphs: list[Glyph], settings: RuleSettings) -> list[Glyph]:
    """One glyph per character where a producer draws it several times over itself
    to fake bold (西安市商务局 2022 部门综合预算 p.36: every title character six times,
    ``222222000000222222年年年年年年…``): a glyph of the same text whose box lies within
    ``overprint_offset`` points of an earlier one is a copy."""
    kept: list[Glyph] = []
    seen: dict[tuple[str, int, int], list[Glyph]] = {}
    step = settings.overprint_offset
    for g in glyphs:
        cx, cy = round(g.x0 / step), round(g.top / step)
        near = [o for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in seen.get((g.text, cx + dx, cy + dy), ())]
        if any(abs(o.x0 - g.x0) <= step and abs(o.top - g.top) <= step for o in near):
            continue
        seen.setdefault((g.text, cx, cy), []).append(g)
        kept.append(g)
    return kept


def inside_page(glyphs: list[Glyph], width: float, height: float) -> list[Glyph]:
    """Glyphs whose centre lies on the displayed (crop-box) page. Producers park hidden
    copies of content off the page: 江苏省人大办公厅2017年度预算公开.pdf p.11 draws a
    second copy of its tables at top 841–2573 pt on an 842 pt page, 上海市普陀区商务
    委员会25年预算.pdf p.4 repeats p.3's text above the page top."""
    return [g for g in glyphs
            if 0 <= (g.x0 + g.x1) / 2 <= width and 0 <= (g.top + g.bottom) / 2 <= height]


def font_size(handle, index: int, matrix) -> float:
    """The size the glyph is drawn at: pdfium reports the ``Tf`` operand, which many
    producers set to 1 (or 300) and scale with the text matrix."""
    size = raw.FPDFText_GetFontSize(handle, index)
    if raw.FPDFText_GetMatrix(handle, index, matrix):
        size *= math.hypot(matrix.c, matrix.d)
    return size


# ---- ruling lines -------------------------------------------------------------------------

def clip_edges(edges: list[dict], width: float, height: float) -> list[dict]:
    """Rulings cut to the displayed page; those wholly off it (the hidden table copies
    of ``inside_page``) are dropped."""
    clipped = []
    for e in edges:
        x0, x1 = max(e["x0"], 0.0), min(e["x1"], width)
        top, bottom = max(e["top"], 0.0), min(e["bottom"], height)
        length = x1 - x0 if e["orientation"] == "h" else bottom - top
        if x0 > x1 or top > bottom or length <= 0:
            continue
        clipped.append(edge(x0, top, x1, bottom, e["orientation"]))
    return clipped


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def object_matrix(obj) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def is_visible_colour(getter, obj, settings: RuleSettings) -> bool:
    r, g, b, a = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    if not getter(obj, r, g, b, a):
        return True  # no colour to read (pattern, default): assume painted
    white = min(r.value, g.value, b.value) >= settings.white
    return a.value > 0 and not white


def subpaths(obj, matrix: Matrix, place: Placement) -> list[list[tuple[float, float]]]:
    """The path's points on the displayed page, one list per subpath (closed ones repeat their start)."""
    out: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = matrix
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        point = place.point(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO or not out:
            out.append([point])
        else:
            out[-1].append(point)
        if raw.FPDFPathSegment_GetClose(seg):
            out[-1].append(out[-1][0])
    return out


def edge(x0: float, y0: float, x1: float, y1: float, orientation: str) -> dict:
    """A pdfplumber-shaped edge between two display-space points."""
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = min(y0, y1), max(y0, y1)
    if orientation == "v":
        left = right = (left + right) / 2
    else:
        top = bottom = (top + bottom) / 2
    return {"x0": left, "x1": right, "top": top, "bottom": bottom, "width": right - left,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def path_edges(obj, matrix: Matrix, place: Placement, settings: RuleSettings) -> list[dict]:
    """Rulings drawn by one path: its stroked axis-aligned segments, and its filled
    subpaths thin enough to be lines (Word/WPS draw borders both ways)."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
        return []
    stroked = bool(stroke.value) and is_visible_colour(raw.FPDFPageObj_GetStrokeColor, obj, settings)
    filled = fill_mode.value != 0 and is_visible_colour(raw.FPDFPageObj_GetFillColor, obj, settings)
    edges: list[dict] = []
    for points in subpaths(obj, matrix, place):
        if filled:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            if w <= settings.max_rule_width and h > w:
                edges.append(edge(min(xs), min(ys), max(xs), max(ys), "v"))
            elif h <= settings.max_rule_width and w > h:
                edges.append(edge(min(xs), min(ys), max(xs), max(ys), "h"))
        if stroked:
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                if abs(x1 - x0) <= settings.axis_slack and abs(y1 - y0) > settings.axis_slack:
                    edges.append(edge(x0, y0, x1, y1, "v"))
                elif abs(y1 - y0) <= settings.axis_slack and abs(x1 - x0) > settings.axis_slack:
                    edges.append(edge(x0, y0, x1, y1, "h"))
    return edges


def walk_objects(container, count_fn, get_fn, matrix: Matrix, place: Placement, settings: RuleSettings,
                 depth: int = 0) -> tuple[list[dict], int]:
    """Edges and image count of a page or Form XObject, descending into nested forms
    with their matrices composed."""
    edges: list[dict] = []
    images = 0
    for i in range(count_fn(container)):
        obj = get_fn(container, i)
        kind = raw.FPDFPageObj_GetType(obj)
        own = multiply(object_matrix(obj), matrix) if kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM) else matrix
        if kind == raw.FPDF_PAGEOBJ_PATH:
            edges.extend(path_edges(obj, own, place, settings))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
            sub_edges, sub_images = walk_objects(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject,
                                                 own, place, settings, depth + 1)
            edges.extend(sub_edges)
            images += sub_images
    return edges, images


def read_page_geometry(doc: pdfium.PdfDocument, index: int, settings: RuleSettings) -> PageGeometry:
    """Glyphs, rulings and image count of page ``index`` (0-based), page closed after."""
    page = doc[index]
    try:
        width, height = page.get_size()  # as displayed, /Rotate applied
        left, bottom, right, top = page.get_cropbox()
        place = Placement(left, bottom, right - left, top - bottom, page.get_rotation() % 360)
        textpage = page.get_textpage()
        try:
            glyphs = drop_overprints(inside_page(read_glyphs(textpage, index + 1, place), width, height),
                                     settings)
        finally:
            textpage.close()
        edges, images = walk_objects(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject,
                                     IDENTITY, place, settings)
        edges = clip_edges(edges, width, height)
        return PageGeometry(index + 1, width, height, glyphs, edges, images)
    finally:
        page.close()
