"""Decisions override the matchers in normalize(); printed codes still win."""

from __future__ import annotations

from decimal import Decimal

import pytest
from disclosures.model.layout import Provenance
from disclosures.model.records import (
    BudgetLine,
    DocumentInfo,
    Extraction,
    Indicator,
    Project,
)
from disclosures.normalizers.apply import normalize
from disclosures.normalizers.review import ReviewError, check_target, decision_key

P = Provenance(locator="paragraph 0", text="x", extractor="test")


def line(raw, code=None):
    return BudgetLine(subject_raw=raw, fund="general_budget", measure="actual", component="total",
                      amount=Decimal("1"), provenance=P, code_raw=code)


def test_decisions_override_names_but_not_printed_codes():
    raw = "一般公共服务（类）政法委机关事务（款）行政运行（项）"
    ex = Extraction(DocumentInfo(fiscal_year=2024), budget_lines=[line(raw), line("行政运行", "2010101")])
    decisions = {("subject", decision_key("subject", raw)): "2013101",
                 ("subject", decision_key("subject", "行政运行")): "2013101"}
    normalize(ex, decisions=decisions)
    decided, printed = ex.budget_lines
    assert (decided.subject_code, decided.subject_name, decided.match.method, decided.match.score) == \
        ("2013101", "行政运行", "review", 100.0)
    assert (printed.subject_code, printed.match.method) == ("2010101", "code")
    assert not [f for f in ex.findings if f.rule == "subject.unresolved"]


def test_decisions_for_levels_and_indicator_names():
    ind = Indicator(name="办案质量达标率", level1_raw="产出", level2_raw="办案数量", provenance=P)
    ex = Extraction(DocumentInfo(), projects=[Project(name="p", provenance=P, indicators=[ind])])
    normalize(ex, decisions={("level2", decision_key("level2", "办案数量")): "数量指标",
                             ("indicator", decision_key("indicator", "办案质量达标率")): "acceptance_pass_rate"})
    assert (ind.level1, ind.level2, ind.level_match.method) == ("产出指标", "数量指标", "review")
    assert (ind.name_canonical, ind.match.method) == ("acceptance_pass_rate", "review")


def test_organization_decision_sets_the_documents_id():
    ex = Extraction(DocumentInfo(organization="市委政法委机关", region="泸州市"))
    normalize(ex, decisions={("organization", decision_key("organization", "市委政法委机关")):
                             "中共泸州市委政法委"})
    assert (ex.info.org_id, ex.info.region_level) == ("中共泸州市委政法委", "市")


@pytest.mark.parametrize("kind, target", [("subject", "20101019"), ("economic", "2013101"),
                                          ("indicator", "预算执行率"), ("level1", "数量指标")])
def test_targets_are_checked_against_the_kinds_vocabulary(kind, target):
    with pytest.raises(ReviewError):
        check_target(kind, target)


def test_subject_targets_are_stored_as_digits():
    assert check_target("subject", "201 31 01") == "2013101"
