"""``run_checks``: every rule over one document's records (and its text, when given)."""

from __future__ import annotations

from disclosures.checks.facts import FactIndex
from disclosures.checks.narrative import check_narrative
from disclosures.checks.performance import check_projects
from disclosures.checks.statements import check_statements
from disclosures.checks.tables import check_tables
from disclosures.checks.text import check_text
from disclosures.model.layout import Document
from disclosures.model.records import Extraction, Finding


def run_checks(extraction: Extraction, doc: Document | None = None) -> list[Finding]:
    """Findings for what does not add up. Without ``doc`` only the record-level rules
    run; the text rules and those that look at the text around a figure need it."""
    # a figure the text writes without a unit is no amount: the recognizer keeps none
    facts = FactIndex(extraction.facts)
    lines = extraction.budget_lines
    findings = check_projects(extraction)
    findings += check_statements(extraction)
    findings += check_tables(extraction, facts)
    findings += check_narrative(extraction, facts, lines, doc)
    if doc is not None:
        findings += check_text(doc, extraction.info, extraction.findings)
    return findings
