"""The phrase table behind the narrative recognizer: section headings and fact labels.

Thousands of 部门决算/预算 carry the same 情况说明 sentences with small wording
variations (财政部《部门决算编制说明》 templates, provincial variants: the seed
泸州 2024 决算, 上海普陀 2024 决算 / 2025 预算, 江苏 2017-2019 预算 in
../shared/corpus). Each row maps a label phrase (the ``label_zh`` column of
``spec/facts.csv`` and its written variants) to a fact key. Regexes run on the
folded text of a paragraph (``narrative.fold_compact``): NFKC (so （）：；％ are
ASCII), blanks removed, ``，`` and ``。`` kept.

``sections`` restricts a row to paragraphs under certain headings where the same
words mean different figures: ``基本支出`` is expenditure.basic under 支出决算情况
but basic_total under 一般公共预算财政拨款基本支出; ``收入、支出总计`` is
appropriation_total under 财政拨款收入支出决算总体情况. Headings are recognised by
their words (SECTION_PATTERNS), never by their numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from disclosures.model.vocabulary import FactUnit

# Headings by their words, first match wins (specific before general).
SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx)) for name, rx in (
        ("glossary", r"名词解释|名词说明|术语解释"),
        ("part", r"^第[一二三四五六七八九十]+部分|^附件\d*$"),
        ("performance_report", r"绩效(?:自评|评价)报告$"),
        ("staff", r"人员(?:概况|情况|构成)"),
        ("funds", r"资金收支情况"),
        ("three_public", r"三公"),
        ("government_fund", r"政府性基金"),
        ("state_capital", r"国有资本经营"),
        ("operating_cost", r"机关运行经费"),
        ("procurement", r"政府采购"),
        ("assets", r"国有资产"),
        ("performance", r"绩效管理|绩效目标|绩效(?:自评|评价)(?:情况|结果)"),
        ("appropriation", r"财政拨款收入?、?支出?(?:决算|预算)?总(?:体|表)"),
        ("income_expenditure", r"收入?、?支出?(?:决算|预算)?总(?:体|表)|收支(?:决算|预算)?情况的?总体"),
        ("income", r"^(?:本年)?收入(?:决算|预算)(?:情况|总表)"),
        ("expenditure", r"^(?:本年)?支出(?:决算|预算)(?:情况|总表)"),
        ("basic", r"基本支出(?:决算|预算)?(?:情况|表)"),
        ("general_budget_structure", r"一般公共预算(?:财政拨款)?支出(?:决算|预算)?结构"),
        ("general_budget_detail", r"一般公共预算(?:财政拨款)?支出(?:决算|预算)?具体情况"),
        ("general_budget", r"(?:一般公共预算)?财政拨款支出(?:决算|预算)?(?:总体)?情况"
                           r"|一般公共预算支出(?:决算|预算)?(?:总体)?情况"),
        ("budget_explanation", r"预算编制说明|预算(?:情况)?说明$"),
        ("other", r"其他(?:重要事项|相关情况)"),
    )
)

# Sections whose sentences speak of the whole department's money (not of one fund).
GENERAL = frozenset({None, "part", "income_expenditure", "income", "expenditure",
                     "budget_explanation"})
# Sections where 三公 figures are stated (budgets put them under 其他相关情况说明).
THREE_PUBLIC = frozenset({"three_public", "other", "budget_explanation", None, "part"})

MONEY = "money"
COUNT = "count"
SCORE = "score"

FACT_UNITS: dict[str, FactUnit] = {MONEY: "yuan", COUNT: "count", SCORE: "score"}


@dataclass(frozen=True)
class FactPattern:
    """A label phrase followed by its value (``LABEL [filler] 939.21万元``)."""

    key: str
    label: str
    kind: str = MONEY
    units: tuple[str, ...] = ()  # the count/score units this label takes (辆, 人, 分…)
    sections: frozenset | None = None  # None: any section but the glossary
    not_sections: frozenset = frozenset()
    # further ``，360人次`` after the value: unit → key (国内公务接待23批次，360人次)
    companions: tuple[tuple[str, str], ...] = ()
    max_gap: int = 12  # filler characters allowed between label and value
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.label))

    def applies_to(self, section: str | None) -> bool:
        if section == "glossary" or section in self.not_sections:
            return False
        return self.sections is None or section in self.sections


@dataclass(frozen=True)
class ValueFirstPattern:
    """A figure written before its words (``13个项目开展了…绩效评估``); group ``v``."""

    key: str
    pattern: str
    kind: str = COUNT
    sections: frozenset | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))

    def applies_to(self, section: str | None) -> bool:
        return section != "glossary" and (self.sections is None or section in self.sections)


_INC_EXP = r"(?<!拨款)收入?(?:总计)?、?支出?总计|收支(?:预算)?总(?:计|预算)"
_COUNT_VEHICLE = ("辆",)
_COUNT_PEOPLE = ("人", "名")

FACT_PATTERNS: tuple[FactPattern, ...] = (
    FactPattern("appropriation_total", r"财政拨款收入?(?:总计)?、?支出?总(?:计|预算|额)"),
    FactPattern("appropriation_total", _INC_EXP, sections=frozenset({"appropriation"})),
    FactPattern("income_expenditure_total", _INC_EXP, not_sections=frozenset({"appropriation"})),
    FactPattern("income_total", r"本年收入(?:预算)?合计|收入预算合计"),
    FactPattern("income_total", r"(?<![入出算款金营])收入预算(?:总额)?", max_gap=2),
    FactPattern("income.general_budget", r"一般公共预算(?:财政)?(?:拨款)?收入"),
    FactPattern("income.government_fund", r"政府性基金(?:预算)?(?:财政)?(?:拨款)?收入"),
    FactPattern("income.state_capital", r"国有资本经营预算(?:财政)?(?:拨款)?收入"),
    FactPattern("income.business", r"(?<!非)事业收入"),
    FactPattern("income.operating", r"(?:事业单位)?经营收入"),
    FactPattern("income.other", r"其他收入"),
    FactPattern("expenditure_total", r"本年支出(?:预算)?合计|支出预算合计"),
    FactPattern("expenditure_total", r"(?<![入出算款金营])支出预算(?:总额)?", max_gap=2,
                sections=GENERAL),
    FactPattern("basic_total", r"一般公共预算(?:财政)?(?:拨款)?基本支出|财政拨款基本支出"),
    FactPattern("basic_total", r"基本支出", sections=frozenset({"basic"})),
    FactPattern("expenditure.basic", r"基本支出", sections=GENERAL),
    FactPattern("expenditure.project", r"项目支出", sections=GENERAL),
    FactPattern("expenditure.operating", r"经营支出", sections=GENERAL),
    FactPattern("general_budget_expenditure", r"一般公共预算(?:财政)?(?:拨款)?支出"),
    FactPattern("basic.personnel", r"人员经费", sections=frozenset({"basic"})),
    FactPattern("basic.public", r"公用经费", sections=frozenset({"basic"})),
    FactPattern("three_public.total", r"三公[”\"’']?经费(?:财政拨款)?", sections=THREE_PUBLIC),
    FactPattern("three_public.vehicle", r"公务用车购置及运行(?:维护)?费", sections=THREE_PUBLIC),
    FactPattern("three_public.vehicle_purchase", r"公务用车购置(?:费)?", sections=THREE_PUBLIC),
    FactPattern("three_public.vehicles_purchased", r"(?:更新)?购置(?:公务用)?车(?:辆)?|公务用车购置",
                kind=COUNT, units=_COUNT_VEHICLE, sections=THREE_PUBLIC),
    FactPattern("three_public.vehicles_owned", r"(?:共有|保有|现有|实有)公务用车|公务用车保有量",
                kind=COUNT, units=_COUNT_VEHICLE, sections=THREE_PUBLIC),
    FactPattern("three_public.vehicle_operation", r"公务用车运行(?:维护)?费", sections=THREE_PUBLIC),
    FactPattern("three_public.overseas_groups", r"(?:因公)?出国\(境\)团组", kind=COUNT,
                units=("次", "个", "批", "批次"), sections=THREE_PUBLIC),
    FactPattern("three_public.overseas", r"因公出国\(境\)(?:经费|费用|费)?", sections=THREE_PUBLIC),
    FactPattern("three_public.overseas_persons", r"(?:因公)?出国\(境\)(?:人员|人数)?", kind=COUNT,
                units=("人", "人次", "名"), sections=THREE_PUBLIC, max_gap=2),
    FactPattern("three_public.reception", r"(?<![内外])公务接待费", sections=THREE_PUBLIC),
    FactPattern("three_public.reception_batches", r"国内公务接待", kind=COUNT,
                units=("批次", "批", "次"), sections=THREE_PUBLIC,
                companions=(("人次", "three_public.reception_persons"),
                            ("人", "three_public.reception_persons"))),
    FactPattern("three_public.reception_domestic", r"国内公务接待(?:费|支出)?", sections=THREE_PUBLIC),
    FactPattern("three_public.reception_persons", r"国内公务接待人(?:次|数)", kind=COUNT,
                units=("人次", "人"), sections=THREE_PUBLIC),
    FactPattern("three_public.reception_foreign", r"外事接待(?:费|支出)?", sections=THREE_PUBLIC),
    FactPattern("government_fund_expenditure", r"政府性基金(?:预算)?(?:财政)?(?:拨款)?支出"),
    FactPattern("state_capital_expenditure", r"国有资本经营预算(?:财政)?(?:拨款)?支出"),
    FactPattern("operating_cost", r"机关运行经费"),
    # 重庆 2026 部门预算 五（一）: ``机关运行经费。2026年一般公共预算财政拨款运行经费5,590.43万元``
    FactPattern("operating_cost", r"(?:财政拨款|一般公共预算)运行经费"),
    FactPattern("procurement.total", r"政府采购(?:支出)?(?:预算)?(?:总额|金额)|政府采购支出",
                sections=frozenset({"procurement"})),
    FactPattern("procurement.goods", r"(?:政府采购|拟采购)货物(?:支出|金额)?|货物采购(?:支出|金额)?"
                r"|采购货物(?:支出|金额)?", sections=frozenset({"procurement"}), max_gap=4),
    FactPattern("procurement.works", r"(?:政府采购|拟采购)工程(?:支出|金额)?|工程采购(?:支出|金额)?"
                r"|采购工程(?:支出|金额)?", sections=frozenset({"procurement"}), max_gap=4),
    FactPattern("procurement.services", r"(?:政府采购|拟采购|拟购买)服务(?:支出|金额)?"
                r"|服务采购(?:支出|金额)?|(?:采购|购买)服务(?:支出|金额)?",
                sections=frozenset({"procurement"}), max_gap=4),
    FactPattern("procurement.sme", r"授予中小企业(?:合同)?(?:金额)?"),
    FactPattern("procurement.micro", r"授予小微企业(?:合同)?(?:金额)?"),
    FactPattern("assets.vehicles", r"共有(?:各类)?车辆|车辆总数|车辆共计", kind=COUNT,
                units=_COUNT_VEHICLE, not_sections=frozenset({"three_public"})),
    FactPattern("assets.equipment_over_1m",
                r"单价100万元(?:\(含\))?以上(?:的)?(?:大型)?设备(?:\(不含车辆\))?",
                kind=COUNT, units=("台(套)", "台套", "台", "套")),
    FactPattern("performance.self_score", r"绩效自评(?:总)?得分", kind=SCORE, units=("分",),
                sections=frozenset({"performance"})),
    FactPattern("staff.authorized", r"(?<!行政)(?<!事业)(?<!工勤)(?<!附属)编制(?:人数|数)?",
                kind=COUNT, units=_COUNT_PEOPLE, max_gap=2),
    FactPattern("staff.actual", r"在职在编(?:人员|人数)?|在编在职(?:人员|人数)?|实有(?:在职)?人(?:员|数)",
                kind=COUNT, units=_COUNT_PEOPLE, max_gap=4),
    FactPattern("budget.initial_total", r"年初预算(?:收入|支出)?(?:总额|合计)?",
                sections=frozenset({"funds"})),
)

_PERFORMANCE = frozenset({"performance"})
VALUE_FIRST_PATTERNS: tuple[ValueFirstPattern, ...] = (
    # seed 十（四）: 对…等13个项目开展了预算事前绩效评估
    ValueFirstPattern("performance.projects_evaluated",
                      r"(?P<v>\d+)个项目开展(?:了)?[^，,;。]{0,10}?绩效(?:自评|评价|评估)",
                      sections=_PERFORMANCE),
    # 上海普陀 2024 决算 十: 绩效自评的 2024 年度项目 4 个
    ValueFirstPattern("performance.projects_evaluated",
                      r"绩效自评的(?:\d{4}年度?)?项目(?P<v>\d+)个", sections=_PERFORMANCE),
)

_LABELS_BY_SECTION: dict[str | None, re.Pattern[str]] = {}


def labels_in(section: str | None) -> re.Pattern[str]:
    """Every label that applies in ``section``: filler between a label and its value may not hold one."""
    if section not in _LABELS_BY_SECTION:
        _LABELS_BY_SECTION[section] = re.compile(
            "|".join(f"(?:{p.label})" for p in FACT_PATTERNS if p.applies_to(section)) or "(?!)")
    return _LABELS_BY_SECTION[section]


def section_of_heading(text: str) -> str | None:
    """The section a heading's words name (text folded, list marker removed)."""
    for name, pattern in SECTION_PATTERNS:
        if pattern.search(text):
            return name
    return None
