"""Indicator levels and the canonical 三级 library."""

from __future__ import annotations

import pytest
from disclosures.normalizers.indicators import (
    clean_indicator_name,
    level_belongs,
    match_indicator_name,
    match_level1,
    match_level2,
)


@pytest.mark.parametrize("raw,canonical,method", [
    ("产出指标", "产出指标", "exact"), ("效益", "效益指标", "exact"), ("满意度指标", "满意度指标", "exact"),
    ("成本指标", "成本指标", "exact"), ("一、产出指标（50分）", "产出指标", "exact"),
    ("效果指标", "效益指标", "alias"),
])
def test_level1(raw, canonical, method):
    found, match = match_level1(raw)
    assert (found, match.method) == (canonical, method)


@pytest.mark.parametrize("raw", ["绩效指标", "", None, "项目完成情况"])
def test_level1_unknown(raw):
    found, match = match_level1(raw)
    assert (found, match.method, match.score) == (None, "none", 0)


@pytest.mark.parametrize("raw,level1,canonical,method", [
    ("数量指标", "产出指标", "数量指标", "exact"),
    ("可持续发展指标", "效益指标", "可持续影响指标", "alias"),    # seed: 驻村, 政法智能化 forms
    ("生态环境效益指标", "效益指标", "生态效益指标", "alias"),
    ("生态成本指标", "成本指标", "生态环境成本指标", "alias"),
    ("满意度指标", "满意度指标", "服务对象满意度指标", "alias"),
    ("服务对象满意度", "满意度指标", "服务对象满意度指标", "exact"),
    ("时效", "产出指标", "时效指标", "exact"),
])
def test_level2(raw, level1, canonical, method):
    found, match = match_level2(raw, level1)
    assert (found, match.method) == (canonical, method)
    assert level_belongs(level1, found)


def test_cost_is_legal_under_output_and_as_level1():
    # older forms file 成本指标 under 产出指标; 财预〔2021〕101号 makes it an 一级
    assert match_level2("成本指标", "产出指标")[0] == "成本指标"
    assert level_belongs("产出指标", "成本指标")
    assert level_belongs("成本指标", "经济成本指标")


@pytest.mark.parametrize("level1,level2_raw,level2", [
    # the seed's 培训费 form
    ("产出指标", "经济成本指标", "经济成本指标"),
    ("产出指标", "社会效益指标", "社会效益指标"),
    ("效益指标", "满意度指标", "服务对象满意度指标"),
])
def test_misfiled_level2_still_resolves_but_does_not_belong(level1, level2_raw, level2):
    found, _ = match_level2(level2_raw, level1)
    assert found == level2
    assert not level_belongs(level1, found)


@pytest.mark.parametrize("raw,clean", [
    ("预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）", "预算编制准确率"),
    ("“三公经费”控制率[计算方法为：（三公经费实际支出数/预算安排数]×100%）", "三公经费控制率"),
    ("巩固脱贫成效率100%为优，90%-95%为良，小于90%为差", "巩固脱贫成效率"),
    ("综治中心实体化运行率95%以上为高，90%-95%为中，小于90%为低", "综治中心实体化运行率"),
    ("预算执行率=实际支出数/预算数×100%", "预算执行率"),
    ("发放（缴纳）覆盖率", "发放(缴纳)覆盖率"),
])
def test_glued_formulas_and_rubrics_are_stripped(raw, clean):
    assert clean_indicator_name(raw) == clean


@pytest.mark.parametrize("raw,id_,method", [
    ("科目调整次数", "subject_adjustment_count", "exact"),
    ("预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）", "budget_preparation_accuracy", "exact"),
    ("“三公经费”控制率[计算方法为：（三公经费实际支出数/预算安排数]×100%）", "three_public_control_rate", "exact"),
    ("运转保障率", "operation_guarantee_rate", "exact"),
    ("完成时限", "completion_deadline", "exact"),
    ("发放（缴纳）覆盖率", "payment_coverage_rate", "exact"),
    ("足额保障率（参保率）", "full_guarantee_rate", "exact"),
    ("资金执行率", "budget_execution_rate", "alias"),
    ("预算执行率（%）", "budget_execution_rate", "exact"),
    ("三公经费控制率", "three_public_control_rate", "exact"),
    ("培训考核合格率", "training_pass_rate", "alias"),
])
def test_library_matches(raw, id_, method):
    found, match = match_indicator_name(raw)
    assert (found, match.method, match.score) == (id_, method, 100)


def test_fuzzy_library_match_records_its_score():
    # a name cut short by a narrow column
    found, match = match_indicator_name("“三公经费”控制")
    assert (found, match.method) == ("three_public_control_rate", "fuzzy")
    assert 88 <= match.score < 100


@pytest.mark.parametrize("raw", [
    "开展市级法学课题", "政法委满意度", "每期合格率", "培训完成时间", "年底保质保量完成",
    "第一书记、单位满意度", "巩固脱贫成效率100%为优，90%-95%为良，小于90%为差", "",
])
def test_project_specific_names_stay_unmatched(raw):
    found, match = match_indicator_name(raw)
    assert (found, match.method, match.score) == (None, "none", 0)
