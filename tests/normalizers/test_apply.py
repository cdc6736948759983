"""normalize(): codes, canonical names and levels filled in place; findings for what does not fit."""

from __future__ import annotations

from decimal import Decimal

from disclosures.model.layout import Provenance
from disclosures.model.records import (
    BudgetLine,
    DocumentInfo,
    Extraction,
    Indicator,
    Project,
)
from disclosures.normalizers.apply import normalize


def prov(text: str, n: int = 0) -> Provenance:
    return Provenance(locator=f"paragraph {n}", text=text, extractor="test")


def line(raw: str, amount: str = "1", code: str | None = None) -> BudgetLine:
    return BudgetLine(subject_raw=raw, fund="general_budget", measure="actual", component="total",
                      amount=Decimal(amount), provenance=prov(raw), code_raw=code)


def indicator(level1: str | None, level2: str | None, name: str) -> Indicator:
    return Indicator(name=name, level1_raw=level1, level2_raw=level2, provenance=prov(name))


def extraction(year: int | None, lines=(), projects=()) -> Extraction:
    return Extraction(info=DocumentInfo(fiscal_year=year), budget_lines=list(lines),
                      projects=list(projects))


def rules(ex: Extraction) -> list[str]:
    return [f.rule for f in ex.findings]


def test_budget_lines_get_codes_and_year_names():
    lines = [
        line("医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）", "100000"),
        line("卫生健康支出", "700500"),
        line("行政事业单位离退休", "5", code="20805"),
    ]
    ex = extraction(2024, lines)
    normalize(ex)
    assert [(ln.subject_code, ln.subject_name, ln.match.method) for ln in lines] == [
        ("2101102", "事业单位医疗", "alias"),
        ("210", "卫生健康支出", "exact"),
        ("20805", "行政事业单位养老支出", "code"),
    ]
    assert [ln.match.score for ln in lines] == [100, 100, 100]
    assert ex.findings == []


def test_unresolved_subject_is_one_warning_naming_all_its_lines():
    lines = [line("行政运行"), line("行政运行"), line("住房保障支出")]
    lines[1].measure = "budget"
    ex = extraction(2024, lines)
    normalize(ex)
    (finding,) = ex.findings
    assert (finding.rule, finding.severity) == ("subject.unresolved", "warning")
    assert "行政运行" in finding.message and finding.records == lines[:2]
    assert (lines[0].subject_code, lines[0].match.method, lines[0].match.score) == (None, "none", 0)
    assert lines[2].subject_code == "221"


def test_printed_code_with_a_foreign_name_is_flagged():
    slipped = line("住房公积金", code="2080505")
    unknown = line("某新增科目", code="2999901")
    ex = extraction(2024, [slipped, unknown])
    normalize(ex)
    assert rules(ex) == ["subject.name_mismatch", "subject.code_unknown"]
    assert slipped.subject_code == "2080505" and unknown.subject_code == "2999901"


def test_fuzzy_subject_match_is_reported_for_review():
    cut = line("社会保障和就业支出（类）行政事业单位离退休（款）未归口管理的行政单位离退（项）")
    ex = extraction(2019, [cut])
    normalize(ex)
    assert cut.subject_code == "2080504" and cut.match.method == "fuzzy"
    assert rules(ex) == ["subject.fuzzy_match"]


def training_project() -> Project:
    # the seed's 培训费 form, as printed (三级 names shortened where irrelevant)
    rows = [
        ("产出指标", "数量指标", "每年培训批次"),
        ("产出指标", "质量指标", "每期合格率"),
        ("产出指标", "经济成本指标", "全年培训费"),
        ("产出指标", "时效指标", "培训完成时间"),
        ("产出指标", "社会效益指标", "每年政法系统履职和服务效率"),
        ("效益指标", "满意度指标", "每期培训干部满意度"),
    ]
    return Project(name="培训费", provenance=prov("培训费"),
                   indicators=[indicator(*r) for r in rows])


def test_misfiled_levels_become_findings_naming_both_levels():
    project = training_project()
    ex = extraction(2024, projects=[project])
    normalize(ex)
    mismatched = [f for f in ex.findings if f.rule == "indicator.level_mismatch"]
    assert [f.records[0].name for f in mismatched] == \
        ["全年培训费", "每年政法系统履职和服务效率", "每期培训干部满意度"]
    first = mismatched[0]
    assert first.severity == "warning"
    assert all(s in first.message for s in ("培训费", "产出指标", "经济成本指标", "成本指标", "全年培训费"))
    assert rules(ex) == ["indicator.level_mismatch"] * 3
    levels = [(i.level1, i.level2) for i in project.indicators]
    assert levels[5] == ("效益指标", "服务对象满意度指标")


def test_indicator_names_and_levels_canonical():
    project = Project(name="单项定额基本运转支出", provenance=prov("p"), indicators=[
        indicator("产出指标", "数量指标", "科目调整次数"),
        indicator("产出指标", "质量指标", "预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）"),
        indicator("效益指标", "可持续发展指标", "按部门工作职责开展工作"),
        indicator("满意度指标", "服务对象满意度指标", "全市人民享受和谐稳定工作环境"),
    ])
    ex = extraction(2024, projects=[project])
    normalize(ex)
    inds = project.indicators
    assert [(i.level1, i.level2) for i in inds] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"),
        ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
    assert [i.level_match.method for i in inds] == ["exact", "exact", "alias", "exact"]
    assert [i.name_canonical for i in inds] == [
        "subject_adjustment_count", "budget_preparation_accuracy", None, None]
    assert [i.match.method for i in inds] == ["exact", "exact", "none", "none"]
    assert ex.findings == []


def test_unknown_level_is_a_finding():
    ind = indicator("绩效目标", "数量指标", "x")
    ex = extraction(2024, projects=[Project(name="p", provenance=prov("p"), indicators=[ind])])
    normalize(ex)
    (finding,) = ex.findings
    assert finding.rule == "indicator.level_unknown" and "绩效目标" in finding.message
    assert finding.records == [ind]
    assert (ind.level1, ind.level2) == (None, "数量指标")
    assert ind.level_match.method == "none"


def test_year_unknown_uses_newest_names():
    ln = line("医疗卫生与计划生育支出")
    normalize(extraction(None, [ln]))
    assert (ln.subject_code, ln.subject_name, ln.match.method) == ("210", "卫生健康支出", "alias")
