"""Statement tables as the recognizer understood them, carried in the extraction.

A *statement* is one of the standard 预算/决算 tables (收支总表, 支出总表,
一般公共预算支出表, “三公”经费表, …) as one document prints it: possibly several
layout tables (a table continued over pages), its columns with their meaning
(code, name, amounts of a fund, measure, component and period), its rows with
their role (a subject, a total, an economic item, a budget unit) and the
amounts read from amount cells only.

The arithmetic a statement must satisfy lives here too (``identities``):
basic + project = total across a row, 类 = Σ款 = Σ项 and 合计 = Σ类 down a
column. The recognizer uses it to choose between readings of a table and
records the outcome (``Reconciliation``); the checks report the identities
that fail. Neither imports the other: both import this model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from disclosures.model.layout import Cell, Provenance, Table
from disclosures.model.numbers import UNIT_FACTORS
from disclosures.model.vocabulary import Component, Fund, Measure

StatementRole = Literal["summary", "income", "function", "economic", "three_public"]
ColumnRole = Literal["code", "name", "amount", "rownum", "unit", "text", "pct"]
Period = Literal["current", "prior", "change"]
RowRole = Literal["subject", "economic", "unit", "total", "label"]

# The nine tables of the 部门决算 template (财政部; Shanghai ``附件2：部门决算模板.pdf``),
# by the names the recognizer gives them.
FINAL_TEMPLATE: tuple[str, ...] = (
    "财政拨款收入支出决算总表", "收入支出决算总表", "一般公共预算财政拨款基本支出决算表",
    "一般公共预算财政拨款支出决算表", "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表", "财政拨款“三公”经费支出决算表", "收入决算表",
    "支出决算表",
)

# A 合计/小计 column header: the column adds up its siblings.
SUM_HEADER = re.compile(r"^(本年(收入|支出))?(合计|小计|总计)$")


@dataclass(frozen=True)
class StatementKind:
    """A standard statement: its canonical name and what its rows and amounts are.

    ``role``: summary (收入 | 支出 side by side), income, function (expenditure
    by 支出功能分类), economic (by 经济分类), three_public. ``basis``: final
    (决算) or budget (预算), the default measure of its amounts. ``fund``: the
    contract's fund of its amounts, None where the table covers all 财政拨款
    together (no fund of the contract). ``scope``: ``basic`` when the whole
    table is 基本支出 (its 合计 is the basic total). ``group``: which fact rules
    apply (``statement_kinds.FACT_RULES``).
    """

    name: str
    role: StatementRole
    basis: Literal["final", "budget"]
    fund: Fund | None
    group: str
    scope: Literal["basic", "project"] | None = None

    @property
    def measure(self) -> Measure:
        return "actual" if self.basis == "final" else "budget"


@dataclass
class Column:
    index: int
    path: tuple[str, ...]  # header segments, whitespace-free, top to bottom
    role: ColumnRole
    part: int | None = None  # 0/1/2 for a 类/款/项 code part, None for a whole code
    measure: Measure | None = None
    component: Component | None = None
    fund: Fund | None = None
    period: Period = "current"
    subset: bool = False  # a 其中 column: part of another column, not a sibling of it

    @property
    def header(self) -> str:
        return "/".join(self.path)

    @property
    def content_path(self) -> str:
        """The header without the segments that only say which measure it is."""
        return "/".join(s for s in self.path if s not in MEASURE_ONLY)

    @property
    def is_sum(self) -> bool:
        return bool(self.path) and bool(SUM_HEADER.match(self.path[-1]))


# header segments that name only the measure (决算数/预算数), not the content
MEASURE_ONLY = frozenset({"决算数", "决算", "预算数", "年初预算数", "年初预算", "调整预算数",
                          "调整后预算数", "调整预算", "执行数"})


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
    table: Table  # the layout table the cell is in (a statement may span several)

    @property
    def provenance(self) -> Provenance:
        return self.table.provenance(self.cell)


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
    table: Table | None = None
    role: RowRole = "label"
    amounts: dict[int, Amount] = field(default_factory=dict)
    after_total: bool = False  # below a 合计/小计 row of its panel
    # the budget unit's row this subject row is listed under, in a table that
    # lists subjects per unit (西安 2019 部门综合预算 表5: 125001 …, then its subjects)
    unit_row: StatementRow | None = None

    @property
    def level(self) -> int | None:
        """0 for a 类 (3 digits), 1 for a 款 (5), 2 for a 项 (7)."""
        return None if self.code is None else (len(self.code) - 3) // 2

    def name_provenance(self) -> Provenance | None:
        if self.name_cell is None or self.table is None:
            return None
        return self.table.provenance(self.name_cell)


@dataclass
class Identity:
    """One sum the table must satisfy: ``stated`` = Σ ``parts`` to the printed rounding."""

    what: str
    stated: Amount | None  # None: printed blank
    parts: list[Amount]
    slack: Decimal  # yuan: the rounding the printed figures allow

    @property
    def computed(self) -> Decimal:
        return sum((a.value for a in self.parts), Decimal(0))

    @property
    def difference(self) -> Decimal:
        stated = self.stated.value if self.stated is not None else Decimal(0)
        return stated - self.computed

    @property
    def holds(self) -> bool:
        return abs(self.difference) <= self.slack


@dataclass
class Reconciliation:
    """How far a statement's own arithmetic holds under the reading that was kept."""

    checked: int = 0
    held: int = 0
    reading: str = "as printed"  # which candidate reading was kept, and why

    @property
    def status(self) -> Literal["reconciled", "partial", "failed", "unchecked"]:
        if self.checked == 0:
            return "unchecked"
        if self.held == self.checked:
            return "reconciled"
        return "failed" if self.held == 0 else "partial"

    @property
    def rate(self) -> float | None:
        return None if self.checked == 0 else self.held / self.checked


@dataclass(frozen=True)
class ListedStatement:
    """A line of the text that names a standard statement (a 目录 entry, a heading):
    where a document says a table is, whether or not it is there."""

    name: str
    provenance: Provenance


@dataclass
class StatementTable:
    kind: StatementKind
    table: Table  # the first layout table; ``tables`` when continued over pages
    title: str
    title_provenance: Provenance
    unit: str | None
    tables: list[Table] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    rows: list[StatementRow] = field(default_factory=list)
    decimals: int = 0  # most decimal places printed in an amount cell
    reconciliation: Reconciliation = field(default_factory=Reconciliation)

    def __post_init__(self) -> None:
        if not self.tables:
            self.tables = [self.table]

    @property
    def pages(self) -> list[int]:
        return sorted({p for t in self.tables for p in t.pages})

    @property
    def quantum(self) -> Decimal:
        """The last printed unit, in yuan: what one rounded amount may be off by."""
        factor = UNIT_FACTORS[self.unit] if self.unit else Decimal(1)
        return factor * Decimal(1).scaleb(-self.decimals)

    def panel_rows(self, panel: int) -> list[StatementRow]:
        return [r for r in self.rows if r.panel == panel]

    def identities(self) -> list[Identity]:
        """Every sum this statement states: down each amount column (类 = Σ款,
        款 = Σ项, 合计 = Σ类) and across each row (合计/小计 = its sibling columns)."""
        return self.column_identities() + self.row_identities()

    def column_identities(self) -> list[Identity]:
        out: list[Identity] = []
        for p, panel in enumerate(self.panels):
            rows = self.panel_rows(p)
            totals = [r for r in rows if r.is_total and r.label in ("合计", "总计")]
            units = [r for r in rows if r.role == "unit" and r.code]
            groups = unit_groups(rows) if units else [rows]
            tops = units or [r for r in rows if r.code and r.role == "subject" and r.level == 0]
            for col in panel.of_role("amount"):
                for group in groups:
                    coded = [r for r in group if r.code and r.role in ("subject", "label")
                             and r.level is not None and len(r.code) in (3, 5, 7)]
                    for parent in coded:
                        children = [r for r in coded if r.code and parent.code
                                    and len(r.code) == len(parent.code) + 2
                                    and r.code.startswith(parent.code)]
                        if children:
                            out += self._identity(f"{parent.code} {parent.name or ''}".strip(),
                                                  parent, children, col)
                for total in totals:
                    if tops:
                        out += self._identity(total.label, total, tops, col)
        return out

    def _identity(self, what: str, parent: StatementRow, children: list[StatementRow],
                  col: Column) -> list[Identity]:
        stated = parent.amounts.get(col.index)
        parts = [c.amounts[col.index] for c in children if col.index in c.amounts]
        if stated is None and not parts:
            return []
        return [Identity(f"{what} [{col.header}]", stated, parts, self.quantum * len(children))]

    def row_identities(self) -> list[Identity]:
        out: list[Identity] = []
        for p, panel in enumerate(self.panels):
            amounts = panel.of_role("amount")
            sums = [(c, sum_column_parts(c, amounts)) for c in amounts if c.is_sum]
            for row in self.panel_rows(p):
                for column, parts in sums:
                    stated = row.amounts.get(column.index)
                    present = [row.amounts[c.index] for c in parts if c.index in row.amounts]
                    if stated is None or not present:
                        continue
                    out.append(Identity(f"{row.code or row.label} [{column.header}]", stated,
                                        present, self.quantum * len(parts)))
        return out


def unit_groups(rows: list[StatementRow]) -> list[list[StatementRow]]:
    """The rows under each budget unit's code row (a table that lists subjects per unit)."""
    groups: list[list[StatementRow]] = []
    for row in rows:
        if row.role == "unit" and row.code:
            groups.append([])
        elif groups:
            groups[-1].append(row)
    return groups


def sum_column_parts(column: Column, columns: list[Column]) -> list[Column]:
    """The columns a 合计/小计 column adds up: the others under the same parent header
    and of the same measure and period, where a deeper 小计 stands for its own group
    (三公: 合计 = 因公出国 + 公务用车/小计 + 公务接待费) and a 其中 column is part of
    its neighbour, not a sibling."""
    parent = column.content_path.rpartition("/")[0]
    inside = [c for c in columns if c is not column and c.measure == column.measure
              and c.period == column.period and not c.subset
              and (not parent or c.content_path.startswith(parent + "/"))]
    groups = {c.content_path.rpartition("/")[0] for c in inside if c.is_sum}
    return [c for c in inside
            if not any(g and g != parent and c.content_path.startswith(g + "/")
                       and not (c.is_sum and c.content_path.rpartition("/")[0] == g)
                       for g in groups)]
