"""The rules on hand-made records: rounding tolerances, shares, changes, compositions."""

from __future__ import annotations

from decimal import Decimal

from disclosures.checks import run_checks
from disclosures.checks.facts import FactIndex
from disclosures.checks.narrative import (
    DEFAULT_SETTINGS,
    check_changes,
    check_shares,
    fact_share_claims,
)
from disclosures.checks.rounding import amount_slack, percent_slack
from disclosures.checks.rules import REGISTRY
from disclosures.checks.tables import check_compositions
from disclosures.model.layout import Provenance
from disclosures.model.records import DocumentInfo, Extraction, Fact


def fact(key: str, value: str, text: str, para: int = 1, unit: str = "yuan") -> Fact:
    return Fact(key, Decimal(value), unit, Provenance(f"paragraph {para} chars 0-{len(text)}", text, "t"))


def test_registry_ids_are_unique_and_severities_known():
    assert all(r.severity in ("error", "warning", "info") for r in REGISTRY.values())
    assert {"narrative.share", "narrative.vs_table", "text.year_mismatch", "years.change",
            "structure.missing_table", "tables.parts_sum"} <= set(REGISTRY)


def test_slack_is_half_the_last_printed_unit():
    assert amount_slack(Decimal(9392100), Provenance("p", "939.21万元", "t")) == 50
    assert amount_slack(Decimal(1040000), Provenance("p", "104万元", "t")) == 5000
    assert amount_slack(Decimal(29462500), Provenance("t", "2,946.25", "t")) == 50
    assert amount_slack(Decimal(0), Provenance("p", "0万元", "t")) == 0
    assert percent_slack(Provenance("p", "72%", "t")) == 1
    assert percent_slack(Provenance("p", "79.49%", "t")) == Decimal("0.01")


def test_seed_shares_within_integer_rounding_pass():
    # seed 三: 基本支出1626.35万元，占72%；项目支出628.56万元，占28%
    facts = FactIndex([fact("expenditure_total", "22549100", "2254.91万元"),
                       fact("expenditure.basic", "16263500", "1626.35万元"),
                       fact("expenditure.basic.share_pct", "72", "72%", unit="pct"),
                       fact("expenditure.project", "6285600", "628.56万元"),
                       fact("expenditure.project.share_pct", "28", "28%", unit="pct")])
    assert check_shares(fact_share_claims(facts), DEFAULT_SETTINGS) == []


def test_a_wrong_share_is_an_error():
    facts = FactIndex([fact("expenditure_total", "22549100", "2254.91万元"),
                       fact("expenditure.basic", "16263500", "1626.35万元"),
                       fact("expenditure.basic.share_pct", "62", "62%", unit="pct")])
    [finding] = check_shares(fact_share_claims(facts), DEFAULT_SETTINGS)
    assert finding.rule == "narrative.share" and finding.severity == "error"
    assert "72.12%" in finding.message


def test_change_against_its_percentage():
    ok = FactIndex([fact("operating_cost", "2595400", "259.54万元"),
                    fact("operating_cost.change", "-232800", "减少23.28万元"),
                    fact("operating_cost.change_pct", "-8", "下降8%", unit="pct")])
    assert check_changes(ok) == []
    wrong = FactIndex([fact("operating_cost", "2595400", "259.54万元"),
                       fact("operating_cost.change", "-232800", "减少23.28万元"),
                       fact("operating_cost.change_pct", "-18", "下降18%", unit="pct")])
    [finding] = check_changes(wrong)
    assert finding.rule == "narrative.change" and "-8.23" in finding.message


def test_three_public_parts_within_one_source():
    parts = [fact("three_public.total", "263900", "26.39万元"),
             fact("three_public.overseas", "0", "0万元"),
             fact("three_public.vehicle", "220800", "22.08万元"),
             fact("three_public.reception", "43100", "4.31万元")]
    assert check_compositions(FactIndex(parts)) == []
    parts[3] = fact("three_public.reception", "53100", "5.31万元")
    [finding] = check_compositions(FactIndex(parts))
    assert finding.rule == "tables.parts_sum" and "(text)" in finding.message


def test_run_checks_without_doc_keeps_record_rules():
    ex = Extraction(DocumentInfo(kind="final_accounts", fiscal_year=2024),
                    facts=[fact("basic_total", "16263500", "1626.35万元"),
                           fact("basic.personnel", "13668100", "1366.81万元"),
                           fact("basic.public", "3595400", "359.54万元")])
    assert [f.rule for f in run_checks(ex)] == ["tables.parts_sum"]
