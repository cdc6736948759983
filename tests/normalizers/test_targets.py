"""Targets and actuals as numbers (normalizers.targets): comparator, value, unit, met.

The printed examples are cells of real forms: the seed (泸州市委政法委 2024 绩效自评表),
西安 2020-2026 部门预算 绩效目标表, 重庆 2026 绩效目标表, 宁德 2024 部门整体绩效自评表.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from disclosures.model.layout import Provenance
from disclosures.model.records import Indicator
from disclosures.normalizers.targets import (
    Quantity,
    decide_met,
    fold_chars,
    indicator_to_quantities,
    parse_quantity,
    unit_from_name,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize("text, comparator, value, unit", [
    ("≥1200", ">=", "1200", None),            # issue 12: was stored as 120
    ("≥30", ">=", "30", None),                # issue 12: was stored as 3
    ("≤30天", "<=", "30", "天"),
    ("=100%", "=", "100", "%"),
    ("＞95%", ">", "95", "%"),                # full-width comparator
    ("≥95％", ">=", "95", "%"),               # full-width percent
    ("不低于90%", ">=", "90", "%"),
    ("≤1200万元", "<=", "1200", "万元"),
    ("100%", None, "100", "%"),
    ("≦60", "<=", "60", None),                # 西安 2026 信访局 p.42
    ("≧95%", ">=", "95", "%"),                # 西安 2020 人社局 p.50
    ("90%以上", ">=", "90", "%"),
    ("3个工作日以内", "<=", "3", "个工作日"),
    ("完成率100%", None, "100", "%"),          # 西安 2019 应急管理局 p.35
    ("每月站点正常运行率≥95%", ">=", "95", "%"),  # 西安 2022 气象局 p.31
    ("28,921.00", None, "28921.00", None),
    ("≤3843.67万元", "<=", "3843.67", "万元"),  # 宁德 2024 p.1
    ("12个月", None, "12", "个月"),
    ("0", None, "0", None),
])
def test_printed_targets_read_as_numbers(text, comparator, value, unit):
    q = parse_quantity(text)
    assert (q.comparator, q.value, q.unit, q.text) == (comparator, Decimal(value), unit, text)


@pytest.mark.parametrize("text", [
    "按时完成", "达标", "长期", "优",          # qualitative
    "≤1次；≤1次",                            # two targets in one cell (西安 2026 信访局 p.33)
    "≥30次；≥30篇；≥15次",
    "90%-95%",                               # a range
    "2026年全年", "2026年12月", "12月底前",     # dates
    "全年按月发放，12个月，视情况调整",
    "", "—",
])
def test_texts_that_are_not_one_number_keep_no_value(text):
    q = parse_quantity(text)
    assert q.value is None and q.comparator is None and q.unit is None and q.text == text


def test_a_sentence_around_a_number_is_not_a_quantity():
    assert parse_quantity("以纳入排污许可管理的82个行业固定污染源为抓手，全面开展排查评估").value is None


def test_units_carried_in_the_name():
    assert unit_from_name("业务用房场地租赁成本(万元/年)") == "万元/年"
    assert unit_from_name("信访事项及时受理率（%）") == "%"
    assert unit_from_name("病媒生物防治费用标准(元/平方米)") == "元/平方米"
    assert unit_from_name("足额保障率（参保率）") is None   # the seed: a synonym, not a unit
    assert unit_from_name("运转保障率") is None


# ---------------------------------------------------------------- hypothesis

NUMBERS = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
COMPARATORS = st.sampled_from(["", "≥", "≤", "＞", "<", "=", "＝", "≧", "≦", "不低于", "不超过"])
UNITS = st.sampled_from(["", "%", "％", "万元", "人次", "天", "个工作日", "万元/年", "次"])


@given(COMPARATORS, NUMBERS, UNITS)
def test_the_number_never_loses_a_digit(comparator, number, unit):
    printed = f"{number:f}"
    q = parse_quantity(f"{comparator}{printed}{unit}")
    assert q.value == Decimal(printed)
    start, end = q.number_span
    assert q.text[start:end] == printed


@given(st.text(max_size=30))
def test_the_printed_text_is_kept_unchanged(text):
    q = parse_quantity(text)
    assert q.text == text
    if q.value is not None:
        start, end = q.number_span
        assert Decimal(fold_chars(text)[start:end].replace(",", "")) == q.value


@given(NUMBERS, NUMBERS)
def test_met_is_the_comparison_of_the_two_numbers(target, actual):
    t, a = Quantity(f"≥{target}", ">=", target, "%"), Quantity(f"{actual}", None, actual, None)
    assert decide_met(t, a) is (actual >= target)
    t = Quantity(f"≤{target}", "<=", target, "%")
    assert decide_met(t, a) is (actual <= target)


# ---------------------------------------------------------------- met

def q(text: str) -> Quantity:
    return parse_quantity(text)


@pytest.mark.parametrize("target, actual, met", [
    ("=10人", "4", False),        # the seed's 表彰见义勇为先进个人
    ("=1500个", "1500", True),
    ("≥30次", "20", False),       # 宁德 市政府常务会议场次
    ("≥95%", "99.14", True),      # a bare actual is in the target's unit
    ("≤3843.67万元", "4262.96", False),
    ("≤128万元", "119.6万元", True),
    ("≤1万元", "9000元", True),    # money converts
    ("≤1万元", "2", False),
    ("≥95%", "96人", None),        # units that do not convert
    ("15人", "15人", True),         # no comparator: only equality decides
    ("15人", "14人", None),
    ("优", "优", True),             # qualitative: repeated
    ("达标", "已完成", True),        # says it was reached
    ("按时完成", "未完成", False),
    ("优", "良", None),
    ("≥95%", "完成", None),         # numeric target, qualitative actual
    ("长期", "5", None),
])
def test_met(target, actual, met):
    assert decide_met(q(target), q(actual)) is met


def indicator(**values) -> Indicator:
    prov = Provenance("table 0 / row 3 / col 5", values.get("target") or "x", "t")
    ind = Indicator(name=values.pop("name", "指标"), level1_raw=None, level2_raw=None, provenance=prov,
                    **values)
    for name in ("target", "actual"):
        if getattr(ind, name) is not None:
            ind.field_provenance[name] = Provenance(f"table 0 / row 3 / col {name}", getattr(ind, name), "t")
    return ind


def test_indicator_numbers_use_its_operator_and_unit_columns():
    """The seed's layout: 指标性质 | 指标值 | 度量单位 | 完成值 in their own columns."""
    ind = indicator(operator="=", target="10", unit="人", actual="4", weight=Decimal(3), score=Decimal(3))
    indicator_to_quantities(ind)
    assert (ind.target_comparator, ind.target_value, ind.target_unit) == ("=", Decimal(10), "人")
    assert (ind.actual_comparator, ind.actual_value, ind.actual_unit) == (None, Decimal(4), None)
    assert ind.met is False
    assert ind.field_provenance["target_value"] is ind.field_provenance["target"]
    assert ind.field_provenance["actual_value"] is ind.field_provenance["actual"]


def test_indicator_unit_from_its_name_and_qualitative_operator():
    ind = indicator(name="信访事项及时受理率（%）", operator=">=", target="95")
    indicator_to_quantities(ind)
    assert (ind.target_value, ind.target_unit, ind.met) == (Decimal(95), "%", None)
    ind = indicator(operator="qualitative", target="优", actual="优")
    indicator_to_quantities(ind)
    assert (ind.target_comparator, ind.target_value, ind.met) == (None, None, True)
    assert "target_value" not in ind.field_provenance
