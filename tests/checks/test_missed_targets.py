"""performance.missed_target_full_score: a target the actual missed still given its full weight."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from disclosures.checks.performance import check_missed_targets
from disclosures.checks.rules import MISSED_TARGET_FULL_SCORE, REGISTRY
from disclosures.flows.pipeline import extract
from disclosures.model.layout import Provenance
from disclosures.model.records import Extraction, Indicator, Project
from disclosures.normalizers.targets import indicator_to_quantities

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"


@lru_cache(maxsize=1)
def seed() -> Extraction:
    return extract(SEED)[1]


def scored(target: str, actual: str, weight: str, score: str, operator: str | None = None,
           unit: str | None = None) -> Indicator:
    ind = Indicator("表彰见义勇为先进个人", "产出指标", "数量指标",
                    Provenance("table 0 / row 8 / col 3", "表彰见义勇为先进个人", "t"),
                    operator=operator, target=target, unit=unit, actual=actual,
                    weight=Decimal(weight), score=Decimal(score))
    ind.field_provenance.update(target=Provenance("table 0 / row 8 / col 5", target, "t"),
                                actual=Provenance("table 0 / row 8 / col 7", actual, "t"))
    indicator_to_quantities(ind)
    return ind


def project_of(*indicators: Indicator) -> Project:
    return Project("平安建设经费", Provenance("table 0 / row 1 / col 3", "平安建设经费", "t"),
                   indicators=list(indicators))


def test_rule_is_registered():
    rule = REGISTRY["performance.missed_target_full_score"]
    assert rule is MISSED_TARGET_FULL_SCORE and rule.severity == "warning"


def test_missed_target_with_full_score_is_reported():
    ind = scored("10", "4", "3", "3", operator="=", unit="人")
    [finding] = check_missed_targets(project_of(ind))
    assert finding.rule == "performance.missed_target_full_score" and finding.records == [ind]
    assert finding.message == ("平安建设经费: indicator '表彰见义勇为先进个人' missed its target "
                               "(= 10 人, actual 4) but scores the full 3")


@pytest.mark.parametrize("target, actual, score", [
    ("≥30次", "20", "1.33"),      # missed, and points taken off (宁德 2024 市政府常务会议场次)
    ("≥30次", "31", "2"),         # met
    ("≥95%", "完成", "2"),        # cannot be decided: a number against a word
    ("长期", "", "2"),            # no actual (a target table)
])
def test_no_finding_when_points_were_taken_or_met_is_not_false(target, actual, score):
    assert list(check_missed_targets(project_of(scored(target, actual or None, "2", score)))) == []


def test_the_seed_gives_a_missed_target_full_marks():
    """泸州 2024 平安建设经费 (PDF p.22): 表彰见义勇为先进个人 = 10 人, completed 4,
    weight 3, score 3; and three ``> 1 年`` targets completed with exactly 1 年."""
    found = [f for f in seed().findings if f.rule == "performance.missed_target_full_score"]
    assert sorted(f.records[0].name[:10] for f in found) == [
        "全市网络及校园周边治", "刊物持续影响", "提升综治中心工作智能", "表彰见义勇为先进个人"]
    hero = next(f.records[0] for f in found if f.records[0].name == "表彰见义勇为先进个人")
    assert (hero.target_value, hero.actual_value, hero.met, hero.score, hero.weight) == (
        Decimal(10), Decimal(4), False, Decimal(3), Decimal(3))


def test_the_seed_indicators_met_or_missed():
    indicators = [i for p in seed().projects for i in p.indicators]
    assert len(indicators) == 81
    assert sum(i.met is True for i in indicators) == 77
    assert sum(i.met is False for i in indicators) == 4
    costly = next(i for i in indicators if i.name == "市综治中心日常运转经费")
    # ≤ 128 万元/每项目, completed 119.6 (PDF p.22)
    assert (costly.target_comparator, costly.target_value, costly.target_unit, costly.actual_value,
            costly.met) == ("<=", Decimal(128), "万元/每项目", Decimal("119.6"), True)
