"""The layout IR: the one model every reader produces and every recognizer reads.

Readers (``extractors/readers``) know file formats and nothing about budgets;
recognizers (``extractors/recognizers``) know budgets and nothing about file
formats. This module is the contract between them.

Coordinates follow pdfplumber's convention, converted once in the reader:
PDF points, origin at the page's top-left, ``bbox = (x0, top, x1, bottom)``,
1-based page numbers. Word documents have no pages: ``page`` and ``bbox`` are
``None`` and the locator alone says where a value is.

Locators are part of the export contract (``spec/EXPORT.md``):
``paragraph N`` (+ `` chars a-b``) and ``table N / row R / col C``, all
0-based and counted in document order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from disclosures.model.vocabulary import ReadFormat, Severity

BBox = tuple[float, float, float, float]


def union_bbox(boxes: Sequence[BBox | None]) -> BBox | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (
        min(b[0] for b in real),
        min(b[1] for b in real),
        max(b[2] for b in real),
        max(b[3] for b in real),
    )


@dataclass(frozen=True)
class Provenance:
    """Where one value was read: born in the recognizer, stored unchanged."""

    locator: str
    text: str
    extractor: str
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "page": self.page,
            "bbox": [round(v, 2) for v in self.bbox] if self.bbox else None,
            "locator": self.locator,
            "text": self.text,
            "extractor": self.extractor,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Char:
    """One character with its own box, so a value's box is its characters' box."""

    text: str
    page: int
    bbox: BBox
    confidence: float | None = None  # OCR's score for the line the character was read in


@dataclass
class Paragraph:
    """A run of text in reading order.

    ``chars`` is parallel to ``text`` (one Char per character of ``text``) when
    the reader knows character boxes (PDF); otherwise ``None``. A paragraph
    that a PDF breaks across pages has chars on two pages; ``page`` is the
    first one.
    """

    index: int
    text: str
    page: int | None = None
    bbox: BBox | None = None
    chars: list[Char] | None = None
    style: str | None = None  # reader's hint, e.g. "Heading 1"; never required
    extractor: str = "unknown"
    confidence: float | None = None  # OCR's lowest line score; None when the text was not recognised

    @property
    def locator(self) -> str:
        return f"paragraph {self.index}"

    def provenance(self, start: int | None = None, end: int | None = None,
                   confidence: float | None = None) -> Provenance:
        """Provenance of ``text[start:end]`` (the whole paragraph by default)."""
        confidence = self.confidence if confidence is None else confidence
        if start is None and end is None:
            return Provenance(self.locator, self.text, self.extractor,
                              self.page, self.bbox, confidence)
        start = 0 if start is None else start
        end = len(self.text) if end is None else end
        page, bbox = self.page, None
        if self.chars is not None:
            chars = self.chars[start:end]
            if chars:
                page = chars[0].page
                bbox = union_bbox([c.bbox for c in chars if c.page == page])
        return Provenance(f"{self.locator} chars {start}-{end}", self.text[start:end],
                          self.extractor, page, bbox, confidence)


@dataclass
class Cell:
    """A table cell at its top-left grid position, with its span.

    A merged cell exists once; ``Table.cell_at`` returns it for every grid
    position it covers.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    chars: list[Char] | None = None
    confidence: float | None = None  # OCR's lowest line score; None when the text was not recognised

    def covers(self, row: int, col: int) -> bool:
        return (self.row <= row < self.row + self.rowspan
                and self.col <= col < self.col + self.colspan)


@dataclass
class Table:
    """A true grid: ``n_rows`` × ``n_cols`` positions, each covered by at most one Cell.

    Merges are resolved here, once, by the reader; tables continuing across
    pages are already stitched (``pages`` lists every page they touch).
    """

    index: int
    n_rows: int
    n_cols: int
    cells: list[Cell]
    pages: list[int] = field(default_factory=list)
    bbox: BBox | None = None
    extractor: str = "unknown"
    _grid: list[list[Cell | None]] | None = field(default=None, init=False, repr=False)

    def grid(self) -> list[list[Cell | None]]:
        """Every grid position mapped to the cell covering it (or None)."""
        if self._grid is None:
            grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
            for cell in self.cells:
                for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                    for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                        grid[r][c] = cell
            self._grid = grid
        return self._grid

    def cell_at(self, row: int, col: int) -> Cell | None:
        if not (0 <= row < self.n_rows and 0 <= col < self.n_cols):
            return None
        return self.grid()[row][col]

    def text_at(self, row: int, col: int) -> str:
        cell = self.cell_at(row, col)
        return cell.text if cell else ""

    def row_cells(self, row: int) -> list[Cell]:
        """The distinct cells of one row, left to right (merged cells once)."""
        seen: list[Cell] = []
        for cell in self.grid()[row]:
            if cell is not None and (not seen or seen[-1] is not cell):
                seen.append(cell)
        return seen

    def rows(self) -> Iterator[list[Cell | None]]:
        yield from self.grid()

    def locator(self, cell: Cell) -> str:
        return f"table {self.index} / row {cell.row} / col {cell.col}"

    def provenance(self, cell: Cell, confidence: float | None = None,
                   start: int | None = None, end: int | None = None) -> Provenance:
        """Provenance of a cell, or of ``cell.text[start:end]`` when given."""
        confidence = cell.confidence if confidence is None else confidence
        text, bbox, page = cell.text, cell.bbox, cell.page
        if start is not None or end is not None:
            start = 0 if start is None else start
            end = len(cell.text) if end is None else end
            text = cell.text[start:end]
            if cell.chars is not None and len(cell.chars) == len(cell.text):
                chars = cell.chars[start:end]
                if chars:
                    page = chars[0].page
                    bbox = union_bbox([c.bbox for c in chars if c.page == page])
        return Provenance(self.locator(cell), text, self.extractor, page, bbox, confidence)


Block: TypeAlias = Paragraph | Table


@dataclass
class ReaderNote:
    """Something the reader noticed about the file itself (not about budgets):
    a page without a text layer, a font without a usable ToUnicode map, …
    The pipeline turns these into findings."""

    rule: str
    severity: Severity
    message: str
    pages: list[int] = field(default_factory=list)


@dataclass
class Document:
    """A file's content in reading order, with what identifies the file."""

    blocks: list[Block]
    format: ReadFormat
    file_name: str
    sha256: str
    pages: int | None = None
    source_url: str | None = None
    notes: list[ReaderNote] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
