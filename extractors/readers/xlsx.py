"""XLSX reader: an Excel workbook → the layout IR, one caption and one table per sheet.

Finance bureaus publish the 九张表 as workbooks (one statement per sheet). Each
visible worksheet becomes a ``Paragraph`` holding the sheet's name (recognizers
read it as the table's caption, like the title line above a table in a PDF)
followed by a ``Table`` of the sheet's used range: merged ranges are the cells'
spans, the grid is 0-based from the first used row and column, and locators are
the usual ``table N / row R / col C``. Workbooks have no pages: ``page`` and
``bbox`` are None.

Cell text is what Excel displays where that is unambiguous: numbers in a simple
number format (``0.00``, ``#,##0.00_ ``, ``0.0%``…) are formatted with it, rounded
half away from zero as Excel does; any other number as Excel's General format
shows it — 15 significant digits at most, so float noise never shows (2254.91
stays ``2254.91``, a cached ``0.1+0.2`` is ``0.3``), whole floats without ``.0``. Formula cells give the value
Excel cached when it last saved the file (``data_only``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from disclosures.extractors.readers import describe_format, sniff_format
from disclosures.model.errors import BadInput
from disclosures.model.layout import Block, Cell, Document, Paragraph, ReaderNote, Table

EXTRACTOR = "xlsx"
CAPTION_STYLE = "Sheet name"
EXCEL_DIGITS = 15  # significant digits Excel keeps in a number

# The parts of a number format that only pad, colour or condition what is shown:
# ``_)`` (pad by the width of a character), ``*x`` (fill), ``[Red]``/``[<0]``, ``\x`` escapes.
FORMAT_NOISE = re.compile(r'_.|\*.|\[[^\]]*\]|\\(?=.)')
SIMPLE_FORMAT = re.compile(r"^(?P<group>#,##)?0(?:\.(?P<decimals>0+))?(?P<pct>%)?$")


@dataclass(frozen=True)
class XlsxSettings:
    skip_hidden_sheets: bool = True  # hidden sheets hold lookup lists and drafts, not the statement


# ---- values → displayed text -----------------------------------------------------------------

@dataclass(frozen=True)
class NumberFormat:
    decimals: int
    grouped: bool
    percent: bool


def parse_number_format(code: str | None) -> NumberFormat | None:
    """The simple fixed-decimal formats Excel users pick for amounts and rates; None
    for ``General`` and anything with text, dates or scaling (shown from the value)."""
    if not code:
        return None
    first = code.split(";")[0]
    cleaned = FORMAT_NOISE.sub("", first).replace('""', "").strip()
    match = SIMPLE_FORMAT.match(cleaned)
    if not match:
        return None
    return NumberFormat(len(match["decimals"] or ""), bool(match["group"]), bool(match["pct"]))


def plain_decimal(value: int | float) -> str:
    """A number as Excel's General format shows it: at most 15 significant digits
    (Excel's own precision, so a cached ``0.1+0.2`` is ``0.3``), no exponent, no
    trailing zeros or ``.0``."""
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(format(value, f".{EXCEL_DIGITS}g"))
    except InvalidOperation:  # inf / nan cannot come from Excel, but a writer may store them
        return str(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def format_number(value: int | float, fmt: NumberFormat) -> str:
    number = Decimal(format(value, f".{EXCEL_DIGITS}g")) * (100 if fmt.percent else 1)
    rounded = number.quantize(Decimal(1).scaleb(-fmt.decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{fmt.decimals}f}" if fmt.grouped else f"{rounded:.{fmt.decimals}f}"
    return text + ("%" if fmt.percent else "")


def value_to_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        fmt = parse_number_format(number_format)
        return format_number(value, fmt) if fmt else plain_decimal(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# ---- a sheet → a table -----------------------------------------------------------------------

@dataclass(frozen=True)
class Bounds:
    """The used range, 1-based inclusive, as Excel numbers rows and columns."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


def used_bounds(sheet) -> Bounds | None:
    """Rows and columns holding a value or a merge; openpyxl's own dimensions also
    count cells that only carry formatting (whole formatted columns reach row 1048576)."""
    rows, cols = [], []
    # The stored cells only: ``iter_rows()`` would create every cell of a range that
    # formatting stretched to the sheet's last row.
    for cell in sheet._cells.values():
        if cell.value is not None and str(cell.value).strip():
            rows.append(cell.row)
            cols.append(cell.column)
    for merged in sheet.merged_cells.ranges:
        if sheet.cell(merged.min_row, merged.min_col).value is not None:
            rows += [merged.min_row, merged.max_row]
            cols += [merged.min_col, merged.max_col]
    if not rows:
        return None
    return Bounds(min(rows), min(cols), max(rows), max(cols))


def merged_spans(sheet, bounds: Bounds) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Top-left (row, col) → (rowspan, colspan) of each merge, clipped to the used
    range, and the positions the merges cover beyond their top-left cell."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        r0, c0 = max(merged.min_row, bounds.min_row), max(merged.min_col, bounds.min_col)
        r1, c1 = min(merged.max_row, bounds.max_row), min(merged.max_col, bounds.max_col)
        if r0 > r1 or c0 > c1:
            continue
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    return spans, covered


def sheet_to_table(sheet, index: int, bounds: Bounds) -> Table:
    spans, covered = merged_spans(sheet, bounds)
    cells: list[Cell] = []
    for row in sheet.iter_rows(min_row=bounds.min_row, max_row=bounds.max_row,
                               min_col=bounds.min_col, max_col=bounds.max_col):
        for xl in row:
            position = (xl.row, xl.column)
            if position in covered:
                continue
            rowspan, colspan = spans.get(position, (1, 1))
            cells.append(Cell(text=value_to_text(xl.value, xl.number_format),
                              row=xl.row - bounds.min_row, col=xl.column - bounds.min_col,
                              rowspan=rowspan, colspan=colspan))
    return Table(index=index, n_rows=bounds.max_row - bounds.min_row + 1,
                 n_cols=bounds.max_col - bounds.min_col + 1, cells=cells, extractor=EXTRACTOR)


def workbook_to_blocks(workbook, settings: XlsxSettings) -> tuple[list[Block], list[ReaderNote]]:
    blocks: list[Block] = []
    hidden: list[str] = []
    for sheet in workbook.worksheets:
        if settings.skip_hidden_sheets and sheet.sheet_state != "visible":
            hidden.append(sheet.title)
            continue
        bounds = used_bounds(sheet)
        if bounds is None:
            continue
        n_tables = sum(isinstance(b, Table) for b in blocks)
        blocks.append(Paragraph(index=len(blocks) - n_tables, text=sheet.title, style=CAPTION_STYLE,
                                extractor=EXTRACTOR))
        blocks.append(sheet_to_table(sheet, n_tables, bounds))
    notes = [ReaderNote("xlsx.hidden_sheets_skipped", "info",
                        f"hidden sheets not read: {', '.join(hidden)}")] if hidden else []
    return blocks, notes


# ---- the file --------------------------------------------------------------------------------

def open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadInput(f"{path.name}: cannot be opened as XLSX ({reason})") from exc


def read_xlsx(path: Path, sha256: str | None = None, source_url: str | None = None,
              settings: XlsxSettings | None = None) -> Document:
    """Read an XLSX workbook into the layout IR; bad files raise ``BadInput``."""
    path = Path(path)
    settings = settings or XlsxSettings()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    kind = sniff_format(data)
    if kind != "xlsx":
        raise BadInput(f"{path.name}: not an XLSX (looks like {describe_format(kind)})")
    workbook = open_workbook(path)
    try:
        blocks, notes = workbook_to_blocks(workbook, settings)
    finally:
        workbook.close()
    if not blocks:
        raise BadInput(f"{path.name}: no sheet with any cell holding text")
    return Document(blocks=blocks, format="xlsx", file_name=path.name,
                    sha256=sha256 or hashlib.sha256(data).hexdigest(), pages=None,
                    source_url=source_url, notes=notes)
