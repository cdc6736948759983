"""DOCX reader: a Word file → the layout IR, paragraphs and tables in document order.

Locators (``spec/EXPORT.md``), 0-based, in document order:

- ``paragraph N``: the N-th top-level paragraph *with visible text* (not counting
  paragraphs inside tables, nor empty or whitespace-only paragraphs). Word files of
  these disclosures carry dozens of empty spacing paragraphs; skipping them keeps
  the index meaningful, and it is stable: the same file always gives the same N.
  Paragraphs inside content controls (``w:sdt``) count like any other.
- ``table N / row R / col C``: N counts every top-level table (empty ones too); R
  and C are positions on the table's true grid (``w:tblGrid``), so a merged cell
  is addressed by its top-left position.

Merges are read from the ``w:tc`` elements, not from python-docx's cell
accessors, which repeat a merged cell at every grid position it covers:
``w:gridSpan`` gives the column span, ``w:vMerge`` (restart / continue) the row
span, the legacy ``w:hMerge`` (written by converters from RTF/WPS) also joins
columns, and ``w:gridBefore`` / ``w:gridAfter`` shift a row's cells on the grid.

Text is read from the XML, run by run (``w:t``, ``w:tab`` → TAB, ``w:br`` / ``w:cr``
→ newline), so text inside tracked insertions, hyperlinks, fields and content
controls is kept; deleted text, field codes and the fallback copy of drawings are
not. Text boxes float outside the reading order: their text is left out and a
``docx-textbox-skipped`` note says so.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from disclosures.extractors.readers import describe_format, sniff_format
from disclosures.model.errors import BadInput
from disclosures.model.layout import Block, Cell, Document, Paragraph, ReaderNote, Table
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

EXTRACTOR = "docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
# Containers that only wrap block or row/cell content: content controls, custom XML.
TRANSPARENT = {w("sdt"): w("sdtContent"), w("customXml"): None}
# Subtrees whose text is not part of the paragraph as read: deleted or moved-away
# text, text boxes (floating), and mc:Fallback (a second copy of mc:Choice).
SKIPPED_SUBTREES = {w("del"), w("moveFrom"), w("txbxContent"), f"{{{MC_NS}}}Fallback"}
RUN_TEXT = {w("tab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "-"}
# A page or column break inside a paragraph is layout, not a line of its own.
TEXT_BREAK_TYPES = {None, "textWrapping"}

ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)
OPEN_ERRORS = (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) + ZIP_ERRORS


# --------------------------------------------------------------------------- bytes → body

def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc


def check_docx_bytes(name: str, data: bytes) -> None:
    """Refuse what is not a readable DOCX, saying what it is instead."""
    kind = sniff_format(data)
    if kind == "empty":
        raise BadInput(f"{name}: empty file (0 bytes)")
    if kind == "encrypted-ooxml":
        # Word saves a password-protected .docx as an OLE file with an EncryptedPackage.
        raise BadInput(f"{name}: encrypted (password-protected Word file)")
    if kind != "docx":
        raise BadInput(f"{name}: not a DOCX (looks like {describe_format(kind)})")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            broken = archive.testzip()
    except ZIP_ERRORS as exc:
        raise BadInput(f"{name}: truncated or corrupt DOCX (zip archive unreadable: {exc})") from exc
    if broken is not None:
        raise BadInput(f"{name}: truncated or corrupt DOCX (zip member {broken} is damaged)")


def open_docx(name: str, data: bytes):
    """python-docx's Document, with its exceptions turned into BadInput."""
    try:
        return docx.Document(io.BytesIO(data))
    except OPEN_ERRORS as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadInput(f"{name}: cannot be opened as DOCX ({reason})") from exc


# --------------------------------------------------------------------------- text

def iter_text_nodes(element: etree._Element) -> Iterator[etree._Element]:
    """Descendants of ``element`` in document order, minus the skipped subtrees.

    Iterative (an explicit stack), so deeply nested content cannot exhaust recursion.
    """
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str) or child.tag in SKIPPED_SUBTREES:
            continue
        yield child
        stack.append(iter(child))


def paragraph_text(p: etree._Element) -> str:
    """The text of one ``w:p``, run by run."""
    parts: list[str] = []
    for node in iter_text_nodes(p):
        if node.tag == W_T:
            parts.append(node.text or "")
        elif node.tag in RUN_TEXT:
            parts.append(RUN_TEXT[node.tag])
        elif node.tag == w("br") and node.get(w("type")) in TEXT_BREAK_TYPES:
            parts.append("\n")
    return "".join(parts)


def is_skipped_paragraph(p: etree._Element, stop: etree._Element) -> bool:
    """Whether a ``w:p`` below ``stop`` lies in a skipped subtree (e.g. a text box)."""
    parent = p.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in SKIPPED_SUBTREES:
            return True
        parent = parent.getparent()
    return False


def cell_text(tc: etree._Element) -> str:
    """A cell's paragraphs joined with newlines, nested tables' paragraphs included
    in document order; empty paragraphs at the start and end are dropped (Word keeps
    one after pasted text)."""
    lines = [paragraph_text(p) for p in tc.iter(W_P) if not is_skipped_paragraph(p, tc)]
    return "\n".join(lines).strip("\n")


# --------------------------------------------------------------------------- tables

def children_through_containers(element: etree._Element, wanted: set[str]) -> Iterator[etree._Element]:
    """Children of ``element`` with a tag in ``wanted``, looking through content
    controls and custom XML wrappers (a row or a cell may sit inside a ``w:sdt``)."""
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in wanted:
            yield child
        elif child.tag in TRANSPARENT:
            content = TRANSPARENT[child.tag]
            inner = child if content is None else child.find(content)
            if inner is not None:
                stack.append(iter(inner))


def int_property(element: etree._Element, path: str, default: int) -> int:
    node = element.find(path)
    if node is None:
        return default
    try:
        return max(int(node.get(w("val"), default)), 0)
    except ValueError:
        return default


def merge_state(tc: etree._Element, tag: str) -> str | None:
    """``"restart"``, ``"continue"`` or None for a cell's ``w:vMerge`` / ``w:hMerge``
    (a bare ``<w:vMerge/>`` means continue)."""
    node = tc.find(f"{w('tcPr')}/{w(tag)}")
    if node is None:
        return None
    return node.get(w("val"), "continue")


def grid_width(tbl: etree._Element) -> int:
    return len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"))


def tbl_to_cells(tbl: etree._Element) -> tuple[list[Cell], int, int]:
    """A ``w:tbl`` as a true grid: each cell once, at its top-left position, with spans.

    Returns (cells, n_rows, n_cols). A ``vMerge="continue"`` cell extends the cell
    that ends on the row above at the same grid column; one with nothing to extend
    (malformed, but Word opens it) becomes a cell of its own. Text found in a
    continuation cell is appended to the merged cell rather than lost.
    """
    cells: list[Cell] = []
    ending_above: dict[int, Cell] = {}  # start column → cell reaching the previous row
    n_rows, n_cols = 0, grid_width(tbl)
    for r, tr in enumerate(children_through_containers(tbl, {W_TR})):
        n_rows = r + 1
        col = int_property(tr, f"{w('trPr')}/{w('gridBefore')}", 0)
        ending_here: dict[int, Cell] = {}
        previous: Cell | None = None
        for tc in children_through_containers(tr, {W_TC}):
            span = max(int_property(tc, f"{w('tcPr')}/{w('gridSpan')}", 1), 1)
            text = cell_text(tc)
            above = ending_above.get(col)
            if merge_state(tc, "hMerge") == "continue" and previous is not None:
                previous.colspan += span
                target = previous
            elif merge_state(tc, "vMerge") == "continue" and above is not None:
                above.rowspan += 1
                ending_here[col] = target = above
            else:
                target = Cell(text=text, row=r, col=col, colspan=span)
                cells.append(target)
                ending_here[col] = target
                text = ""
            if text:
                target.text = f"{target.text}\n{text}" if target.text else text
            previous = target
            col += span
        n_cols = max(n_cols, col + int_property(tr, f"{w('trPr')}/{w('gridAfter')}", 0))
        ending_above = ending_here
    return cells, n_rows, n_cols


# --------------------------------------------------------------------------- body → blocks

def body_elements(body: etree._Element) -> Iterator[etree._Element]:
    """Top-level paragraphs and tables in document order (through content controls)."""
    return children_through_containers(body, {W_P, W_TBL})


def style_names(document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles if s.style_id and s.name}


def paragraph_style(p: etree._Element, names: dict[str, str], default: str | None) -> str | None:
    node = p.find(f"{w('pPr')}/{w('pStyle')}")
    if node is None:
        return default
    style_id = node.get(w("val"))
    return names.get(style_id, style_id)


def body_to_blocks(document) -> list[Block]:
    body = document.element.body
    names = style_names(document)
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_style = default.name if default is not None else None
    blocks: list[Block] = []
    n_paragraphs = n_tables = 0
    for element in body_elements(body):
        if element.tag == W_P:
            text = paragraph_text(element)
            if not text.strip():
                continue
            blocks.append(Paragraph(index=n_paragraphs, text=text, extractor=EXTRACTOR,
                                    style=paragraph_style(element, names, default_style)))
            n_paragraphs += 1
        else:
            cells, n_rows, n_cols = tbl_to_cells(element)
            blocks.append(Table(index=n_tables, n_rows=n_rows, n_cols=n_cols, cells=cells,
                                extractor=EXTRACTOR))
            n_tables += 1
    return blocks


def reader_notes(body: etree._Element) -> list[ReaderNote]:
    boxes = sum(1 for _ in body.iter(w("txbxContent")))
    if not boxes:
        return []
    return [ReaderNote(rule="docx-textbox-skipped", severity="info",
                       message=f"{boxes} text box(es) outside the reading order were not read")]


def has_text(blocks: list[Block]) -> bool:
    return any(isinstance(b, Paragraph) or any(c.text.strip() for c in b.cells) for b in blocks)


def read_docx(path: Path, sha256: str | None = None, source_url: str | None = None) -> Document:
    """Read a DOCX into the layout IR (``page`` and ``bbox`` are None throughout).

    Raises ``BadInput`` naming the file when it is empty, not a DOCX (a PDF, HTML or
    legacy .doc under a .docx name), truncated, encrypted, or without any text.
    """
    path = Path(path)
    data = read_bytes(path)
    check_docx_bytes(path.name, data)
    document = open_docx(path.name, data)
    blocks = body_to_blocks(document)
    if not has_text(blocks):
        raise BadInput(f"{path.name}: no paragraphs or tables with text")
    return Document(
        blocks=blocks,
        format="docx",
        file_name=path.name,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        pages=None,
        source_url=source_url,
        notes=reader_notes(document.element.body),
    )
