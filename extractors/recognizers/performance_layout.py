"""The vocabulary and the table reading of 绩效 forms (绩效自评表, 绩效目标表).

What ``performance`` walks a form with: the labels forms print (项目名称,
年度目标, 合计 …), the header words that locate a block's columns (三级指标 |
指标值 | 权重 …; 年初预算 | 执行数 | 执行率; 项目名称 beside 指标名称 in a list),
and small readers of cells, rows and the lines above a table. Nothing here
keeps state from row to row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from disclosures.model.layout import Cell, Document, Paragraph, Provenance, Table
from disclosures.model.numbers import (
    UNIT_FACTORS,
    parse_number,
    unit_scale_from_caption,
)


@dataclass(frozen=True)
class PerformanceSettings:
    # The seed's budget header says 年度预算数（万元）; self-evaluation forms that
    # state no unit are, in every province seen, filled in 万元.
    default_money_unit: str = "万元"
    # Paragraphs allowed between a form table and its continuation after a
    # page break: blank lines and page numbers ("- 12 -", "第3页") only.
    max_furniture_chars: int = 12
    # An indicator header must map the 三级指标 column and at least this many others.
    min_indicator_columns: int = 3
    # Header labels are short (未完成原因分析, 偏差原因分析及改进措施); longer cells are answers.
    max_header_label_chars: int = 16
    # Blocks before a table searched for its title, a 单位名称：… line and a 单位：万元 caption.
    max_caption_blocks: int = 4
    # A vertical label the reader left outside the table comes out as short
    # paragraphs (产 / 出 / 指 / 标, 可持续影响; 西安 2020 人社局 pp.50-55).
    max_fragment_chars: int = 8


DEFAULT_SETTINGS = PerformanceSettings()

# --- label vocabulary (compared after ``label_key``: folded, no spaces, no (…)) ---

PROJECT_NAME_LABELS = {"项目名称", "专项名称"}
# 部门（单位）名称 names the unit: a form it opens is about the unit's whole spending
UNIT_NAME_LABELS = {"部门名称", "单位名称"}
PROJECT_CODE_LABELS = {"项目编码", "项目代码", "项目编号"}
DEPARTMENT_LABELS = {"主管部门", "主管单位", "主管部门及代码", "资金主管部门"}
IMPLEMENTER_LABELS = {"实施单位", "项目实施单位", "实施单位及代码"}
GOAL_LABELS = {"项目年度目标", "年度目标", "年度绩效目标", "项目年度绩效目标", "预期目标",
               "年度总体目标", "总体目标", "当年绩效目标", "当年整体绩效目标", "整体绩效目标",
               "年度整体绩效目标", "绩效目标", "实施期总目标", "实施期目标", "年度总目标"}
CONCLUSION_LABELS = {"评价结论", "自评结论", "绩效自评结论", "总体评价", "总体评价结论"}
PROBLEMS_LABELS = {"存在问题", "存在的问题", "主要问题", "存在的主要问题"}
IMPROVEMENTS_LABELS = {"改进措施", "改进建议", "整改措施", "下一步改进措施", "改进意见"}
# labels the forms print whose value no record field holds
OTHER_LABELS = {"项目概况", "项目概述", "实施期限", "部门预算编码", "预算编码", "评价等级",
                "年度目标完成情况", "目标完成情况", "目标实际完成情况", "实际完成情况", "项目类型",
                "项目属性"}
TOTAL_LABELS = {"合计", "总分", "总计", "合计得分", "总得分"}
TEXT_FIELDS = (
    ("department", DEPARTMENT_LABELS | UNIT_NAME_LABELS),
    ("implementer", IMPLEMENTER_LABELS),
    ("conclusion", CONCLUSION_LABELS),
    ("problems", PROBLEMS_LABELS),
    ("improvements", IMPROVEMENTS_LABELS),
)
INSTRUCTION_FIELDS = {"goal", "conclusion", "problems", "improvements"}
FORM_TITLE_MARKS = ("绩效自评表", "绩效评价表", "绩效目标表", "绩效目标自评表")
# a form about the unit's whole spending; not 专项资金整体支出绩效目标表, which is a fund's
DEPARTMENT_TITLE_MARKS = ("部门整体", "单位整体")
# Names a vertical label can be cut from (see ``max_fragment_chars``): the level
# names of 财预〔2020〕10号 and the forms' block labels.
FRAGMENT_SOURCES = ("产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标",
                    "时效指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
                    "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
                    "年度绩效指标", "年度总体目标", "年度主要任务")


def rules(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((name, re.compile(pattern)) for name, pattern in pairs)


# Indicator header columns: checked in this order, first match wins, so
# 未完成原因分析 is a reason (not an actual) and 实际完成值 an actual (not a target).
INDICATOR_COLUMN_RULES = rules(
    ("shortfall_reason", "原因"),
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标|指标名称|指标内容"),
    ("actual", "完成值|实际值|实际完成|完成情况|全年实际|执行值"),
    ("target", "指标值|目标值|预期值|计划值|标准值"),
    ("operator", "指标性质|运算符|比较符|符号"),
    ("unit", "度量单位|计量单位|单位"),
    ("weight", "权重|分值"),
    ("score", "得分"),
)
# 宁德 2024 部门整体绩效自评表 p.1 spells the budget columns out:
# 年初部门预算安排金额（含历年结余结转）① | 年中调整金额② | 小计③=①+② | 年度拨付金额④ | 支出实现率(%)⑤=④/③.
FUNDING_COLUMN_RULES = rules(
    ("reason", "原因"),
    ("execution_rate", "执行率|实现率"),
    ("budget_initial", "年初.*预算|年初数"),
    ("budget_adjusted", "调整后预算|全年预算|调整预算|^小计"),
    ("executed", "执行数|实际支出|全年执行|决算数|拨付"),
    ("weight", "权重|分值"),
    ("score", "得分"),
)
# The list layout's project columns, beside its indicator columns.
LIST_COLUMN_RULES = rules(
    ("serial", "序号"),
    ("code", "项目编码|项目代码|项目编号"),
    ("amount", "金额|预算|资金"),
    ("goal", "目标"),
    ("department", "主管部门|实施单位"),
)
FUNDING_TOTAL_MARKS = ("总额", "合计", "总计", "小计")
# A target form's budget: a label spanning rows (资金金额（万元）, 当年预算) beside
# label/amount pairs (实施期资金总额 | 50.00, 其中：财政拨款 | 50.00, 其他资金 | …).
MONEY_GROUP_RE = re.compile(r"资金|预算|金额")
# The amount of the year, else the total: 年度资金总额 over 实施期资金总额.
YEAR_TOTAL_RE = re.compile(r"(年度|当年|本年).*(总额|预算|金额)|^(年度|当年)预算")
TOTAL_RE = re.compile(r"总额|合计|总计")
# A 部门整体 form's 年度主要任务 block: amounts by source under 预算金额（万元）.
_SOURCE_COLUMN_RE = re.compile(r"^(总额|合计|小计|财政拨款|财政资金|其他资金|单位资金|自有资金)")
# Column headers that a layout read the wrong way would take for a project's name.
_HEADER_WORD_RE = re.compile(r"序号|指标名称|指标内容|[一二三]级指标|(年度)?指标值|目标值|指标性质|"
                             r"(计量|度量)?单位|(分值|指标)?权重|分值|得分|(实际)?完成值|备注|是否核心")
# 项目总额, 年度资金总额, 当年财政拨款预算金额, 资金金额: amount headers
_AMOUNT_HEADER_RE = re.compile(r"(项目|年度|当年|本年|实施期|财政拨款|资金|预算|安排)*(总额|金额|预算数?|合计)")

# 指标性质 as written → the export's operator vocabulary. Word forms come from
# provinces that spell the comparison out (不低于95%); ≧ ≦ from 西安 2020 人社局.
OPERATOR_WORDS: tuple[tuple[str, str], ...] = (
    ("≥", ">="), ("≧", ">="), (">=", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="),
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
# a number and, when printed, its unit: "1200" has none (its last digit is no unit)
NUMBER_UNIT_RE = re.compile(r"^\s*([+-]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(\S.*?)?\s*$")
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
_PAGE_FURNITURE_RE = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?(\s*/\s*\d+)?[-—–\s]*$")
# 表14, 附表15, 表14-1, 表十一, 续表: a table's number, repeated over its continuation
_TABLE_NUMBER_RE = re.compile(r"^(附|续)?表\s*[0-9一二三四五六七八九十]*(\s*[-—－]\s*\d+)?$")
# 单位名称：重庆市水利局, 部门（单位）名称 西安市气象局: a label and its value in a paragraph
_LABEL_LINE_RE = re.compile(r"^\s*(?P<label>[^:：\s]{2,16})\s*(?:[:：]\s*|\s+)(?P<value>\S+)")
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


def is_total_key(key: str) -> bool:
    """合计 / 总分, and 宁德's 总分值、评价总分(S)."""
    return key in TOTAL_LABELS or key.startswith("总分")


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


def is_label_fragment(text: str, settings: PerformanceSettings) -> bool:
    s = re.sub(r"\s+", "", fold_text(text))
    return 0 < len(s) <= settings.max_fragment_chars and any(s in name for name in FRAGMENT_SOURCES)


def is_furniture(paragraph: Paragraph, settings: PerformanceSettings) -> bool:
    """Blank lines, page and table numbers, a ``/`` and the pieces of a vertical
    label: what may stand between a form table and its continuation."""
    text = paragraph.text.strip()
    folded = fold_text(text)
    return (not text or is_no_value(text) or bool(_TABLE_NUMBER_RE.match(folded))
            or (len(text) <= settings.max_furniture_chars and bool(_PAGE_FURNITURE_RE.match(folded)))
            or is_label_fragment(text, settings))


def amount_text_unit(text: str) -> str | None:
    """The money unit an amount cell prints itself (``280.7万元``)."""
    s = fold_text(text)
    return next((unit for unit in sorted(UNIT_FACTORS, key=len, reverse=True) if s.endswith(unit)), None)


# ---------------------------------------------------------------- table helpers

def row_keys(table: Table, row: int) -> list[tuple[Cell, str]]:
    return [(cell, label_key(cell.text)) for cell in table.row_cells(row)]


def own_cells(table: Table, row: int) -> list[Cell]:
    """The cells that start in ``row`` (a finding's evidence is the row's own text)."""
    return [cell for cell in table.row_cells(row) if cell.row == row]


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
        PROJECT_NAME_LABELS, UNIT_NAME_LABELS, PROJECT_CODE_LABELS, DEPARTMENT_LABELS,
        IMPLEMENTER_LABELS, GOAL_LABELS, CONCLUSION_LABELS, PROBLEMS_LABELS, IMPROVEMENTS_LABELS,
        OTHER_LABELS))


def is_header_word(key: str) -> bool:
    """A label of the forms' vocabulary, which is never a project's name
    (项目名称 | 当年财政拨款预算金额 is a list's header, not a name and its value)."""
    return (is_known_label(key) or key.endswith("指标") or is_total_key(key)
            or bool(_HEADER_WORD_RE.fullmatch(key) or _AMOUNT_HEADER_RE.fullmatch(key)))


def header_to_columns(table: Table, row: int, rules_: tuple[tuple[str, re.Pattern], ...],
                      settings: PerformanceSettings, own_row_only: bool = False) -> dict[str, int]:
    """Map field names to grid columns by the meaning of a header row's labels.

    Only short cells count as labels: the seed's 原因 cell under the budget
    header holds a long instruction that mentions 执行数 and 调整后预算数.
    """
    columns: dict[str, int] = {}
    for cell, key in row_keys(table, row):
        if not key or len(key) > settings.max_header_label_chars or (own_row_only and cell.row != row):
            continue
        for name, pattern in rules_:
            if pattern.search(key):
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


def list_header_columns(table: Table, row: int, settings: PerformanceSettings) -> dict[str, int] | None:
    """A header row naming both 项目名称 and the indicator columns: one project per
    run of rows (重庆 2026 一般性项目绩效目标表: 序号 | 项目名称 | 当年财政拨款预算金额 |
    当年绩效目标 | 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重(%))."""
    if indicator_header_columns(table, row, settings) is None:
        return None
    name = next((cell for cell, key in row_keys(table, row) if key in PROJECT_NAME_LABELS), None)
    if name is None:
        return None
    taken = set((indicator_header_columns(table, row, settings) or {}).values()) | {name.col}
    columns = {"project": name.col}
    for cell, key in row_keys(table, row):
        if cell.col in taken or not key:
            continue
        for field_name, pattern in LIST_COLUMN_RULES:
            if pattern.search(key):
                columns.setdefault(field_name, cell.col)
                break
    return columns


def source_header_columns(table: Table, row: int) -> dict[str, Cell] | None:
    """A 部门整体 form's 年度主要任务 header: 总额 | 财政拨款 | 其他资金 (西安 2026 信访局
    p.42), the columns of the sums by source in its 金额合计 row."""
    cells = [(cell, key) for cell, key in row_keys(table, row) if cell.row == row]
    sources = {key: cell for cell, key in cells if _SOURCE_COLUMN_RE.match(key)}
    if len(sources) < 2 or row_has_number(table, row):
        return None
    return sources


@dataclass
class BlockColumns:
    """A block's header: field → grid column, and field → position among the
    header row's distinct cells. A continuation table that a page break cut
    with another grid (the seed's PDF: 9 grid columns on one page, 11 on the
    next) is read by those positions when its rows have as many cells, or
    fewer where the reader lost the leftmost ones (vertical level labels it
    put outside the table: 西安 2020 人社局 p.51)."""

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
        if len(cells) == self.width:
            return {name: cells[i].col for name, i in self.ordinals.items()}
        shift = self.width - len(cells)
        if shift < 0:
            return None
        mapped = {name: cells[i - shift].col for name, i in self.ordinals.items() if i >= shift}
        lost = set(self.ordinals) - set(mapped)
        return mapped if lost <= {"level1", "level2"} else None


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


def declared_unit(cells: list[Cell]) -> str | None:
    """A money unit in brackets among ``cells`` (资金金额（万元）, 预算金额（万元）)."""
    for cell in cells:
        m = _MONEY_UNIT_RE.search(fold_text(cell.text)) or _MONEY_UNIT_RE.search(cell.text)
        if m:
            return m.group(1)
    return None


def table_has_label(table: Table, labels: set[str]) -> bool:
    return any(label_key(cell.text) in labels for cell in table.cells)


def inline_name(cell: Cell) -> tuple[str, int, int] | None:
    """A name label and its value in one cell (``专项（项目）名称 伯乐奖``, 西安 2020
    人社局 p.61): the label's key and where the value is in the cell's text."""
    m = _LABEL_LINE_RE.match(cell.text)
    if not m or m.end("value") < len(cell.text.rstrip()):
        return None
    key = label_key(m.group("label"))
    return (key, m.start("value"), m.end("value")) if key in PROJECT_NAME_LABELS | UNIT_NAME_LABELS else None


def table_names_itself(table: Table) -> bool:
    """A name label in the table, beside its value or inside the same cell."""
    return table_has_label(table, PROJECT_NAME_LABELS | UNIT_NAME_LABELS) or any(
        inline_name(cell) for cell in table.cells)


def table_has_block_header(table: Table, settings: PerformanceSettings) -> bool:
    return any(indicator_header_columns(table, r, settings) or funding_header_columns(table, r, settings)
               for r in range(table.n_rows))


def table_has_indicator_header(table: Table, settings: PerformanceSettings) -> bool:
    return any(indicator_header_columns(table, r, settings) for r in range(table.n_rows))


def captions_before(doc: Document, position: int, settings: PerformanceSettings) -> list[Paragraph]:
    """The paragraphs just above a table, nearest first, up to the previous table."""
    found: list[Paragraph] = []
    for block in reversed(doc.blocks[max(0, position - settings.max_caption_blocks):position]):
        if not isinstance(block, Paragraph):
            break
        found.append(block)
    return found


def table_title(table: Table, doc: Document, position: int,
                settings: PerformanceSettings = DEFAULT_SETTINGS) -> str | None:
    for cell in table.cells:
        if any(mark in cell.text for mark in FORM_TITLE_MARKS) and len(cell.text) < 60:
            return cell.text.strip()
    for block in captions_before(doc, position, settings):
        if any(mark in block.text for mark in FORM_TITLE_MARKS):
            return block.text.strip()
    return None


@dataclass(frozen=True)
class Caption:
    """What the lines above a table say about it."""

    title: str | None = None
    unit: str | None = None  # 单位：万元
    names: dict[str, tuple[str, Provenance]] = field(default_factory=dict)  # label key → value

    @property
    def department_form(self) -> bool:
        return any(mark in (self.title or "") for mark in DEPARTMENT_TITLE_MARKS)


def table_caption(table: Table, doc: Document, position: int, settings: PerformanceSettings) -> Caption:
    paragraphs = captions_before(doc, position, settings)
    unit = next((u for p in paragraphs if (u := unit_scale_from_caption(p.text))), None)
    names: dict[str, tuple[str, Provenance]] = {}
    for paragraph in paragraphs:
        m = _LABEL_LINE_RE.match(paragraph.text)
        if m and label_key(m.group("label")) not in names:
            names[label_key(m.group("label"))] = (
                m.group("value"), paragraph.provenance(m.start("value"), m.end("value")))
    return Caption(table_title(table, doc, position, settings), unit, names)



def row_has_number(table: Table, row: int) -> bool:
    for cell in table.row_cells(row):
        try:
            if parse_number(cell.text) is not None:
                return True
        except ValueError:
            continue
    return False
