"""List markers and the findings numbering yields (gaps, duplicates, numeral switches)."""

from __future__ import annotations

import pytest
from disclosures.extractors.recognizers.numbering import (
    check_numbering,
    cn_to_int,
    parse_marker,
)
from disclosures.model.layout import Paragraph


def paras(*texts: str) -> list[Paragraph]:
    return [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate(texts)]


@pytest.mark.parametrize("text, family, numerals, value", [
    ("1.一般公共服务（类）", "dot", "arabic", 1),
    ("8、年末结转和结余", "dot", "arabic", 8),
    (" 11.一般公共服务", "dot", "arabic", 11),
    ("（一）一般公共预算", "paren", "cn", 1),
    ("（2） 一般公共预算", "paren", "arabic", 2),
    ("(3)人员概况", "paren", "arabic", 3),
    ("十一、其他重要事项", "comma", "cn", 11),
    ("②公务接待", "circled", "circled", 2),
])
def test_markers(text, family, numerals, value):
    m = parse_marker(text)
    assert (m.family, m.numerals, m.value) == (family, numerals, value)


@pytest.mark.parametrize("text", ["2024年度收入", "1.5万元用于", "一般公共服务支出", "1、"])
def test_not_markers(text):
    assert parse_marker(text) is None


def test_cn_numerals():
    assert [cn_to_int(t) for t in ("一", "十", "十五", "二十三", "三十")] == [1, 10, 15, 23, 30]


def test_gap_is_a_warning_with_both_items_as_evidence():
    found = check_numbering(paras("（三）具体情况", "5.甲", "6.乙", "8.丙", "9.丁"))
    assert [(f.rule, f.severity) for f in found] == [("numbering.gap", "warning")]
    assert "7" in found[0].message and [e.text for e in found[0].evidence] == ["6.", "8."]


def test_duplicate():
    found = check_numbering(paras("1.甲", "2.乙", "2.丙", "3.丁"))
    assert [f.rule for f in found] == ["numbering.duplicate"]


def test_numeral_switch_in_one_list():
    found = check_numbering(paras("五、说明", "（一）总体", "正文", "（2）结构", "正文", "（三）具体"))
    assert [(f.rule, f.severity) for f in found] == [("numbering.style_switch", "info")] * 2


def test_separator_change_is_not_flagged():
    # seed 名词解释: 7. then 8、 then 9.
    assert check_numbering(paras("第三部分 名词解释", "7.结余分配", "8、年末结转和结余", "9.一般公共服务")) == []


def test_new_heading_restarts_lists():
    assert check_numbering(paras("1.甲", "2.乙", "第三部分 名词解释", "1.丙", "2.丁")) == []
    assert check_numbering(paras("一、甲", "1.子", "2.子", "二、乙", "1.子")) == []


def test_inner_list_reusing_outer_markers():
    # seed 附件2: 一、…四、 evaluation methods inside （四）, then the report's 三、
    found = check_numbering(paras("二、评价实施", "（四）评价方法", "一、甲", "二、乙", "三、丙", "四、丁",
                                  "三、绩效分析"))
    assert found == []


def test_item_run_on_after_a_sentence_end_is_not_a_gap():
    # 普陀区财政局 2024 决算 p.5 prints （八） at the end of （七）'s last line
    paragraphs = [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate([
        "（七）负责本区会计管理工作，组织和实施国家颁布的各项会计准则。（八）负责本区暂未划转的非税收入管理。",
        "（九）拟订和组织实施本区国库管理制度。",
    ])]
    assert [f.rule for f in check_numbering(paragraphs)] == []


def test_cross_reference_inside_a_paragraph_does_not_hide_a_gap():
    paragraphs = [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate([
        "1.一般公共服务支出情况。详见（2）。",
        "3.社会保障和就业支出情况。",
    ])]
    assert [f.rule for f in check_numbering(paragraphs)] == ["numbering.gap"]
