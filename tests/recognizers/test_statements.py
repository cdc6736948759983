"""Statement tables (九张表) on hand-built IR tables, one per layout quirk.

Grids are written as rows of cell texts: ``"合计<1x4>"`` is a cell spanning 1 row
and 4 columns, ``"^"`` a position covered by a merged cell (the notation of the
reader's debug dumps). Each quirk cites the corpus page it was seen on.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from disclosures.checks.statements import check_cross_table, identity_findings
from disclosures.extractors.recognizers.statements import (
    parse_statement_tables,
    recognize_statements,
    statement_kind,
)
from disclosures.model.layout import Cell, Document, Paragraph, Table
from disclosures.model.records import DocumentInfo

SPAN = re.compile(r"^(.*)<(\d+)x(\d+)>$", re.S)


def grid(rows: list[list[str]], index: int = 0, page: int = 1) -> Table:
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "^":
                continue
            m = SPAN.match(text)
            rs, cs = (int(m.group(2)), int(m.group(3))) if m else (1, 1)
            text = m.group(1) if m else text
            bbox = (10.0 * c, 10.0 * r, 10.0 * (c + cs), 10.0 * (r + rs))
            cells.append(Cell(text, r, c, rs, cs, page=page, bbox=bbox))
    return Table(index, len(rows), len(rows[0]), cells, pages=[page], extractor="test")


def doc(*blocks) -> Document:
    numbered, t, p = [], 0, 0
    for b in blocks:
        if isinstance(b, str):
            numbered.append(Paragraph(p, b, page=1, extractor="test"))
            p += 1
        else:
            b.index = t
            numbered.append(b)
            t += 1
    return Document(numbered, "pdf", "test.pdf", "0" * 64, pages=1)


def run(*blocks):
    return recognize_statements(doc(*blocks), DocumentInfo())


def lines_by(ex, **where):
    return [ln for ln in ex.budget_lines
            if all(getattr(ln, k) == v for k, v in where.items())]


def facts(ex) -> dict[str, Decimal]:
    return {f.key: f.value for f in ex.facts}


# 普陀区财政局2024决算 p.12: 类|款|项 under 科目编码, a 合计 row spanning the codes
GENERAL_BUDGET_FINAL = [
    ["项目<1x4>", "^", "^", "^", "合计<4x1>", "基本支出<4x1>", "项目支出<4x1>"],
    ["功能分类<1x3>", "^", "^", "科目名称<3x1>", "^", "^", "^"],
    ["科目编码<1x3>", "^", "^", "^", "^", "^", "^"],
    ["类", "款", "项", "^", "^", "^", "^"],
    ["201", "", "", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
    ["201", "06", "", "财政事务", "2,106.66", "1,503.52", "603.14"],
    ["201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37"],
    ["201", "06", "02", "一般行政管理事务", "594.77", "", "594.77"],
    ["合计<1x4>", "^", "^", "^", "2,106.66", "1,503.52", "603.14"],
]


def test_split_code_parts_compose_full_codes_and_lines_per_amount_column():
    ex = run("一般公共预算财政拨款支出决算表", "单位：万元", grid(GENERAL_BUDGET_FINAL))
    assert [t.kind for t in ex.tables] == ["一般公共预算财政拨款支出决算表"]
    run_lines = lines_by(ex, code_raw="2010601")
    assert {(ln.component, ln.amount) for ln in run_lines} == {
        ("total", Decimal(15118900)), ("basic", Decimal(15035200)), ("project", Decimal(83700))}
    line = run_lines[0]
    assert (line.fund, line.measure, line.subject_raw) == ("general_budget", "actual", "行政运行")
    assert line.field_provenance["code"].text == "01"  # the part printed on the row
    assert line.field_provenance["subject"].locator == "table 0 / row 6 / col 3"
    assert line.provenance.locator == "table 0 / row 6 / col 4"
    assert {ln.code_raw for ln in ex.budget_lines} == {"201", "20106", "2010601", "2010602"}


def test_blank_cell_is_no_line_but_zero_is():
    ex = run("一般公共预算财政拨款支出决算表", "单位：万元", grid(GENERAL_BUDGET_FINAL))
    assert lines_by(ex, code_raw="2010602", component="basic") == []
    rows = [r[:] for r in GENERAL_BUDGET_FINAL]
    rows[7][5] = "0.00"
    ex = run("一般公共预算财政拨款支出决算表", "单位：万元", grid(rows))
    assert [ln.amount for ln in lines_by(ex, code_raw="2010602", component="basic")] == [0]


def test_total_row_gives_facts_not_lines():
    ex = run("一般公共预算财政拨款支出决算表", "单位：万元", grid(GENERAL_BUDGET_FINAL))
    assert all(ln.subject_raw != "合计" for ln in ex.budget_lines)
    assert facts(ex) == {"general_budget_expenditure": Decimal(21066600),
                         "basic_total": Decimal(15035200)}
    fact = ex.facts[0]
    assert fact.provenance.locator == "table 0 / row 8 / col 4"
    assert fact.provenance.text == "2,106.66"


def test_blank_higher_code_parts_inherit_from_the_row_above():
    rows = [
        ["功能分类科目编码<1x3>", "^", "^", "功能分类科目名称<2x1>", "合计<2x1>"],
        ["类", "款", "项", "^", "^"],
        ["201", "", "", "一般公共服务支出", "30"],
        ["", "31", "", "党委办公厅（室）及相关机构事务", "30"],
        ["", "", "01", "行政运行", "30"],
    ]
    ex = run("2024年部门一般公共预算支出功能分类预算表", "单位：元", grid(rows))
    assert [ln.code_raw for ln in ex.budget_lines] == ["201", "20131", "2013101"]
    assert all(ln.measure == "budget" for ln in ex.budget_lines)


def test_single_digit_part_is_zero_padded():
    # 万里街道24年预算 p.29 prints 津贴补贴 as ``301 | 2``
    rows = [
        ["项目<1x3>", "^", "^", "一般公共预算基本支出<1x3>", "^", "^"],
        ["部门预算经济分类科目编码<1x2>", "^", "经济分类科目名称<2x1>", "合计<2x1>", "人员经费<2x1>", "公用经费<2x1>"],
        ["类", "款", "^", "^", "^", "^"],
        ["301", "", "工资福利支出", "30", "30", "0"],
        ["301", "2", "津贴补贴", "30", "30", "0"],
        ["合计<1x3>", "^", "^", "30", "30", "0"],
    ]
    tables = parse_statement_tables(doc("2024年部门一般公共预算基本支出部门预算经济分类预算表",
                                        "编制部门：某部门 单位：元", grid(rows)))
    assert [r.code for r in tables[0].rows if r.code] == ["301", "30102"]
    ex = run("2024年部门一般公共预算基本支出部门预算经济分类预算表", "单位：元", grid(rows))
    assert ex.budget_lines == []  # economic rows are facts only
    assert facts(ex) == {"basic_total": 30, "basic.personnel": 30, "basic.public": 0}


def test_one_code_column_and_code_in_name_cell():
    # 江苏省政协办公厅2019年预算公开表 p.7 (one code column) and a merged-cell variant
    rows = [
        ["功能科目编码", "功能科目名称", "金额"],
        ["合计<1x2>", "^", "13,297.11"],
        ["201", "一般公共服务支出", "10,191.56"],
        ["2010201 行政运行<1x2>", "^", "10,191.56"],
    ]
    ex = run("公开07表", "一般公共预算支出预算表（功能科目）", "部门：江苏省政协办公厅 单位：万元", grid(rows))
    line = lines_by(ex, code_raw="2010201")[0]
    assert (line.subject_raw, line.amount, line.component) == ("行政运行", Decimal(101915600), "total")
    assert line.field_provenance["code"].text == "2010201"
    assert facts(ex) == {"general_budget_expenditure": Decimal(132971100)}


def test_names_without_codes_keep_the_name():
    rows = [
        ["科目名称", "合计", "基本支出", "项目支出"],
        ["一般公共服务支出", "10", "4", "6"],
        ["  行政运行", "4", "4", ""],
    ]
    ex = run("一般公共预算财政拨款支出决算表", "金额单位：万元", grid(rows))
    assert {(ln.code_raw, ln.subject_raw) for ln in ex.budget_lines} == {
        (None, "一般公共服务支出"), (None, "行政运行")}


def test_unit_comes_from_the_caption():
    rows = [["功能科目编码", "功能科目名称", "金额"], ["2010201", "行政运行", "1,000"]]
    yuan = run("一般公共预算支出预算表", "单位：元", grid(rows))
    wan = run("一般公共预算支出预算表", "单位：万元", grid(rows))
    assert yuan.budget_lines[0].amount == 1000
    assert wan.budget_lines[0].amount == 10_000_000


def test_no_unit_means_no_amounts_and_a_finding():
    rows = [["功能科目编码", "功能科目名称", "金额"], ["2010201", "行政运行", "1,000"]]
    ex = run("一般公共预算支出预算表", grid(rows))
    assert ex.budget_lines == []
    assert [f.rule for f in ex.findings] == ["statement.unparsed"]


# 普陀区财政局2024决算 p.7 (shortened): income | expenditure halves; below 本年收入合计
# the same fund names break down carry-overs (p.11)
SUMMARY_FINAL = [
    ["收入<1x2>", "^", "支出<1x2>", "^"],
    ["项目", "决算数", "项目", "决算数"],
    ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
    ["二、政府性基金预算财政拨款收入", "", "二、外交支出", ""],
    ["八、其他收入", "6.20", "八、社会保障和就业支出", "839.59"],
    ["本年收入合计", "2,946.25", "本年支出合计", "2,946.25"],
    ["年初结转和结余", "49.14", "年末结转和结余", "49.14"],
    ["一、一般公共预算财政拨款", "21.63", "", ""],
    ["总计", "2,995.39", "总计", "2,995.39"],
]


def test_side_by_side_summary_income_facts_and_expenditure_lines():
    ex = run("收入支出决算总表", "单位：万元", grid(SUMMARY_FINAL))
    assert facts(ex) == {
        "income.general_budget": Decimal(29400500), "income.other": Decimal(62000),
        "income_total": Decimal(29462500), "expenditure_total": Decimal(29462500),
        "income_expenditure_total": Decimal(29953900)}
    assert [(ln.subject_raw, ln.amount, ln.fund, ln.code_raw) for ln in ex.budget_lines] == [
        ("一般公共服务支出", Decimal(21066600), "all_sources", None),
        ("社会保障和就业支出", Decimal(8395900), "all_sources", None)]


def test_appropriation_summary_columns_name_their_fund():
    rows = [
        ["财政拨款收入<1x2>", "^", "财政拨款支出<1x5>", "^", "^", "^", "^"],
        ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ["一、一般公共预算资金", "300", "一、一般公共服务支出", "300", "200", "100", ""],
        ["收入总计", "300", "支出总计", "300", "200", "100", ""],
    ]
    ex = run("2024年部门财政拨款收支预算总表", "单位：元", grid(rows))
    assert [(ln.fund, ln.amount) for ln in ex.budget_lines] == [
        ("general_budget", 200), ("government_fund", 100)]
    assert facts(ex) == {"income.general_budget": 300, "appropriation_total": 300}


# 普陀区财政局2024决算 p.15: 预算数|决算数 under each “三公” item
THREE_PUBLIC_FINAL = [
    ["财政拨款“三公”经费<1x12>"] + ["^"] * 11,
    ["合计<2x2>", "^", "因公出国（境）费<2x2>", "^", "公务用车购置及运行费<1x6>", "^", "^", "^", "^",
     "^", "公务接待费<2x2>", "^"],
    ["^", "^", "^", "^", "小计<1x2>", "^", "公务用车购置费<1x2>", "^", "公务用车运行费<1x2>", "^",
     "^", "^"],
    ["预算数", "决算数"] * 6,
    ["0.95", "0.80", "0.00", "0.00", "0.50", "0.40", "0.00", "0.00", "0.50", "0.40", "0.45", "0.40"],
]


def test_three_public_final_reads_actuals_from_the_two_level_header():
    ex = run("财政拨款“三公”经费支出决算表", "单位：万元", grid(THREE_PUBLIC_FINAL))
    assert facts(ex) == {
        "three_public.total": Decimal(8000), "three_public.overseas": 0,
        "three_public.vehicle": Decimal(4000), "three_public.vehicle_purchase": 0,
        "three_public.vehicle_operation": Decimal(4000), "three_public.reception": Decimal(4000)}
    assert ex.facts[0].provenance.locator == "table 0 / row 4 / col 1"  # the 决算数 cell
    assert ex.findings == []


def test_three_public_jiangsu_subtotal_is_the_three_public_total():
    # 江苏省政协办公厅2019年预算公开表 p.9: 合计 adds 会议费 and 培训费 to the 三公 小计
    rows = [
        ["合计<3x1>", "“三公”经费<1x6>", "^", "^", "^", "^", "^", "会议费<3x1>", "培训费<3x1>"],
        ["^", "小计<2x1>", "因公出国（境）费<2x1>", "公务用车购置及运行维护费<1x3>", "^", "^",
         "公务接待费<2x1>", "^", "^"],
        ["^", "^", "^", "小计", "公务用车购置费", "公务用车运行维护费", "^", "^", "^"],
        ["1,852.32", "676.10", "76.00", "156.60", "", "156.60", "443.50", "1,094.62", "81.60"],
    ]
    ex = run("“三公”经费、会议费、培训费支出预算表", "部门：X 单位：万元", grid(rows))
    assert facts(ex)["three_public.total"] == Decimal(6761000)
    assert facts(ex)["three_public.vehicle"] == Decimal(1566000)
    assert "three_public.vehicle_purchase" not in facts(ex)
    assert ex.findings == []


def test_placeholder_amount_is_a_finding_not_a_value():
    rows = [r[:] for r in THREE_PUBLIC_FINAL]
    rows[4][1] = "XX"
    ex = run("财政拨款“三公”经费支出决算表", "单位：万元", grid(rows))
    assert "three_public.total" not in facts(ex)
    placeholder = [f for f in ex.findings if f.rule == "placeholder"]
    assert len(placeholder) == 1
    assert placeholder[0].evidence[0].locator == "table 0 / row 4 / col 1"


def test_recognized_title_with_unreadable_columns_is_unparsed():
    rows = [["说明"], ["本部门无相关收支"], ["此表为空"]]
    ex = run("一般公共预算财政拨款支出决算表", "单位：万元", grid(rows))
    assert [(f.rule, f.evidence[0].locator) for f in ex.findings] == [
        ("statement.unparsed", "paragraph 0")]


def test_total_row_carrying_the_code_part_labels():
    # 普陀区财政局2024决算 收入决算表 p.8: 类|款|项 sit in the 合计 row itself
    rows = [
        ["项目<1x4>", "^", "^", "^", "本年收入合计<3x1>", "财政拨款收入<3x1>", "其他收入<3x1>"],
        ["功能分类<1x3>", "^", "^", "科目名称<2x1>", "^", "^", "^"],
        ["科目编码<1x3>", "^", "^", "^", "^", "^", "^"],
        ["类", "款", "项", "合计", "2,946.25", "2,940.05", "6.20"],
        ["201", "", "", "一般公共服务支出", "2,946.25", "2,940.05", "6.20"],
        ["201", "06", "", "财政事务", "2,946.25", "2,940.05", "6.20"],
    ]
    tables = parse_statement_tables(doc("收入决算表", "单位：万元", grid(rows)))
    st = tables[0]
    assert [(r.code, r.is_total) for r in st.rows] == [(None, True), ("201", False), ("20106", False)]
    ex = run("收入决算表", "单位：万元", grid(rows))
    assert facts(ex) == {"income_total": Decimal(29462500), "income.other": Decimal(62000)}
    assert ex.budget_lines == []  # income by function is not an expenditure line


def test_title_row_inside_the_grid():
    rows = [
        ["财政拨款支出预算表（功能科目）\n部门：X 单位：万元<1x3>", "^", "^"],
        ["功能科目编码", "功能科目名称", "金额"],
        ["2010201", "行政运行", "1.00"],
    ]
    tables = parse_statement_tables(doc(grid(rows)))
    assert [(t.kind.name, t.unit) for t in tables] == [("财政拨款支出预算表", "万元")]
    assert [r.code for r in tables[0].rows] == ["2010201"]


def test_title_split_over_two_paragraphs():
    # 江苏省人大办公厅2017年度预算公开 p.20
    rows = [["合计", "会议费"], ["3", "3"]]
    tables = parse_statement_tables(doc("“三公”经费、会议费、培训费支出预算", "表",
                                        "部门： X 单位：万元", grid(rows)))
    assert [t.kind.name for t in tables] == ["“三公”经费预算表"]


@pytest.mark.parametrize("title, kind", [
    ("收入支出决算总表", "收入支出决算总表"),
    ("财政拨款收入支出决算总表", "财政拨款收入支出决算总表"),
    ("三、支出决算表", "支出决算表"),
    ("一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算表"),
    ("九、国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算财政拨款收入支出决算表"),
    ("2024年部门财务收支预算总表", "部门收支总表"),
    ("2025年预算单位收入预算总表", "部门收入总表"),
    ("公开03表：支出预算总表", "部门支出总表"),
    ("部门预算支出总表", "部门支出总表"),
    ("公开表五财政拨款支出预算表（功能科目）", "财政拨款支出预算表"),
    ("2024年部门一般公共预算支出功能分类预算表", "一般公共预算支出表"),
    ("一般公共预算基本支出预算表（经济科目）", "一般公共预算基本支出表"),
    ("财政拨款政府性基金支出预算表", "政府性基金预算支出表"),
    ("2025年单位“三公”经费和机关运行经费预算表", "“三公”经费预算表"),
    ("十、一般公共预算机关运行经费支出预算表", "机关运行经费支出预算表"),
])
def test_kind_by_title(title, kind):
    assert statement_kind(title).name == kind


@pytest.mark.parametrize("text", [
    "五、一般公共预算财政拨款支出决算情况说明",
    "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "2019年政府采购预算表",
])
def test_not_a_statement_title(text):
    assert statement_kind(text) is None


def test_reconcile_within_rounding_passes_beyond_it_fails():
    ok = parse_statement_tables(doc("一般公共预算财政拨款支出决算表", "单位：万元",
                                    grid(GENERAL_BUDGET_FINAL)))[0]
    assert identity_findings(ok) == []
    assert ok.reconciliation.status == "reconciled"
    rows = [r[:] for r in GENERAL_BUDGET_FINAL]
    rows[6][4] = "1,511.91"  # 0.02万元 over 2 children: rounding
    assert identity_findings(parse_statement_tables(
        doc("一般公共预算财政拨款支出决算表", "单位：万元", grid(rows)))[0]) == []
    rows[6][4] = "1,611.89"  # 100万元 off: 20106 ≠ Σ项, and 合计 ≠ 基本 + 项目 on that row
    table = parse_statement_tables(doc("一般公共预算财政拨款支出决算表", "单位：万元", grid(rows)))[0]
    bad = identity_findings(table)
    assert sorted(f.rule for f in bad) == ["statement.sum_children", "statement.sum_components"]
    assert table.reconciliation.status == "partial"
    assert all(f.severity == "error" and f.pages == [1] for f in bad)


def test_same_figure_in_two_tables_must_match():
    summary = [
        ["收入<1x2>", "^", "支出<1x5>", "^", "^", "^", "^"],
        ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
         "国有资本经营预算财政拨款"],
        ["一、一般公共预算财政拨款", "2,106.66", "一、一般公共服务支出", "2,106.65", "2,106.65", "", ""],
    ]
    ex = run("财政拨款收入支出决算总表", "单位：万元", grid(summary),
             "一般公共预算财政拨款支出决算表", "单位：万元", grid(GENERAL_BUDGET_FINAL))
    cross = check_cross_table(ex.budget_lines)
    assert len(cross) == 1 and "一般公共服务支出" in cross[0].message
