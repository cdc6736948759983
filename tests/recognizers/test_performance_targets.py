"""绩效目标表 and the central-style 自评表 as projects and indicators, on real pages.

The fixtures (``fixtures/real/``, listed in its MANIFEST.tsv) are pages of
real disclosures; every value asserted here was read off the rendered page:

- ``chongqing-…-p22-24.pdf``: a 部门整体绩效目标表 named by the line above it
  (单位名称：…), a blank 重点专项 form (此表无数据), and a list of projects
  (序号 | 项目名称 | 当年财政拨款预算金额 | … | 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重).
- ``xian-…-p33-p42.pdf``: a one-project form (资金金额（万元） label/amount pairs,
  一级/二级/三级 merged down, ≤50万元 in 指标值) and a 部门整体支出绩效目标表
  (年度主要任务 with 总额 | 财政拨款 | 其他资金, units in the indicator names).
- ``ningde-…-self-evaluation.pdf``: a 部门整体绩效自评表 with 年度指标值 | 实际完成值 |
  指标分值 | 自评得分 and a budget block of ①…⑦ columns.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from disclosures.extractors.recognizers.performance import (
    FormWalk,
    recognize_performance,
)
from disclosures.extractors.recognizers.performance_layout import DEFAULT_SETTINGS
from disclosures.flows.pipeline import extract, read
from disclosures.model.layout import Cell, Document, Table
from disclosures.model.records import DocumentInfo, Extraction, check_provenance

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"
CHONGQING = REAL / "chongqing-2026-budget-performance-targets-p22-24.pdf"
XIAN = REAL / "xian-2026-budget-performance-targets-p33-p42.pdf"
NINGDE = REAL / "ningde-2024-department-self-evaluation.pdf"


@cache
def recognized(path: Path) -> Extraction:
    if not path.exists():
        pytest.skip(f"real fixture missing: {path}")
    return recognize_performance(read(path), DocumentInfo())


@cache
def extracted(path: Path) -> Extraction:
    if not path.exists():
        pytest.skip(f"real fixture missing: {path}")
    return extract(path)[1]


def performance_rules(ex: Extraction) -> list[str]:
    return [f.rule for f in ex.findings if f.rule.startswith("performance.")]


# ---------------------------------------------------------------- 重庆: 整体, blank form, list

def test_department_form_named_by_the_line_above_it():
    ex = recognized(CHONGQING)
    whole = ex.projects[0]
    assert (whole.name, whole.scope, whole.source) == ("重庆市人民政府办公厅", "department",
                                                        "performance_targets")
    assert whole.provenance.page == 1 and whole.provenance.text == "重庆市人民政府办公厅"
    assert whole.goal.startswith("贯彻落实党中央和国务院的决策部署")
    assert whole.budget_initial is None  # the form prints no amount
    first, last = whole.indicators[0], whole.indicators[-1]
    assert (first.name, first.operator, first.target, first.unit, first.weight) == (
        "市政府门户网站优化整改次数", ">=", "4", "次", Decimal(10))
    assert (last.name, last.operator, last.target, last.unit, last.weight) == (
        "市政府网络可用率", ">=", "99.5", "%", Decimal(5))
    assert len(whole.indicators) == 10 and sum(i.weight for i in whole.indicators) == 100
    assert all(i.level1_raw is None and i.level2_raw is None for i in whole.indicators)


def test_list_layout_gives_one_project_with_its_amount_and_indicators():
    ex = recognized(CHONGQING)
    assert len(ex.projects) == 2
    project = ex.projects[1]
    assert (project.name, project.scope) == ("市政府办公厅业务及日常运行项目", "project")
    # 8,534.17 under 当年财政拨款预算金额, 单位：万元 above the table
    assert project.budget_initial == Decimal(85341700)
    assert project.field_provenance["budget_initial"].text == "8,534.17"
    assert project.department == "重庆市人民政府办公厅"  # 资金主管部门：… above the table
    assert project.goal.startswith("完成各项业务工作，分别达到工作要求")
    names = [i.name for i in project.indicators]
    assert len(names) == 11 and names[0] == "民呼我为（“12345”）咨询一次性解答率"
    assert (project.indicators[-1].name, project.indicators[-1].operator, project.indicators[-1].target,
            project.indicators[-1].weight) == ("年度预算执行率", "=", "100", Decimal(10))
    assert sum(i.weight for i in project.indicators) == 100


def test_blank_form_is_said_once_and_header_words_are_never_names():
    ex = recognized(CHONGQING)
    assert performance_rules(ex) == ["performance.blank_form"]
    assert ex.findings[0].severity == "info" and ex.findings[0].pages == [2]
    assert not {"当年财政拨款预算金额", "项目名称", "当年预算"} & {p.name for p in ex.projects}
    assert [t.kind for t in ex.tables] == ["绩效目标表"] * 3


# ---------------------------------------------------------------- 西安: project form, 整体 form

def test_project_form_with_amount_pairs_and_merged_levels():
    project = recognized(XIAN).projects[0]
    assert (project.name, project.department, project.scope) == ("接待中心安保服务", "西安市信访局", "project")
    assert [(f.source, f.budget_initial) for f in project.funding] == [
        ("实施期资金总额", Decimal(500000)), ("其中：财政拨款", Decimal(500000)), ("其他资金", None)]
    assert project.budget_initial == Decimal(500000)
    assert project.goal.startswith("1、中心大门口秩序及大厅内人员、物品和秩序的控制")
    rows = [(i.level1_raw, i.level2_raw, i.name, i.operator, i.target, i.unit, i.weight)
            for i in project.indicators]
    assert rows[0] == ("成本指标", "经济成本", "保安服务年度总费用", "<=", "50", "万元", Decimal(10))
    assert rows[1] == ("产出指标", "数量指标", "保安服务人数", None, "15人", None, Decimal(10))
    # two targets in one cell stay as printed
    assert rows[2][2].startswith("中心大厅因安保不到位引起影响到工作秩序的事件每年不超过次数；")
    assert rows[2][3:6] == (None, "≤1次；≤1次", None)
    # the 一级 cell beside 社会效益指标 is printed empty: no level is made up
    assert rows[4][:2] == (None, "社会效益指标")
    assert len(rows) == 7 and sum(r[-1] for r in rows) == 90


def test_department_form_with_tasks_block():
    whole = recognized(XIAN).projects[1]
    assert (whole.name, whole.scope, whole.department) == ("西安市信访局", "department", None)
    # 金额合计 2838.42 | 2838.42 | (blank), 预算金额（万元）
    assert [(f.source, f.budget_initial) for f in whole.funding] == [
        ("总额", Decimal(28384200)), ("财政拨款", Decimal(28384200)), ("其他资金", None)]
    assert whole.budget_initial == Decimal(28384200)
    assert whole.goal.startswith("2026年，西安市信访局以党的二十届四中全会精神为指引")
    first = whole.indicators[0]
    assert (first.level1_raw, first.level2_raw, first.name, first.operator, first.target, first.weight) == (
        "成本指标", "经济成本", "信访事务业务经费支出（万元/年）", "<=", "443.62", Decimal(8))
    days = next(i for i in whole.indicators if i.name == "信访事项办结时限（日）")
    assert (days.operator, days.target) == ("<=", "60")  # printed ≦60
    assert len(whole.indicators) == 14 and sum(i.weight for i in whole.indicators) == 90
    assert performance_rules(recognized(XIAN)) == []


def test_target_numbers_take_units_from_the_indicator_names():
    whole = extracted(XIAN).projects[1]
    first = whole.indicators[0]
    assert (first.target_comparator, first.target_value, first.target_unit) == ("<=", Decimal("443.62"), "万元/年")
    rate = next(i for i in whole.indicators if i.name == "复查复核程序合规率（%）")
    assert (rate.target_comparator, rate.target_value, rate.target_unit) == (None, Decimal(100), "%")
    assert all(i.met is None for i in whole.indicators)  # a target table has no actuals


# ---------------------------------------------------------------- 宁德: central-style 自评表

def test_central_style_self_evaluation_gives_its_indicators():
    ex = recognized(NINGDE)
    [project] = ex.projects
    assert (project.name, project.source, project.scope, project.department) == (
        "127部门整体", "self_evaluation", "department", "宁德市人民政府办公室")
    assert (project.budget_initial, project.budget_adjusted, project.executed, project.execution_rate) == (
        Decimal(92095500), Decimal(99997700), Decimal(88747400), Decimal("88.75"))
    assert (project.execution_weight, project.execution_score, project.total_score) == (
        Decimal(10), Decimal(7), Decimal("92.33"))
    assert project.goal.startswith("经宁德市委市政府批准，设立各项经费项目")
    assert len(project.indicators) == 17 and sum(i.weight for i in project.indicators) == 90
    meetings = next(i for i in project.indicators if i.name == "市政府常务会议场次")
    assert (meetings.level1_raw, meetings.level2_raw, meetings.operator, meetings.target, meetings.unit,
            meetings.actual, meetings.weight, meetings.score) == (
        "产出指标", "数量指标", ">=", "30", "次", "20", Decimal(2), Decimal("1.33"))
    cost = next(i for i in project.indicators if i.name == "基本经费投入成本")
    assert (cost.operator, cost.target, cost.unit, cost.actual, cost.score, cost.shortfall_reason) == (
        "<=", "3843.67", "万元", "4262.96", Decimal(0), "年中追加预算经费，实际支出超过年初预算安排。")
    assert [t.kind for t in ex.tables] == ["绩效自评表"]
    assert all(check_provenance(i) == [] for i in project.indicators)


def test_central_style_self_evaluation_met_and_missed():
    project = extracted(NINGDE).projects[0]
    met = {i.name: i.met for i in project.indicators}
    assert met["市政府常务会议场次"] is False  # ≥30次, 20 held: 1.33 of 2 points
    assert met["基本经费投入成本"] is False    # ≤3843.67万元, 4262.96 spent: 0 of 4
    assert met["转办准确率"] is True           # ≥95%, 98.84
    assert sum(m is True for m in met.values()) == 15
    assert not [f for f in extracted(NINGDE).findings if f.rule == "performance.missed_target_full_score"]


# ---------------------------------------------------------------- small layouts built by hand

def grid_table(rows: list[list[str]], index: int = 0) -> Table:
    """A Table from a grid where ``^`` continues the cell above (a vertical merge)."""
    owner: dict[tuple[int, int], Cell] = {}
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "^":
                cell = owner[(r - 1, c)]
                cell.rowspan = r - cell.row + 1
            else:
                cell = Cell(text=text, row=r, col=c)
                cells.append(cell)
            owner[(r, c)] = cell
    return Table(index=index, n_rows=len(rows), n_cols=len(rows[0]), cells=cells, extractor="test")


def recognize_rows(rows: list[list[str]]) -> Extraction:
    doc = Document(blocks=[grid_table(rows)], format="docx", file_name="t.docx", sha256="0" * 64)
    return recognize_performance(doc, DocumentInfo())


def test_a_target_without_unit_keeps_its_last_digit():
    """Issue 12: ≤1200 was stored as target 120 with unit 0."""
    ex = recognize_rows([
        ["项目名称", "x", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "服务人次", "≥1200"],
        ["产出指标", "数量指标", "培训批次", "≥30"],
        ["产出指标", "时效指标", "办结时限", "≤30天"],
    ])
    got = [(i.operator, i.target, i.unit, i.field_provenance["target"].text) for i in ex.projects[0].indicators]
    assert got == [(">=", "1200", None, "1200"), (">=", "30", None, "30"), ("<=", "30", "天", "30")]


def test_name_label_and_value_in_one_cell():
    ex = recognize_rows([
        ["专项（项目）名称 伯乐奖", "", "", ""],
        ["一级指标", "二级指标", "指标内容", "指标值"],
        ["产出指标", "质量指标", "资金到位率", "100%"],
    ])
    [project] = ex.projects
    assert project.name == "伯乐奖" and project.provenance.text == "伯乐奖"
    assert [i.name for i in project.indicators] == ["资金到位率"]


def test_a_header_word_beside_the_name_label_is_no_project():
    ex = recognize_rows([
        ["项目名称", "项目总额", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "服务人次", "≥1200"],
    ])
    assert ex.projects == []
    assert [f.rule for f in ex.findings] == ["performance.unparsed_row", "performance.unparsed_row"]


def test_central_template_goal_rows_do_not_swallow_the_indicator_header():
    """The central 项目支出绩效自评表: 年度总体目标 spans its 预期目标 | 实际完成情况 row
    and the answers below; the cell under it is the 绩效指标 block's label, not the goal
    (the old reading took it as the goal and skipped the header: no indicators)."""
    ex = recognize_rows([
        ["项目名称", "社区养老服务补助", "", "", "", "", "", "", ""],
        ["主管部门", "某市民政局", "", "", "", "实施单位", "某市养老服务中心", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
        ["^", "年度资金总额", "120", "110", "99", "10", "90%", "9", ""],
        ["^", "其中：当年财政拨款", "120", "110", "99", "—", "90%", "—", ""],
        ["^", "上年结转资金", "", "", "", "—", "", "—", ""],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""],
        ["^", "为全市老人提供居家养老服务", "", "", "", "服务老人1200人", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
        ["^", "产出指标", "数量指标", "服务老人数", "≥1000人", "1200人", "20", "20", ""],
        ["^", "满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "88%", "10", "10", ""],
        ["总分", "", "", "", "", "", "100", "95", ""],
    ])
    [project] = ex.projects
    assert project.goal == "为全市老人提供居家养老服务"
    assert [(i.name, i.operator, i.target, i.unit, i.actual) for i in project.indicators] == [
        ("服务老人数", ">=", "1000", "人", "1200人"), ("老人满意度", ">=", "90", "%", "88%")]
    assert project.budget_adjusted == Decimal(1100000) and project.total_score == Decimal(95)


def test_a_finding_never_cites_an_empty_cell():
    """Fuzzing found a budget row whose only own cell was empty: an empty text is no
    evidence the store can keep, so the finding names the table's pages instead."""
    table = Table(index=3, n_rows=1, n_cols=2, cells=[Cell(text="", row=0, col=0, page=7)],
                  pages=[7], extractor="test")
    walk = FormWalk(DEFAULT_SETTINGS, Extraction(info=DocumentInfo()))
    walk.finding("performance.unparsed_row", "warning", "x", table, table.row_cells(0))
    [finding] = walk.extraction.findings
    assert finding.evidence == [] and finding.pages == [7]
