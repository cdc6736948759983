"""The truth scorer (benchmarks/truth.py) and the truth files it reads.

The scorer is checked on extractions built from a truth file itself (a
perfect extraction scores perfectly; each kind of damage is reported where
it was done); the truth files are checked for their own consistency (every
line's code is among the printed codes, and each fund's 类 lines add up to
the total the document states for that fund).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import benchmarks_truth as truth
import pytest
from disclosures.model.layout import Provenance
from disclosures.model.records import BudgetLine, DocumentInfo, Extraction, Fact

TRUTH_DIR = Path(__file__).resolve().parent / "truth"
DOCUMENTS = truth.load_all(TRUTH_DIR)
# the total each fund's 类 lines add up to, by fact key (spec/facts.csv)
FUND_TOTALS = {("general_budget", "total"): "general_budget_expenditure",
               ("general_budget", "basic"): "basic_total",
               ("general_budget", "personnel"): "basic.personnel",
               ("general_budget", "public"): "basic.public",
               ("government_fund", "total"): "government_fund_expenditure",
               ("all_sources", "total"): "expenditure_total",
               ("all_sources", "basic"): "expenditure.basic",
               ("all_sources", "project"): "expenditure.project"}


def provenance(page: int, text: str) -> Provenance:
    return Provenance("table 0 / row 0 / col 0", text, "test", page)


def perfect(doc: truth.Truth) -> Extraction:
    """The extraction a perfect pipeline would return for ``doc``'s truth."""
    meta = doc.metadata
    info = DocumentInfo(organization=meta["organization"], region=meta["region"],
                        fiscal_year=meta["fiscal_year"], kind=meta["kind"])
    info.scope = meta.get("scope")  # the field issue 12 asks for
    lines = [BudgetLine(subject_raw=t.name, fund=t.fund, measure=t.measure, component=t.component,
                        amount=t.amount, provenance=provenance(t.page, str(t.amount)), code_raw=t.code)
             for t in doc.lines]
    facts = [Fact(f.key, f.value, "yuan", provenance(f.page, str(f.value))) for f in doc.facts]
    return Extraction(info=info, budget_lines=lines, facts=facts)


def by_name(name: str) -> truth.Truth:
    return next(d for d in DOCUMENTS if d.name == name)


def test_there_are_truth_documents_from_several_cities():
    cities = {d.source.split("/")[0] for d in DOCUMENTS}
    assert len(DOCUMENTS) >= 8 and len(cities) >= 3


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_a_perfect_extraction_meets_every_threshold(doc):
    result = truth.score(doc, perfect(doc))
    assert result.failures() == {}
    assert len(result.lines_found) == len(doc.lines) and len(result.facts_found) == len(doc.facts)


def test_damage_is_reported_where_it_was_done():
    doc = by_name("004-propaganda-2026")
    extraction = perfect(doc)
    wrong = extraction.budget_lines[0]
    extraction.budget_lines[0] = replace(wrong, amount=wrong.amount + 100)
    dropped = extraction.budget_lines.pop(1)
    extraction.budget_lines.append(replace(wrong, code_raw="299", subject_raw="年度"))  # a code never printed
    extraction.facts = [f for f in extraction.facts if f.key != "operating_cost"]
    extraction.info.organization = "年中共重庆市委宣传部"
    result = truth.score(doc, extraction)
    failures = result.failures()
    assert [(t.code, t.component) for t, _v in result.lines_wrong] == [(wrong.code_raw, wrong.component)]
    assert [(t.code, t.component) for t in result.lines_missing] == [(dropped.code_raw, dropped.component)]
    assert [f.key for f in result.facts_missing] == ["operating_cost"]
    assert result.unprinted_lines == [("299", "年度", wrong.amount)]
    assert set(failures) == {"metadata", "lines", "facts"}  # 1 unprinted line of 226 is under 1 %
    assert "organization" in failures["metadata"]


def test_coverage_and_unprinted_share_have_their_thresholds():
    doc = by_name("020-petitions-2026")
    extraction = perfect(doc)
    kept = [ln for ln in extraction.budget_lines if len(ln.code_raw) == 3]  # the 类 lines alone
    junk = replace(kept[0], code_raw=None, subject_code=None, subject_raw="合计")
    extraction.budget_lines = kept + [junk]
    failures = truth.score(doc, extraction).failures()
    assert failures["coverage"].startswith("5/22 printed codes")
    assert failures["unprinted"].startswith("1/")


def test_a_key_printed_once_per_unit_needs_each_amount():
    doc = by_name("020-work-safety-2019")  # four units, the same codes in each
    key = ("208", "general_budget", "budget", "total")
    expected = sorted(t.amount for t in doc.lines if t.key == key)
    assert len(expected) == 4
    extraction = perfect(doc)
    first = next(i for i, ln in enumerate(extraction.budget_lines)
                 if (ln.code_raw, ln.fund, ln.measure, ln.component) == key)
    del extraction.budget_lines[first]
    result = truth.score(doc, extraction)
    assert len(result.lines_missing) + len(result.lines_wrong) == 1


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_truth_lines_carry_printed_codes(doc):
    assert {t.code for t in doc.lines} <= doc.printed_codes


@pytest.mark.parametrize("doc", [d for d in DOCUMENTS if d.lines], ids=[d.name for d in DOCUMENTS if d.lines])
def test_truth_class_lines_add_up_to_the_stated_totals(doc):
    """Σ 类 = the fund's total, for every (fund, component) whose total is a truth fact."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in doc.lines:
        if len(t.code) == 3:
            sums[(t.fund, t.component)] += t.amount
    facts = {f.key: f.value for f in doc.facts}
    checked = 0
    for group, key in FUND_TOTALS.items():
        if group in sums and key in facts:
            # one printed unit (1 元, or 0.01 万元 = 100 元) per 类 of rounding at most
            assert abs(sums[group] - facts[key]) <= 100 * len(doc.printed_codes), (group, key)
            checked += 1
    assert checked >= 2
