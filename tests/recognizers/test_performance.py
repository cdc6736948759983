"""绩效自评表 → projects + indicators.

Hand-built IR tables, one per real-world quirk (named after it), shaped like
the seed's Word tables (11 grid columns: section | 一级 | 二级 | 三级 | 指标性质 |
指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析); then the seed itself
(`fixtures/seed/luzhou-zfw-2024-final-accounts.docx`) when it and the docx
reader are present.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from disclosures.extractors.recognizers.performance import (
    is_form_instruction,
    label_key,
    recognize_performance,
    split_code_and_name,
)
from disclosures.model.layout import Cell, Document, Paragraph, Table
from disclosures.model.records import DocumentInfo, check_provenance

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"

ABOVE, LEFT = "^", "<"  # grid markers: merged with the cell above / to the left


def build_table(rows: list[list[str]], index: int = 0) -> Table:
    """A Table from a grid where ``^`` continues the cell above and ``<`` the cell to the left."""
    n_cols = len(rows[0])
    assert all(len(r) == n_cols for r in rows), [len(r) for r in rows]
    owner: dict[tuple[int, int], Cell] = {}
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == LEFT:
                cell = owner[(r, c - 1)]
                if cell.row == r:
                    cell.colspan = c - cell.col + 1
            elif text == ABOVE:
                cell = owner[(r - 1, c)]
                cell.rowspan = r - cell.row + 1
            else:
                cell = Cell(text=text, row=r, col=c)
                cells.append(cell)
            owner[(r, c)] = cell
    return Table(index=index, n_rows=len(rows), n_cols=n_cols, cells=cells, extractor="test")


def doc_of(*blocks) -> Document:
    return Document(blocks=list(blocks), format="docx", file_name="t.docx", sha256="0" * 64)


def span(text: str, width: int) -> list[str]:
    return [text] + [LEFT] * (width - 1)


HEADER = ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
          "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
GOAL_INSTRUCTION = "对照年度目标，说明相关任务目标的完成情况（100字以内）"
BUDGET_REASON = "1.预算执行率=预算执行数/调整后预算数，预算执行率未达到90%的需说明原因（100字以内）"


def form_head(name: str, goal: str = "提高预算编制质量，严格执行预算，保障单位日常运转。",
              completion: str = GOAL_INSTRUCTION) -> list[list[str]]:
    return [
        span("部门预算项目支出绩效自评表（2024年度）", 11),
        span("项目名称", 3) + span(name, 8),
        span("主管部门", 3) + span("市政法部门", 4) + span("实施单位 （盖章）", 2)
        + span("中国共产党泸州市委员会政法委员会", 2),
        ["项目基本情况"] + span("1.项目年度目标完成情况", 2) + span("项目年度目标", 4) + span("年度目标完成情况", 4),
        [ABOVE, ABOVE, ABOVE] + span(goal, 4) + span(completion, 4),
        [ABOVE] + span("2.项目实施内容及过程概述", 2) + span("", 8),
    ]


def budget_block(total: list[str], weight: str = "10", score: str = "") -> list[list[str]]:
    """The seed's 预算执行情况 block: 总额 then its parts, 权重/得分 stated on 总额 only."""
    rows = [["预算执行情况（10分）"] + span("年度预算数（万元）", 2)
            + ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"] + span("原因", 2),
            [ABOVE] + span("总额", 2) + total + [weight, score] + span(BUDGET_REASON, 2),
            [ABOVE] + span("其中：财政资金", 2) + total + ["/", "/"] + span("", 2)]
    for source in ("财政专户管理资金", "单位资金"):
        rows.append([ABOVE] + span(source, 2) + ["0.00", "0.00", "0.00", "0.00%", "/", "/"] + span("", 2))
    rows.append([ABOVE] + span("其他资金", 2) + ["", "", "", "", "/", "/"] + span("", 2))
    return rows


def form_tail(weight_total: str = "100", score_total: str = "100",
              conclusion: str = "结合自评情况，说明项目自评总分，说明项目实施取得的成效或成果。（200字以内）"
              ) -> list[list[str]]:
    return [
        span("合计", 8) + [weight_total, score_total, ""],
        span("评价结论", 3) + span(conclusion, 8),
        span("存在问题", 3) + span("结合自评情况，分析存在的问题及原因。（200字以内）", 8),
        span("改进措施", 3)
        + span("针对项目自评中发现的问题，提出下一步改进完善的意见及有关政策性建议。（200字以内）", 8),
        span("项目负责人：赵兴梅", 6) + span("财务负责人：王良洪", 5),
    ]


def indicator_rows(rows: list[list[str]]) -> list[list[str]]:
    """Indicator rows under the header; the section label is merged down beside them."""
    return [HEADER] + [[ABOVE] + r + [""] * (10 - len(r)) for r in rows]


# The seed's 综合定额基本运转支出 form (seed text lines 560-540 region): 一级 and
# 二级 merged down in the Word original.
COMPREHENSIVE_QUOTA = (
    form_head("51050021Y000000024281-综合定额基本运转支出")
    + budget_block(["306.00", "304.50", "261.57", "85.90%"])
    + indicator_rows([
        ["产出指标", "数量指标", "科目调整次数", "≤", "5", "次", "5", "20", "20"],
        [ABOVE, "质量指标", "预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）", "≤", "5", "%", "5", "30", "30"],
        ["效益指标", "经济效益指标", "“三公经费”控制率[计算方法为：（三公经费实际支出数/预算安排数]×100%）",
         "≤", "100", "%", "100", "20", "20"],
        [ABOVE, "社会效益指标", "运转保障率", "＝", "100", "%", "100", "20", "20"],
    ])
    + form_tail()
)


def recognize(*blocks):
    return recognize_performance(doc_of(*blocks), DocumentInfo())


# ---------------------------------------------------------------- small transformations

def test_code_and_name_split_from_project_name():
    code, name = split_code_and_name("51050021Y000000024280-单项定额基本运转支出")
    assert code[0] == "51050021Y000000024280" and name[0] == "单项定额基本运转支出"
    code, name = split_code_and_name("驻村第一书记经费")
    assert code is None and name[0] == "驻村第一书记经费"


def test_form_instructions_are_told_from_answers():
    assert is_form_instruction(GOAL_INSTRUCTION)
    assert is_form_instruction("结合自评情况，分析存在的问题及原因。")
    assert not is_form_instruction("村产业可持续性较弱，需加弱技能培训和市场对接。")
    assert not is_form_instruction("项目自评分95分，完成了重点课题。")


def test_label_key_drops_brackets_and_spaces():
    assert label_key("实施单位 （盖章）") == "实施单位"
    assert label_key("预算执行情况（10分）") == "预算执行情况"


# ---------------------------------------------------------------- the seed-shaped form

def test_project_header_and_budget_rows_in_yuan():
    ext = recognize(build_table(COMPREHENSIVE_QUOTA))
    assert len(ext.projects) == 1
    p = ext.projects[0]
    assert (p.code, p.name) == ("51050021Y000000024281", "综合定额基本运转支出")
    assert p.department == "市政法部门"
    assert p.implementer == "中国共产党泸州市委员会政法委员会"
    assert p.goal == "提高预算编制质量，严格执行预算，保障单位日常运转。"
    assert (p.budget_initial, p.budget_adjusted, p.executed, p.execution_rate) == (
        Decimal(3060000), Decimal(3045000), Decimal(2615700), Decimal("85.90"))
    assert p.execution_weight == Decimal(10) and p.execution_score is None
    assert [f.source for f in p.funding] == ["总额", "其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"]
    assert p.funding[1].executed == Decimal(2615700)
    assert p.funding[2].budget_initial == Decimal(0) and p.funding[2].execution_rate == Decimal(0)
    assert p.funding[4].budget_initial is None and p.funding[4].execution_rate is None
    assert p.total_score == Decimal(100)
    assert p.field_provenance["budget_adjusted"].text == "304.50"
    assert p.field_provenance["code"].text == "51050021Y000000024281"
    assert p.provenance.locator == "table 0 / row 1 / col 3"
    assert ext.findings == []
    assert [t.kind for t in ext.tables] == ["绩效自评表"]


def test_instruction_only_cells_become_null():
    p = recognize(build_table(COMPREHENSIVE_QUOTA)).projects[0]
    assert p.conclusion is None and p.problems is None and p.improvements is None


def test_indicator_levels_filled_down_from_merged_cells():
    p = recognize(build_table(COMPREHENSIVE_QUOTA)).projects[0]
    got = [(i.level1_raw, i.level2_raw, i.name[:6]) for i in p.indicators]
    assert got == [("产出指标", "数量指标", "科目调整次数"), ("产出指标", "质量指标", "预算编制准确"),
                   ("效益指标", "经济效益指标", "“三公经费”"), ("效益指标", "社会效益指标", "运转保障率")]
    second = p.indicators[1]
    # the filled-down level points at the merged cell it was read from
    assert second.field_provenance["level1_raw"].locator == "table 0 / row 13 / col 1"
    assert second.provenance.locator == "table 0 / row 14 / col 3"


def test_indicator_values_and_operators():
    p = recognize(build_table(COMPREHENSIVE_QUOTA)).projects[0]
    first, last = p.indicators[0], p.indicators[-1]
    assert (first.operator, first.target, first.unit, first.actual, first.weight, first.score) == (
        "<=", "5", "次", "5", Decimal(20), Decimal(20))
    assert last.operator == "=" and last.field_provenance["operator"].text == "＝"
    assert first.shortfall_reason is None
    assert all(check_provenance(i) == [] for i in p.indicators)
    assert check_provenance(p) == []


# ---------------------------------------------------------------- quirks, one fixture each

def test_level1_merged_across_five_rows():
    rows = indicator_rows([
        ["产出指标", "数量指标", "a", "≥", "1", "人", "1", "15", "15"],
        [ABOVE, "质量指标", "b", "＝", "100", "%", "100", "10", "10"],
        [ABOVE, "时效指标", "c", "≤", "1", "年", "1", "15", "15"],
        [ABOVE, "成本指标", "d", "≤", "3", "万元", "3", "10", "10"],
        [ABOVE, ABOVE, "e", "≤", "2", "万元", "2", "10", "10"],
    ])
    p = recognize(build_table(form_head("x") + rows + form_tail())).projects[0]
    assert [i.level1_raw for i in p.indicators] == ["产出指标"] * 5
    assert [i.level2_raw for i in p.indicators] == ["数量指标", "质量指标", "时效指标", "成本指标", "成本指标"]


def test_level2_merged_under_repeated_level1():
    rows = indicator_rows([
        ["产出指标", "数量指标", "a", "＝", "13", "个", "13", "5", "6"],
        ["产出指标", ABOVE, "b", "＝", "100", "%", "100", "5", "6"],
        ["效益指标", "社会效益指标", "c", "定性", "优", "", "优", "10", "10"],
    ])
    p = recognize(build_table(form_head("法学会") + rows + form_tail())).projects[0]
    assert [(i.level1_raw, i.level2_raw) for i in p.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("效益指标", "社会效益指标")]
    assert p.indicators[2].operator == "qualitative" and p.indicators[2].target == "优"
    assert p.indicators[2].unit is None


def test_levels_repeated_on_every_row():
    rows = indicator_rows([
        ["产出指标", "数量指标", "选派第一书记人数", "≥", "1", "人", "1", "15", "15"],
        ["产出指标", "质量指标", "考勤率", "＝", "100", "%", "100", "10", "10"],
        ["满意度指标", "服务对象满意度指标", " 第一书记、单位满意度", "≥", "95", "%", "95", "10", "10"],
    ])
    p = recognize(build_table(form_head("驻村第一书记经费") + rows + form_tail())).projects[0]
    assert [i.level2_raw for i in p.indicators] == ["数量指标", "质量指标", "服务对象满意度指标"]
    assert p.indicators[2].name == "第一书记、单位满意度"
    assert p.code is None and p.name == "驻村第一书记经费"


def test_levels_left_blank_instead_of_merged():
    """Older forms leave the cells under a level empty rather than merging them."""
    rows = indicator_rows([
        ["产出指标", "数量指标", "a", "≤", "5", "次", "5", "20", "20"],
        ["", "质量指标", "b", "≤", "5", "%", "5", "30", "30"],
        ["", "", "c", "≤", "1", "年", "1", "10", "10"],
        ["效益指标", "", "d", "＝", "100", "%", "100", "20", "20"],
    ])
    p = recognize(build_table(form_head("x") + rows + form_tail())).projects[0]
    assert [(i.level1_raw, i.level2_raw) for i in p.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "质量指标"),
        # a new 一级 ends the 二级 above it: not carried across
        ("效益指标", None)]


def test_blank_score_and_slash_cells_are_null():
    rows = indicator_rows([
        ["产出指标", "数量指标", "a", "≤", "5", "次", "/", "20", ""],
    ])
    table = build_table(form_head("年初预算基本支出预留（人员支出）")
                        + budget_block(["0.00", "28.48", "28.46", "99.94%"]) + rows
                        + form_tail(score_total=""))
    p = recognize(table).projects[0]
    ind = p.indicators[0]
    assert ind.score is None and ind.actual is None and ind.weight == Decimal(20)
    assert "score" not in ind.field_provenance
    assert p.total_score is None
    assert p.budget_initial == Decimal(0) and p.budget_adjusted == Decimal(284800)
    assert p.funding[1].execution_rate == Decimal("99.94")


def test_blank_filler_row_is_not_an_indicator():
    """年初预算基本支出预留 has an indicator block holding one empty row."""
    rows = indicator_rows([[""] * 9])
    p = recognize(build_table(form_head("x") + rows + form_tail(score_total=""))).projects[0]
    assert p.indicators == []


def test_goal_left_empty_is_null():
    p = recognize(build_table(form_head("x", goal="") + indicator_rows([[""] * 9]) + form_tail())).projects[0]
    assert p.goal is None


def test_filled_conclusion_is_kept_as_written():
    text = "项目自评分95分，完成了《名优白酒刑事保护机制的实践与完善》等重点课题。"
    p = recognize(build_table(form_head("法学会") + indicator_rows([
        ["产出指标", "数量指标", "开展市级法学课题", "＝", "13", "个", "13", "5", "6"]])
        + form_tail(conclusion=text))).projects[0]
    assert p.conclusion == text
    assert p.field_provenance["conclusion"].text == text


def test_table_split_in_two_by_a_page_break():
    first = form_head("平安建设经费") + budget_block(["313.00", "313.00", "304.60", "97.31%"], score="100") \
        + indicator_rows([
            ["产出指标", "数量指标", "表彰见义勇为先进个人", "＝", "10", "人", "4", "3", "3"],
            [ABOVE, ABOVE, "创建平安社区", "＝", "1500", "个", "1500", "4", "4"],
        ])
    # the continuation repeats no header; its first row's 一级/二级 cells restart
    # a vertical merge in the new table (Word splits vMerge at the page break)
    second = [["", "", "", "链路视频图像资源运维护", "＝", "15", "条", "15", "4", "5", ""],
              ["", "效益指标", "社会效益指标", "全市网络及校园周边治理工作开展", "＞", "1", "年", "1", "10", "10",
               ""]] \
        + form_tail()
    ext = recognize(build_table(first, index=0), Paragraph(index=0, text=""), build_table(second, index=1))
    assert len(ext.projects) == 1
    p = ext.projects[0]
    assert [i.name for i in p.indicators] == ["表彰见义勇为先进个人", "创建平安社区", "链路视频图像资源运维护",
                                              "全市网络及校园周边治理工作开展"]
    assert (p.indicators[2].level1_raw, p.indicators[2].level2_raw) == ("产出指标", "数量指标")
    assert p.indicators[2].provenance.locator == "table 1 / row 0 / col 3"
    assert p.indicators[3].operator == ">"
    assert p.execution_score == Decimal(100) and p.total_score == Decimal(100)
    assert [t.table_index for t in ext.tables] == [0, 1]


def test_page_break_continuation_with_another_grid_then_next_form():
    """The seed's PDF, pages 18-19: 驻村第一书记经费's table ends after 总额 on a
    9-column grid; the next page's 11-column table carries its remaining budget
    rows and indicators, then starts 法学会."""
    first = [
        span("部门预算项目支出绩效自评表（2024年度）", 9),
        ["项目名称"] + span("驻村第一书记经费", 8),
        ["预算执行情况（10分）", "年度预算数（万元）", "年初预算", "调整后预算数", "预算执行数", "预算执行率",
         "权重", "得分", "原因"],
        [ABOVE, "总额", "34.00", "34.00", "34.00", "100.00%", "10", "", ""],
    ]
    second = [
        [""] + span("其中：财政资金", 3) + ["34.00", "34.00", "34.00", "100.00%", "/", "/", ""],
        [ABOVE] + span("其他资金", 3) + ["", "", "", "", "/", "/", ""],
    ] + indicator_rows([["产出指标", "数量指标", "选派第一书记人数", "≥", "1", "人", "1", "15", "15"]]) \
        + form_tail() + form_head("法学会") + indicator_rows([
            ["产出指标", "数量指标", "开展市级法学课题", "＝", "13", "个", "13", "5", "6"]]) + form_tail()
    ext = recognize(build_table(first, index=0), build_table(second, index=1))
    village, law = ext.projects
    assert [f.source for f in village.funding] == ["总额", "其中：财政资金", "其他资金"]
    assert village.funding[1].executed == Decimal(340000)
    assert village.funding[1].field_provenance["executed"].locator == "table 1 / row 0 / col 6"
    assert [i.name for i in village.indicators] == ["选派第一书记人数"]
    assert [i.name for i in law.indicators] == ["开展市级法学课题"]
    assert ext.findings == []


def test_numbers_outside_any_block_are_reported():
    """The seed's PDF splits 合计's 100 into "10" and a following row "0"."""
    rows = form_head("x") + indicator_rows([["产出指标", "数量指标", "a", "≤", "5", "次", "5", "100", "100"]]) \
        + [span("合计", 8) + ["10", "10", ""], span("", 8) + ["0", "0", ""]]
    ext = recognize(build_table(rows))
    assert [f.rule for f in ext.findings] == ["performance.unparsed_row"]
    assert [e.text for e in ext.findings[0].evidence] == ["0", "0"]


def test_columns_in_a_different_order_without_operator_column():
    """Another province: no 指标性质, the comparison written into 年度指标值,
    全年实际值 before the target, 分值 for the weight."""
    rows = [
        span("项目支出绩效自评表", 9),
        ["项目名称", "<", "社区养老服务补助", "<", "<", "<", "<", "<", "<"],
        ["主管部门", "<", "某市民政局", "<", "<", "实施单位", "某市养老服务中心", "<", "<"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "<"],
        [ABOVE, "年度资金总额", "120", "110", "99", "10", "90%", "9", "<"],
        [ABOVE, "其中：当年财政拨款", "120", "110", "99", "—", "90%", "—", "<"],
        ["一级指标", "二级指标", "三级指标", "全年实际值", "年度指标值", "分值", "得分", "偏差原因分析及改进措施", "<"],
        ["产出指标", "数量指标", "服务老人数", "1200人", "≥1000人", "20", "20", "", "<"],
        [ABOVE, "质量指标", "服务合格率", "96%", "≥95%", "20", "18", "部分机构未达标", "<"],
        ["满意度指标", "服务对象满意度指标", "老人满意度", "92%", "≥90%", "10", "10", "", "<"],
        ["总分", "<", "<", "<", "<", "100", "95", "", "<"],
    ]
    ext = recognize(build_table(rows))
    p = ext.projects[0]
    assert (p.budget_initial, p.budget_adjusted, p.executed, p.execution_rate) == (
        Decimal(1200000), Decimal(1100000), Decimal(990000), Decimal(90))
    assert (p.execution_weight, p.execution_score) == (Decimal(10), Decimal(9))
    assert p.implementer == "某市养老服务中心"
    first, second = p.indicators[0], p.indicators[1]
    assert (first.operator, first.target, first.unit, first.actual) == (">=", "1000", "人", "1200人")
    assert first.field_provenance["target"].text == "1000"
    assert first.field_provenance["operator"].text == "≥"
    assert (second.level1_raw, second.operator, second.target, second.unit) == ("产出指标", ">=", "95", "%")
    assert second.shortfall_reason == "部分机构未达标" and second.score == Decimal(18)
    assert p.total_score == Decimal(95)
    assert len(p.indicators) == 3


def test_two_row_indicator_header():
    rows = [
        ["项目名称", "社区养老服务补助", LEFT, LEFT, LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "绩效完成情况", LEFT],
        [ABOVE, ABOVE, ABOVE, ABOVE, "实际完成值", "得分"],
        ["产出指标", "数量指标", "服务老人数", "≥1000人", "1200人", "20"],
    ]
    p = recognize(build_table(rows)).projects[0]
    (ind,) = p.indicators
    assert (ind.operator, ind.target, ind.unit, ind.actual, ind.score, ind.weight) == (
        ">=", "1000", "人", "1200人", Decimal(20), None)


def test_unparsable_indicator_row_becomes_a_finding():
    rows = indicator_rows([
        ["产出指标", "数量指标", "a", "≤", "5", "次", "5", "20", "20"],
        [ABOVE, ABOVE, "", "≤", "3", "次", "3", "10", "10"],
        [ABOVE, ABOVE, "c", "≤", "3", "次", "3", "十", "10"],
    ])
    ext = recognize(build_table(form_head("x") + rows + form_tail()))
    p = ext.projects[0]
    assert [i.name for i in p.indicators] == ["a", "c"]
    assert p.indicators[1].weight is None
    rules = sorted(f.rule for f in ext.findings)
    assert rules == ["performance.unparsed_row", "performance.unparsed_value"]
    row_finding = next(f for f in ext.findings if f.rule == "performance.unparsed_row")
    assert any(e.locator.startswith("table 0 / row 8 /") for e in row_finding.evidence)


def test_tables_without_a_project_form_are_ignored():
    statement = build_table([["项目", "年初预算数", "决算数"], ["一般公共服务支出", "10", "9"]])
    listing = build_table([["项目名称", "金额"], ["办公费", "3"]], index=1)
    ext = recognize(statement, listing)
    assert ext.projects == [] and ext.tables == []


# ---------------------------------------------------------------- the seed document

SEED_INDICATOR_COUNTS = {
    "单项定额基本运转支出": 4, "综合定额基本运转支出": 4, "年初预算基本支出预留（人员支出）": 0,
    "人员支出（抚恤、中人、护理等补助）": 2, "年初预算人员支出（保工资）": 2, "年初预算人员支出（其他）": 2,
    "向上争取资金工作经费": 6, "其他运转缺口补助经费": 4, "驻村第一书记经费": 7, "法学会": 12,
    "培训费": 6, "平安建设经费": 21, "政法智能化建设经费": 11,
}


@pytest.fixture(scope="module")
def seed():
    if not SEED_DOCX.exists():
        pytest.skip(f"seed fixture not built yet: {SEED_DOCX}")
    try:
        from disclosures.extractors.readers.docx import read_docx
    except ImportError:
        pytest.skip("extractors.readers.docx not available yet")
    return recognize_performance(read_docx(SEED_DOCX), DocumentInfo())


def by_name(ext, name):
    return next(p for p in ext.projects if p.name == name)


def test_seed_has_13_projects_and_81_indicators(seed):
    assert {p.name: len(p.indicators) for p in seed.projects} == SEED_INDICATOR_COUNTS
    assert sum(len(p.indicators) for p in seed.projects) == 81
    assert [f for f in seed.findings if f.rule == "performance.unparsed_row"] == []


def test_seed_budget_rows(seed):
    p = by_name(seed, "综合定额基本运转支出")
    assert p.code == "51050021Y000000024281"
    assert (p.budget_initial, p.budget_adjusted, p.executed, p.execution_rate) == (
        Decimal(3060000), Decimal(3045000), Decimal(2615700), Decimal("85.90"))
    salaries = by_name(seed, "年初预算人员支出（保工资）")
    assert (salaries.budget_initial, salaries.budget_adjusted, salaries.executed) == (
        Decimal(12377200), Decimal(12249700), Decimal(12229200))
    safety = by_name(seed, "平安建设经费")
    assert (safety.budget_adjusted, safety.executed, safety.execution_rate) == (
        Decimal(3130000), Decimal(3046000), Decimal("97.31"))
    assert (safety.execution_weight, safety.execution_score) == (Decimal(10), Decimal(100))
    assert [f.source for f in safety.funding][:2] == ["总额", "其中：财政资金"]
    reserve = by_name(seed, "年初预算基本支出预留（人员支出）")
    assert (reserve.budget_initial, reserve.budget_adjusted, reserve.executed) == (
        Decimal(0), Decimal(284800), Decimal(284600))
    assert reserve.total_score is None


def test_seed_project_header_fields(seed):
    village = by_name(seed, "驻村第一书记经费")
    assert village.code is None
    assert (village.department, village.implementer) == ("市委组织部", "中共泸州市委政法委员会")
    assert village.problems == "村产业可持续性较弱，需加弱技能培训和市场对接。"
    training = by_name(seed, "培训费")
    assert training.implementer is None
    first = by_name(seed, "单项定额基本运转支出")
    assert first.code == "51050021Y000000024280"
    assert first.goal == "提高预算编制质量，严格执行预算，保障单位日常运转。"
    assert first.conclusion is None and first.problems is None and first.improvements is None
    assert first.execution_weight == Decimal(10) and first.execution_score is None


def test_seed_indicator_rows_per_level(seed):
    first = by_name(seed, "单项定额基本运转支出")
    quality = first.indicators[1]
    # 一级 产出指标 is merged down over two rows in the seed: filled down from the merged cell
    assert (quality.level1_raw, quality.level2_raw, quality.operator, quality.target, quality.unit) == (
        "产出指标", "质量指标", "<=", "5", "%")
    assert quality.provenance.locator == "table 0 / row 14 / col 3"
    assert quality.field_provenance["level1_raw"].locator == "table 0 / row 13 / col 1"
    social = first.indicators[3]
    assert (social.level1_raw, social.level2_raw, social.name, social.operator) == (
        "效益指标", "社会效益指标", "运转保障率", "=")
    law = by_name(seed, "法学会")
    last = law.indicators[-1]
    assert (last.level1_raw, last.level2_raw, last.name, last.unit, last.weight, last.score) == (
        "成本指标", "经济成本指标", "2024年省法学会白酒产业法治研究会年会费用", "万元/年", Decimal(10), Decimal(11))
    upward = by_name(seed, "向上争取资金工作经费")
    timely = upward.indicators[1]
    assert (timely.level1_raw, timely.level2_raw, timely.operator, timely.target, timely.actual) == (
        "产出指标", "时效指标", "qualitative", "优", "优")
    safety = by_name(seed, "平安建设经费")
    hero = safety.indicators[0]
    assert (hero.target, hero.actual, hero.weight, hero.score) == ("10", "4", Decimal(3), Decimal(3))
    assert all(i.level1_raw and i.level2_raw for p in seed.projects for i in p.indicators)
    assert all(p.total_score == Decimal(100) for p in seed.projects
               if p.name != "年初预算基本支出预留（人员支出）")
