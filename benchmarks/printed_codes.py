"""Printed coded subject rows: the denominator of the corpus evaluation.

A generic pass over a file, independent of the pipeline (it imports nothing
from ``disclosures``): it finds every row that a disclosure prints with a
支出功能分类 subject code followed by the subject's name, so that what the
pipeline extracts can be measured against what the document prints.

- PDF: pdfplumber, every page, overprinted characters de-duplicated
  (西安 2022 templates print each title glyph six times). Two views are
  united: the page's text lines (a row printed as ``2013301 行政运行 3,432.02``,
  after an optional 序号 such as ``4   2011301 行政运行``) and pdfplumber's
  default tables (a row whose first cell, after an optional 序号 cell, holds a
  code, or whose 类 | 款 | 项 columns hold the parts ``201 | 01 | 01``).
- DOCX: every table's rows (merged cells once) and every paragraph.
- XLSX: every sheet's rows.

A code is a function-classification code: 类 3 digits 201–239, 款 5 and 项 7
digits beginning with such a 类 — joined (``2013301``) or split over
类/款/项 columns (``201 | 33 | 01``; an empty 类 or 款 part is taken from the
row above, as the 决算 template prints it). Economic-classification codes
(301…399, 501…599 and their 5-digit items) and income codes (1xx) never
start with 2, so they are excluded by construction; years (4 digits), page
numbers and counts (no name after them, or a measure word: ``210 万元``,
``200 家``) are excluded by the name rule. A code must be followed by a name
(Han text that is not a measure word and holds no sentence punctuation) or,
where the name is wrapped onto lines above and below, by amounts only.

A row is keyed by (place, code): place is the page for PDFs, ``table N`` /
``paragraphs`` for Word and the sheet name for Excel; the same code printed
twice on one page (two tables) counts once there. Pages without a text layer
are reported (``image_pages``): their rows are unknown to this pass.

Hand validation: see benchmarks/README.md ("The denominator").
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HAN = "\u4e00-\u9fff"
CLASS = r"2(?:0[1-9]|[1-3]\d)"  # 201 … 239
# a code ends where the number ends: 234,621,600.00 is an amount, not 类 234
JOINED = re.compile(rf"^(?P<code>{CLASS}(?:\d{{2}}){{0,2}})(?![\d,.，])")
SPLIT = re.compile(rf"^(?P<c1>{CLASS})\s+(?P<c2>\d{{2}})(?:\s+(?P<c3>\d{{2}}))?(?![\d,.，])")
# a 6-digit unit code (单位编码 201001 under department 201): its first three digits are
# a department's code, which may equal a 类 (西安 2021 宣传部 p.41: 201 中共西安市委宣传部)
UNIT_CODE = re.compile(r"^(?:\d{1,3}\s+)?(?P<unit>\d{6})(?!\d)")
SEQUENCE = re.compile(r"^\d{1,3}\s+")  # a 序号 before the code
PARTIAL = re.compile(r"^(?P<part>\d{2})\s+(?P<rest>\S.*)$")  # a 款 printed as its own two digits
CODE_CELL = re.compile(rf"^{CLASS}(?:\d{{2}}){{0,2}}$")
CODE_NAME_CELL = re.compile(rf"^(?P<code>{CLASS}(?:\d{{2}}){{0,2}})\s*(?P<name>[{HAN}].*)$", re.DOTALL)
PART_CELLS = (re.compile(rf"^{CLASS}$"), re.compile(r"^\d{2}$"), re.compile(r"^\d{2}$"))
SEQUENCE_CELL = re.compile(r"^\d{1,3}$")
# what follows a number in a sentence, never a subject name
# what follows a number in a sentence and begins no subject name (人大事务, 台湾事务,
# 天然林保护 do begin with 人, 台, 天: those stay out of the list)
MEASURE_WORD = re.compile(r"^(?:万|亿|元|年|月|日|个|名|辆|次|条|余|多|平方|公里|吨|件|份|批|届|小时|倍|号|页|%|％)")
SENTENCE = re.compile(r"[，。；：！？,;:]")  # a subject name carries none of these
# nor Latin letters or digits: 日常公用经费 C0808社会与管理咨询服务 is a 政府采购 row
LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
AMOUNT = re.compile(r"^-?[\d,]*\d(?:\.\d+)?$")
DECIMAL_AMOUNT = re.compile(r"^-?[\d,]*\d\.\d{1,4}$|^-?\d{1,3}(?:,\d{3})+$")
# a quantity or an economic code (1, 302, 02): three or more after a subject's name mean a
# 政府采购 row (数量 | 部门经济科目 类 款 | 政府经济科目 类 款), not amounts (西安 2022 交通运输局 p.75)
SMALL_NUMBER = re.compile(r"^0?[1-9]\d{0,2}$")
MAX_SMALL_NUMBERS = 2
ANY_CODE = re.compile(rf"(?<!\d){CLASS}(?:\d{{2}}){{0,2}}(?!\d)")
MIN_TEXT_CHARS = 10  # a page with fewer characters has no text layer


@dataclass(frozen=True)
class PrintedRow:
    code: str
    place: str  # "p12" for a PDF page, "table 3" / "paragraphs" for Word, the sheet for Excel
    page: int | None
    name: str | None
    source: str  # text | table
    text: str  # the line or row as read, for checking by hand


@dataclass
class PrintedCodes:
    """What one file prints: its coded subject rows, by (place, code)."""

    format: str
    pages: int = 0
    image_pages: int = 0
    rows: dict[tuple[str, str], PrintedRow] = field(default_factory=dict)
    # rows found by pdfplumber's tables alone: the "afternoon's generic pass"
    table_rows: set[tuple[str, str]] = field(default_factory=set)

    @property
    def codes(self) -> set[str]:
        return {code for _place, code in self.rows}

    def add_place(self, candidates: list[PrintedRow], texts: list[str] = ()) -> None:
        """The rows of one place, except codes listed there beside unrelated names and
        department codes heading 6-digit unit codes (``texts``: the place's text lines
        and table rows, as read)."""
        departments = {m["unit"][:3] for t in texts if (m := UNIT_CODE.match(t.strip()))}
        listed = listed_codes([*texts, *(c.text for c in candidates)], candidates)
        for row in candidates:
            if row.code in departments or row.code in listed:
                continue
            key = (row.place, row.code)
            self.rows.setdefault(key, row)
            if row.source == "table":
                self.table_rows.add(key)

    def summary(self) -> dict:
        return {"format": self.format, "pages": self.pages, "image_pages": self.image_pages,
                "rows": len(self.rows), "codes": sorted(self.codes),
                "table_rows": len(self.table_rows),
                "table_codes": sorted({c for _p, c in self.table_rows})}


def listed_codes(texts: list[str], candidates: list[PrintedRow]) -> set[str]:
    """Codes printed on one place beside unrelated names: a subject code names one
    subject, so a code heading rows of several names (not pieces of one wrapped name)
    heads rows of another kind — a 政府采购 or 项目 table lists a
    subject code per purchase (西安 2022 商务局 pp.58-61; 西安 2026 公安局 p.49)."""
    names: dict[str, set[str]] = defaultdict(set)
    for text in texts:
        for candidate in (text.strip(), SEQUENCE.sub("", text.strip(), count=1)):
            found = split_or_joined(candidate)
            word = found and re.search(rf"[{HAN}（）()]+", found[1])
            if word:
                names[found[0]].add(word.group())
                break
    for row in candidates:
        if row.name:
            names[row.code].add(row.name)
    return {code for code, found in names.items() if unrelated(found)}


def unrelated(names: set[str]) -> bool:
    """No one name holds all the others (the pieces of a wrapped name are held by it)."""
    longest = max(names, key=len)
    return any(name not in longest for name in names)


# ------------------------------------------------------------------ the rules


def is_name(text: str) -> bool:
    """Han text that can be a subject name: not a measure word, not a sentence."""
    text = text.strip()
    return (bool(text) and bool(re.match(rf"[{HAN}（(]", text)) and not MEASURE_WORD.match(text)
            and not SENTENCE.search(text) and not LATIN_OR_DIGIT.search(text))


def only_amounts(tokens: list[str]) -> bool:
    """A code whose name is wrapped onto the lines around it: amounts alone, one printed
    as money (decimals or thousands separators), never a bare count."""
    return (bool(tokens) and all(AMOUNT.match(t) for t in tokens) and any(DECIMAL_AMOUNT.match(t) for t in tokens)
            and not purchase_numbers(tokens))


def purchase_numbers(tokens: list[str]) -> bool:
    return sum(1 for t in tokens if SMALL_NUMBER.match(t)) > MAX_SMALL_NUMBERS


def code_of_line(line: str) -> tuple[str, str | None] | None:
    """(code, name) of a text line that prints a coded subject row, else None."""
    text = line.strip()
    for candidate in (text, SEQUENCE.sub("", text, count=1)):
        found = split_or_joined(candidate)
        if found is None:
            continue
        code, rest = found
        name = name_before_amounts(rest)
        if name is not None and is_name(name) and not purchase_numbers(rest.split()):
            return code, name
        if only_amounts(rest.split()):
            return code, None
    return None


def rows_of_lines(lines: list[str]) -> list[tuple[str, str | None, str]]:
    """The coded rows of a page's (or a document's) text lines, in order, with the 款
    rows that print only their own two digits under their 类 (``208 社会保障和就业支出`` /
    ``05 行政事业单位离退休`` / ``2080505 …``, 西安 2019 公开报表 p.7): such a row counts
    when a 项 code printed on the same page begins with the 款 it names."""
    found: list[tuple[str, str | None, str]] = []
    partial: list[tuple[str, str | None, str]] = []
    context: str | None = None
    for line in lines:
        hit = code_of_line(line)
        if hit is not None:
            found.append((hit[0], hit[1], line))
            context = hit[0]
            continue
        item = context and partial_code_of_line(line, context)
        if item:
            partial.append((item[0], item[1], line))
    items = {code for code, _n, _l in found if len(code) == 7}
    return found + [p for p in partial if any(code.startswith(p[0]) for code in items)]


def partial_code_of_line(line: str, context: str) -> tuple[str, str] | None:
    """(款 code, name) of ``05 行政事业单位离退休 113.28 81.23`` under 类 ``context[:3]``."""
    m = PARTIAL.match(line.strip())
    if not m:
        return None
    name = name_before_amounts(m["rest"])
    amounts = [t for t in m["rest"].split() if AMOUNT.match(t)]
    if name is None or not is_name(name) or not any(DECIMAL_AMOUNT.match(t) for t in amounts):
        return None
    return context[:3] + m["part"], name


def split_or_joined(text: str) -> tuple[str, str] | None:
    m = SPLIT.match(text)
    if m:
        return m["c1"] + m["c2"] + (m["c3"] or ""), text[m.end():]
    m = JOINED.match(text)
    if m:
        return m["code"], text[m.end():]
    return None


def name_before_amounts(rest: str) -> str | None:
    """The name part of ``行政运行 3,432.02 3,432.02``: the words before the first amount."""
    words: list[str] = []
    for token in rest.split():
        if AMOUNT.match(token):
            break
        words.append(token)
    return "".join(words) or None


def code_of_cells(cells: list[str], parts: tuple[int, int, int] | None,
                  previous: list[str]) -> tuple[str, str | None] | None:
    """(code, name) of a table row, else None. ``parts`` are the columns of a
    类 | 款 | 项 header; ``previous`` the parts of the row above (mutated)."""
    if parts is not None:
        found = code_of_part_cells(cells, parts, previous)
        if found is not None:
            return found
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) >= 2 and SEQUENCE_CELL.match(filled[0][1]) and looks_coded(filled[1][1]):
        filled = filled[1:]
    if not filled:
        return None
    first = filled[0][1]
    m = CODE_NAME_CELL.match(first)
    if m and is_name(m["name"].replace("\n", "")):
        return m["code"], clean(m["name"])
    split = [c for _i, c in filled[:3]]
    if len(split) >= 2 and PART_CELLS[0].match(split[0]) and PART_CELLS[1].match(split[1]):
        n = 3 if len(split) == 3 and PART_CELLS[2].match(split[2]) else 2
        code, rest = "".join(split[:n]), [c for _i, c in filled[n:]]
    elif CODE_CELL.match(first):
        code, rest = first, [c for _i, c in filled[1:]]
    else:
        return None
    return code_with_rest(code, rest)


def code_with_rest(code: str, rest: list[str]) -> tuple[str, str | None] | None:
    """A name then amounts (a remark in words at most): a 政府采购 row goes on with its
    catalogue item, quantity and economic codes (西安 2026 公安局 p.44: 204 | 02 | 01 |
    车辆运行维护费 | C23120301车辆维修和保养服务 | 车辆维修服务 | 1 | 302 …)."""
    if rest and is_name(clean(rest[0])):
        after = [clean(c) for c in rest[1:] if clean(c)]
        words = [c for c in after if not AMOUNT.match(c)]
        ok = len(words) <= 1 and not any(LATIN_OR_DIGIT.search(w) for w in words) and not purchase_numbers(after)
        return (code, clean(rest[0])) if ok else None
    if only_amounts([clean(c) for c in rest]):
        return code, None
    return None


def code_of_part_cells(cells: list[str], parts: tuple[int, int, int],
                       previous: list[str]) -> tuple[str, str | None] | None:
    """A row of a 类 | 款 | 项 table: empty leading parts come from the row above."""
    values = [cells[i] if i < len(cells) else "" for i in parts]
    if not any(values) or not all(not v or re.fullmatch(r"\d{2,3}", v) for v in values):
        return None
    depth = max(i for i, v in enumerate(values) if v)
    filled = [values[i] or (previous[i] if i < len(previous) else "") for i in range(depth + 1)]
    if not filled or not PART_CELLS[0].match(filled[0]) or not all(
            PART_CELLS[i].match(v) for i, v in enumerate(filled)):
        return None
    previous[:] = filled
    rest = [c for c in cells[max(parts) + 1:] if c]
    return code_with_rest("".join(filled), rest)


def looks_coded(cell: str) -> bool:
    return bool(CODE_CELL.match(cell) or CODE_NAME_CELL.match(cell) or PART_CELLS[0].match(cell))


def clean(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def row_texts(table: list[list[str | None]]) -> list[str]:
    """Each row's non-empty cells joined by spaces, as a text line would print them."""
    return [" ".join(re.sub(r"\s+", "", c or "") for c in row if (c or "").strip()) for row in table]


def part_columns(table: list[list[str]]) -> tuple[int, int, int] | None:
    """The columns of a 类 | 款 | 项 header row, if the table has one."""
    for row in table[:6]:
        for i in range(len(row) - 2):
            if [clean(c) for c in row[i:i + 3]] == ["类", "款", "项"]:
                return (i, i + 1, i + 2)
    return None


def rows_of_table(table: list[list[str | None]]) -> list[tuple[str, str | None, str]]:
    cells_table = [[(c or "").strip() for c in row] for row in table]
    parts = part_columns(cells_table)
    previous: list[str] = []
    found = []
    for cells in cells_table:
        hit = code_of_cells(cells, parts, previous)
        if hit is not None:
            found.append((hit[0], hit[1], " | ".join(c.replace("\n", " ") for c in cells)))
    return found


# ------------------------------------------------------------------ the formats


def sniff(path: Path) -> str:
    head = path.read_bytes()[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(path).namelist()
        except zipfile.BadZipFile:
            return "zip?"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc/.xls
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "html"
    return "unknown"


def count_pdf(path: Path, pages: set[int] | None = None) -> PrintedCodes:
    import pdfplumber

    result = PrintedCodes("pdf")
    with pdfplumber.open(path) as pdf:
        result.pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            if pages is not None and number not in pages:
                continue
            page = page.dedupe_chars()
            lines = page.extract_text_lines(strip=True)
            text = "\n".join(line["text"] for line in lines)
            if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
                result.image_pages += 1
                continue
            place = f"p{number}"
            candidates = [PrintedRow(code, place, number, name, "text", line)
                          for code, name, line in rows_of_lines([line["text"] for line in lines])]
            texts = [line["text"] for line in lines]
            if ANY_CODE.search(text):  # tables only where a code may be printed: pdfplumber is slow
                for table in page.extract_tables():
                    candidates += [PrintedRow(code, place, number, name, "table", row_text)
                                   for code, name, row_text in rows_of_table(table)]
                    texts += row_texts(table)
            result.add_place(candidates, texts)
            page.close()
    return result


def count_docx(path: Path) -> PrintedCodes:
    import docx

    result = PrintedCodes("docx")
    document = docx.Document(str(path))
    result.add_place([PrintedRow(code, "paragraphs", None, name, "text", text)
                      for code, name, text in rows_of_lines([p.text for p in document.paragraphs])])
    for index, table in enumerate(document.tables):
        grid = []
        for row in table.rows:
            cells, last = [], None
            for cell in row.cells:  # a merged cell is repeated: keep it once
                cells.append("" if cell._tc is last else cell.text)
                last = cell._tc
            grid.append(cells)
        result.add_place([PrintedRow(code, f"table {index}", None, name, "table", row_text)
                          for code, name, row_text in rows_of_table(grid)], row_texts(grid))
    return result


def count_xlsx(path: Path) -> PrintedCodes:
    import openpyxl

    result = PrintedCodes("xlsx")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in book.worksheets:
        grid = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        result.add_place([PrintedRow(code, sheet.title, None, name, "table", row_text)
                          for code, name, row_text in rows_of_table(grid)], row_texts(grid))
    book.close()
    return result


COUNTERS = {"pdf": count_pdf, "docx": count_docx, "xlsx": count_xlsx}


def count_printed(path: str | Path, pages: set[int] | None = None) -> PrintedCodes:
    """The coded subject rows ``path`` prints (of ``pages`` only, for a PDF, when given);
    an empty result for formats without a counter."""
    path = Path(path)
    kind = sniff(path)
    if kind == "pdf":
        return count_pdf(path, pages)
    counter = COUNTERS.get(kind)
    return counter(path) if counter else PrintedCodes(kind)


def main() -> None:
    """``python benchmarks/printed_codes.py FILE [--pages 3,4]``: the rows found, for checking by hand."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--pages", help="comma-separated pages to list (default all)")
    args = parser.parse_args()
    wanted = {int(p) for p in args.pages.split(",")} if args.pages else None
    result = count_printed(args.file, wanted)
    for row in sorted(result.rows.values(), key=lambda r: (r.page or 0, r.place, r.code)):
        if wanted is None or row.page in wanted:
            print(f"{row.place}\t{row.code}\t{row.name or '-'}\t{row.source}\t{row.text[:90]}")
    print(f"{len(result.rows)} rows, {len(result.codes)} codes, {result.pages} pages, "
          f"{result.image_pages} without text")


if __name__ == "__main__":
    main()
