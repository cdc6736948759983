"""The standard statement tables (九张表) as data: how each is titled, what it holds.

Sources: the Ministry of Finance 部门决算 template as Shanghai publishes it
(``附件2：部门决算模板.pdf``: 收入支出决算总表 … 国有资本经营预算财政拨款收入支出
决算表), Shanghai district 部门预算/单位预算 2024-2025 (部门财务收支预算总表 …
部门“三公”经费和机关运行经费预算表) and Jiangsu provincial 部门预算 2017-2019
(收支预算总表 … 一般公共预算机关运行经费支出预算表, titled with or without
``（功能科目）``/``（经济科目）``). A kind is recognized by its title, never by
its position in the document; the first pattern that matches wins, so the
more specific titles come first.

``role`` says what the rows are:

- ``summary``: side-by-side 收入 | 支出 halves (总表); income rows become facts,
  numbered 支出 类 rows become budget lines;
- ``income``: income by function subject or by source — facts only;
- ``function``: expenditure by 支出功能分类 (类/款/项) — budget lines;
- ``economic``: 基本支出 by 经济分类 (301/30101 …) — facts where facts.csv has a key;
- ``three_public``: one row of “三公” amounts under a two-level header — facts.

``fund`` is the contract's fund for the table's amounts; ``None`` where the
table covers all 财政拨款 together (Jiangsu 财政拨款支出预算表), which the
contract has no fund for: such a table is recognized and reconciled, but
yields no budget lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from disclosures.model.vocabulary import Component, Fund, Measure


@dataclass(frozen=True)
class StatementKind:
    name: str  # the canonical kind (RecognizedTable.kind)
    pattern: re.Pattern[str]  # searched in the normalized title
    basis: str  # final (决算) | budget (预算): the default measure of its amounts
    role: str  # summary | income | function | economic | three_public
    fund: Fund | None
    group: str  # which fact rules apply (FACT_RULES)

    @property
    def measure(self) -> Measure:
        return "actual" if self.basis == "final" else "budget"


def _kind(name: str, pattern: str, basis: str, role: str, fund: Fund | None,
          group: str) -> StatementKind:
    return StatementKind(name, re.compile(pattern), basis, role, fund, group)


KINDS: tuple[StatementKind, ...] = (
    # 决算 (final accounts): titles say 决算
    _kind("财政拨款收入支出决算总表", r"财政拨款收入支出决算总表", "final", "summary", None,
          "summary_appropriation"),
    _kind("收入支出决算总表", r"收入支出决算总表", "final", "summary", "all_sources", "summary_all"),
    _kind("一般公共预算财政拨款基本支出决算表", r"一般公共预算财政拨款基本支出决算表", "final",
          "economic", "general_budget", "basic_general"),
    _kind("一般公共预算财政拨款支出决算表", r"一般公共预算财政拨款支出决算表", "final", "function",
          "general_budget", "general_budget"),
    _kind("政府性基金预算财政拨款收入支出决算表", r"政府性基金预算财政拨款(收入)?支出决算表", "final",
          "function", "government_fund", "government_fund"),
    _kind("国有资本经营预算财政拨款收入支出决算表", r"国有资本经营预算财政拨款(收入)?支出决算表",
          "final", "function", "state_capital", "state_capital"),
    _kind("财政拨款“三公”经费支出决算表", r"三公.{0,2}经费.*决算表", "final", "three_public", None,
          "three_public"),
    _kind("收入决算表", r"^(部门)?收入决算表", "final", "income", "all_sources", "income"),
    _kind("支出决算表", r"^(部门)?支出决算表", "final", "function", "all_sources", "expenditure"),
    # 预算 (budgets): Shanghai 部门/预算单位 and Jiangsu 公开表 titles
    _kind("财政拨款收支总表", r"财政拨款收支(预算)?总表", "budget", "summary", None,
          "summary_appropriation"),
    _kind("部门收支总表", r"收支(预算)?总表", "budget", "summary", "all_sources", "summary_all"),
    _kind("部门收入总表", r"收入(预算)?总表", "budget", "income", "all_sources", "income"),
    _kind("部门支出总表", r"支出(预算)?总表", "budget", "function", "all_sources", "expenditure"),
    _kind("“三公”经费预算表", r"三公.{0,2}经费", "budget", "three_public", None, "three_public"),
    _kind("一般公共预算基本支出表", r"一般公共预算(财政拨款)?基本支出.*表", "budget", "economic",
          "general_budget", "basic_general"),
    _kind("一般公共预算支出表", r"一般公共预算(财政拨款)?支出(功能分类)?(预算)?表", "budget",
          "function", "general_budget", "general_budget"),
    _kind("政府性基金预算支出表", r"政府性基金(预算)?(财政拨款)?支出(功能分类)?(预算)?表", "budget",
          "function", "government_fund", "government_fund"),
    _kind("国有资本经营预算支出表", r"国有资本经营(预算)?(财政拨款)?支出(功能分类)?(预算)?表",
          "budget", "function", "state_capital", "state_capital"),
    _kind("机关运行经费支出预算表", r"机关运行经费支出(预算)?表", "budget", "economic", "general_budget",
          "operating_cost"),
    _kind("财政拨款基本支出预算表", r"财政拨款基本支出(预算)?表", "budget", "economic", None,
          "appropriation_basic"),
    _kind("财政拨款支出预算表", r"财政拨款支出(预算)?表", "budget", "function", None,
          "appropriation"),
)

# Titles are matched after dropping what numbers or dates them: 公开01表：, 公开表五,
# 表十一, 一、, 5．, 2024年(度), 部门/预算单位 before the year is irrelevant.
TITLE_PREFIX = re.compile(
    r"^(公开\d+表[:：]?|公开表[一二三四五六七八九十]+|表[一二三四五六七八九十\d]+[:：]?"
    r"|[一二三四五六七八九十]+、|\d+\s*[.．、])")
TITLE_YEAR = re.compile(r"^\d{4}年度?")
TITLE_MAX_CHARS = 60  # a title is a line, not a sentence of the 情况说明


@dataclass(frozen=True)
class FactRule:
    """A fact read from a statement: the cell where a row and a column meet.

    ``row`` is searched in the row's label (numbering stripped, name levels joined
    by ``/``; ``^$`` is the one unlabeled row of a single-row table), ``column``
    in the column's header path without its 决算数/预算数 segment; only columns of
    the table's own measure count (a 决算 table's 预算数 columns are not actuals).
    """

    group: str
    row: re.Pattern[str]
    column: re.Pattern[str]
    key: str
    # only above the panel's first 合计/小计 row: below 本年收入合计 the same names
    # break down carry-overs (普陀区财政局决算 p.11: 年初财政拨款结转和结余 →
    # 一、一般公共预算财政拨款 21.63)
    before_total: bool = False


def _rules(group: str, *rows: tuple) -> tuple[FactRule, ...]:
    return tuple(FactRule(group, re.compile(r[0]), re.compile(r[1]), r[2], *r[3:]) for r in rows)


TOTAL_ROW = r"^(合计|总计)?$"
ANY = r""
INCOME_ROWS = (
    (r"^一般公共预算(财政拨款|资金)?(收入)?$", ANY, "income.general_budget", True),
    (r"^政府性基金(预算)?(财政拨款|资金)?(收入)?$", ANY, "income.government_fund", True),
    (r"^国有资本经营预算(财政拨款|资金)?(收入)?$", ANY, "income.state_capital", True),
)
FACT_RULES: tuple[FactRule, ...] = (
    *_rules("summary_all", *INCOME_ROWS,
            (r"^事业收入$", ANY, "income.business"),
            (r"^(事业单位)?经营收入$", ANY, "income.operating"),
            (r"^其他收入$", ANY, "income.other"),
            (r"^(本年|当年)收入(合计|小计)$", ANY, "income_total"),
            (r"^(本年|当年)支出(合计|小计)$", ANY, "expenditure_total"),
            (r"^(收入)?(总计|合计)$", ANY, "income_expenditure_total"),
            (r"^基本支出$", ANY, "expenditure.basic"),
            (r"^项目支出$", ANY, "expenditure.project")),
    *_rules("summary_appropriation", *INCOME_ROWS,
            (r"^(收入)?(总计|合计)$", ANY, "appropriation_total")),
    *_rules("income",
            (TOTAL_ROW, r"^(本年收入)?合计$|/合计$", "income_total"),
            (TOTAL_ROW, r"事业收入$", "income.business"),
            (TOTAL_ROW, r"经营收入$", "income.operating"),
            (TOTAL_ROW, r"其他收入$", "income.other"),
            # Jiangsu 收入预算总表: income by source, labels in two levels
            (r"^一般公共预算资金/小计$", ANY, "income.general_budget"),
            (r"^政府性基金/小计$", ANY, "income.government_fund"),
            (r"(^|/)事业收入$", ANY, "income.business"),
            (r"(^|/)经营收入$", ANY, "income.operating"),
            (r"(^|/)其他收入$", ANY, "income.other"),
            (r"^收入总计$", ANY, "income_expenditure_total")),
    *_rules("expenditure",
            (TOTAL_ROW, r"(^|/)(本年支出)?合计$|^金额$", "expenditure_total"),
            (TOTAL_ROW, r"基本支出$", "expenditure.basic"),
            (TOTAL_ROW, r"项目支出$", "expenditure.project"),
            (TOTAL_ROW, r"经营支出$", "expenditure.operating")),
    *_rules("general_budget",
            (TOTAL_ROW, r"(^|/)(合计|小计|金额)$", "general_budget_expenditure"),
            (TOTAL_ROW, r"基本支出$", "basic_total")),
    *_rules("government_fund",
            (TOTAL_ROW, r"(^|/)(合计|小计|金额)$", "government_fund_expenditure")),
    *_rules("state_capital",
            (TOTAL_ROW, r"(^|/)(合计|小计|金额)$", "state_capital_expenditure")),
    *_rules("basic_general",
            (TOTAL_ROW, r"(^|/)(合计|金额|决算数)$", "basic_total"),
            (TOTAL_ROW, r"人员经费$", "basic.personnel"),
            (TOTAL_ROW, r"公用经费$", "basic.public"),
            (r"^人员经费(合计)?$", ANY, "basic.personnel"),
            (r"^公用经费(合计)?$", ANY, "basic.public")),
    *_rules("operating_cost",
            (TOTAL_ROW, ANY, "operating_cost")),
    # Header paths seen: “三公”经费/小计 (Jiangsu, whose 合计 adds 会议费 and 培训费),
    # 2024年“三公”经费预算数/合计 (Shanghai 预算), 财政拨款“三公”经费/合计 (决算).
    *_rules("three_public",
            (r"^$", r"三公[^/]*/(合计|小计)$", "three_public.total"),
            (r"^$", r"因公出国[^/]*$", "three_public.overseas"),
            (r"^$", r"公务用车购置及运行(维护)?费(/(小计|合计))?$", "three_public.vehicle"),
            (r"^$", r"购置费$", "three_public.vehicle_purchase"),
            (r"^$", r"运行(维护)?费$", "three_public.vehicle_operation"),
            (r"^$", r"公务接待费$", "three_public.reception"),
            (r"^$", r"机关运行经费[^/]*$", "operating_cost")),
)

# Column headers: which words make a column a code, a name, or say its measure
# and component. Matched on whitespace-free header segments.
CODE_HEADER = re.compile(r"编码|代码")
CODE_PARTS = ("类", "款", "项")
NAME_HEADER = re.compile(r"名称|^项目$")
MEASURE_SEGMENTS: dict[str, Measure] = {
    "决算数": "actual", "决算": "actual", "预算数": "budget", "年初预算数": "budget",
    "年初预算": "budget", "调整预算数": "adjusted_budget", "调整后预算数": "adjusted_budget",
    "调整预算": "adjusted_budget",
}
# component by the last header segment that names one; a fund word names the
# column's fund in 财政拨款 总表s (合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算)
COMPONENT_WORDS: tuple[tuple[re.Pattern[str], Component], ...] = (
    (re.compile(r"人员经费"), "personnel"),
    (re.compile(r"公用经费"), "public"),
    (re.compile(r"基本支出"), "basic"),
    (re.compile(r"项目支出"), "project"),
    (re.compile(r"^(本年支出)?(合计|小计)$|^金额$|^决算数$|^预算数$"), "total"),
)
FUND_WORDS: tuple[tuple[re.Pattern[str], Fund], ...] = (
    (re.compile(r"^一般公共预算"), "general_budget"),
    (re.compile(r"^政府性基金"), "government_fund"),
    (re.compile(r"^国有资本经营"), "state_capital"),
)
# rows that carry a table's totals, not a subject
TOTAL_LABEL = re.compile(r"(合计|总计|小计)$|^(合计|总计)")
# 总表 expenditure halves list 类 as 一、一般公共服务支出; a numbered row is a subject
NUMBERED_LABEL = re.compile(r"^([一二三四五六七八九十]+|\d+)\s*[、.．]\s*")
