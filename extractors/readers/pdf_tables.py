"""Ruled PDF tables: ruling lines → cell rectangles → a true grid with spans →
tables stitched across pages.

pdfplumber's lattice functions turn the ruling lines (read by ``pdf_page``)
into cell rectangles; everything after that — the grid, the spans, the text of each cell, the
stitching of a table that runs over a page break — is done here on plain
rectangles and ``Glyph`` objects.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from disclosures.extractors.readers.pdf_text import (
    Glyph,
    TextSettings,
    glyphs_to_lines,
    join_lines,
)
from disclosures.model.layout import BBox, Cell, Table
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges

AMOUNT = re.compile(r"^[-+−]?[\d,，.]+%?$")


@dataclass(frozen=True)
class TableSettings:
    """Tunables of grid building and stitching, in points."""

    edge_tolerance: float = 2.0  # cell edges closer than this are the same grid line
    stitch_tolerance: float = 3.0  # vertical rulings of two page parts this close are the same column edge
    min_cols: int = 2  # a ruled box with one column is a frame around text, not a table
    snap_tolerance: float = 3.0  # parallel rulings this close are one line
    join_tolerance: float = 3.0  # collinear rulings with gaps this small are one line
    intersection_tolerance: float = 3.0  # rulings this close to touching do intersect
    edge_min_length: float = 3.0  # shorter rulings are glyph strokes or dots, not table lines
    wrap_reach_em: float = 1.5  # a cell line ending this close to the cell's right edge was wrapped


@dataclass
class PageTable:
    """One table as found on one page, before stitching."""

    page: int
    bbox: BBox
    x_edges: list[float]
    y_edges: list[float]
    cells: list[Cell]
    cell_glyphs: dict[int, list[Glyph]] = field(default_factory=dict)  # per cell id: its glyphs

    @property
    def n_rows(self) -> int:
        return len(self.y_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.x_edges) - 1

    def as_table(self) -> Table:
        return Table(index=-1, n_rows=self.n_rows, n_cols=self.n_cols, cells=self.cells,
                     pages=[self.page], bbox=self.bbox, extractor="pdf-table")


# ---- ruling lines → cell rectangles ------------------------------------------------------

def edges_to_cell_groups(edges: list[dict], settings: TableSettings) -> list[list[BBox]]:
    """pdfplumber's lattice algorithm on rulings we extracted ourselves: snap and join
    the edges, find their intersections, the cells between them, and group touching
    cells into tables."""
    edges = merge_edges(edges, settings.snap_tolerance, settings.snap_tolerance,
                        settings.join_tolerance, settings.join_tolerance)
    edges = filter_edges(edges, min_length=settings.edge_min_length)
    points = edges_to_intersections(edges, settings.intersection_tolerance, settings.intersection_tolerance)
    return cells_to_tables(intersections_to_cells(points))


# ---- cell rectangles → grid -------------------------------------------------------------

def cluster_positions(values: Iterable[float], tolerance: float) -> list[float]:
    """Distinct positions: values within ``tolerance`` of each other collapse to their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def nearest_index(edges: Sequence[float], value: float) -> int:
    i = bisect.bisect_left(edges, value)
    candidates = [j for j in (i - 1, i) if 0 <= j < len(edges)]
    return min(candidates, key=lambda j: abs(edges[j] - value))


def rects_to_cells(rects: Sequence[BBox], page: int, settings: TableSettings
                   ) -> tuple[list[float], list[float], list[Cell]]:
    """Grid lines from the distinct cell edges; each rectangle becomes a Cell at its
    top-left grid position spanning the grid lines it covers."""
    xs = cluster_positions([v for r in rects for v in (r[0], r[2])], settings.edge_tolerance)
    ys = cluster_positions([v for r in rects for v in (r[1], r[3])], settings.edge_tolerance)
    cells = []
    for r in sorted(rects, key=lambda r: (r[1], r[0])):
        c0, c1 = nearest_index(xs, r[0]), nearest_index(xs, r[2])
        r0, r1 = nearest_index(ys, r[1]), nearest_index(ys, r[3])
        if c1 > c0 and r1 > r0:
            cells.append(Cell(text="", row=r0, col=c0, rowspan=r1 - r0, colspan=c1 - c0,
                              page=page, bbox=(r[0], r[1], r[2], r[3])))
    return xs, ys, cells


def cell_lookup(cells: Sequence[Cell], n_rows: int, n_cols: int) -> list[list[Cell | None]]:
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                grid[r][c] = cell
    return grid


def glyphs_to_cells(glyphs: Iterable[Glyph], table: PageTable) -> list[Glyph]:
    """Put each glyph (by its centre) into the cell covering it; return the glyphs
    that fall in no cell (they stay page text)."""
    grid = cell_lookup(table.cells, table.n_rows, table.n_cols)
    outside: list[Glyph] = []
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        col = bisect.bisect_right(table.x_edges, cx) - 1
        row = bisect.bisect_right(table.y_edges, cy) - 1
        cell = grid[row][col] if 0 <= row < table.n_rows and 0 <= col < table.n_cols else None
        if cell is None:
            outside.append(g)
        else:
            table.cell_glyphs.setdefault(id(cell), []).append(g)
    return outside


def fill_cell_text(table: PageTable, settings: TextSettings) -> None:
    """Cell text in reading order; lines wrapped inside a cell are joined (no
    separator between CJK lines: ``机关事业单位基本养老保险缴费`` + ``支出``)."""
    for cell in table.cells:
        glyphs = table.cell_glyphs.get(id(cell), [])
        joined = join_lines(glyphs_to_lines(glyphs, settings)) if glyphs else []
        cell.text = "".join(g.text for g in joined)
        cell.chars = [g.to_char() for g in joined]


# ---- stitching across pages ------------------------------------------------------------

def row_texts(table: Table, row: int) -> tuple[str, ...]:
    return tuple(table.text_at(row, c) for c in range(table.n_cols))


def map_columns(base_edges: Sequence[float], part_edges: Sequence[float], tolerance: float
                ) -> list[int] | None:
    """Index into ``base_edges`` of every vertical ruling of the continuation, or None
    when a ruling has no counterpart (a different table)."""
    mapping = []
    for x in part_edges:
        i = nearest_index(base_edges, x)
        if abs(base_edges[i] - x) > tolerance:
            return None
        mapping.append(i)
    if mapping[0] != 0 or mapping[-1] != len(base_edges) - 1:
        return None
    return mapping


def leading_header_rows(base: Table, part: Table) -> int:
    """How many top rows of the continuation repeat the first table's header rows."""
    n = 0
    while (n < min(base.n_rows, part.n_rows) and any(row_texts(part, n))
           and row_texts(part, n) == row_texts(base, n)):
        n += 1
    return n


def starts_same_form(base: Table, part: Table) -> bool:
    """``part`` is a new filled-in copy of the same form, not a continuation: it
    repeats the base's top rows and then a row with the same label but other
    content (the 绩效自评表 of the next project: ``项目名称 | <another project>``)."""
    k = leading_header_rows(base, part)
    if k == 0 or k >= min(base.n_rows, part.n_rows):
        return False
    return part.text_at(k, 0) == base.text_at(k, 0) and row_texts(part, k) != row_texts(base, k)


def split_column(table: Table, edges: list[float], x: float) -> None:
    """Insert a vertical grid line at ``x`` (a continuation page rules a merged column
    into two: the seed's 绩效自评表 p.17→18); cells across it widen by one column."""
    i = bisect.bisect_left(edges, x)
    edges.insert(i, x)
    for cell in table.cells:
        if cell.col >= i:
            cell.col += 1
        elif cell.col + cell.colspan >= i:
            cell.colspan += 1
    table.n_cols += 1
    table._grid = None


def continuation_columns(base: Table, base_edges: list[float], part: PageTable,
                         settings: TableSettings) -> list[int] | None:
    """Column mapping when ``part`` continues ``base``: its rulings line up with the
    base's, or (a page with other margins) it repeats the header with as many columns."""
    if starts_same_form(base, part.as_table()):
        return None
    if map_columns(part.x_edges, base_edges, settings.stitch_tolerance) is not None:
        for x in part.x_edges:  # the continuation is ruled finer: split the base's columns
            i = nearest_index(base_edges, x)
            if abs(base_edges[i] - x) > settings.stitch_tolerance:
                split_column(base, base_edges, x)
    mapping = map_columns(base_edges, part.x_edges, settings.stitch_tolerance)
    if mapping is not None:
        return mapping
    if part.n_cols == base.n_cols and part.n_rows and leading_header_rows(base, part.as_table()):
        return list(range(base.n_cols + 1))
    return None


def is_wrapped_fragment(prev: Cell, frag: Cell, settings: TableSettings, unlabelled: bool) -> bool:
    """The previous row's cell text ran to the cell's right edge: its continuation was
    pushed over the page break (2018年省检察院部门预算公开.pdf, p.13→14:
    ``十七、国土海洋气象等支`` / ``出``). Right-aligned amounts always reach the edge,
    so an amount counts only when the continuation row is ``unlabelled``."""
    if not prev.text or not prev.chars or not prev.bbox or (AMOUNT.match(prev.text) and not unlabelled):
        return False
    last = prev.chars[-1].bbox
    size = last[3] - last[1]
    return last[2] >= prev.bbox[2] - settings.wrap_reach_em * size


def lost_row_label(table: Table, frags: list[Cell]) -> bool:
    """The table's last row starts with its own label and the continuation row has none:
    the row itself was cut by the page break, its label left behind (the seed PDF
    p.11→12: ``合计 | 10 | 10`` / `` | 0 | 0`` is one row holding ``100``). A label
    merged down from rows above (``预算执行情况（10分）``) proves nothing."""
    label = table.cell_at(table.n_rows - 1, 0)
    return (label is not None and bool(label.text) and label.row == table.n_rows - 1
            and all(frag.col > 0 for frag in frags))


def merge_split_row(table: Table, part_cells: list[Cell], first_row: int, settings: TableSettings
                    ) -> list[Cell]:
    """Fold the continuation's first row into the table's last row when it only holds
    the wrapped ends of that row's cells; return the cells still to append."""
    frags = [c for c in part_cells if c.row == first_row and c.text]
    if not frags:
        return part_cells
    last = table.n_rows - 1
    unlabelled = lost_row_label(table, frags)
    targets = []
    for frag in frags:
        prev = table.cell_at(last, frag.col)
        if prev is None or prev.col != frag.col or not is_wrapped_fragment(prev, frag, settings, unlabelled):
            return part_cells
        targets.append((prev, frag))
    for prev, frag in targets:
        prev.text += frag.text
        prev.chars = (prev.chars or []) + (frag.chars or [])
    for cell in part_cells:  # a vertical merge running on past the split row keeps running
        prev = table.cell_at(last, cell.col)
        if cell.row == first_row and cell.rowspan > 1 and prev is not None and prev.col == cell.col:
            prev.rowspan += cell.rowspan - 1
    return [c for c in part_cells if c.row != first_row]


def append_part(table: Table, part: PageTable, mapping: list[int], settings: TableSettings) -> None:
    """Append a continuation's rows (minus repeated header rows) under ``table``."""
    part_table = part.as_table()
    skip = leading_header_rows(table, part_table)
    cells = []
    for cell in part.cells:
        if cell.row < skip:
            continue
        c0, c1 = mapping[cell.col], mapping[cell.col + cell.colspan]
        cells.append(Cell(cell.text, cell.row, c0, cell.rowspan, c1 - c0, cell.page, cell.bbox, cell.chars))
    cells = merge_split_row(table, cells, skip, settings)
    first = min((c.row for c in cells), default=skip)
    offset = table.n_rows - first
    for cell in cells:
        cell.row += offset
    table.cells.extend(cells)
    table.n_rows = max([table.n_rows] + [c.row + c.rowspan for c in cells])
    table.pages.append(part.page)
    table._grid = None
