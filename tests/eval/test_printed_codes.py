"""The generic counter of printed coded subject rows (benchmarks/printed_codes.py).

It is the denominator of the corpus evaluation, so it is held to the rows of
real pages checked by eye (the truth documents) and to the lines that must
not count: economic codes, years, amounts, counts, purchases and unit codes.
"""

from __future__ import annotations

from pathlib import Path

import benchmarks_printed_codes as printed
import benchmarks_truth as truth
import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [d for d in truth.load_all(Path(__file__).resolve().parent / "truth") if d.printed_codes]


@pytest.mark.parametrize(("line", "expected"), [
    ("2013301 行政运行 3,432.02 3,432.02", ("2013301", "行政运行")),
    ("201 一般公共服务支出 22,022.92 22,006.16 16.75", ("201", "一般公共服务支出")),
    ("4 2011301 行政运行 20938520.75 19199223.58", ("2011301", "行政运行")),  # after a 序号
    ("2014001行政运行 13,733,180.94", ("2014001", "行政运行")),
    ("201 13 01 行政运行 1.00", ("2011301", "行政运行")),  # split 类 款 项
    ("20707 4,036.60 4,036.60", ("20707", None)),  # the name wrapped around the code's line
    ("2014004 信访业务", ("2014004", "信访业务")),  # a row with no amount
])
def test_coded_subject_lines(line, expected):
    assert printed.code_of_line(line) == expected


@pytest.mark.parametrize("line", [
    "30101 基本工资 2,587.01 2,587.01",  # economic classification
    "302 商品和服务支出 1,788.53",
    "50101 工资奖金津补贴 3,868,678.80",
    "2026 年部门预算",  # a year
    "2019 年西安电网迎峰度夏工作将迎来严峻的考验。为积极应",
    "210 万元用于项目建设",  # a number in a sentence
    "200 家企业参加",
    "234,621,600.00",  # an amount
    "— 201 —",  # a page number
    "201 40 04 1 全额 6 3,786,500.00",  # a 政府采购 subtotal
    "8 201 13 02 参加商务部、省商务厅指定商务活动 C0602展览服务 电商处电商博览会 1 302 27 502 05 300000.00",
])
def test_lines_that_are_not_subject_rows(line):
    assert printed.code_of_line(line) is None


def test_a_two_digit_kuan_counts_under_its_class_when_a_xiang_confirms_it():
    page = ["208 社会保障和就业支出 115.11 83.06 32.05", "05 行政事业单位离退休 113.28 81.23 32.05",
            "2080505 机关事业单位基本养老保险缴费支出 81.23 81.23",
            "12 培训项目 1.00"]  # a numbered row after the table: no 项 208 12xx confirms it
    assert [code for code, _name, _line in printed.rows_of_lines(page)] == ["208", "2080505", "20805"]


def test_a_code_beside_unrelated_names_on_a_page_is_not_a_subject():
    result = printed.PrintedCodes("pdf")
    result.add_place([printed.PrintedRow("2011301", "p1", 1, "行政运行", "table", ""),
                      printed.PrintedRow("2080505", "p1", 1, "险缴费支出", "text", ""),  # a wrapped name
                      printed.PrintedRow("2080505", "p1", 1, "机关事业单位基本养老保险缴费支出", "table", "")],
                     ["4 201 13 02 会展专场推介活动 C0602展览服务 会场搭建 1302 27 502 05 207400.00",
                      "5 201 13 02 商贸业务宣传 C0806广告服务 宣传费 1 302 99 502 99 100000.00",
                      "2011302 一般行政管理事务 104298313.00"])
    assert result.codes == {"2011301", "2080505"}


def test_a_department_code_heading_unit_codes_is_not_a_class():
    result = printed.PrintedCodes("pdf")
    result.add_place([printed.PrintedRow("201", "p1", 1, "中共西安市委宣传部", "text", ""),
                      printed.PrintedRow("205", "p1", 1, "教育支出", "text", "")],
                     ["201 中共西安市委宣传部 827,400.00", "201001 中共西安市委宣传部 411,400.00"])
    assert result.codes == {"205"}


def test_table_rows_with_class_item_columns_take_missing_parts_from_the_row_above():
    table = [["项目", None, None, None, "决算数"], ["科目编码", None, None, "科目名称", None],
             ["类", "款", "项", None, None], ["201", "", "", "一般公共服务支出", "10.00"],
             ["", "01", "", "人大事务", "10.00"], ["", "", "01", "行政运行", "10.00"]]
    assert [c for c, _n, _t in printed.rows_of_table(table)] == ["201", "20101", "2010101"]


# codes the counter finds that a truth leaves out, with the page that shows why
HAND_REMOVED = {"004-planning-2026": {"21501", "2150199"}}  # 表五 p.20: a 2025 amount only


def coded_rows(doc: truth.Truth) -> set[tuple[str, str]]:
    """(page, code) of the truth lines read from coded rows: pages that print 款 or 项
    codes (a 总表 panel naming its 类 without codes prints none)."""
    coded_pages = {t.page for t in doc.lines if len(t.code) > 3}
    return {(f"p{t.page}", t.code) for t in doc.lines if t.page in coded_pages}


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_the_counter_finds_every_coded_row_of_the_checked_tables(doc):
    """Recall on the pages checked by eye: every row a truth line was read from is
    counted; and no code the document does not print is counted on them."""
    path = REPO / doc.file
    if not path.exists():
        pytest.skip(f"real fixture absent: {path}")
    result = printed.count_printed(path, {t.page for t in doc.lines})
    assert coded_rows(doc) - set(result.rows) == set()
    assert result.codes - doc.printed_codes == HAND_REMOVED.get(doc.name, set())
