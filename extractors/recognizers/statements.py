"""The standard 预算/决算 statement tables (九张表) → budget lines and facts.

A table's kind comes from its title (the paragraphs just before it, or a
full-width title row inside it), never from its position; the kinds, their
title patterns and the facts each one states are data (``statement_kinds``).
Columns are understood from their header paths (two-level merged headers
composed as ``本年支出/基本支出``) checked against what the column holds, so
the same code reads the Shanghai 决算 template (类|款|项 code parts), the
Shanghai 预算 tables (amounts in 元) and the Jiangsu 公开表 (one 7-digit code
column, or code and name in one merged cell).

Side-by-side layouts (收入 | 支出 总表, the 基本支出 决算表 with 301/303 on the
left and 302/310 on the right) are read as *panels*: a run of code/name
columns followed by its amount columns.

Economic-classification rows (301/30101 …) are parsed and kept in
``StatementTable.rows`` but become facts only where ``facts.csv`` has a key
(basic_total, basic.personnel, basic.public, operating_cost): the contract's
budget lines are function-classification lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.extractors.recognizers.statement_kinds import (
    CODE_HEADER,
    CODE_PARTS,
    COMPONENT_WORDS,
    FACT_RULES,
    FUND_WORDS,
    KINDS,
    MEASURE_SEGMENTS,
    NAME_HEADER,
    NUMBERED_LABEL,
    TITLE_MAX_CHARS,
    TITLE_PREFIX,
    TITLE_YEAR,
    TOTAL_LABEL,
    FactRule,
    StatementKind,
)
from disclosures.model.layout import Cell, Document, Paragraph, Provenance, Table
from disclosures.model.numbers import (
    UNIT_FACTORS,
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
from disclosures.model.vocabulary import Component, Fund, Measure

CODE_TEXT = re.compile(r"^\d{1,7}$")
CODE_PREFIXED_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\S.*)$")
TITLE_END = re.compile(r"表(\([^)]*\))?$")
AMOUNT_HEADER = re.compile(r"合计|小计|金额|支出|收入|经费|费|预算|决算|结余|资金")
SUM_HEADER = re.compile(r"^(本年(收入|支出))?(合计|小计)$")


@dataclass(frozen=True)
class StatementSettings:
    title_lookback: int = 4  # paragraphs before a table searched for its title and unit
    max_header_rows: int = 6  # no statement header in the corpus is deeper than 4 rows


DEFAULT_SETTINGS = StatementSettings()


@dataclass
class Column:
    index: int
    path: tuple[str, ...]  # header segments, whitespace-free, top to bottom
    role: str  # code | name | amount
    part: int | None = None  # 0/1/2 for a 类/款/项 code part, None for a whole code
    measure: Measure | None = None
    component: Component | None = None
    fund: Fund | None = None

    @property
    def header(self) -> str:
        return "/".join(self.path)

    @property
    def content_path(self) -> str:
        """The header without the segment that only says 决算数/预算数."""
        return "/".join(s for s in self.path if s not in MEASURE_SEGMENTS)


@dataclass
class Panel:
    columns: list[Column] = field(default_factory=list)

    def of_role(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    @property
    def header(self) -> str:
        return " ".join(c.header for c in self.columns)


@dataclass
class Amount:
    value: Decimal  # yuan
    cell: Cell
    column: Column


@dataclass
class StatementRow:
    row: int
    panel: int
    label: str  # names joined by "/", whitespace and list numbering removed
    name: str | None  # the most specific name as written (whitespace removed)
    name_cell: Cell | None
    code: str | None
    code_provenance: Provenance | None
    is_total: bool
    numbered: bool  # the name carried list numbering (一、…): a 总表 subject row
    amounts: dict[int, Amount] = field(default_factory=dict)
    after_total: bool = False  # below a 合计/小计 row of its panel

    @property
    def level(self) -> int | None:
        return None if self.code is None else (len(self.code) - 3) // 2


@dataclass
class StatementTable:
    kind: StatementKind
    table: Table
    title: str
    title_provenance: Provenance
    unit: str | None
    panels: list[Panel] = field(default_factory=list)
    rows: list[StatementRow] = field(default_factory=list)
    decimals: int = 0  # most decimal places printed in an amount cell
    findings: list[Finding] = field(default_factory=list)

    @property
    def quantum(self) -> Decimal:
        """The last printed unit, in yuan: what one rounded amount may be off by."""
        factor = UNIT_FACTORS[self.unit] if self.unit else Decimal(1)
        return factor * Decimal(1).scaleb(-self.decimals)


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


def statement_kind(title: str) -> StatementKind | None:
    """The kind a table title names (``2024年部门支出预算总表`` → 部门支出总表), or None."""
    norm = normalize_title(title)
    if not norm or len(norm) > TITLE_MAX_CHARS or not TITLE_END.search(norm):
        return None
    return next((k for k in KINDS if k.pattern.search(norm)), None)


# ---------------------------------------------------------------- title and unit


def paragraphs_to_title(paragraphs: list[Paragraph]) -> tuple[StatementKind, Paragraph, str] | None:
    """The nearest preceding paragraph naming a kind; a title broken over two lines
    (江苏省人大办公厅2017 p.20: ``“三公”经费、会议费、培训费支出预算`` + ``表``) is joined."""
    for i in range(len(paragraphs) - 1, -1, -1):
        candidates = [paragraphs[i].text]
        if i > 0:
            candidates.append(paragraphs[i - 1].text + paragraphs[i].text)
        for text in candidates:
            kind = statement_kind(text)
            if kind is not None:
                return kind, paragraphs[i], clean(text)
    return None


def title_row_text(table: Table) -> str | None:
    """A first row that is one cell across the whole table and names a kind: some
    producers put title and unit inside the grid."""
    cell = table.cell_at(0, 0)
    if cell is None or cell.colspan < table.n_cols or table.n_rows < 2:
        return None
    first_line = cell.text.strip().splitlines()[0] if cell.text.strip() else ""
    return cell.text if statement_kind(first_line) else None


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


def header_row_count(table: Table, start: int, settings: StatementSettings) -> int:
    """Rows from ``start`` down to the first that is blank, or holds a number or a
    subject code: the header ends where values begin."""
    r = start
    while r < min(table.n_rows, start + settings.max_header_rows):
        texts = [clean(c.text) for c in table.row_cells(r)]
        if not any(texts) or any(cell_is_number(t) for t in texts if t):
            break
        r += 1
    return r - start


def header_paths(table: Table, start: int, end: int) -> list[list[str]]:
    paths: list[list[str]] = []
    for c in range(table.n_cols):
        segs: list[str] = []
        previous: Cell | None = None
        for r in range(start, end):
            cell = table.cell_at(r, c)
            if cell is None or cell is previous:
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
    """code / name / amount from the header, overruled by what the column holds when
    the two disagree (a merged ``功能分类功能科目名称 金额`` header over a name and an
    amount column, 江苏省委办公厅2019表格 p.1)."""
    numeric = sum(1 for t in texts if cell_is_number(t) or is_placeholder(t))
    words = sum(1 for t in texts if not TOTAL_LABEL.search(t)) - numeric
    is_code = any(CODE_HEADER.search(s) for s in path) or (path and path[-1] in CODE_PARTS)
    if is_code:
        part = CODE_PARTS.index(path[-1]) if path and path[-1] in CODE_PARTS else None
        codes = sum(1 for t in texts if CODE_TEXT.match(t))
        return ("name", None) if words > codes else ("code", part)
    if any(NAME_HEADER.search(s) for s in path):
        return ("amount", None) if numeric > words else ("name", None)
    if words > numeric:
        return "name", None
    if numeric or any(AMOUNT_HEADER.search(s) for s in path):
        return "amount", None
    return None, None


def amount_semantics(column: Column, kind: StatementKind, single: bool) -> None:
    column.measure = next((MEASURE_SEGMENTS[s] for s in column.path if s in MEASURE_SEGMENTS),
                          kind.measure)
    segs = [s for s in column.path if s not in MEASURE_SEGMENTS]
    column.fund = kind.fund
    for seg in reversed(segs):
        fund = next((f for pat, f in FUND_WORDS if pat.search(seg)), None)
        if fund is not None:
            column.fund, column.component = fund, "total"
            return
        component = next((c for pat, c in COMPONENT_WORDS if pat.search(seg)), None)
        if component is not None:
            column.component = component
            return
    if single:  # the one amount column of a panel (金额, 决算数) is its total
        column.component = "total"


def columns_to_panels(columns: list[Column], kind: StatementKind) -> list[Panel]:
    panels: list[Panel] = []
    current = Panel()
    for col in columns:
        if col.role in ("code", "name") and current.of_role("amount"):
            panels.append(current)
            current = Panel()
        current.columns.append(col)
    if current.columns:
        panels.append(current)
    for panel in panels:
        amounts = panel.of_role("amount")
        for col in amounts:
            amount_semantics(col, kind, single=len(amounts) == 1)
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
            return clean(cell.text), table.provenance(cell)
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
    known = [p for p in filled if p is not None]
    deepest_cell = cells[deepest]
    if len(known) < len(filled) or deepest_cell is None:
        return None, None
    last_parts[:] = [*known, *[None] * (len(CODE_PARTS) - len(known))]
    code = known[0] + "".join(p.zfill(2) for p in known[1:])
    return code, table.provenance(deepest_cell)


def read_amount(table: Table, cell: Cell, unit: str, st: StatementTable) -> Decimal | None:
    text = clean(cell.text)
    try:
        value = parse_number(text)
    except ValueError:
        rule, message = (("placeholder", f"placeholder {cell.text!r} where an amount belongs")
                         if is_placeholder(text) else
                         ("statement.unreadable_amount", f"not an amount: {cell.text!r}"))
        st.findings.append(Finding(rule, "warning", f"{st.kind.name}: {message}",
                                   evidence=[table.provenance(cell)]))
        return None
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    st.decimals = max(st.decimals, decimals)
    return to_yuan(value, unit)


def panel_row(table: Table, row: int, panel_index: int, panel: Panel, st: StatementTable,
              last_parts: list[str | None], skip_cells: set[int]) -> StatementRow | None:
    names: list[Cell] = []
    for col in panel.of_role("name"):
        cell = table.cell_at(row, col.index)
        if cell is not None and id(cell) not in skip_cells and not is_one_of(cell, names):
            names.append(cell)
    names = [c for c in names if clean(c.text)]
    code, code_prov = row_code(table, row, panel, last_parts, names)
    name_cell = names[-1] if names else None
    name = clean(name_cell.text) if name_cell else None
    if code is None and name and name_cell is not None:
        m = CODE_PREFIXED_NAME.match(name_cell.text.strip())
        if m:  # ``2013901 行政运行`` in one cell
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
                          numbered=numbered)
    for col in panel.of_role("amount"):
        cell = table.cell_at(row, col.index)
        if cell is None or cell.row != row or is_one_of(cell, names) or is_one_of(
                cell, [a.cell for a in record.amounts.values()]):
            continue
        if st.unit is None:
            continue
        value = read_amount(table, cell, st.unit, st)
        if value is not None:
            record.amounts[col.index] = Amount(value, cell, col)
    if not (record.amounts or code or label):
        return None
    return record


def parse_table(table: Table, kind: StatementKind, title: str, title_prov: Provenance,
                unit: str | None, has_title_row: bool,
                settings: StatementSettings = DEFAULT_SETTINGS) -> StatementTable:
    st = StatementTable(kind, table, title, title_prov, unit)
    start = 1 if has_title_row else 0
    end = start + header_row_count(table, start, settings)
    paths = header_paths(table, start, end)
    sublabels = sublabel_row(table, end, paths)
    data = range(end, table.n_rows)
    columns = []
    for c in range(table.n_cols):
        texts = [t for t in anchored_texts(table, c, data) if not (c in sublabels and t in CODE_PARTS)]
        role, part = column_role(paths[c], texts)
        if role is not None:
            columns.append(Column(c, tuple(paths[c]), role, part))
    st.panels = columns_to_panels(columns, kind)
    skip = {id(table.cell_at(end, c)) for c in sublabels}
    parts_by_panel: list[list[str | None]] = [[None] * len(CODE_PARTS) for _ in st.panels]
    totals_seen: set[int] = set()
    for r in data:
        for i, panel in enumerate(st.panels):
            record = panel_row(table, r, i, panel, st, parts_by_panel[i], skip if r == end else set())
            if record is not None:
                record.after_total = i in totals_seen
                totals_seen.update([i] if record.is_total else [])
                st.rows.append(record)
    if unit is None:
        st.findings.append(Finding("statement.unparsed", "warning",
                                   f"{kind.name}: no unit (单位：万元/元) stated for the table",
                                   evidence=[title_prov]))
    elif not any(p.of_role("amount") for p in st.panels) or (
            kind.role in ("function", "economic") and len(st.rows) > 1
            and not any(p.of_role("name") or p.of_role("code") for p in st.panels)):
        st.findings.append(Finding("statement.unparsed", "warning",
                                   f"{kind.name}: columns not understood "
                                   f"({' | '.join('/'.join(p) for p in paths)})",
                                   evidence=[title_prov]))
    return st


# ---------------------------------------------------------------- document


def parse_statement_tables(doc: Document,
                           settings: StatementSettings = DEFAULT_SETTINGS) -> list[StatementTable]:
    """Every table of the document whose title names a statement kind, parsed."""
    out: list[StatementTable] = []
    before: list[Paragraph] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            before.append(block)
            continue
        near = before[-settings.title_lookback:]
        before = []
        title_row = title_row_text(block)
        found = paragraphs_to_title(near)
        if found is None and title_row is None:
            continue
        if found is not None:
            kind, para, title = found
            prov = para.provenance()
        else:
            assert title_row is not None  # found is None: the title row named the kind
            title = clean(title_row.strip().splitlines()[0])
            row_kind, corner = statement_kind(title), block.cell_at(0, 0)
            if row_kind is None or corner is None:
                continue
            kind, prov = row_kind, block.provenance(corner)
        unit = caption_unit(near, title_row)
        out.append(parse_table(block, kind, title, prov, unit, title_row is not None, settings))
    return out


def budget_line(st: StatementTable, row: StatementRow, amount: Amount) -> BudgetLine | None:
    col = amount.column
    subject = row.name or row.code
    if col.fund is None or col.component is None or col.measure is None or row.is_total or subject is None:
        return None
    if st.kind.role == "summary":
        panel_header = st.panels[row.panel].header
        if not row.numbered or "支出" not in panel_header or "支出用途" in panel_header:
            return None
    elif st.kind.role != "function" or not (row.code or row.name):
        return None
    fp = {"amount": st.table.provenance(amount.cell)}
    if row.code_provenance is not None:
        fp["code"] = row.code_provenance
    if row.name_cell is not None:
        fp["subject"] = st.table.provenance(row.name_cell)
    return BudgetLine(subject_raw=subject, fund=col.fund, measure=col.measure,
                      component=col.component, amount=amount.value, provenance=fp["amount"],
                      code_raw=row.code, field_provenance=fp)


def rules_for(kind: StatementKind) -> list[FactRule]:
    return [r for r in FACT_RULES if r.group == kind.group]


def table_facts(st: StatementTable) -> list[Fact]:
    rules = rules_for(st.kind)
    facts: list[Fact] = []
    for row in st.rows:
        if row.code is not None:
            continue
        for amount in row.amounts.values():
            if amount.column.measure != st.kind.measure:
                continue
            rule = next((r for r in rules if r.row.search(row.label)
                         and r.column.search(amount.column.content_path)
                         and not (r.before_total and row.after_total)), None)
            if rule is not None:
                facts.append(Fact(rule.key, amount.value, "yuan", st.table.provenance(amount.cell)))
    return facts


# ---------------------------------------------------------------- reconciliation


def _finding(st: StatementTable, rule: str, what: str, stated: Amount,
             parts: list[Amount], total: Decimal) -> Finding:
    return Finding(rule, "error",
                   f"{st.kind.name}: {what} = {stated.value} yuan but its parts sum to "
                   f"{total} yuan (p.{stated.cell.page})",
                   evidence=[st.table.provenance(a.cell) for a in (stated, *parts)])


def _value(row: StatementRow, col: int) -> Decimal:
    a = row.amounts.get(col)
    return a.value if a else Decimal(0)


def check_children(st: StatementTable) -> list[Finding]:
    """Every 类 equals the sum of its 款, every 款 the sum of its 项, and the 合计 row
    the sum of the 类, per amount column, to the printed rounding."""
    findings: list[Finding] = []
    for p, panel in enumerate(st.panels):
        rows = [r for r in st.rows if r.panel == p]
        coded = [r for r in rows if r.code]
        totals = [r for r in rows if r.is_total and r.label in ("合计", "总计")]
        for col in panel.of_role("amount"):
            for parent in coded:
                children = [r for r in coded if is_child_code(r.code, parent.code)]
                if children:
                    findings += _compare(st, parent, children, col.index,
                                         f"{parent.code} {parent.name or ''}".strip())
            tops = [r for r in coded if r.level == 0]
            for total in totals:
                if tops:
                    findings += _compare(st, total, tops, col.index, total.label)
    return findings


def is_child_code(code: str | None, parent: str | None) -> bool:
    """``code`` is one level below ``parent`` (a 款 of its 类, a 项 of its 款)."""
    return (code is not None and parent is not None and len(code) == len(parent) + 2
            and code.startswith(parent))


def _compare(st: StatementTable, parent: StatementRow, children: list[StatementRow],
             col: int, what: str) -> list[Finding]:
    stated = parent.amounts.get(col)
    parts = [c.amounts[col] for c in children if col in c.amounts]
    if stated is None and not parts:
        return []
    total = sum((a.value for a in parts), Decimal(0))
    if abs(_value(parent, col) - total) <= st.quantum * len(children):
        return []
    if stated is None:
        return [Finding("statement.sum_children", "error",
                        f"{st.kind.name}: {what} is blank but its parts sum to {total} yuan",
                        evidence=[st.table.provenance(a.cell) for a in parts])]
    return [_finding(st, "statement.sum_children", f"{what} [{stated.column.header}]",
                     stated, parts, total)]


def sum_column_parts(column: Column, columns: list[Column]) -> list[Column]:
    """The columns a 合计/小计 column adds up: the others under the same parent header,
    where a deeper 小计 stands for its own group (三公: 合计 = 因公出国 + 公务用车/小计
    + 公务接待费; Jiangsu 支出预算总表: 合计 = 基本支出 + 项目支出 + 单位预留机动经费 + …)."""
    parent = column.content_path.rpartition("/")[0]
    inside = [c for c in columns if c is not column and c.measure == column.measure
              and (not parent or c.content_path.startswith(parent + "/"))]
    groups = {c.content_path.rpartition("/")[0] for c in inside if SUM_HEADER.match(c.path[-1])}
    return [c for c in inside
            if not any(g and g != parent and c.content_path.startswith(g + "/")
                       and not (SUM_HEADER.match(c.path[-1])
                                and c.content_path.rpartition("/")[0] == g)
                       for g in groups)]


def check_components(st: StatementTable) -> list[Finding]:
    """Every 合计/小计 column equals its parts on every row (合计 = 基本支出 + 项目支出;
    小计 = 人员经费 + 公用经费 where 基本支出 splits)."""
    findings: list[Finding] = []
    for p, panel in enumerate(st.panels):
        amounts = panel.of_role("amount")
        sums = [(c, sum_column_parts(c, amounts)) for c in amounts if SUM_HEADER.match(c.path[-1])]
        for row in (r for r in st.rows if r.panel == p):
            for column, parts in sums:
                stated = row.amounts.get(column.index)
                present = [row.amounts[c.index] for c in parts if c.index in row.amounts]
                if stated is None or not present:
                    continue
                total = sum((a.value for a in present), Decimal(0))
                if abs(stated.value - total) > st.quantum * len(parts):
                    findings.append(_finding(st, "statement.sum_components",
                                             f"{row.code or row.label} [{column.header}]",
                                             stated, present, total))
    return findings


def reconcile_statement(st: StatementTable) -> list[Finding]:
    """What does not add up inside one statement table (errors, with the cells)."""
    if st.kind.role not in ("function", "economic", "summary", "three_public", "income"):
        return []
    return check_children(st) + check_components(st)


def line_key(line: BudgetLine) -> tuple[str, str, str, str]:
    """The same subject, fund, measure and component: 类 lines by name (总表s print
    them without codes), 款/项 lines by code."""
    subject = line.code_raw if line.code_raw and len(line.code_raw) > 3 else line.subject_raw
    return subject, line.fund, line.measure, line.component


def table_of(line: BudgetLine) -> str:
    return line.provenance.locator.split(" / ")[0]


def check_cross_table(lines: list[BudgetLine]) -> list[Finding]:
    """One figure printed in two tables must be printed the same: no rounding excuses
    it (普陀区财政局决算: 社会保障和就业支出 326.71 in the 财政拨款总表 p.10, 326.72
    in the 一般公共预算财政拨款支出决算表 p.12)."""
    first: dict[tuple[str, str, str, str], BudgetLine] = {}
    findings: list[Finding] = []
    for line in lines:
        key = line_key(line)
        seen = first.setdefault(key, line)
        if seen is not line and table_of(seen) != table_of(line) and seen.amount != line.amount:
            findings.append(Finding(
                "statement.cross_table", "error",
                f"{line.code_raw or ''} {line.subject_raw} ({line.fund}, {line.measure}, "
                f"{line.component}): {seen.amount} yuan on p.{seen.provenance.page} but "
                f"{line.amount} yuan on p.{line.provenance.page}",
                records=[seen, line]))
    return findings


# ---------------------------------------------------------------- entry point


def recognize_statements(doc: Document, info: DocumentInfo,
                         settings: StatementSettings = DEFAULT_SETTINGS) -> Extraction:
    """Budget lines, facts and findings from the document's statement tables."""
    ex = Extraction(info=info)
    seen: dict[str, Fact] = {}
    for st in parse_statement_tables(doc, settings):
        ex.tables.append(RecognizedTable(st.kind.name, st.table.index, list(st.table.pages),
                                         st.title))
        ex.findings += st.findings + reconcile_statement(st)
        for row in st.rows:
            for amount in row.amounts.values():
                line = budget_line(st, row, amount)
                if line is not None:
                    ex.budget_lines.append(line)
        for fact in table_facts(st):
            first = seen.get(fact.key)
            if first is None:
                seen[fact.key] = fact
                ex.facts.append(fact)
            elif first.value != fact.value:
                ex.findings.append(Finding(
                    "statement.cross_table", "warning",
                    f"{fact.key}: {first.value} yuan (p.{first.provenance.page}) but "
                    f"{fact.value} yuan in {st.kind.name} (p.{fact.provenance.page})",
                    records=[first], evidence=[fact.provenance]))
    ex.findings += check_cross_table(ex.budget_lines)
    return ex
