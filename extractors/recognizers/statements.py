"""The standard 预算/决算 statement tables → budget lines and facts, read by meaning.

Every city prints its own variant of the Ministry of Finance's standard tables,
so a table is understood from what it holds, and its title is only a hint:

1. **Roles from content.** Header rows are found where values begin (a
   column-number row ``1 2 3 …`` and the 栏次/行次 labels stay header). Each
   column's role comes from its header path at every level — a subject code
   (whole, or split into 类/款/项), a name, a row number (序号/行次), a budget
   unit (单位编码/单位名称), free text, a percentage, or an amount — checked
   against what the column holds. An amount column's header says its measure
   (预算数/决算数/调整预算), period (本年, 上年, 增减), component (合计,
   基本支出 → 人员经费/公用经费, 项目支出), fund and whether it is a 其中
   subset. Rows are subjects by their 功能分类 code (or by name where a table
   prints no codes), economic items by their 经济分类 code, budget units,
   totals or labels. The table's role (summary, income, function, economic,
   “三公”) follows from its rows and header; the title adds the basis
   (决算/预算), the fund and the scope (a 基本支出 table) where the content
   cannot say.
2. **Arithmetic chooses.** Where a header can be read two ways (a 其中
   column as a part or as a subset), the reading under which the table's own
   sums hold is kept; every statement records how many of its identities
   held (``model.statements.Reconciliation``). The checks report the sums
   that fail; this module reports only what it could not read.
3. **Amounts only from amount cells**, of this year's columns: a year, a row
   number, a code, a percentage or a change never becomes a budget line.

Tables continued on the next page (the header repeated or not) are joined
into one statement. Economic-classification rows are parsed and kept in the
statement, and become facts only where ``facts.csv`` has a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from disclosures.extractors.recognizers.statement_kinds import (
    BY_CONTENT,
    CHANGE_HEADER,
    CODE_HEADER,
    CODE_PARTS,
    COMPONENT_WORDS,
    ECONOMIC_CODE,
    FACT_RULES,
    FUNCTION_CODE,
    FUND_WORDS,
    KINDS,
    LEVEL_SUFFIX,
    MEASURE_SEGMENTS,
    MEASURE_WORDS,
    NAME_HEADER,
    NEUTRAL_SEGMENTS,
    NUMBERED_LABEL,
    PCT_HEADER,
    PRIOR_HEADER,
    ROWNUM_HEADER,
    SUBSET_HEADER,
    TEXT_HEADER,
    TITLE_MAX_CHARS,
    TITLE_PREFIX,
    TITLE_YEAR,
    TITLED,
    TOTAL_LABEL,
    TOTAL_WORDS,
    UNIT_HEADER,
    YEAR_HEADER,
    FactRule,
)
from disclosures.model.layout import Cell, Document, Paragraph, Provenance, Table
from disclosures.model.numbers import (
    fold,
    is_placeholder,
    parse_number,
    to_yuan,
    unit_scale_from_caption,
)
from disclosures.model.records import (
    BudgetLine,
    DocumentInfo,
    Extraction,
    Fact,
    Finding,
    RecognizedTable,
)
from disclosures.model.statements import (
    Amount,
    Column,
    ListedStatement,
    Panel,
    Period,
    Reconciliation,
    StatementKind,
    StatementRow,
    StatementTable,
)
from disclosures.model.vocabulary import Component, Fund

CODE_TEXT = re.compile(r"^\d{1,7}$")
# ``2013901 行政运行`` in one cell; never a number with its unit (``234万元``, ``2026年``)
CODE_PREFIXED_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?!\d)\s*(?![万亿千]?元|[年月日个次户人%])(\S.*)$")
TITLE_END = re.compile(r"表(\([^)]*\))?$")
AMOUNT_HEADER = re.compile(r"合计|小计|金额|支出|收入|经费|费|预算|决算|结余|资金|拨款")
SMALL_INT = re.compile(r"^\d{1,2}$")
PAGE_MARK = re.compile(r"^[-—–\s]*(第?\s*\d+\s*页?)[-—–\s]*$")
LINE_COMPONENTS = frozenset({"total", "basic", "project", "personnel", "public"})


@dataclass(frozen=True)
class StatementSettings:
    title_lookback: int = 4  # paragraphs before a table searched for its title and unit
    max_header_rows: int = 6  # no statement header in the corpus is deeper than 4 rows
    # paragraphs between a table and its continuation on the next page that may
    # be running heads, page numbers or the repeated title, not new content
    continuation_max_chars: int = 60


DEFAULT_SETTINGS = StatementSettings()


# ---------------------------------------------------------------- text


def clean(text: str) -> str:
    """Whitespace-free folded text: ``合   计`` → ``合计``, ``附属单位上\\n缴收入`` joined."""
    return re.sub(r"\s+", "", fold(text))


def strip_numbering(label: str) -> str:
    return NUMBERED_LABEL.sub("", label, count=1)


def normalize_title(text: str) -> str:
    title = clean(text)
    for _ in range(3):  # 公开01表：2024年部门… carries two prefixes
        title = TITLE_YEAR.sub("", TITLE_PREFIX.sub("", title))
    return title


def looks_like_title(text: str) -> bool:
    norm = normalize_title(text)
    return bool(norm) and len(norm) <= TITLE_MAX_CHARS and bool(TITLE_END.search(norm))


def statement_kind(title: str) -> StatementKind | None:
    """The kind a table title names (``2024年部门支出预算总表`` → 部门支出总表), or None."""
    if not looks_like_title(title):
        return None
    norm = normalize_title(title)
    return next((k for pattern, k in TITLED if pattern.search(norm)), None)


@dataclass(frozen=True)
class TitleHints:
    """What a title (or its absence) says about a table, before its content is read."""

    text: str
    provenance: Provenance | None
    kind: StatementKind | None
    basis: str | None  # final | budget, when the title says 决算/预算
    fund: str | None  # the fund the title names; "all_sources" for 部门/单位 tables
    fund_named: bool  # the title says which money the table covers
    scope: str | None  # basic | project


def title_hints(text: str, provenance: Provenance | None) -> TitleHints:
    norm = normalize_title(text) if text else ""
    kind = statement_kind(text) if text else None
    basis = "final" if "决算" in norm else "budget" if "预算" in norm else None
    fund: str | None = None
    named = True
    if re.search(r"一般公共预算", norm):
        fund = "general_budget"
    elif re.search(r"政府性基金", norm):
        fund = "government_fund"
    elif re.search(r"国有资本经营", norm):
        fund = "state_capital"
    elif "财政拨款" in norm:
        fund = None
    elif norm:
        fund = "all_sources"  # 部门/单位 收支, 支出总表: every source of money
    else:
        named = False
    scope = "basic" if "基本支出" in norm else "project" if "项目支出" in norm else None
    return TitleHints(text, provenance, kind, basis, fund, named, scope)


# ---------------------------------------------------------------- title and unit


def paragraphs_to_title(paragraphs: list[Paragraph]) -> tuple[Paragraph, str] | None:
    """The nearest preceding paragraph that reads as a table title (naming a known
    kind first); a title broken over two lines (江苏省人大办公厅2017 p.20:
    ``“三公”经费、会议费、培训费支出预算`` + ``表``) is joined."""
    candidates: list[tuple[Paragraph, str]] = []
    for i in range(len(paragraphs) - 1, -1, -1):
        texts = [paragraphs[i].text]
        if i > 0:
            texts.append(paragraphs[i - 1].text + paragraphs[i].text)
        candidates += [(paragraphs[i], clean(t)) for t in texts if looks_like_title(t)]
    named = [c for c in candidates if statement_kind(c[1]) is not None]
    found = named or candidates
    return found[0] if found else None


def title_row_text(table: Table) -> str | None:
    """A first row that is one cell across the whole table and reads as a title:
    some producers put title and unit inside the grid."""
    cell = table.cell_at(0, 0)
    if cell is None or cell.colspan < table.n_cols or table.n_rows < 2:
        return None
    first_line = cell.text.strip().splitlines()[0] if cell.text.strip() else ""
    return cell.text if looks_like_title(first_line) else None


def caption_unit(paragraphs: list[Paragraph], title_row: str | None) -> str | None:
    for p in reversed(paragraphs):
        unit = unit_scale_from_caption(p.text)
        if unit:
            return unit
    return unit_scale_from_caption(title_row) if title_row else None


# ---------------------------------------------------------------- header


def is_one_of(cell: Cell, cells: list[Cell]) -> bool:
    """Identity, not equality: two cells may hold the same text at different places."""
    return any(cell is c for c in cells)


def cell_is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except ValueError:
        return False


def row_texts(table: Table, row: int) -> list[str]:
    return [clean(c.text) for c in table.row_cells(row)]


def is_column_number_row(texts: list[str]) -> bool:
    """``1 | 2 | 3 …`` (or ``栏次 | 1 | 2``) under a header: labels, not data."""
    filled = [t for t in texts if t]
    numbers = [int(t) for t in filled if SMALL_INT.match(t)]
    labels = [t for t in filled if ROWNUM_HEADER.match(t) or re.fullmatch(r"[-—*◆]+|[A-Z]", t)]
    return (len(numbers) >= 2 and len(numbers) + len(labels) == len(filled)
            and all(b > a for a, b in zip(numbers, numbers[1:], strict=False)))


def is_subject_code(text: str) -> bool:
    return bool(FUNCTION_CODE.match(text) or ECONOMIC_CODE.match(text))


def is_caption_row(table: Table, row: int) -> bool:
    """One cell across the table holding a title or a unit line, above the header."""
    cells = table.row_cells(row)
    return (len(cells) == 1 and cells[0].colspan == table.n_cols and table.n_cols > 1
            and (looks_like_title(cells[0].text.strip().splitlines()[0] if cells[0].text.strip() else "")
                 or unit_scale_from_caption(cells[0].text) is not None))


def header_rows(table: Table, start: int, settings: StatementSettings) -> tuple[int, set[int]]:
    """The end of the header (rows from ``start`` down to the first that holds a
    number or a subject code), and the column-number rows inside it."""
    r, numbering = start, set()
    while r < min(table.n_rows, start + settings.max_header_rows):
        texts = row_texts(table, r)
        if is_column_number_row(texts):
            numbering.add(r)
            r += 1
            continue
        if not any(texts) or any(cell_is_number(t) or is_subject_code(t) for t in texts if t):
            break
        r += 1
    return r, numbering


def header_paths(table: Table, start: int, end: int, skip: set[int]) -> list[list[str]]:
    paths: list[list[str]] = []
    for c in range(table.n_cols):
        segs: list[str] = []
        previous: Cell | None = None
        for r in range(start, end):
            cell = table.cell_at(r, c)
            if r in skip or cell is None or cell is previous:
                continue
            previous = cell
            text = clean(cell.text)
            if text and (not segs or segs[-1] != text):
                segs.append(text)
        paths.append(segs)
    return paths


def sublabel_row(table: Table, row: int, paths: list[list[str]]) -> set[int]:
    """The 类|款|项 labels under 科目编码 sit in the first data row of the 普陀区财政局
    决算 收入决算表 (p.8, beside the 合计 amounts): take them into the header."""
    taken: set[int] = set()
    if row >= table.n_rows:
        return taken
    for cell in table.row_cells(row):
        if clean(cell.text) in CODE_PARTS and cell.row == row:
            paths[cell.col].append(clean(cell.text))
            taken.add(cell.col)
    return taken


# ---------------------------------------------------------------- columns


def anchored_texts(table: Table, col: int, rows: range) -> list[str]:
    out = []
    for r in rows:
        cell = table.cell_at(r, col)
        if cell is not None and cell.row == r and cell.col == col and clean(cell.text):
            out.append(clean(cell.text))
    return out


def column_role(path: list[str], texts: list[str]) -> tuple[str | None, int | None]:
    """The column's role from its header, overruled by what the column holds when
    the two disagree (a merged ``功能分类功能科目名称 金额`` header over a name and an
    amount column, 江苏省委办公厅2019表格 p.1)."""
    numeric = sum(1 for t in texts if cell_is_number(t) or is_placeholder(t))
    words = sum(1 for t in texts if not TOTAL_LABEL.search(t)) - numeric
    if any(ROWNUM_HEADER.match(s) for s in path):
        return "rownum", None
    if any(UNIT_HEADER.match(s) for s in path):
        return "unit", None
    is_code = any(CODE_HEADER.search(s) for s in path) or (path and path[-1] in CODE_PARTS)
    if is_code:
        part = CODE_PARTS.index(path[-1]) if path and path[-1] in CODE_PARTS else None
        codes = sum(1 for t in texts if CODE_TEXT.match(t))
        return ("name", None) if words > codes else ("code", part)
    if any(NAME_HEADER.search(s) for s in path):
        return ("amount", None) if numeric > words else ("name", None)
    if path and TEXT_HEADER.search(path[-1]) and numeric <= words:
        return "text", None
    if any(PCT_HEADER.search(s) for s in path):
        return "pct", None
    if words > numeric:
        return "name", None
    if numeric or any(AMOUNT_HEADER.search(s) for s in path):
        return "amount", None
    return None, None


def column_period(path: tuple[str, ...], year: int | None) -> Period:
    """This year's figure, the prior year's (上年, or a year before the document's)
    or a change (增减): only this year's become lines."""
    period: Period = "current"
    for seg in path:
        if CHANGE_HEADER.search(seg):
            return "change"
        if PRIOR_HEADER.search(seg):
            period = "prior"
        m = YEAR_HEADER.search(seg)
        if m and year is not None and int(m.group(1)) < year:
            period = "prior"
    return period


def column_component(path: tuple[str, ...]) -> tuple[Component | None, Fund | None]:
    """(component, fund) of an amount column, reading its header from the most
    specific segment up: ``基本支出/小计`` is the basic total, ``一般公共预算/小计``
    the fund's total, ``政府采购/小计`` no component of the contract."""
    for seg in reversed(path):
        component = next((c for pat, c in COMPONENT_WORDS if pat.search(seg)), None)
        if component is not None:
            return component, None
        fund = next((f for pat, f in FUND_WORDS if pat.search(seg)), None)
        if fund is not None:
            return "total", fund
        if SUBSET_HEADER.search(seg):
            return None, None
        if TOTAL_WORDS.match(seg) or NEUTRAL_SEGMENTS.match(seg) or seg in MEASURE_SEGMENTS \
                or PRIOR_HEADER.search(seg) or re.fullmatch(r"(\d{4}年度?)?(预算数|决算数)?", seg):
            continue
        return None, None  # another group: 上缴上级支出, 政府采购, a “三公” item …
    return "total", None


def amount_semantics(column: Column, kind: StatementKind, fund: Fund | None, year: int | None) -> None:
    path = column.path
    column.measure = next((m for seg in reversed(path) for pat, m in MEASURE_WORDS
                           if pat.search(seg)), kind.measure)
    if any(seg in MEASURE_SEGMENTS for seg in path):
        column.measure = next(MEASURE_SEGMENTS[s] for s in reversed(path) if s in MEASURE_SEGMENTS)
    column.period = column_period(path, year)
    column.subset = any(SUBSET_HEADER.search(s) for s in path)
    component, column_fund = column_component(path)
    column.component = component
    column.fund = column_fund or fund


def columns_to_panels(columns: list[Column]) -> list[Panel]:
    """Side-by-side layouts (收入 | 支出 总表) as panels: a run of label columns
    followed by its amount columns."""
    panels: list[Panel] = []
    current = Panel()
    for col in columns:
        if col.role in ("code", "name") and current.of_role("amount"):
            panels.append(current)
            current = Panel()
        current.columns.append(col)
    if current.columns:
        panels.append(current)
    return panels


# ---------------------------------------------------------------- rows


def row_code(table: Table, row: int, panel: Panel, last_parts: list[str | None],
             label_cells: list[Cell]) -> tuple[str | None, Provenance | None]:
    """The subject code of a row: one code column, or 类/款/项 parts where a blank
    higher part inherits the row above's (``| 06 | 01`` under ``201``)."""
    codes = panel.of_role("code")
    whole = [c for c in codes if c.part is None]
    for col in whole:
        cell = table.cell_at(row, col.index)
        if cell is not None and not is_one_of(cell, label_cells) and CODE_TEXT.match(clean(cell.text)):
            return whole_code(clean(cell.text), last_parts), table.provenance(cell)
    parts = sorted((c for c in codes if c.part is not None), key=lambda c: c.part or 0)
    if not parts:
        return None, None
    texts: list[str | None] = []
    cells: list[Cell | None] = []
    for col in parts:
        cell = table.cell_at(row, col.index)
        text = clean(cell.text) if cell is not None and not is_one_of(cell, label_cells) else ""
        ok = bool(CODE_TEXT.match(text))
        texts.append(text if ok else None)
        cells.append(cell if ok else None)
    deepest = max((i for i, t in enumerate(texts) if t), default=None)
    if deepest is None:
        return None, None
    filled = [texts[i] or (last_parts[i] if i < len(last_parts) else None)
              for i in range(deepest + 1)]
    if any(p is None for p in filled):
        return None, None
    last_parts[:] = filled + [None] * (len(CODE_PARTS) - len(filled))
    code = str(filled[0]) + "".join(str(p).zfill(2) for p in filled[1:])
    deepest_cell = cells[deepest]
    return code, table.provenance(deepest_cell) if deepest_cell is not None else None


def whole_code(text: str, last_parts: list[str | None]) -> str:
    """A code as printed in one column, made whole: some tables print the 款 by its own
    two digits under its 类 (西安 2019 部门综合预算 表5: ``208`` / ``05`` / ``2080505``)."""
    if len(text) == 2 and last_parts[0] is not None:
        last_parts[1:] = [text, None]
        return last_parts[0] + text
    if len(text) in (3, 5, 7):
        last_parts[:] = [text[:3], text[3:5] or None, text[5:7] or None]
    return text


def read_amount(table: Table, cell: Cell, unit: str, st: StatementTable,
                notes: list[Finding]) -> Decimal | None:
    text = clean(cell.text)
    try:
        value = parse_number(text)
    except ValueError:
        rule, message = (("placeholder", f"placeholder {cell.text!r} where an amount belongs")
                         if is_placeholder(text) else
                         ("statement.unreadable_amount", f"not an amount: {cell.text!r}"))
        notes.append(Finding(rule, "warning", f"{st.kind.name}: {message}",
                             evidence=[table.provenance(cell)]))
        return None
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    st.decimals = max(st.decimals, decimals)
    return to_yuan(value, unit)


def row_role(record: StatementRow, panel: Panel, code_columns: bool) -> str:
    if record.is_total:
        return "total"
    if record.code is not None:
        if FUNCTION_CODE.match(record.code):
            return "subject"
        if ECONOMIC_CODE.match(record.code):
            return "economic"
        # a budget unit's code (121001) heading the subjects of that unit
        return "unit" if len(record.code) == 6 else "label"
    if panel.of_role("unit"):
        return "unit"
    name = record.name or ""
    if LEVEL_SUFFIX.search(name) or (record.numbered and name.endswith("支出")):
        return "subject"
    if name and not code_columns:
        return "subject"  # a table that prints names only: the name is the key
    return "label"


def panel_row(table: Table, row: int, panel_index: int, panel: Panel, st: StatementTable,
              last_parts: list[str | None], skip_cells: set[int],
              notes: list[Finding]) -> StatementRow | None:
    names: list[Cell] = []
    # a table keyed by 单位编码/单位名称 labels its rows with the unit (or 合计)
    for col in panel.of_role("name") or panel.of_role("unit")[-1:]:
        cell = table.cell_at(row, col.index)
        if cell is not None and id(cell) not in skip_cells and not is_one_of(cell, names):
            names.append(cell)
    names = [c for c in names if clean(c.text)]
    code, code_prov = row_code(table, row, panel, last_parts, names)
    name_cell = names[-1] if names else None
    name = clean(name_cell.text) if name_cell else None
    if code is None and name and name_cell is not None:
        m = CODE_PREFIXED_NAME.match(name_cell.text.strip())
        if m and is_subject_code(m.group(1)):  # ``2013901 行政运行`` in one cell
            start = name_cell.text.index(m.group(1))
            code = m.group(1)
            code_prov = table.provenance(name_cell, start=start, end=start + len(code))
            name = clean(m.group(2))
    raw_label = "/".join(clean(c.text) for c in names[:-1]) + ("/" if len(names) > 1 else "")
    label = strip_numbering(raw_label + (name or ""))
    numbered = bool(name and NUMBERED_LABEL.match(name))
    record = StatementRow(row, panel_index, label, strip_numbering(name) if name else None,
                          name_cell, code, code_prov,
                          is_total=code is None and bool(TOTAL_LABEL.search(label)),
                          numbered=numbered, table=table)
    record.role = row_role(record, panel, bool(panel.of_role("code")))  # type: ignore[assignment]
    for col in panel.of_role("amount"):
        cell = table.cell_at(row, col.index)
        if cell is None or cell.row != row or is_one_of(cell, names) or is_one_of(
                cell, [a.cell for a in record.amounts.values()]):
            continue
        if st.unit is None:
            continue
        value = read_amount(table, cell, st.unit, st, notes)
        if value is not None:
            record.amounts[col.index] = Amount(value, cell, col, table)
    if not (record.amounts or code or label):
        return None
    return record


# ---------------------------------------------------------------- one table


@dataclass
class Layout:
    """How a layout table's grid divides: where its data begins and what each column is."""

    data_start: int
    columns: list[Column]
    sublabels: set[int]
    header_texts: tuple[tuple[str, ...], ...]


def table_layout(table: Table, settings: StatementSettings) -> Layout:
    start = 0
    while start < table.n_rows - 1 and is_caption_row(table, start):
        start += 1
    end, numbering = header_rows(table, start, settings)
    paths = header_paths(table, start, end, numbering)
    sublabels = sublabel_row(table, end, paths)
    data = range(end, table.n_rows)
    columns = []
    for c in range(table.n_cols):
        texts = [t for t in anchored_texts(table, c, data) if not (c in sublabels and t in CODE_PARTS)]
        role, part = column_role(paths[c], texts)
        if role is not None:
            columns.append(Column(c, tuple(paths[c]), role, part))  # type: ignore[arg-type]
    header_texts = tuple(tuple(row_texts(table, r)) for r in range(start, end) if r not in numbering)
    return Layout(end, columns, sublabels, header_texts)


# Tables that list items rather than subjects, whatever codes their rows carry:
# 绩效目标表 (indicators), 政府采购 (purchases filed under a subject code),
# 项目 lists (projects), 上年结转 (carry-overs by project).
NOT_STATEMENT_TITLE = re.compile(r"绩效|采购|项目(明细|情况|支出明细|库)|结转(资金|结余)?(支出)?(情况)?(预算)?表")
NOT_STATEMENT_HEADER = re.compile(r"绩效|[一二三]级指标|指标值")


def lists_items(hints: TitleHints, panels: list[Panel]) -> bool:
    headers = " ".join(p.header for p in panels)
    return bool(NOT_STATEMENT_TITLE.search(normalize_title(hints.text))
                or NOT_STATEMENT_HEADER.search(headers))


def content_role(hints: TitleHints, panels: list[Panel], rows: list[StatementRow]) -> str | None:
    """What the table is, from its rows and header; the title decides only what
    the content leaves open."""
    headers = " ".join(p.header for p in panels)
    if (hints.kind is not None and hints.kind.role == "three_public") or (
            "三公" in headers and not any(r.code for r in rows)):
        return "three_public"
    if hints.kind is not None and hints.kind.role in ("summary", "income"):
        return hints.kind.role
    if len(panels) >= 2 and "收入" in panels[0].header and any("支出" in p.header for p in panels[1:]):
        return "summary"
    coded = [r.code for r in rows if r.role == "subject" and r.code]
    functions = len(coded)
    economics = sum(1 for r in rows if r.role == "economic")
    valued = sum(1 for r in rows if r.amounts and not r.is_total)
    if len(set(coded)) < len(coded) and not by_unit(rows):
        return None  # a code on several rows keys items filed under subjects, not subjects
    if functions and functions >= economics and (functions >= 2 or hints.kind is not None) \
            and functions * 2 >= valued:
        return "function"
    if economics:
        return "economic"
    if hints.kind is not None:
        return hints.kind.role
    named = sum(1 for r in rows if r.role == "subject" and LEVEL_SUFFIX.search(r.name or ""))
    return "function" if named else None


def by_unit(rows: list[StatementRow]) -> bool:
    """Subjects listed under each of several budget units (a unit's code row, then its
    subjects): the department's own lines are not printed."""
    return sum(1 for r in rows if r.role == "unit" and r.code) >= 2


# the rows of a 总表's expenditure half that are its own framing, not a 类
SUMMARY_FRAME = re.compile(r"^(部门预算|单位预算|财政拨款|一般公共预算|政府性基金|国有资本经营|(本年|当年|部门)?支出)"
                           r"|合计|总计|小计|结转|结余|资金")


def is_summary_subject(row: StatementRow) -> bool:
    """A 总表's expenditure half lists 类 as ``一、一般公共服务支出`` (西安 2019:
    ``8、社会保障和就业``, without 支出); ``一、本年支出`` and ``一、部门预算`` are the
    half's own framing."""
    name = row.name or ""
    return row.numbered and bool(name) and not SUMMARY_FRAME.search(name)


def kind_for(hints: TitleHints, role: str, basis: str) -> StatementKind | None:
    """The standard statement a table is: the one its title names when the content
    agrees, else the one whose role, basis, fund and scope fit."""
    if hints.kind is not None and hints.kind.role == role:
        kind = hints.kind
        return kind if kind.basis == basis else _with_basis(kind, basis)
    if not hints.fund_named:
        return None  # no title: whose money the table shows is unknown
    fund = hints.fund
    for k in (*BY_CONTENT, *KINDS):
        if (k.role, k.basis, k.fund, k.scope) == (role, basis, fund, hints.scope):
            return k
    for k in KINDS:  # the same table under the other basis
        if (k.role, k.fund, k.scope) == (role, fund, hints.scope):
            return _with_basis(k, basis)
    return None


def _with_basis(kind: StatementKind, basis: str) -> StatementKind:
    same = next((k for k in KINDS if (k.role, k.fund, k.scope, k.group, k.basis)
                 == (kind.role, kind.fund, kind.scope, kind.group, basis)), None)
    return same or replace(kind, basis=basis)  # type: ignore[arg-type]


def document_basis(hints: TitleHints, info: DocumentInfo) -> str:
    if hints.basis is not None:
        return hints.basis
    if info.kind == "final_accounts":
        return "final"
    if hints.kind is not None:
        return hints.kind.basis
    return "budget"


PLACEHOLDER_KIND = StatementKind("未识别表", "function", "budget", None, "none")


@dataclass
class Candidate:
    """A table being read, before its kind is decided."""

    st: StatementTable
    layout: Layout
    hints: TitleHints
    notes: list[Finding]
    parts_by_panel: list[list[str | None]]
    totals_seen: set[int]


def start_candidate(table: Table, hints: TitleHints, unit: str | None,
                    settings: StatementSettings) -> Candidate:
    layout = table_layout(table, settings)
    prov = hints.provenance or (table.provenance(table.cells[0]) if table.cells
                                else Provenance(f"table {table.index}", "", table.extractor))
    st = StatementTable(hints.kind or PLACEHOLDER_KIND, table, hints.text, prov, unit)
    st.panels = columns_to_panels(layout.columns)
    cand = Candidate(st, layout, hints, [], [[None] * len(CODE_PARTS) for _ in st.panels], set())
    read_rows(cand, table, layout.data_start, layout.sublabels)
    return cand


def read_rows(cand: Candidate, table: Table, start: int, sublabels: set[int]) -> None:
    st = cand.st
    skip = {id(table.cell_at(start, c)) for c in sublabels}
    for r in range(start, table.n_rows):
        for i, panel in enumerate(st.panels):
            record = panel_row(table, r, i, panel, st, cand.parts_by_panel[i],
                               skip if r == start else set(), cand.notes)
            if record is not None:
                record.after_total = i in cand.totals_seen
                cand.totals_seen.update([i] if record.is_total else [])
                st.rows.append(record)


def continues(cand: Candidate, table: Table, between: list[Paragraph], hints: TitleHints,
              settings: StatementSettings) -> bool:
    """``table`` carries on ``cand`` on the next page: nothing but running heads,
    page numbers or the repeated title between them, the same columns, and the
    header repeated or absent (西安 2022 budgets repeat title and header per page)."""
    last = cand.st.tables[-1]
    if not table.pages or not last.pages or table.pages[0] != last.pages[-1] + 1:
        return False
    if table.n_cols != last.n_cols:
        return False
    if hints.kind is not None and cand.hints.kind is not None and hints.kind != cand.hints.kind:
        return False
    if hints.text and cand.hints.text and normalize_title(hints.text) != normalize_title(cand.hints.text):
        return False
    for p in between:
        text = clean(p.text)
        if not text or PAGE_MARK.match(text) or unit_scale_from_caption(p.text) or \
                normalize_title(p.text) == normalize_title(cand.hints.text or "") or \
                (len(text) <= settings.continuation_max_chars and "。" not in text):
            continue
        return False
    layout = table_layout(table, settings)
    if layout.header_texts and layout.header_texts != cand.layout.header_texts:
        return False
    return True


def extend(cand: Candidate, table: Table, settings: StatementSettings) -> None:
    layout = table_layout(table, settings)
    cand.st.tables.append(table)
    read_rows(cand, table, layout.data_start if layout.header_texts else 0, set())


def finish(cand: Candidate, info: DocumentInfo) -> tuple[StatementTable | None, list[Finding]]:
    """Decide what the table is, give its amount columns their meaning, and keep the
    reading under which its sums hold. None when it is not a statement."""
    st, hints = cand.st, cand.hints
    if lists_items(hints, st.panels):
        return None, []
    role = content_role(hints, st.panels, st.rows)
    has_amounts = any(p.of_role("amount") for p in st.panels)
    if role is None:
        subject_rows = [r for r in st.rows if r.role == "subject" and r.code]
        if subject_rows and has_amounts:
            return None, [Finding("statement.role_undecided", "warning",
                                  f"a table of {len(subject_rows)} coded subject rows whose role "
                                  f"(which statement, which fund) cannot be decided",
                                  evidence=[st.title_provenance], page_hints=st.pages)]
        return None, []
    basis = document_basis(hints, info)
    kind = kind_for(hints, role, basis)
    if kind is None:
        if role == "function" and has_amounts:
            return None, [Finding("statement.role_undecided", "warning",
                                  "a table of 功能分类 subjects whose fund cannot be decided "
                                  "(no title names it)", evidence=[st.title_provenance],
                                  page_hints=st.pages)]
        return None, []
    st.kind = kind
    if role != "function":  # names read as subjects before the role was known
        for row in st.rows:
            if row.role == "subject" and not (role == "summary" and is_summary_subject(row)):
                row.role = "economic" if role == "economic" else "label"
    for panel in st.panels:
        for col in panel.of_role("amount"):
            amount_semantics(col, kind, kind.fund, info.fiscal_year)
    # a row read before the kind was known may be a subject only in a function table
    choose_reading(st)
    notes = cand.notes + unparsed(st, hints)
    if role == "function" and by_unit(st.rows):
        unit_row: StatementRow | None = None
        for row in st.rows:
            if row.role == "unit":
                unit_row = row
            elif row.role == "subject":
                row.unit_row = unit_row
        notes.append(Finding("statement.by_unit", "info",
                             f"{kind.name}: subjects are listed per budget unit; its lines are the "
                             f"units' (budget_unit), the department's own are not printed",
                             evidence=[st.title_provenance], page_hints=st.pages))
    return st, notes  # a table that is no statement notes nothing


def unparsed(st: StatementTable, hints: TitleHints) -> list[Finding]:
    if st.unit is None:
        return [Finding("statement.unparsed", "warning",
                        f"{st.kind.name}: no unit (单位：万元/元) stated for the table",
                        evidence=[st.title_provenance])]
    if not any(p.of_role("amount") for p in st.panels) or (
            st.kind.role in ("function", "economic") and len(st.rows) > 1
            and not any(p.of_role("name") or p.of_role("code") or p.of_role("unit")
                        for p in st.panels)):
        headers = " | ".join(c.header for p in st.panels for c in p.columns)
        return [Finding("statement.unparsed", "warning",
                        f"{st.kind.name}: columns not understood ({headers})",
                        evidence=[st.title_provenance])]
    return []


def choose_reading(st: StatementTable) -> None:
    """Keep the reading of the header under which most of the table's sums hold:
    a 其中 column is a subset of its neighbour unless the sums say it is a part."""
    def score() -> tuple[int, int]:
        ids = st.identities()
        return sum(1 for i in ids if i.holds), len(ids)

    held, checked = score()
    reading = "as printed"
    subsets = [c for p in st.panels for c in p.of_role("amount") if c.subset]
    if subsets and held < checked:
        for c in subsets:
            c.subset = False
        alt_held, alt_checked = score()
        if alt_checked and alt_held / alt_checked > (held / checked if checked else 0):
            held, checked, reading = alt_held, alt_checked, "其中 columns as parts (the sums hold)"
        else:
            for c in subsets:
                c.subset = True
    st.reconciliation = Reconciliation(checked, held, reading)


# ---------------------------------------------------------------- document


def parse_statement_tables(doc: Document, info: DocumentInfo | None = None,
                           settings: StatementSettings = DEFAULT_SETTINGS,
                           notes: list[Finding] | None = None) -> list[StatementTable]:
    """Every table of the document that is a statement, read by meaning; tables
    continued on the next page joined. ``notes`` collects what could not be read."""
    info = info or DocumentInfo()
    notes = notes if notes is not None else []
    out: list[StatementTable] = []
    before: list[Paragraph] = []
    current: Candidate | None = None

    def close() -> None:
        if current is not None:
            st, found = finish(current, info)
            notes.extend(found)
            if st is not None:
                out.append(st)

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            before.append(block)
            continue
        near, between = before[-settings.title_lookback:], before
        before = []
        hints = table_hints(block, near)
        if current is not None and continues(current, block, between, hints, settings):
            extend(current, block, settings)
            continue
        close()
        unit = caption_unit(near, title_row_text(block))
        if unit is None and current is not None and current.st.unit and current.st.tables[-1].pages \
                and block.pages and block.pages[0] - current.st.tables[-1].pages[-1] <= 1:
            unit = current.st.unit  # one unit line above a run of tables on consecutive pages
        current = start_candidate(block, hints, unit, settings)
    close()
    return out


def table_hints(table: Table, near: list[Paragraph]) -> TitleHints:
    found = paragraphs_to_title(near)
    row = title_row_text(table)
    if found is not None and (statement_kind(found[1]) is not None or row is None):
        para, title = found
        return title_hints(title, para.provenance())
    if row is not None:
        first = table.cell_at(0, 0)
        return title_hints(clean(row.strip().splitlines()[0]),
                           table.provenance(first) if first is not None else None)
    return title_hints("", None)


def budget_line(st: StatementTable, row: StatementRow, amount: Amount) -> BudgetLine | None:
    col = amount.column
    if (col.fund is None or col.component not in LINE_COMPONENTS or col.period != "current"
            or col.subset or row.is_total or row.role != "subject"):
        return None
    if st.kind.role == "summary":
        panel_header = st.panels[row.panel].header
        if not row.numbered or "支出" not in panel_header or "支出用途" in panel_header \
                or "经济" in panel_header:
            return None
        if amount.value == 0:  # the 总表 lists every 类 of the template, spent on or not
            return None
    elif st.kind.role != "function":
        return None
    component = col.component
    if st.kind.scope is not None and component == "total":
        component = st.kind.scope
    fp = {"amount": amount.provenance}
    if row.code_provenance is not None:
        fp["code"] = row.code_provenance
    subject_prov = row.name_provenance()
    if subject_prov is not None:
        fp["subject"] = subject_prov
    unit = row.unit_row
    unit_prov = unit.name_provenance() if unit is not None else None
    if unit_prov is not None:
        fp["budget_unit"] = unit_prov
    return BudgetLine(subject_raw=row.name or row.code or "", fund=col.fund,
                      measure=col.measure or st.kind.measure, component=component,
                      amount=amount.value, provenance=fp["amount"], code_raw=row.code,
                      field_provenance=fp, statement=st.kind.name, statement_title=st.title or None,
                      budget_unit=unit.name if unit is not None else None)


def rules_for(kind: StatementKind) -> list[FactRule]:
    return [r for r in FACT_RULES if r.group == kind.group]


def table_facts(st: StatementTable) -> list[Fact]:
    rules = rules_for(st.kind)
    facts: list[Fact] = []
    for row in st.rows:
        if row.code is not None or row.role == "unit":
            continue
        for amount in row.amounts.values():
            col = amount.column
            if col.measure != st.kind.measure or col.period != "current":
                continue
            rule = next((r for r in rules if r.row.search(row.label)
                         and r.column.search(col.content_path)
                         and (r.component is None or (r.component == col.component
                                                      and col.fund == st.kind.fund))
                         and not (r.before_total and row.after_total)), None)
            if rule is not None:
                facts.append(Fact(rule.key, amount.value, "yuan", amount.provenance,
                                  statement=st.kind.name))
    return facts


# ---------------------------------------------------------------- entry point


def recognize_statements(doc: Document, info: DocumentInfo,
                         settings: StatementSettings = DEFAULT_SETTINGS) -> Extraction:
    """Budget lines, facts and the parsed statements, with what could not be read."""
    ex = Extraction(info=info)
    ex.statements = parse_statement_tables(doc, info, settings, ex.findings)
    ex.listed_statements = [ListedStatement(kind.name, p.provenance()) for p in doc.paragraphs
                            if (kind := statement_kind(p.text)) is not None]
    for st in ex.statements:
        ex.tables.append(RecognizedTable(st.kind.name, st.table.index, st.pages, st.title,
                                         st.reconciliation.status))
        for row in st.rows:
            for amount in row.amounts.values():
                line = budget_line(st, row, amount)
                if line is not None:
                    ex.budget_lines.append(line)
        ex.facts += table_facts(st)
    return ex
