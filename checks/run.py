"""``run_checks``: every rule over one document's records (and its text, when given)."""

from __future__ import annotations

from disclosures.checks.facts import FactIndex, from_table
from disclosures.checks.narrative import check_narrative
from disclosures.checks.performance import check_projects
from disclosures.checks.statements import check_statements
from disclosures.checks.tables import check_tables
from disclosures.checks.text import check_text
from disclosures.model.layout import Document, Provenance
from disclosures.model.records import Extraction, Finding

# A figure written without a unit is often no amount at all (江苏省人民检察院 2017
# p.20: ``2017`` of ``2017年`` read as 2017万元, 普陀区政府办公室 2025 p.2: the 目录's
# ``3.2025年…``): the recognizer flags it ``unit.assumed``, and no check relies on it.
UNSURE_RULES = frozenset({"unit.assumed"})


def unsure_locators(findings: list[Finding]) -> set[str]:
    return {p.locator for f in findings if f.rule in UNSURE_RULES for p in f.evidence}


def unsure_amount(prov: Provenance) -> bool:
    """A money figure of the text written with digits and no unit (江苏省人民检察院 2018
    p.26: ``2018`` of ``2018年`` read as a 项 amount; lines carry no ``unit.assumed``)."""
    return not from_table(prov) and any(ch.isdigit() for ch in prov.text) and "元" not in prov.text


def run_checks(extraction: Extraction, doc: Document | None = None) -> list[Finding]:
    """Findings for what does not add up. Without ``doc`` only the record-level rules
    run; the text rules and those that look at the text around a figure need it."""
    unsure = unsure_locators(extraction.findings)
    facts = FactIndex(f for f in extraction.facts if f.provenance.locator not in unsure
                      and not (f.unit == "yuan" and unsure_amount(f.provenance)))
    lines = [line for line in extraction.budget_lines if line.provenance.locator not in unsure
             and not unsure_amount(line.provenance)]
    findings = check_projects(extraction)
    findings += check_statements(extraction)
    findings += check_tables(extraction, facts)
    findings += check_narrative(extraction, facts, lines, doc)
    if doc is not None:
        findings += check_text(doc, extraction.info, extraction.findings)
    return findings
