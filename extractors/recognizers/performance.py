"""绩效自评表 (project performance self-evaluation forms) → projects + indicators.

A self-evaluation form is found by what it contains, not by its title or its
place in the document: a ``项目名称`` label next to its value, plus a budget
block (``年初预算 … 执行数 … 执行率``) or an indicator block (``三级指标`` with
its sibling columns). Columns are located by their header's meaning, so the
Sichuan layout of the seed (指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分)
and other provinces' variants (no 指标性质 and ``≥95%`` in 指标值; 年度指标值,
全年实际值, 分值) read the same way.

A form is walked row by row as a small state machine (project header →
budget block → indicator block → 合计 → conclusions). A form that a page
break split into two tables is walked across both: the second table has no
``项目名称`` and continues the first one's blocks. Every row inside a budget
or indicator block either becomes a record or a ``performance.unparsed_row``
finding — nothing is dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.model.layout import Cell, Document, Paragraph, Table
from disclosures.model.numbers import (
    parse_number,
    text_to_amount,
    text_to_percent,
    unit_scale_from_caption,
)
from disclosures.model.records import (
    DocumentInfo,
    Extraction,
    Finding,
    FundingRow,
    Indicator,
    Project,
    RecognizedTable,
    Record,
)
from disclosures.model.vocabulary import Severity


@dataclass(frozen=True)
class PerformanceSettings:
    # The seed's budget header says 年度预算数（万元）; forms that state no unit
    # are, in every province seen, filled in 万元.
    default_money_unit: str = "万元"
    # Paragraphs allowed between a form table and its continuation after a
    # page break: blank lines and page numbers ("- 12 -", "第3页") only.
    max_furniture_chars: int = 12
    # An indicator header must map the 三级指标 column and at least this many others.
    min_indicator_columns: int = 3
    # Header labels are short (未完成原因分析, 偏差原因分析及改进措施); longer cells are answers.
    max_header_label_chars: int = 16


DEFAULT_SETTINGS = PerformanceSettings()

# --- label vocabulary (compared after ``label_key``: folded, no spaces, no (…)) ---

PROJECT_NAME_LABELS = {"项目名称"}
PROJECT_CODE_LABELS = {"项目编码", "项目代码", "项目编号"}
DEPARTMENT_LABELS = {"主管部门", "主管单位", "主管部门及代码"}
IMPLEMENTER_LABELS = {"实施单位", "项目实施单位", "实施单位及代码"}
GOAL_LABELS = {"项目年度目标", "年度目标", "年度绩效目标", "项目年度绩效目标", "预期目标",
               "年度总体目标", "总体目标"}
CONCLUSION_LABELS = {"评价结论", "自评结论", "绩效自评结论", "总体评价", "总体评价结论"}
PROBLEMS_LABELS = {"存在问题", "存在的问题", "主要问题", "存在的主要问题"}
IMPROVEMENTS_LABELS = {"改进措施", "改进建议", "整改措施", "下一步改进措施", "改进意见"}
TOTAL_LABELS = {"合计", "总分", "总计", "合计得分", "总得分"}
TEXT_FIELDS = (
    ("department", DEPARTMENT_LABELS),
    ("implementer", IMPLEMENTER_LABELS),
    ("conclusion", CONCLUSION_LABELS),
    ("problems", PROBLEMS_LABELS),
    ("improvements", IMPROVEMENTS_LABELS),
)
INSTRUCTION_FIELDS = {"goal", "conclusion", "problems", "improvements"}
FORM_TITLE_MARKS = ("绩效自评表", "绩效评价表", "绩效目标表", "绩效目标自评表")

# Indicator header columns: checked in this order, first match wins, so
# 未完成原因分析 is a reason (not an actual) and 实际完成值 an actual (not a target).
INDICATOR_COLUMN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shortfall_reason", ("原因",)),
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("name", ("三级指标", "指标名称", "指标内容")),
    ("actual", ("完成值", "实际值", "实际完成", "完成情况", "全年实际", "执行值")),
    ("target", ("指标值", "目标值", "预期值", "计划值", "标准值")),
    ("operator", ("指标性质", "运算符", "比较符", "符号")),
    ("unit", ("度量单位", "计量单位", "单位")),
    ("weight", ("权重", "分值")),
    ("score", ("得分",)),
)
FUNDING_COLUMN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reason", ("原因",)),
    ("execution_rate", ("执行率",)),
    ("budget_initial", ("年初预算", "年初数")),
    ("budget_adjusted", ("调整后预算", "全年预算", "调整预算")),
    ("executed", ("执行数", "实际支出", "全年执行", "决算数")),
    ("weight", ("权重", "分值")),
    ("score", ("得分",)),
)
FUNDING_TOTAL_MARKS = ("总额", "合计", "总计", "小计")

# 指标性质 as written → the export's operator vocabulary. Word forms come from
# provinces that spell the comparison out (不低于95%).
OPERATOR_WORDS: tuple[tuple[str, str], ...] = (
    ("≥", ">="), (">=", ">="), ("≤", "<="), ("<=", "<="),
    ("大于等于", ">="), ("不低于", ">="), ("不少于", ">="), ("不小于", ">="),
    ("小于等于", "<="), ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), ("不多于", "<="),
    ("等于", "="), ("=", "="), ("大于", ">"), ("高于", ">"), ("超过", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("<", "<"),
    ("定性", "qualitative"),
)
NO_VALUE_TEXTS = {"", "/", "-", "—", "——", "–", "\\"}

_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_CODE_NAME_RE = re.compile(r"^\s*([0-9A-Za-z]*\d{6,}[0-9A-Za-z]*)\s*[-_—–:\s]+\s*(\S.*?)\s*$")
_MONEY_UNIT_RE = re.compile(r"[(（]\s*(亿元|万元|千元|元)\s*[)）]")
_NUMBER_UNIT_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(\S.*?)\s*$")
_PAGE_FURNITURE_RE = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?(\s*/\s*\d+)?[-—–\s]*$")
# Form instructions that a publisher left in place of an answer: they carry a
# length limit (（100字以内）) or open with the template's own imperative.
_INSTRUCTION_LIMIT_RE = re.compile(r"\d+\s*字(以内|左右|以下)|不超过\s*\d+\s*字")
_INSTRUCTION_OPENERS = ("对照年度目标", "结合自评情况", "针对项目自评", "针对自评", "说明", "简要说明",
                        "简要阐述", "简要描述", "请填写", "请简要", "请说明", "填写说明", "根据自评情况")


# ---------------------------------------------------------------- text helpers

def fold_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def label_key(text: str) -> str:
    """``实施单位 （盖章）`` → ``实施单位``; ``预算执行情况（10分）`` → ``预算执行情况``."""
    key = re.sub(r"\s+", "", fold_text(text))
    previous = None
    while previous != key:
        previous, key = key, _BRACKETED_RE.sub("", key)
    return key.rstrip(":：")


def is_form_instruction(text: str) -> bool:
    """True when a cell holds only the form's printed instruction, not an answer."""
    s = re.sub(r"\s+", "", fold_text(text))
    return bool(_INSTRUCTION_LIMIT_RE.search(s)) or s.startswith(_INSTRUCTION_OPENERS)


def is_no_value(text: str) -> bool:
    return fold_text(text) in NO_VALUE_TEXTS


def text_to_operator(text: str) -> str | None:
    s = re.sub(r"\s+", "", fold_text(text))
    for word, op in OPERATOR_WORDS:
        if s == word:
            return op
    return None


def split_leading_operator(text: str) -> tuple[str, int] | None:
    """``≥95%`` → (">=", 1): the operator and where the value after it starts."""
    for word, op in OPERATOR_WORDS:
        if op == "qualitative":
            continue
        stripped = text.lstrip()
        folded = unicodedata.normalize("NFKC", stripped[: len(word) + 1])
        if folded.startswith(word):
            start = len(text) - len(stripped) + len(word)
            while start < len(text) and text[start].isspace():
                start += 1
            return op, start
    return None


def split_code_and_name(text: str) -> tuple[tuple[str, int, int] | None, tuple[str, int, int]]:
    """``51050021Y000000024280-单项定额基本运转支出`` → code and name with their offsets."""
    m = _CODE_NAME_RE.match(text)
    if m:
        return (m.group(1), m.start(1), m.end(1)), (m.group(2), m.start(2), m.end(2))
    stripped = text.strip()
    start = text.find(stripped)
    return None, (stripped, start, start + len(stripped))


def is_furniture(paragraph: Paragraph, settings: PerformanceSettings) -> bool:
    text = paragraph.text.strip()
    return not text or (len(text) <= settings.max_furniture_chars
                        and bool(_PAGE_FURNITURE_RE.match(fold_text(text))))


# ---------------------------------------------------------------- table helpers

def row_keys(table: Table, row: int) -> list[tuple[Cell, str]]:
    return [(cell, label_key(cell.text)) for cell in table.row_cells(row)]


def own_cells(table: Table, row: int) -> list[Cell]:
    """The cells that start in ``row`` (a finding's evidence is the row's own text)."""
    return [cell for cell in table.row_cells(row) if cell.row == row]


def row_is_empty(table: Table, row: int) -> bool:
    return all(not cell.text.strip() for cell in table.row_cells(row))


def cell_right_of(table: Table, row: int, cell: Cell) -> Cell | None:
    cells = table.row_cells(row)
    position = next(i for i, c in enumerate(cells) if c is cell)
    return cells[position + 1] if position + 1 < len(cells) else None


def cell_below(table: Table, cell: Cell) -> Cell | None:
    below = table.cell_at(cell.row + cell.rowspan, cell.col)
    return below if below is not None and below is not cell else None


def is_known_label(key: str) -> bool:
    """A project-header or closing label (合计 is not one: budget blocks use it as a source)."""
    return any(key in labels for labels in (
        PROJECT_NAME_LABELS, PROJECT_CODE_LABELS, DEPARTMENT_LABELS, IMPLEMENTER_LABELS,
        GOAL_LABELS, CONCLUSION_LABELS, PROBLEMS_LABELS, IMPROVEMENTS_LABELS))


def header_to_columns(table: Table, row: int, rules: tuple[tuple[str, tuple[str, ...]], ...],
                      settings: PerformanceSettings, own_row_only: bool = False) -> dict[str, int]:
    """Map field names to grid columns by the meaning of a header row's labels.

    Only short cells count as labels: the seed's 原因 cell under the budget
    header holds a long instruction that mentions 执行数 and 调整后预算数.
    """
    columns: dict[str, int] = {}
    for cell, key in row_keys(table, row):
        if not key or len(key) > settings.max_header_label_chars or (own_row_only and cell.row != row):
            continue
        for name, marks in rules:
            if any(mark in key for mark in marks):
                columns.setdefault(name, cell.col)
                break
    return columns


def indicator_header_columns(table: Table, row: int, settings: PerformanceSettings) -> dict[str, int] | None:
    columns = header_to_columns(table, row, INDICATOR_COLUMN_RULES, settings)
    if "name" not in columns or len(columns) - 1 < settings.min_indicator_columns:
        return None
    columns.update({name: col for name, col in second_header_row(table, row, settings).items()
                    if name not in columns})
    return columns


def second_header_row(table: Table, row: int, settings: PerformanceSettings) -> dict[str, int]:
    """Two-row headers (绩效完成情况 over 实际完成值 | 得分) put some labels one
    row down, under cells merged over both rows; a row holding numbers is data."""
    below = header_to_columns(table, row + 1, INDICATOR_COLUMN_RULES, settings, own_row_only=True) \
        if row + 1 < table.n_rows else {}
    if len(below) < 2 or "name" in below or row_has_number(table, row + 1):
        return {}
    return below


def funding_header_columns(table: Table, row: int, settings: PerformanceSettings) -> dict[str, int] | None:
    columns = header_to_columns(table, row, FUNDING_COLUMN_RULES, settings)
    has_budget = "budget_initial" in columns or "budget_adjusted" in columns
    if not (has_budget and "executed" in columns):
        return None
    first_amount = min(col for name, col in columns.items() if name != "reason")
    label = table.cell_at(row, first_amount - 1) if first_amount > 0 else None
    columns["label"] = label.col if label is not None else 0
    return columns


@dataclass
class BlockColumns:
    """A block's header: field → grid column, and field → position among the
    header row's distinct cells. A continuation table that a page break cut
    with another grid (the seed's PDF: 9 grid columns on one page, 11 on the
    next) is read by those positions when its rows have as many cells."""

    table: Table
    columns: dict[str, int]
    ordinals: dict[str, int]
    width: int

    @classmethod
    def from_header(cls, table: Table, row: int, columns: dict[str, int]) -> BlockColumns:
        cols = [cell.col for cell in table.row_cells(row)]
        ordinals = {name: cols.index(col) for name, col in columns.items() if col in cols}
        return cls(table, columns, ordinals, len(cols))

    def for_row(self, table: Table, row: int) -> dict[str, int] | None:
        if table is self.table or table.n_cols == self.table.n_cols:
            return self.columns
        cells = table.row_cells(row)
        if len(cells) != self.width:
            return None
        return {name: cells[i].col for name, i in self.ordinals.items()}


def table_money_unit(table: Table, header_row: int, settings: PerformanceSettings) -> str:
    """The unit the budget header declares (年度预算数（万元）), else the table's 单位：…"""
    for cell in table.row_cells(header_row):
        m = _MONEY_UNIT_RE.search(fold_text(cell.text)) or _MONEY_UNIT_RE.search(cell.text)
        if m:
            return m.group(1)
    for cell in table.cells:
        unit = unit_scale_from_caption(cell.text)
        if unit:
            return unit
    return settings.default_money_unit


def table_has_label(table: Table, labels: set[str]) -> bool:
    return any(label_key(cell.text) in labels for cell in table.cells)


def table_has_block_header(table: Table, settings: PerformanceSettings) -> bool:
    return any(indicator_header_columns(table, r, settings) or funding_header_columns(table, r, settings)
               for r in range(table.n_rows))


def table_title(table: Table, doc: Document, position: int) -> str | None:
    for cell in table.cells:
        if any(mark in cell.text for mark in FORM_TITLE_MARKS) and len(cell.text) < 60:
            return cell.text.strip()
    for block in reversed(doc.blocks[max(0, position - 3):position]):
        if isinstance(block, Paragraph) and any(mark in block.text for mark in FORM_TITLE_MARKS):
            return block.text.strip()
    return None


# ---------------------------------------------------------------- grouping tables into forms

@dataclass
class FormGroup:
    """A run of form tables: one with 项目名称, then further forms and page-break continuations."""

    tables: list[Table]
    positions: list[int]


def blocks_to_form_groups(doc: Document, settings: PerformanceSettings) -> list[FormGroup]:
    groups: list[FormGroup] = []
    current: FormGroup | None = None
    for position, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            if current is not None and not is_furniture(block, settings):
                current = None
            continue
        starts_form = table_has_label(block, PROJECT_NAME_LABELS)
        if current is not None and (starts_form or table_continues_form(block, current.tables[-1], settings)):
            # A page break may cut a form anywhere, so the next table can open
            # with the end of one form and then start another (the seed's PDF,
            # page 19: 驻村第一书记经费's budget rows, then 法学会).
            current.tables.append(block)
            current.positions.append(position)
        elif starts_form:
            current = FormGroup([block], [position])
            groups.append(current)
        else:
            current = None
    return [g for g in groups if any(table_has_block_header(t, settings) for t in g.tables)]


def table_continues_form(table: Table, previous: Table, settings: PerformanceSettings) -> bool:
    """A page break split a form: the next table has no 项目名称 of its own but
    either the same grid width or the form's own blocks and closing labels."""
    if table.n_cols == previous.n_cols:
        return True
    closing = TOTAL_LABELS | CONCLUSION_LABELS | PROBLEMS_LABELS | IMPROVEMENTS_LABELS
    return table_has_block_header(table, settings) or table_has_label(table, closing)


# ---------------------------------------------------------------- walking a form

@dataclass
class _Level:
    text: str
    cell: Cell
    table: Table


@dataclass
class FormWalk:
    """State carried from row to row (and table to table) while reading one form."""

    settings: PerformanceSettings
    extraction: Extraction
    project: Project | None = None
    mode: str = ""  # "" | "funding" | "indicators"
    funding: BlockColumns | None = None
    money_unit: str = "万元"
    indicators: BlockColumns | None = None
    level1: _Level | None = None
    level2: _Level | None = None
    funding_total_read: bool = False
    skip_rows: set[tuple[int, int]] = field(default_factory=set)

    def finding(self, rule: str, severity: Severity, message: str, table: Table, cells: list[Cell]) -> None:
        evidence = [table.provenance(c) for c in cells if c.text.strip()] or [
            table.provenance(c) for c in cells[:1]]
        records: list[Record] = [self.project] if self.project is not None else []
        self.extraction.findings.append(Finding(rule, severity, message, records, evidence))


def recognize_performance(doc: Document, info: DocumentInfo,
                          settings: PerformanceSettings = DEFAULT_SETTINGS) -> Extraction:
    """Every 绩效自评表 in ``doc`` → Projects with funding rows and indicators."""
    extraction = Extraction(info=info)
    for group in blocks_to_form_groups(doc, settings):
        walk = FormWalk(settings, extraction, money_unit=settings.default_money_unit)
        for table, position in zip(group.tables, group.positions, strict=False):
            kind = "绩效自评表" if form_has_results(group, settings) else "绩效目标表"
            extraction.tables.append(RecognizedTable(kind, table.index, list(table.pages),
                                                     table_title(table, doc, position)))
            walk_table(walk, table)
    return extraction


def form_has_results(group: FormGroup, settings: PerformanceSettings) -> bool:
    """A form with 完成值/得分 columns is a self-evaluation; without, a target sheet."""
    for table in group.tables:
        for r in range(table.n_rows):
            columns = indicator_header_columns(table, r, settings)
            if columns and ("actual" in columns or "score" in columns):
                return True
            funding = funding_header_columns(table, r, settings)
            if funding and "executed" in funding:
                return True
    return False


def walk_table(walk: FormWalk, table: Table) -> None:
    for row in range(table.n_rows):
        if (table.index, row) in walk.skip_rows or row_is_empty(table, row):
            continue
        walk_row(walk, table, row)


def walk_row(walk: FormWalk, table: Table, row: int) -> None:
    keyed = row_keys(table, row)
    keys = {key for _, key in keyed}
    if keys & PROJECT_NAME_LABELS:
        start_project(walk, table, row, keyed)
        return
    if walk.mode == "indicators" and keys & TOTAL_LABELS:
        read_total_row(walk, table, row)
        walk.mode = ""
        return
    indicator_columns = indicator_header_columns(table, row, walk.settings)
    if indicator_columns:
        start_indicator_block(walk, table, row, indicator_columns)
        return
    funding_columns = funding_header_columns(table, row, walk.settings)
    if funding_columns:
        walk.mode, walk.funding = "funding", BlockColumns.from_header(table, row, funding_columns)
        walk.money_unit = table_money_unit(table, row, walk.settings)
        return
    if any(is_known_label(key) for key in keys):
        walk.mode = ""
        read_label_cells(walk, table, row, keyed)
        return
    if walk.mode == "funding":
        read_funding_row(walk, table, row)
    elif walk.mode == "indicators":
        read_indicator_row(walk, table, row)
    elif row_has_number(table, row):
        # Numbers outside any block: a row this walk does not understand (the
        # seed's PDF splits 合计's "100" into "10" and a second row "0").
        walk.finding("performance.unparsed_row", "warning",
                     "numbers outside the budget and indicator blocks", table, own_cells(table, row))


def row_has_number(table: Table, row: int) -> bool:
    for cell in table.row_cells(row):
        try:
            if parse_number(cell.text) is not None:
                return True
        except ValueError:
            continue
    return False


def start_project(walk: FormWalk, table: Table, row: int, keyed: list[tuple[Cell, str]]) -> None:
    label = next(cell for cell, key in keyed if key in PROJECT_NAME_LABELS)
    value = cell_right_of(table, row, label)
    walk.mode, walk.level1, walk.level2, walk.funding_total_read = "", None, None, False
    if value is None or not value.text.strip():
        walk.project = None
        walk.finding("performance.unparsed_row", "warning",
                     "绩效自评表 has a 项目名称 label without a project name", table, [label])
        return
    code, name = split_code_and_name(value.text)
    project = Project(name=name[0], provenance=table.provenance(value))
    project.field_provenance["name"] = table.provenance(value, start=name[1], end=name[2])
    if code is not None:
        project.code = code[0]
        project.field_provenance["code"] = table.provenance(value, start=code[1], end=code[2])
    walk.project = project
    walk.extraction.projects.append(project)
    read_label_cells(walk, table, row, [(c, k) for c, k in keyed if c is not label and c is not value])


def read_label_cells(walk: FormWalk, table: Table, row: int, keyed: list[tuple[Cell, str]]) -> None:
    """Label → value pairs of the project header and closing rows."""
    project = walk.project
    if project is None:
        cells = [cell for cell, _ in keyed]
        walk.finding("performance.unparsed_row", "warning",
                     "绩效自评表 row before any 项目名称", table, cells)
        return
    for cell, key in keyed:
        if key in GOAL_LABELS and "goal" not in project.field_provenance:
            read_goal(walk, project, table, row, cell)
            continue
        if key in PROJECT_CODE_LABELS and project.code is None:
            value = cell_right_of(table, row, cell)
            if value is not None and value.text.strip():
                project.code = value.text.strip()
                project.field_provenance["code"] = table.provenance(value)
            continue
        for field_name, labels in TEXT_FIELDS:
            if key in labels:
                set_text_field(project, field_name, table, cell_right_of(table, row, cell))


def read_goal(walk: FormWalk, project: Project, table: Table, row: int, label: Cell) -> None:
    """项目年度目标 heads a column (the goal is below it) or labels a row (to its right)."""
    below = cell_below(table, label)
    if below is not None and not is_known_label(label_key(below.text)):
        set_text_field(project, "goal", table, below)
        walk.skip_rows.add((table.index, below.row))
        return
    set_text_field(project, "goal", table, cell_right_of(table, row, label))


def set_text_field(project: Project, field_name: str, table: Table, cell: Cell | None) -> None:
    if cell is None or is_no_value(cell.text) or is_known_label(label_key(cell.text)):
        return
    if field_name in INSTRUCTION_FIELDS and is_form_instruction(cell.text):
        return
    setattr(project, field_name, cell.text.strip())
    project.field_provenance[field_name] = table.provenance(cell)


# ---------------------------------------------------------------- the budget block

def read_funding_row(walk: FormWalk, table: Table, row: int) -> None:
    columns = walk.funding.for_row(table, row) if walk.funding else None
    if walk.project is None or columns is None:
        walk.finding("performance.unparsed_row", "warning",
                     "budget row whose columns or project cannot be determined",
                     table, own_cells(table, row))
        return
    label = table.cell_at(row, columns["label"])
    own_values = {name: cell for name, col in columns.items() if name not in ("label", "reason")
                  for cell in [table.cell_at(row, col)] if cell is not None and cell is not label}
    if label is None or label.row != row or not label.text.strip():
        if any(cell.row == row and cell.text.strip() for cell in own_values.values()):
            walk.finding("performance.unparsed_row", "warning",
                         "budget row without a funding source label", table, own_cells(table, row))
        walk.mode = ""
        return
    funding = FundingRow(source=label.text.strip(), budget_initial=None, budget_adjusted=None,
                         executed=None, execution_rate=None)
    funding.field_provenance["source"] = table.provenance(label)
    parsed = {name: parse_cell(walk, table, cell, name) for name, cell in own_values.items()}
    for name, value in parsed.items():
        if value is not None and hasattr(funding, name):
            setattr(funding, name, value)
            funding.field_provenance[name] = table.provenance(own_values[name])
    walk.project.funding.append(funding)
    if not walk.funding_total_read and is_funding_total(walk.project, funding):
        walk.funding_total_read = True
        apply_funding_total(walk.project, funding, parsed, own_values, table)


def parse_cell(walk: FormWalk, table: Table, cell: Cell, name: str) -> Decimal | None:
    try:
        if name == "execution_rate":
            return text_to_percent(cell.text)
        if name in ("weight", "score"):
            return parse_number(cell.text)
        return text_to_amount(cell.text, walk.money_unit)
    except ValueError as exc:
        walk.finding("performance.unparsed_value", "warning",
                     f"{name} is not a number: {exc}", table, [cell])
        return None


def is_funding_total(project: Project, funding: FundingRow) -> bool:
    key = label_key(funding.source)
    if any(mark in key for mark in FUNDING_TOTAL_MARKS):
        return True
    # Forms without a 总额 label lead with the total; 其中 rows are its parts.
    return len(project.funding) == 1 and not key.startswith("其中")


def apply_funding_total(project: Project, funding: FundingRow, parsed: dict[str, Decimal | None],
                        cells: dict[str, Cell], table: Table) -> None:
    for name in ("budget_initial", "budget_adjusted", "executed", "execution_rate"):
        if getattr(funding, name) is not None:
            setattr(project, name, getattr(funding, name))
            project.field_provenance[name] = funding.field_provenance[name]
    for name, target in (("weight", "execution_weight"), ("score", "execution_score")):
        if parsed.get(name) is not None:
            setattr(project, target, parsed[name])
            project.field_provenance[target] = table.provenance(cells[name])


# ---------------------------------------------------------------- the indicator block

def start_indicator_block(walk: FormWalk, table: Table, row: int, columns: dict[str, int]) -> None:
    if second_header_row(table, row, walk.settings):
        walk.skip_rows.add((table.index, row + 1))
    walk.mode, walk.indicators = "indicators", BlockColumns.from_header(table, row, columns)
    walk.level1 = walk.level2 = None


def read_indicator_row(walk: FormWalk, table: Table, row: int) -> None:
    columns = walk.indicators.for_row(table, row) if walk.indicators else None
    if columns is None or walk.project is None:
        walk.finding("performance.unparsed_row", "warning",
                     "indicator row whose columns or project cannot be determined",
                     table, own_cells(table, row))
        return
    name_cell = table.cell_at(row, columns["name"])
    value_cells = [table.cell_at(row, col) for f, col in columns.items()
                   if f not in ("name", "level1", "level2")]
    has_values = any(c is not None and c.row == row and c.text.strip() for c in value_cells)
    if name_cell is None or not name_cell.text.strip():
        if has_values:
            walk.finding("performance.unparsed_row", "warning",
                         "indicator row without a 三级指标 name", table, own_cells(table, row))
        return
    level1, level2 = fill_down_levels(walk, table, row, columns)
    indicator = Indicator(name=name_cell.text.strip(), level1_raw=level1.text if level1 else None,
                          level2_raw=level2.text if level2 else None,
                          provenance=table.provenance(name_cell))
    indicator.field_provenance["name"] = indicator.provenance
    if level1:
        indicator.field_provenance["level1_raw"] = level1.table.provenance(level1.cell)
    if level2:
        indicator.field_provenance["level2_raw"] = level2.table.provenance(level2.cell)
    read_indicator_values(walk, table, row, indicator, columns)
    walk.project.indicators.append(indicator)


def fill_down_levels(walk: FormWalk, table: Table, row: int,
                     columns: dict[str, int]) -> tuple[_Level | None, _Level | None]:
    """一级/二级 come from the spanning cell (vertical merge) or, where older
    forms leave the cells under a level blank instead of merging, from the
    last level written above. A new 一级 ends the 二级 above it."""
    for name in ("level1", "level2"):
        if name not in columns:
            continue
        cell = table.cell_at(row, columns[name])
        if cell is None or not cell.text.strip():
            continue
        level = _Level(cell.text.strip(), cell, table)
        if name == "level1":
            if walk.level1 is None or walk.level1.cell is not cell and walk.level1.text != level.text:
                walk.level2 = None
            walk.level1 = level
        else:
            walk.level2 = level
    return walk.level1, walk.level2


def read_indicator_values(walk: FormWalk, table: Table, row: int, indicator: Indicator,
                          columns: dict[str, int]) -> None:
    cells = {name: table.cell_at(row, col) for name, col in columns.items()
             if name not in ("name", "level1", "level2")}
    for name in ("target", "unit", "actual", "shortfall_reason"):
        cell = cells.get(name)
        if cell is not None and not is_no_value(cell.text) and not is_form_instruction(cell.text):
            setattr(indicator, name, cell.text.strip())
            indicator.field_provenance[name] = table.provenance(cell)
    for name in ("weight", "score"):
        cell = cells.get(name)
        if cell is not None:
            value = parse_cell(walk, table, cell, name)
            if value is not None:
                setattr(indicator, name, value)
                indicator.field_provenance[name] = table.provenance(cell)
    read_operator(walk, table, indicator, cells.get("operator"), cells.get("target"),
                  has_unit_column="unit" in columns)


def read_operator(walk: FormWalk, table: Table, indicator: Indicator, operator_cell: Cell | None,
                  target_cell: Cell | None, has_unit_column: bool) -> None:
    if operator_cell is not None and operator_cell.text.strip():
        operator = text_to_operator(operator_cell.text)
        if operator is not None:
            indicator.operator = operator
            indicator.field_provenance["operator"] = table.provenance(operator_cell)
            return
    if target_cell is None or indicator.target is None:
        return
    # Provinces without a 指标性质 column write the comparison into the value: ≥95%.
    leading = split_leading_operator(target_cell.text)
    if leading is None:
        return
    operator, start = leading
    end = len(target_cell.text.rstrip())
    indicator.operator = operator
    indicator.field_provenance["operator"] = table.provenance(target_cell, start=0, end=start)
    indicator.target = target_cell.text[start:end]
    indicator.field_provenance["target"] = table.provenance(target_cell, start=start, end=end)
    if not has_unit_column:
        split_target_unit(table, indicator, target_cell, start, end)


def split_target_unit(table: Table, indicator: Indicator, cell: Cell, start: int, end: int) -> None:
    """Without a 度量单位 column, ``95%`` holds both the value and its unit."""
    m = _NUMBER_UNIT_RE.match(unicodedata.normalize("NFKC", cell.text[start:end]))
    if not m or len(unicodedata.normalize("NFKC", cell.text[start:end])) != end - start:
        return
    unit_start = start + m.start(2)
    indicator.target = cell.text[start:start + m.end(1)]
    indicator.field_provenance["target"] = table.provenance(cell, start=start, end=start + m.end(1))
    indicator.unit = cell.text[unit_start:end]
    indicator.field_provenance["unit"] = table.provenance(cell, start=unit_start, end=end)


def read_total_row(walk: FormWalk, table: Table, row: int) -> None:
    """合计 → the project's total score: the 得分 column's value, when stated."""
    project = walk.project
    columns = walk.indicators.for_row(table, row) if walk.indicators else None
    if project is None or columns is None or "score" not in columns:
        return
    label = next(cell for cell in table.row_cells(row) if label_key(cell.text) in TOTAL_LABELS)
    cell = table.cell_at(row, columns["score"])
    if cell is None or cell is label:
        return
    value = parse_cell(walk, table, cell, "score")
    if value is not None:
        project.total_score = value
        project.field_provenance["total_score"] = table.provenance(cell)
