"""绩效自评表 and 绩效目标表 (project performance forms) → projects + indicators.

A form is found by what it contains, not by its title or its place in the
document: a ``项目名称`` (or ``专项名称``, ``部门（单位）名称``) label next to its
value, plus a budget block (``年初预算 … 执行数 … 执行率``, or the target forms'
``资金金额（万元）`` label/amount pairs) or an indicator block (``三级指标`` or
``指标名称`` with its sibling columns). Columns are located by their header's
meaning, so the Sichuan layout of the seed (指标性质 | 指标值 | 度量单位 | 完成值 |
权重 | 得分), other provinces' variants (no 指标性质 and ``≥95%`` in 指标值;
年度指标值, 实际完成值, 指标分值, 自评得分) and the target forms (指标内容 | 指标值 |
分值权重; 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重) read the same way.

Layouts read (the corpus pages that showed them are cited where they matter):

- one form per project, label rows then blocks (the seed; 西安 2019-2026 部门预算
  绩效目标表; 宁德 2024 部门整体绩效自评表);
- a department's whole spending (部门整体): its unit name as the project, a
  ``年度主要任务`` block whose 合计 row gives the budget by source;
- a form without any name label, named by a paragraph above it
  (``单位名称：…``) or, for a 部门整体 form, by the document's organization
  (重庆 2026 部门整体绩效目标表);
- a list: one header row holding both ``项目名称`` and the indicator columns,
  each project spanning several indicator rows (重庆 2026 一般性项目绩效目标表).

A form is walked row by row as a small state machine (project header →
budget block → indicator block → 合计 → conclusions). A form that a page
break split into two tables is walked across both: the second table has no
``项目名称`` and continues the first one's blocks. Every row inside a budget
or indicator block either becomes a record or a ``performance.unparsed_row``
finding — nothing is dropped silently. A form with 完成值/得分 columns gives
``self_evaluation`` projects, one without gives ``performance_targets``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import TypeGuard

from disclosures.extractors.recognizers.performance_layout import (
    CONCLUSION_LABELS,
    DEFAULT_SETTINGS,
    DEPARTMENT_LABELS,
    DIGITS_RE,
    FUNDING_TOTAL_MARKS,
    GOAL_LABELS,
    IMPROVEMENTS_LABELS,
    INSTRUCTION_FIELDS,
    MONEY_GROUP_RE,
    NUMBER_UNIT_RE,
    PROBLEMS_LABELS,
    PROJECT_CODE_LABELS,
    PROJECT_NAME_LABELS,
    TEXT_FIELDS,
    TOTAL_LABELS,
    TOTAL_RE,
    UNIT_NAME_LABELS,
    YEAR_TOTAL_RE,
    BlockColumns,
    Caption,
    PerformanceSettings,
    amount_text_unit,
    cell_below,
    cell_right_of,
    declared_unit,
    fold_text,
    funding_header_columns,
    indicator_header_columns,
    inline_name,
    is_form_instruction,
    is_furniture,
    is_header_word,
    is_known_label,
    is_no_value,
    is_total_key,
    label_key,
    list_header_columns,
    own_cells,
    row_has_number,
    row_keys,
    second_header_row,
    source_header_columns,
    split_code_and_name,
    split_leading_operator,
    table_caption,
    table_has_block_header,
    table_has_indicator_header,
    table_has_label,
    table_money_unit,
    table_names_itself,
    table_title,
    text_to_operator,
)
from disclosures.model.layout import Cell, Document, Paragraph, Table
from disclosures.model.numbers import parse_number, text_to_amount, text_to_percent
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
from disclosures.model.vocabulary import ProjectScope, ProjectSource, Severity

# ---------------------------------------------------------------- grouping tables into forms

@dataclass
class FormGroup:
    """A run of form tables: one that starts a form, then further forms and page-break continuations."""

    tables: list[Table]
    positions: list[int]


def table_starts_form(table: Table, doc: Document, position: int, settings: PerformanceSettings) -> bool:
    """A name label, or a titled indicator table without one (重庆 2026 p.22: the
    部门整体绩效目标表 names its unit in a line above the table)."""
    if table_names_itself(table):
        return True
    return table_has_indicator_header(table, settings) and table_title(table, doc, position, settings) is not None


def blocks_to_form_groups(doc: Document, settings: PerformanceSettings) -> list[FormGroup]:
    groups: list[FormGroup] = []
    current: FormGroup | None = None
    for position, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            if current is not None and not is_furniture(block, settings):
                current = None
            continue
        starts_form = table_starts_form(block, doc, position, settings)
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
    the same grid width, the form's own blocks and closing labels, or no label
    at all (indicator rows only, on a grid the reader cut differently)."""
    if table.n_cols == previous.n_cols:
        return True
    closing = TOTAL_LABELS | CONCLUSION_LABELS | PROBLEMS_LABELS | IMPROVEMENTS_LABELS
    return (table_has_block_header(table, settings) or table_has_label(table, closing)
            or not any(is_known_label(label_key(cell.text)) for cell in table.cells))


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
    source: ProjectSource = "self_evaluation"
    project: Project | None = None
    project_table: int | None = None  # the table whose label started the project
    mode: str = ""  # "" | "funding" | "indicators" | "money" | "sources" | "list"
    funding: BlockColumns | None = None
    money_unit: str | None = "万元"  # None: the form states no unit for its amounts
    indicators: BlockColumns | None = None
    level1: _Level | None = None
    level2: _Level | None = None
    funding_total_read: bool = False
    budget_rank: int = 0  # how sure the amount in budget_initial is the year's total
    sources: dict[str, Cell] | None = None
    list_columns: dict[str, int] | None = None
    list_cell: Cell | None = None
    caption: Caption = field(default_factory=Caption)
    # a form whose name is left empty: its template rows (指标1：, ……) are no findings
    blank: bool = False
    seen: set[int] = field(default_factory=set)  # ids of label cells already read
    skip_rows: set[tuple[int, int]] = field(default_factory=set)

    def finding(self, rule: str, severity: Severity, message: str, table: Table,
                cells: list[Cell]) -> None:
        """A finding with the cells' text as evidence (an empty cell is no evidence:
        the table's pages say where instead)."""
        evidence = [table.provenance(c) for c in cells if c.text.strip()]
        records: list[Record] = [self.project] if self.project is not None else []
        pages = [] if evidence else [p for p in table.pages if p]
        self.extraction.findings.append(Finding(rule, severity, message, records, evidence, pages))


def recognize_performance(doc: Document, info: DocumentInfo,
                          settings: PerformanceSettings = DEFAULT_SETTINGS) -> Extraction:
    """Every 绩效自评表 and 绩效目标表 in ``doc`` → Projects with funding rows and indicators."""
    extraction = Extraction(info=info)
    for group in blocks_to_form_groups(doc, settings):
        has_results = form_has_results(group, settings)
        walk = FormWalk(settings, extraction, money_unit=settings.default_money_unit,
                        source="self_evaluation" if has_results else "performance_targets")
        for table, position in zip(group.tables, group.positions, strict=True):
            extraction.tables.append(RecognizedTable("绩效自评表" if has_results else "绩效目标表",
                                                     table.index, list(table.pages),
                                                     table_title(table, doc, position, settings)))
            walk.caption = table_caption(table, doc, position, settings)
            if table_starts_form(table, doc, position, settings) and not table_names_itself(table):
                start_captioned_project(walk, table, info)
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
        if (table.index, row) in walk.skip_rows or not any(c.text.strip() for c in own_cells(table, row)):
            # a row with no text of its own only continues cells merged from above
            continue
        walk_row(walk, table, row)


def walk_row(walk: FormWalk, table: Table, row: int) -> None:
    keyed = row_keys(table, row)
    keys = {key for _, key in keyed}
    if keys & PROJECT_NAME_LABELS:
        list_columns = list_header_columns(table, row, walk.settings)
        if list_columns:
            start_list_block(walk, table, row, list_columns)
        else:
            start_project(walk, table, row, keyed)
        return
    if keys & UNIT_NAME_LABELS and walk.project_table != table.index:
        start_project(walk, table, row, keyed, labels=UNIT_NAME_LABELS)
        return
    inline = next(((cell, found) for cell, _ in keyed if (found := inline_name(cell))), None)
    if inline is not None:
        start_inline_project(walk, table, *inline)
        return
    if walk.mode == "indicators" and any(is_total_key(key) for key in keys):
        read_total_row(walk, table, row)
        walk.mode = ""
        return
    if read_block_header(walk, table, row):
        return
    if any(is_known_label(key) for key in keys):
        walk.mode = ""
        read_label_cells(walk, table, row, keyed)
        return
    if walk.mode in ROW_READERS:
        ROW_READERS[walk.mode](walk, table, row)
    elif not read_money_row(walk, table, row) and row_has_number(table, row):
        # Numbers outside any block: a row this walk does not understand (the
        # seed's PDF splits 合计's "100" into "10" and a second row "0").
        walk.finding("performance.unparsed_row", "warning",
                     "numbers outside the budget and indicator blocks", table, own_cells(table, row))


def read_block_header(walk: FormWalk, table: Table, row: int) -> bool:
    """Start the block whose header ``row`` is, if it is one."""
    indicator_columns = indicator_header_columns(table, row, walk.settings)
    if indicator_columns:
        start_indicator_block(walk, table, row, indicator_columns)
        return True
    funding_columns = funding_header_columns(table, row, walk.settings)
    if funding_columns:
        walk.mode, walk.funding = "funding", BlockColumns.from_header(table, row, funding_columns)
        walk.money_unit = table_money_unit(table, row, walk.settings)
        return True
    sources = source_header_columns(table, row)
    if sources and walk.mode != "funding":
        walk.mode, walk.sources = "sources", sources
        above = table.row_cells(row - 1) if row > 0 else []
        walk.money_unit = declared_unit(above + table.row_cells(row)) or walk.caption.unit
        return True
    return False


# ---------------------------------------------------------------- projects and their labels

def new_project(walk: FormWalk, table: Table, cell: Cell, scope: ProjectScope) -> Project:
    """A project named by ``cell`` (its code split off when it leads the name)."""
    code, name = split_code_and_name(cell.text)
    project = Project(name=name[0], provenance=table.provenance(cell), source=walk.source, scope=scope)
    project.field_provenance["name"] = table.provenance(cell, start=name[1], end=name[2])
    if code is not None:
        project.code = code[0]
        project.field_provenance["code"] = table.provenance(cell, start=code[1], end=code[2])
    return project


def begin(walk: FormWalk, project: Project | None, table_index: int | None) -> None:
    """Start reading ``project`` (None: a form without a usable name) from a clean state."""
    walk.mode, walk.level1, walk.level2, walk.funding_total_read = "", None, None, False
    walk.budget_rank, walk.project, walk.project_table, walk.blank = 0, project, table_index, False
    if project is not None:
        walk.extraction.projects.append(project)


def start_project(walk: FormWalk, table: Table, row: int, keyed: list[tuple[Cell, str]],
                  labels: set[str] = PROJECT_NAME_LABELS) -> None:
    label = next(cell for cell, key in keyed if key in labels)
    value = cell_right_of(table, row, label)
    if value is None or not value.text.strip() or is_header_word(label_key(value.text)):
        begin(walk, None, table.index)
        blank = value is None or not value.text.strip()
        # a blank form (重庆 2026 p.23: 此表无数据) is said once; its empty rows are not findings
        walk.blank = blank
        walk.finding("performance.blank_form" if blank else "performance.unparsed_row",
                     "info" if blank else "warning",
                     f"绩效表 has a {label.text.strip()} label without a name", table, [label])
        return
    scope: ProjectScope = ("department" if labels is UNIT_NAME_LABELS or walk.caption.department_form
                           else "project")
    begin(walk, new_project(walk, table, value, scope), table.index)
    read_label_cells(walk, table, row, [(c, k) for c, k in keyed if c is not label and c is not value])


def start_inline_project(walk: FormWalk, table: Table, cell: Cell, found: tuple[str, int, int]) -> None:
    key, start, end = found
    scope: ProjectScope = ("department" if key in UNIT_NAME_LABELS or walk.caption.department_form
                           else "project")
    project = Project(name=cell.text[start:end], provenance=table.provenance(cell, start=start, end=end),
                      source=walk.source, scope=scope)
    project.field_provenance["name"] = project.provenance
    begin(walk, project, table.index)


def start_captioned_project(walk: FormWalk, table: Table, info: DocumentInfo) -> None:
    """A form table without a name label: named by the line above it (单位名称：…),
    or, for a 部门整体 form, by the document's organization."""
    caption = walk.caption
    named: tuple[tuple[set[str], ProjectScope], ...] = (
        (PROJECT_NAME_LABELS, "project"), (UNIT_NAME_LABELS, "department"))
    for labels, scope in named:
        found = next((caption.names[k] for k in labels if k in caption.names), None)
        if found is not None:
            project = Project(name=found[0], provenance=found[1], source=walk.source, scope=scope)
            begin(walk, project, table.index)
            return
    organization = info.provenance.get("organization")
    if caption.department_form and info.organization and organization is not None:
        begin(walk, Project(name=info.organization, provenance=organization, source=walk.source,
                            scope="department"), table.index)
        return
    begin(walk, None, table.index)
    walk.finding("performance.unparsed_row", "warning",
                 f"{caption.title or '绩效表'} names no project or unit", table, table.row_cells(0))


def read_label_cells(walk: FormWalk, table: Table, row: int, keyed: list[tuple[Cell, str]]) -> None:
    """Label → value pairs of the project header and closing rows."""
    project = walk.project
    if project is None:
        if not walk.blank or row_has_number(table, row):
            walk.finding("performance.unparsed_row", "warning",
                         "绩效表 row before any 项目名称", table, [cell for cell, _ in keyed])
        return
    read_goal(walk, table, row, [cell for cell, key in keyed if key in GOAL_LABELS])
    for cell, key in keyed:
        if key in PROJECT_CODE_LABELS and project.code is None:
            value = cell_right_of(table, row, cell)
            if value is not None and value.text.strip():
                project.code = value.text.strip()
                project.field_provenance["code"] = table.provenance(value)
            continue
        for field_name, labels in TEXT_FIELDS:
            if key in labels:
                set_text_field(project, field_name, table, cell_right_of(table, row, cell))


def is_answer(cell: Cell | None) -> TypeGuard[Cell]:
    """A cell holding text that answers a label, not another label."""
    if cell is None or is_no_value(cell.text):
        return False
    key = label_key(cell.text)
    return bool(key) and not is_known_label(key) and not key.endswith("指标")


def read_goal(walk: FormWalk, table: Table, row: int, labels: list[Cell]) -> None:
    """项目年度目标 labels a row (the goal to its right) or heads a column (the goal
    below it); where a row holds several goal labels (总体目标 | 实施期总目标 | 年度目标,
    西安 2021 民政局 p.83), the year's is taken."""
    if walk.project is None or "goal" in walk.project.field_provenance:
        return
    ordered = sorted(labels, key=lambda c: not any(w in label_key(c.text) for w in ("年度", "当年")))
    for label in ordered:
        right = cell_right_of(table, row, label)
        if is_answer(right) and right.row == row:
            set_text_field(walk.project, "goal", table, right)
            return
        below = cell_below(table, label)
        if is_answer(below):
            set_text_field(walk.project, "goal", table, below)
            walk.skip_rows.add((table.index, below.row))
            return


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
    if walk.project is None or columns is None or "label" not in columns:
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
        return text_to_amount(cell.text, walk.money_unit or "万元")
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


# ---------------------------------------------------------------- a target form's amounts

def cell_amount(cell: Cell) -> Decimal | None:
    """The number an amount cell prints, in its printed unit (not yet scaled); None
    when the cell holds no number."""
    text = fold_text(cell.text)
    unit = amount_text_unit(text)
    try:
        return parse_number(text[: -len(unit)] if unit else text)
    except ValueError:
        return None


def money_pairs(walk: FormWalk, table: Table, row: int) -> list[tuple[Cell, Cell]]:
    """``label | amount`` pairs of a row (实施期资金总额： | 50.00; 其他资金 | (blank)),
    each pair once although merged cells repeat on the rows they span."""
    cells = table.row_cells(row)
    pairs = []
    for label, value in pairwise(cells):
        key = label_key(label.text)
        if not key or id(label) in walk.seen or cell_amount(label) is not None or is_known_label(key):
            continue
        if cell_amount(value) is not None or is_no_value(value.text):
            pairs.append((label, value))
    return pairs


def read_money_row(walk: FormWalk, table: Table, row: int) -> bool:
    """The budget of a target form: the pairs of a row under a 资金金额（万元） or
    当年预算 label (重庆 2026 p.31: 当年预算 | 12,700.00 | 补助区县 | 12,700.00), and of
    the rows after it, become funding rows; False when ``row`` is no such row."""
    first = table.row_cells(row)[0]
    pairs = money_pairs(walk, table, row)
    opens = bool(MONEY_GROUP_RE.search(label_key(first.text))) and any(
        cell_amount(value) is not None for _, value in pairs)
    if walk.project is None or not pairs or not (opens or walk.mode == "money"):
        if walk.mode == "money":
            walk.mode = ""
        return False
    if walk.mode != "money":
        # the label may be split over the rows it heads: 资金金额 / （万元） (西安 2022 气象局 p.31)
        heads = [cells[0] for r in range(row, min(row + 3, table.n_rows)) if (cells := table.row_cells(r))]
        walk.mode, walk.money_unit = "money", declared_unit(heads) or walk.caption.unit
    for label, value in pairs:
        walk.seen.add(id(label))
        add_money_pair(walk, table, label, value)
    return True


def amount_of(walk: FormWalk, table: Table, cell: Cell) -> Decimal | None:
    """An amount cell in yuan, by its own unit, else the block's; a figure printed
    with no unit anywhere is a finding, not a guess."""
    if is_no_value(cell.text):
        return None
    unit = amount_text_unit(cell.text) or walk.money_unit
    if unit is None:
        walk.finding("performance.unparsed_value", "warning",
                     "amount printed without a unit (no 万元 in the form or above it)", table, [cell])
        return None
    try:
        return text_to_amount(cell.text, unit)
    except ValueError as exc:
        walk.finding("performance.unparsed_value", "warning", f"amount is not a number: {exc}",
                     table, [cell])
        return None


def add_money_pair(walk: FormWalk, table: Table, label: Cell, value: Cell) -> None:
    project = walk.project
    if project is None:
        return
    funding = FundingRow(source=label.text.strip().rstrip(":："), budget_initial=None,
                         budget_adjusted=None, executed=None, execution_rate=None)
    funding.field_provenance["source"] = table.provenance(label)
    amount = amount_of(walk, table, value)
    if amount is not None:
        funding.budget_initial = amount
        funding.field_provenance["budget_initial"] = table.provenance(value)
    project.funding.append(funding)
    key = label_key(label.text)
    rank = 2 if YEAR_TOTAL_RE.search(key) else 1 if TOTAL_RE.search(key) else 0
    if amount is not None and rank > walk.budget_rank:
        walk.budget_rank = rank
        project.budget_initial = amount
        project.field_provenance["budget_initial"] = table.provenance(value)


def read_source_row(walk: FormWalk, table: Table, row: int) -> None:
    """A 年度主要任务 row: the tasks are read past; the 金额合计 row gives the
    project's budget by source (总额, 财政拨款, 其他资金)."""
    keys = [label_key(cell.text) for cell in own_cells(table, row)]
    if walk.project is None or walk.sources is None or not any(TOTAL_RE.search(key) for key in keys):
        return
    for header in walk.sources.values():
        value = table.cell_at(row, header.col)
        if value is None or value.row != row:
            continue
        funding = FundingRow(source=header.text.strip(), budget_initial=None, budget_adjusted=None,
                             executed=None, execution_rate=None)
        funding.field_provenance["source"] = table.provenance(header)
        amount = amount_of(walk, table, value)
        if amount is not None:
            funding.budget_initial = amount
            funding.field_provenance["budget_initial"] = table.provenance(value)
            if walk.budget_rank < 1:
                walk.budget_rank = 1
                walk.project.budget_initial = amount
                walk.project.field_provenance["budget_initial"] = table.provenance(value)
        walk.project.funding.append(funding)
    walk.mode = ""


# ---------------------------------------------------------------- the list layout

def start_list_block(walk: FormWalk, table: Table, row: int, columns: dict[str, int]) -> None:
    indicator_columns = indicator_header_columns(table, row, walk.settings) or {}
    header = {name: col for name, col in indicator_columns.items() if col not in columns.values()}
    start_indicator_block(walk, table, row, header)
    walk.mode, walk.list_columns, walk.list_cell = "list", columns, None
    walk.money_unit = declared_unit(table.row_cells(row)) or walk.caption.unit


def read_list_row(walk: FormWalk, table: Table, row: int) -> None:
    """A row of the list: a new 项目名称 cell starts a project (its amount and goal
    beside it), the rest of the row is one of its indicators."""
    if walk.indicators is None:
        return
    same_grid = table is walk.indicators.table or table.n_cols == walk.indicators.table.n_cols
    columns = walk.list_columns if same_grid else None
    cell = table.cell_at(row, columns["project"]) if columns else None
    if columns and cell is not None and cell.text.strip() and cell is not walk.list_cell:
        walk.list_cell = cell
        begin(walk, new_project(walk, table, cell, "project"), None)
        walk.mode = "list"
        read_list_fields(walk, table, row, columns)
    read_indicator_row(walk, table, row)


def read_list_fields(walk: FormWalk, table: Table, row: int, columns: dict[str, int]) -> None:
    project = walk.project
    if project is None:
        return
    for name in ("goal", "department", "code"):
        cell = table.cell_at(row, columns[name]) if name in columns else None
        if cell is not None and cell.text.strip() and getattr(project, name) is None:
            set_text_field(project, name, table, cell)
    department = walk.caption.names.get(next((k for k in DEPARTMENT_LABELS if k in walk.caption.names), ""))
    if project.department is None and department is not None:
        project.department, project.field_provenance["department"] = department
    cell = table.cell_at(row, columns["amount"]) if "amount" in columns else None
    amount = amount_of(walk, table, cell) if cell is not None else None
    if amount is not None and cell is not None:
        project.budget_initial = amount
        project.field_provenance["budget_initial"] = table.provenance(cell)


# ---------------------------------------------------------------- the indicator block

def start_indicator_block(walk: FormWalk, table: Table, row: int, columns: dict[str, int]) -> None:
    if second_header_row(table, row, walk.settings):
        walk.skip_rows.add((table.index, row + 1))
    walk.mode, walk.indicators = "indicators", BlockColumns.from_header(table, row, columns)
    walk.level1 = walk.level2 = None


def read_indicator_row(walk: FormWalk, table: Table, row: int) -> None:
    columns = walk.indicators.for_row(table, row) if walk.indicators else None
    if columns is None or walk.project is None:
        # the level labels of a blank form (its name left empty) are not a row to report
        filled = columns is None or any(
            (cell := table.cell_at(row, col)) is not None and cell.row == row and cell.text.strip()
            for name, col in columns.items() if name not in ("level1", "level2"))
        if filled and (not walk.blank or row_has_number(table, row)):
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
    last level written above. A new 一级 ends the 二级 above it. A level the
    row has no cell for although the block has the column (the reader cut
    it off), or a new merged cell whose text the reader lost, is unknown."""
    block = walk.indicators.columns if walk.indicators is not None else {}
    for name in ("level1", "level2"):
        if name not in block:
            continue
        cell = table.cell_at(row, columns[name]) if name in columns else None
        if name not in columns or is_lost_level(walk, name, cell, row):
            setattr(walk, name, None)
            if name == "level1":
                walk.level2 = None
            continue
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


def is_lost_level(walk: FormWalk, name: str, cell: Cell | None, row: int) -> bool:
    """An empty level cell merged down from this row: a level printed vertically
    whose text the reader did not keep (西安 2026 信访局 p.33: 效益指标)."""
    return (cell is not None and not cell.text.strip() and cell.rowspan > 1 and cell.row == row)


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
    # A cell with several targets (≥98%；≥95%, 西安 2026 信访局 p.40) stays as printed.
    if len(DIGITS_RE.findall(fold_text(target_cell.text))) > 1:
        return
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
    """Without a 度量单位 column, ``95%`` holds both the value and its unit; ``1200``
    holds only the value (its last digit is not a unit: issue 12's 120 for ≤1200)."""
    m = NUMBER_UNIT_RE.match(unicodedata.normalize("NFKC", cell.text[start:end]))
    if not m or len(unicodedata.normalize("NFKC", cell.text[start:end])) != end - start:
        return
    indicator.target = cell.text[start:start + m.end(1)]
    indicator.field_provenance["target"] = table.provenance(cell, start=start, end=start + m.end(1))
    if m.group(2) is None:
        return
    unit_start = start + m.start(2)
    indicator.unit = cell.text[unit_start:end]
    indicator.field_provenance["unit"] = table.provenance(cell, start=unit_start, end=end)


def read_total_row(walk: FormWalk, table: Table, row: int) -> None:
    """合计 → the project's total score: the 得分 column's value, when stated."""
    project = walk.project
    columns = walk.indicators.for_row(table, row) if walk.indicators else None
    if project is None or columns is None or "score" not in columns:
        return
    label = next(cell for cell in table.row_cells(row) if is_total_key(label_key(cell.text)))
    cell = table.cell_at(row, columns["score"])
    if cell is None or cell is label:
        return
    value = parse_cell(walk, table, cell, "score")
    if value is not None:
        project.total_score = value
        project.field_provenance["total_score"] = table.provenance(cell)


ROW_READERS = {
    "funding": read_funding_row,
    "indicators": read_indicator_row,
    "sources": read_source_row,
    "list": read_list_row,
}
