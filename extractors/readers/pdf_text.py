"""PDF text: glyphs → lines → paragraphs, with running headers/footers removed.

Everything here works on ``Glyph``/``Line`` objects already converted to
top-left coordinates (points, 1-based pages); no PDF library is imported.
The rules are layout rules of the genre (A4 government reports set in
justified CJK with a first-line indent of two characters), not of any one
document.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from disclosures.model.layout import BBox, Char, union_bbox

WHITESPACE = {" ", "\u3000", "\u00a0", "\t"}

# CJK line breaking (GB/T 15834, JIS X 4051 kinsoku): what may not start / end a line
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’％%…·～,.;:?!)]}")
NO_LINE_END = set("（《「『【〔〈“‘([{")
# a marker after these opens a new item; after ``；`` it is an inline enumeration
# (``（一）…；（二）…`` wrapped at the semicolon stays one paragraph)
SENTENCE_END = ("。", "：", "！", "？", ":", "!", "?")
# a line stopping short after these ended its sentence, heading or contents entry
# (``五、部门预算表 ………``) on purpose
CLAUSE_END = SENTENCE_END + ("；", ";", "）", ")", "”", "」", "』", "》", "】", "．", ".", "…")
# 一、 （三） (2) ⑵ ① 14. 6． 3、 第三部分 — a number then a dot only when no digit
# follows (``6.5万元`` wrapped to a line start is not an item)
LIST_MARKER = re.compile(
    r"([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|[⑴-⒇①-⑳]"
    r"|\d{1,3}(、|[.．](?!\d))|第[一二三四五六七八九十\d]{1,3}[部分章节条])")

# "- 3 -", "— 12 —", "3", "第3页", "第 3 页 共 20 页", "3/20", "·3·"
PAGE_NUMBER = re.compile(
    r"^[-—–·•\s]*(\d{1,4}|第\s*\d{1,4}\s*页(\s*[，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})[-—–·•\s]*$")


@dataclass(frozen=True)
class Glyph:
    """One character as drawn on a page, top-left origin."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    def to_char(self) -> Char:
        return Char(self.text, self.page, self.bbox)


@dataclass
class Line:
    """Glyphs sharing a baseline band, left to right; separators already inserted."""

    glyphs: list[Glyph]
    page: int

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def x0(self) -> float:
        """Left edge of the first visible glyph: indentation made of spaces is indentation."""
        visible = [g for g in self.glyphs if g.text not in WHITESPACE]
        return (visible or self.glyphs)[0].x0

    @property
    def x1(self) -> float:
        visible = [g for g in self.glyphs if g.text not in WHITESPACE]
        return (visible or self.glyphs)[-1].x1

    @property
    def size(self) -> float:
        return statistics.median(g.size for g in self.glyphs)


@dataclass(frozen=True)
class TextSettings:
    """Tunables of line and paragraph building (all in em of the line's font size
    unless named otherwise)."""

    word_gap_em: float = 0.6  # a gap wider than this between glyphs becomes one space
    indent_em: float = 0.8  # first-line indent that starts a paragraph
    short_line_em: float = 1.2  # a line ending this far before the right margin ends a paragraph …
    ragged_em: float = 4.0  # … unless it ends mid-sentence no further than this from the margin
    gap_factor: float = 1.6  # a line gap this many times the usual line gap ends a paragraph
    spacing_percentile: float = 0.2  # the usual line gap: this low percentile of all line gaps
    gap_slack: float = 3.0  # points added to the gap threshold (absorbs rounding)
    size_change: float = 1.0  # points of font-size change that end a paragraph
    header_band: float = 0.10  # top fraction of the page where running headers live
    footer_band: float = 0.12  # bottom fraction of the page where footers/page numbers live
    repeat_min_pages: int = 2  # a band line repeated on this many pages is a running header
    repeat_min_fraction: float = 0.3  # … and on at least this fraction of pages


def glyphs_to_lines(glyphs: Iterable[Glyph], settings: TextSettings) -> list[Line]:
    """Group glyphs into lines by vertical overlap, then order each line left to right."""
    lines: list[list[Glyph]] = []
    bands: list[tuple[float, float]] = []
    for glyph in sorted(glyphs, key=lambda g: ((g.top + g.bottom) / 2, g.x0)):
        centre = (glyph.top + glyph.bottom) / 2
        if bands and bands[-1][0] <= centre <= bands[-1][1]:
            lines[-1].append(glyph)
            top, bottom = bands[-1]
            bands[-1] = (min(top, glyph.top), max(bottom, glyph.bottom))
        else:
            lines.append([glyph])
            bands.append((glyph.top, glyph.bottom))
    return [Line(insert_word_gaps(sorted(line, key=lambda g: g.x0), settings), line[0].page)
            for line in lines]


def insert_word_gaps(glyphs: list[Glyph], settings: TextSettings) -> list[Glyph]:
    """Turn a wide horizontal gap into one space whose box is the gap itself, so
    ``部门：      江苏省人民检察院`` keeps its fields apart and every character of
    the text still has a box."""
    out: list[Glyph] = []
    for glyph in glyphs:
        if out:
            prev = out[-1]
            gap = glyph.x0 - prev.x1
            if (gap > settings.word_gap_em * max(prev.size, glyph.size)
                    and prev.text not in WHITESPACE and glyph.text not in WHITESPACE):
                out.append(Glyph(" ", prev.x1, min(prev.top, glyph.top), glyph.x0,
                                 max(prev.bottom, glyph.bottom), prev.size, prev.page))
        out.append(glyph)
    return out


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_separator(before: Glyph, after: Glyph) -> Glyph | None:
    """The separator needed when a line wraps: none for CJK (Chinese has no spaces
    between words), one zero-width-boxed space between two Latin words."""
    if before.text.isascii() and before.text.isalpha() and after.text.isascii() and after.text.isalpha():
        return Glyph(" ", before.x1, before.top, before.x1, before.bottom, before.size, before.page)
    return None


def join_lines(lines: Sequence[Line]) -> list[Glyph]:
    """Glyphs of wrapped lines as one run, leading/trailing whitespace of each line dropped."""
    out: list[Glyph] = []
    for line in lines:
        glyphs = strip_glyphs(line.glyphs)
        if out and glyphs:
            sep = join_separator(out[-1], glyphs[0])
            if sep is not None:
                out.append(sep)
        out.extend(glyphs)
    return out


def strip_glyphs(glyphs: list[Glyph]) -> list[Glyph]:
    start, end = 0, len(glyphs)
    while start < end and glyphs[start].text in WHITESPACE:
        start += 1
    while end > start and glyphs[end - 1].text in WHITESPACE:
        end -= 1
    return glyphs[start:end]


# ---- running headers, footers, page numbers -------------------------------------------

def normalize_running_text(text: str) -> str:
    """Running headers differ only in their numbers (``第3页`` / ``第4页``)."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def find_running_lines(pages: dict[int, list[Line]], heights: dict[int, float],
                       settings: TextSettings) -> set[int]:
    """ids of lines that are page furniture: a bare page number as a page's first or
    last line (wherever it sits: a short last page puts it mid-page, 2017年省检察院
    部门预算.pdf p.24), or a line in the top/bottom band whose text (numbers
    ignored) repeats across pages."""
    running: set[int] = set()
    banded: list[Line] = []
    for page, lines in pages.items():
        if not lines:
            continue
        height = heights[page]
        ordered = sorted(lines, key=lambda ln: ln.top)
        for line in (ordered[0], ordered[-1]):
            if PAGE_NUMBER.match(line.text.strip()):
                running.add(id(line))
        banded += [ln for ln in ordered[:2] if ln.bottom <= height * settings.header_band]
        banded += [ln for ln in ordered[-2:] if ln.top >= height * (1 - settings.footer_band)]
    counts = Counter(normalize_running_text(line.text) for line in banded)
    need = max(settings.repeat_min_pages, settings.repeat_min_fraction * len(pages))
    running.update(id(line) for line in banded if counts[normalize_running_text(line.text)] >= need)
    return running


# ---- paragraphs ------------------------------------------------------------------------

@dataclass(frozen=True)
class Margins:
    left: float
    right: float


def body_margins(lines: Sequence[Line]) -> Margins | None:
    """Left and right text margins of one page geometry: where most long lines start,
    and where justified lines end (90th percentile of their right edges)."""
    long_lines = [ln for ln in lines if len(ln.glyphs) >= 5]
    if not long_lines:
        return None
    lefts = Counter(round(ln.x0) for ln in long_lines)
    rights = sorted(ln.x1 for ln in long_lines)
    return Margins(float(lefts.most_common(1)[0][0]), rights[int(0.9 * (len(rights) - 1))])


def line_gaps(lines: Sequence[Line]) -> list[float]:
    return [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom]


def spacing_by_geometry(pages: dict[int, list[Line]], widths: dict[int, float],
                        settings: TextSettings) -> dict[int, float | None]:
    """The gap between wrapped lines of one paragraph, per page, measured over all pages
    of the same width. A low percentile, not the median: where paragraphs are set
    apart by spacing and many are one line long, paragraph gaps are the majority
    (the seed PDF p.3: 14 pt between paragraphs, 4 pt inside them)."""
    by_width: dict[int, list[float]] = defaultdict(list)
    for page, lines in pages.items():
        by_width[round(widths[page])].extend(line_gaps(lines))
    spacing = {}
    for width, gaps in by_width.items():
        gaps.sort()
        spacing[width] = gaps[int(settings.spacing_percentile * (len(gaps) - 1))] if gaps else None
    return {page: spacing[round(widths[page])] for page in pages}


def ends_paragraph(line: Line, margins: Margins, settings: TextSettings) -> bool:
    return line.x1 < margins.right - settings.short_line_em * line.size


def starts_paragraph(line: Line, margins: Margins, settings: TextSettings) -> bool:
    return line.x0 > margins.left + settings.indent_em * line.size


def leading_unit_width(line: Line) -> float:
    """Width of the unbreakable run a line starts with: a Latin/number word or one CJK
    character, with the opening brackets before it and the punctuation that may not
    start a line after it (CJK line breaking moves them together: ``元，``, ``100%。``,
    ``（含）``)."""
    glyphs = strip_glyphs(line.glyphs)
    end = 0
    while end < len(glyphs) and glyphs[end].text in NO_LINE_END:
        end += 1
    word = end
    while end < len(glyphs) and glyphs[end].text.isascii() and not glyphs[end].text.isspace():
        end += 1
    if end == word and end < len(glyphs):
        end += 1
    while end < len(glyphs) and glyphs[end].text in NO_LINE_START:
        end += 1
    return glyphs[end - 1].x1 - glyphs[0].x0 if end else 0.0


def pushed_down(a: Line, b: Line, margins: Margins) -> bool:
    """``a`` ends short only because ``b``'s first unit did not fit after it:
    ``…拟购买服务`` / ``2555.8万元。`` (2017年省检察院部门预算.pdf p.23),
    ``…项目支出628.56万`` / ``元，占28%。`` (the seed PDF p.1, ragged right)."""
    return leading_unit_width(b) > margins.right - a.x1


def broken_mid_sentence(a: Line, margins: Margins, settings: TextSettings) -> bool:
    """A ragged-right line that stops short of the margin with no closing punctuation:
    the line breaker moved a whole word down (LibreOffice breaks Chinese at word
    boundaries: ``…严密部署推`` / ``进“化解矛盾风险…``, the seed PDF p.9)."""
    return (not a.text.rstrip().endswith(CLAUSE_END)
            and a.x1 >= margins.right - settings.ragged_em * a.size)


def opens_list_item(line: Line) -> bool:
    """The line starts with a list marker: ``六、``, ``14.``, ``（三）``, ``(2)``, ``第三部分``."""
    return LIST_MARKER.match(line.text.lstrip()) is not None


def starts_list_item(a: Line, b: Line) -> bool:
    """``a`` closes a sentence and ``b`` opens a list item: a new paragraph even where
    layout cannot tell — no indent, no spacing, or a page break between them."""
    return a.text.rstrip().endswith(SENTENCE_END) and opens_list_item(b)


def continues(a: Line, b: Line, margins: Margins, settings: TextSettings) -> bool:
    """Whether line ``b`` carries on the paragraph of line ``a`` (layout only)."""
    if (abs(a.size - b.size) > settings.size_change or starts_paragraph(b, margins, settings)
            or starts_list_item(a, b)):
        return False
    if not ends_paragraph(a, margins, settings):
        return True
    return not opens_list_item(b) and (pushed_down(a, b, margins) or broken_mid_sentence(a, margins, settings))


def margins_by_geometry(pages: dict[int, list[Line]], widths: dict[int, float]) -> dict[int, Margins | None]:
    """Margins per page, computed over all pages of the same width (portrait and
    landscape pages of one report have different text blocks)."""
    by_width: dict[int, list[Line]] = defaultdict(list)
    for page, lines in pages.items():
        by_width[round(widths[page])].extend(lines)
    margins = {w: body_margins(lines) for w, lines in by_width.items()}
    return {page: margins[round(widths[page])] for page in pages}


def paragraph_chars(lines: Sequence[Line]) -> tuple[str, list[Char], BBox | None]:
    glyphs = join_lines(lines)
    text = "".join(g.text for g in glyphs)
    bbox = union_bbox([g.bbox for g in glyphs if g.page == glyphs[0].page]) if glyphs else None
    return text, [g.to_char() for g in glyphs], bbox
