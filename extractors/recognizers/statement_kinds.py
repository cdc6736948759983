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

from disclosures.model.statements import StatementKind
from disclosures.model.vocabulary import Component, Fund, Measure


def _kind(name: str, pattern: str, basis: str, role: str, fund: str | None,
          group: str, scope: str | None = None) -> tuple[re.Pattern[str], StatementKind]:
    return re.compile(pattern), StatementKind(name, role, basis, fund, group, scope)  # type: ignore[arg-type]


TITLED: tuple[tuple[re.Pattern[str], StatementKind], ...] = (
    # 决算 (final accounts): titles say 决算
    _kind("财政拨款收入支出决算总表", r"财政拨款收入支出决算总表", "final", "summary", None,
          "summary_appropriation"),
    _kind("收入支出决算总表", r"收入支出决算总表", "final", "summary", "all_sources", "summary_all"),
    _kind("一般公共预算财政拨款基本支出决算表", r"一般公共预算财政拨款基本支出决算表", "final",
          "economic", "general_budget", "basic_general", "basic"),
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
    # 预算 (budgets): Shanghai 部门/预算单位 and Jiangsu 公开表 titles, and the Ministry of
    # Finance's 部门预算公开 template as cities print it (…收支总体情况表, …支出情况表,
    # 一般公共预算拨款支出预算表, …明细表（按支出功能分类科目）).
    _kind("财政拨款收支总表", r"财政拨款收支(预算)?总(体情况)?表", "budget", "summary", None,
          "summary_appropriation"),
    _kind("部门收支总表", r"收支(预算)?总(体情况)?表", "budget", "summary", "all_sources", "summary_all"),
    _kind("部门收入总表", r"收入(预算)?总(体情况)?表", "budget", "income", "all_sources", "income"),
    _kind("部门支出总表", r"支出(预算)?总(体情况)?表", "budget", "function", "all_sources", "expenditure"),
    _kind("“三公”经费预算表", r"三公.{0,2}经费", "budget", "three_public", None, "three_public"),
    _kind("一般公共预算基本支出表", r"一般公共预算(财政拨款|拨款)?基本支出.*表", "budget", "economic",
          "general_budget", "basic_general", "basic"),
    _kind("一般公共预算支出表",
          r"一般公共预算(财政拨款|拨款)?支出(功能分类)?(预算)?(情况|明细)?表", "budget",
          "function", "general_budget", "general_budget"),
    _kind("政府性基金预算支出表",
          r"政府性基金(预算)?(财政拨款|拨款)?支出(功能分类)?(预算)?(情况|明细)?表", "budget",
          "function", "government_fund", "government_fund"),
    _kind("国有资本经营预算支出表",
          r"国有资本经营(预算)?(财政拨款|拨款)?支出(功能分类)?(预算)?(情况|明细)?表",
          "budget", "function", "state_capital", "state_capital"),
    _kind("机关运行经费支出预算表", r"机关运行经费支出(预算)?表", "budget", "economic", "general_budget",
          "operating_cost"),
    _kind("财政拨款基本支出预算表", r"财政拨款基本支出(预算)?表", "budget", "economic", None,
          "appropriation_basic", "basic"),
    _kind("财政拨款支出预算表", r"财政拨款支出(预算)?(情况|明细)?表", "budget", "function", None,
          "appropriation"),
)

# Kinds a table gets when its content contradicts the kind its title names: a
# 基本支出 table whose rows are 功能分类 subjects (…基本支出明细表（按支出功能分类科目）),
# a function table whose title names no kind at all. ``kind_for`` picks by role,
# basis, fund and scope.
BY_CONTENT: tuple[StatementKind, ...] = (
    StatementKind("一般公共预算基本支出功能分类表", "function", "budget", "general_budget",
                  "basic_general", "basic"),
    StatementKind("一般公共预算财政拨款基本支出功能分类决算表", "function", "final",
                  "general_budget", "basic_general", "basic"),
    StatementKind("一般公共预算支出经济分类表", "economic", "budget", "general_budget", "economic"),
    StatementKind("一般公共预算财政拨款支出经济分类决算表", "economic", "final", "general_budget",
                  "economic"),
    StatementKind("部门支出经济分类表", "economic", "budget", "all_sources", "economic"),
    StatementKind("支出经济分类表", "economic", "budget", None, "economic"),
    StatementKind("支出经济分类决算表", "economic", "final", None, "economic"),
)
KINDS: tuple[StatementKind, ...] = tuple(k for _, k in TITLED) + BY_CONTENT

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
    # the component the amount column must have (``Column.component``), when set
    component: str | None = None


def _rules(group: str, *rows: tuple) -> tuple[FactRule, ...]:
    return tuple(FactRule(group, re.compile(r[0]), re.compile(r[1]), r[2], *r[3:]) for r in rows)


TOTAL_ROW = r"^(合计|总计)?$"
ANY = r""
INCOME_ROWS = (
    (r"^一般公共预算(财政拨款|拨款|资金)?(收入)?$", ANY, "income.general_budget", True),
    (r"^政府性基金(预算)?(财政拨款|拨款|资金)?(收入)?$", ANY, "income.government_fund", True),
    (r"^国有资本经营预算(财政拨款|拨款|资金)?(收入)?$", ANY, "income.state_capital", True),
)
FACT_RULES: tuple[FactRule, ...] = (
    *_rules("summary_all", *INCOME_ROWS,
            (r"^事业收入$", ANY, "income.business"),
            (r"^(事业单位)?经营收入$", ANY, "income.operating"),
            (r"^其他收入$", ANY, "income.other"),
            (r"^(本年|当年)收入(合计|小计)$", ANY, "income_total"),
            (r"^(本年|当年)支出(合计|小计)$", ANY, "expenditure_total"),
            (r"^(收入)?(总计|合计)$", ANY, "income_expenditure_total"),
            # 西安 部门综合预算收支总表's economic panel: 人员经费和公用经费支出 is the
            # basic expenditure, 专项业务经费支出 the project expenditure
            (r"^(基本支出|人员经费和公用经费支?出?)$", ANY, "expenditure.basic"),
            (r"^(项目支出|专项业务经费支出)$", ANY, "expenditure.project")),
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
    # the expenditure tables' totals by the column's component (合计/总计/金额 is the
    # total, 基本支出/小计 the basic total: 重庆 2026 表五 prints both)
    *_rules("expenditure",
            (TOTAL_ROW, ANY, "expenditure_total", False, "total"),
            (TOTAL_ROW, ANY, "expenditure.basic", False, "basic"),
            (TOTAL_ROW, ANY, "expenditure.project", False, "project"),
            (TOTAL_ROW, r"经营支出$", "expenditure.operating")),
    *_rules("general_budget",
            (TOTAL_ROW, ANY, "general_budget_expenditure", False, "total"),
            (TOTAL_ROW, ANY, "basic_total", False, "basic")),
    *_rules("government_fund",
            (TOTAL_ROW, ANY, "government_fund_expenditure", False, "total")),
    *_rules("state_capital",
            (TOTAL_ROW, ANY, "state_capital_expenditure", False, "total")),
    *_rules("basic_general",
            (TOTAL_ROW, r"(^|/)(合计|金额|决算数)$", "basic_total"),
            (TOTAL_ROW, r"人员经费(支出)?$", "basic.personnel"),
            (TOTAL_ROW, r"公用经费(支出)?$", "basic.public"),
            (r"^人员经费(合计)?$", ANY, "basic.personnel"),
            (r"^公用经费(合计)?$", ANY, "basic.public")),
    *_rules("operating_cost",
            (TOTAL_ROW, ANY, "operating_cost")),
    # Header paths seen: “三公”经费/小计 (Jiangsu, whose 合计 adds 会议费 and 培训费),
    # 2024年“三公”经费预算数/合计 (Shanghai 预算), 财政拨款“三公”经费/合计 (决算).
    *_rules("three_public",
            (TOTAL_ROW, r"三公[^/]*/(合计|小计)$", "three_public.total"),
            (TOTAL_ROW, r"因公出国[^/]*$", "three_public.overseas"),
            # 西安 2019 公开报表 p.32 prints 购置经费 and clips 公务用车 headers to 务用车…维护
            (TOTAL_ROW, r"用车购置及运行(维护)?费?(/(小计|合计))?$", "three_public.vehicle"),
            (TOTAL_ROW, r"购置(经)?费$", "three_public.vehicle_purchase"),
            (TOTAL_ROW, r"运行(维护)?费?$", "three_public.vehicle_operation"),
            (TOTAL_ROW, r"公务接待费$", "three_public.reception"),
            (TOTAL_ROW, r"机关运行经费[^/]*$", "operating_cost")),
)

# Column headers: which words make a column a code, a name, a label or an amount,
# and say an amount's measure, period, component and fund. Matched on
# whitespace-free header segments; seen in the corpus's 预算/决算 tables of every
# layout family (two- and three-level headers, 行次/栏次 columns, 单位编码 tables).
CODE_HEADER = re.compile(r"编码|代码")
CODE_PARTS = ("类", "款", "项")
NAME_HEADER = re.compile(r"名称|^项目$|^科目$|^收入项目$|^支出项目$")
# labels, never data: row numbers, and the column-number row under a header
ROWNUM_HEADER = re.compile(r"^(序号|行次|栏次|编号)$")
# rows of a table keyed by 单位编码/单位名称 are budget units, not subjects
UNIT_HEADER = re.compile(r"^(预算)?单位(编码|代码|名称)$|^(预算)?单位$")
# free text: remarks, descriptions, dates and quantities of procurement rows
TEXT_HEADER = re.compile(r"备注|说明|简介|原因|依据|内容|时间|型号|数量|目录|方式|类别|性质")
# percentages and shares are never money
PCT_HEADER = re.compile(r"[%％]|百分比|比例|比重|增长率|增减率|幅度|占.{0,6}比|执行率")
# 上年 / 上年预算数 name last year's column; 上年结转 and 上年实户资金余额 are this
# year's income from last year's money
PRIOR_HEADER = re.compile(r"^(上年|上年度|上一年度?)$|^上(一)?年度?(预算|决算|执行)")
CHANGE_HEADER = re.compile(r"增减|增加额|减少额|变动|比上年")
SUBSET_HEADER = re.compile(r"^其中")
YEAR_HEADER = re.compile(r"(\d{4})年")
MEASURE_SEGMENTS: dict[str, Measure] = {
    "决算数": "actual", "决算": "actual", "预算数": "budget", "年初预算数": "budget",
    "年初预算": "budget", "调整预算数": "adjusted_budget", "调整后预算数": "adjusted_budget",
    "调整预算": "adjusted_budget", "执行数": "actual",
}
# a segment that names the measure itself (not 一般公共预算, which names a fund)
MEASURE_WORDS: tuple[tuple[re.Pattern[str], Measure], ...] = (
    (re.compile(r"调整(后)?预算"), "adjusted_budget"),
    (re.compile(r"决算(数)?$|执行数|实际(支出|完成)"), "actual"),
    (re.compile(r"^(本年|当年|年初|\d{4}年度?)?预算(数|金额)?$|预算数$"), "budget"),
)
# component by the most specific header segment that names one
COMPONENT_WORDS: tuple[tuple[re.Pattern[str], Component], ...] = (
    (re.compile(r"人员经费|人员支出|工资福利"), "personnel"),
    (re.compile(r"公用经费|日常公用|公用支出"), "public"),
    (re.compile(r"基本支出"), "basic"),
    (re.compile(r"项目支出|专项业务经费|专项(支出|经费)|项目经费"), "project"),
)
# a segment that only says "the amount" (its component is the parent's, or total)
TOTAL_WORDS = re.compile(r"^(本年支出|本年收入|支出)?(合计|小计|总计)$|^金额$|^决算数$|^预算数$|^预算金额$"
                         r"|^(本年|当年)?(预算|决算)?(数|金额)?$")
# a fund word names the column's fund in 财政拨款 总表s and income-by-source tables
FUND_WORDS: tuple[tuple[re.Pattern[str], Fund], ...] = (
    (re.compile(r"^一般公共预算"), "general_budget"),
    (re.compile(r"^(政府性)?基金(预算)?"), "government_fund"),
    (re.compile(r"^国有资本经营"), "state_capital"),
)
# segments that say nothing about the content (the table's own framing)
NEUTRAL_SEGMENTS = re.compile(r"^(部门|单位|本年度?|当年|\d{4}年度?|收入|支出|预算|决算|数|金额|财政拨款"
                              r"|一般公共预算|政府性基金预算|国有资本经营预算)+$"
                              r"|^(支出)?(功能|经济)分类(科目)?(\(.*\))?$|^支出用途$|^项目$")
# rows that carry a table's totals, not a subject
TOTAL_LABEL = re.compile(r"(合计|总计|小计)$|^(合计|总计)")
# 总表 expenditure halves list 类 as 一、一般公共服务支出; a numbered row is a subject
NUMBERED_LABEL = re.compile(r"^(([一二三四五六七八九十]+|\d{1,2})\s*[、.．]"
                            r"|[(（][一二三四五六七八九十\d]{1,3}[)）])\s*")
# subject names carrying their level: 一般公共服务（类）
LEVEL_SUFFIX = re.compile(r"[(（](类|款|项)[)）]$")
# 功能分类 codes: 类 2xx, 款 2xxxx, 项 2xxxxxx; 经济分类: 3xx/5xx and their 款
FUNCTION_CODE = re.compile(r"^2\d{2}(\d{2}){0,2}$")
ECONOMIC_CODE = re.compile(r"^[35]\d{2}(\d{2}){0,2}$")
