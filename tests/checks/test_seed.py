"""The seed 泸州市委政法委 2024 决算 (Word) through the whole pipeline."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from disclosures.flows.pipeline import extract
from disclosures.model.records import Extraction

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"


@lru_cache(maxsize=1)
def seed() -> Extraction:
    return extract(SEED)[1]


def rules(ex: Extraction) -> Counter:
    return Counter(f.rule for f in ex.findings)


def test_item_sums_missing_their_class_by_a_cent_are_rounding():
    # 一般公共服务 1834.59 vs 939.21+522.88+265.56+104+2.93 = 1834.58; 社会保障和就业
    # 218.54 vs 24.25+113.22+81.06 = 218.53: within the printed rounding, no finding
    ex = seed()
    lines = {ln.subject_code: ln for ln in ex.budget_lines if ln.subject_code in ("201", "208")}
    items = [ln for ln in ex.budget_lines if ln.subject_code and len(ln.subject_code) == 7]
    assert lines["201"].amount - sum(ln.amount for ln in items if ln.subject_code[:3] == "201") == 100
    assert lines["208"].amount - sum(ln.amount for ln in items if ln.subject_code[:3] == "208") == 100
    assert not [f for f in ex.findings if f.rule.startswith(("narrative.", "tables."))]


def test_placeholders_numbering_and_misfiled_indicators_reported():
    found = rules(seed())
    assert found["placeholder"] == 2  # 0.01*% and **万元, once each (text rule dedupes)
    assert found["text.placeholder"] == 0
    assert found["numbering.gap"] == 2
    assert found["indicator.level_mismatch"] == 3


def test_training_fee_weights_and_scores_checked():
    ex = seed()
    training = [f for f in ex.findings if f.message.startswith("培训费:")
                and f.rule == "performance.score_over_weight"]
    assert {f.records[0].name for f in training} >= {"每年培训批次", "每期合格率", "培训完成时间"}
    project = next(p for p in ex.projects if p.name.startswith("培训费"))
    assert sum(i.weight for i in project.indicators if i.weight is not None) == 90
    assert not [f for f in ex.findings if f.rule == "performance.weights_sum" and "培训费" in f.message]


def test_word_document_without_statement_tables_is_not_missing_tables():
    assert rules(seed())["structure.missing_table"] == 0
