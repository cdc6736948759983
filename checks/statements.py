"""What does not add up inside the statement tables, and between them.

The recognizer reads each statement and records how far its own sums hold
(``model.statements``); here every identity that fails becomes a finding with
its cells: 类 = Σ款, 款 = Σ项 and 合计 = Σ类 down a column
(``statement.sum_children``), 合计/小计 = its sibling columns across a row
(``statement.sum_components``). A figure printed in two statements must be
printed the same (``statement.cross_table``).
"""

from __future__ import annotations

from disclosures.checks.rules import (
    CROSS_TABLE,
    CROSS_TABLE_FACT,
    SUM_CHILDREN,
    SUM_CHILDREN_BLANK,
    SUM_COMPONENTS,
)
from disclosures.model.records import BudgetLine, Extraction, Fact, Finding
from disclosures.model.statements import Identity, StatementTable


def identity_findings(st: StatementTable) -> list[Finding]:
    findings: list[Finding] = []
    column = {id(i) for i in st.column_identities()}
    for identity in st.identities():
        if identity.holds:
            continue
        findings.append(identity_finding(st, identity, id(identity) in column))
    return findings


def identity_finding(st: StatementTable, identity: Identity, down_a_column: bool) -> Finding:
    evidence = [a.provenance for a in identity.parts]
    if identity.stated is None:
        return SUM_CHILDREN_BLANK.finding(evidence=evidence, table=st.kind.name,
                                          what=identity.what, computed=identity.computed)
    rule = SUM_CHILDREN if down_a_column else SUM_COMPONENTS
    return rule.finding(evidence=[identity.stated.provenance, *evidence], table=st.kind.name,
                        what=identity.what, stated=identity.stated.value,
                        computed=identity.computed, page=identity.stated.cell.page)


def line_key(line: BudgetLine) -> tuple[str, str, str, str, str | None]:
    """The same subject, fund, measure, component and budget unit: 类 lines by name
    (总表s print them without codes), 款/项 lines by code."""
    subject = line.code_raw if line.code_raw and len(line.code_raw) > 3 else line.subject_raw
    return subject, line.fund, line.measure, line.component, line.budget_unit


def table_of(locator: str) -> str:
    return locator.split(" / ")[0]


def check_cross_table(lines: list[BudgetLine]) -> list[Finding]:
    first: dict[tuple[str, str, str, str, str | None], BudgetLine] = {}
    findings: list[Finding] = []
    for line in lines:
        if line.statement is None:
            continue
        seen = first.setdefault(line_key(line), line)
        if seen is not line and table_of(seen.provenance.locator) != table_of(line.provenance.locator) \
                and seen.amount != line.amount:
            findings.append(CROSS_TABLE.finding(
                records=[seen, line], code=line.code_raw or "", subject=line.subject_raw,
                fund=line.fund, measure=line.measure, component=line.component,
                first=seen.amount, first_page=seen.provenance.page, second=line.amount,
                second_page=line.provenance.page))
    return findings


def check_cross_table_facts(facts: list[Fact]) -> list[Finding]:
    first: dict[str, Fact] = {}
    findings: list[Finding] = []
    for fact in facts:
        if fact.statement is None:
            continue
        seen = first.setdefault(fact.key, fact)
        if seen is not fact and seen.value != fact.value:
            findings.append(CROSS_TABLE_FACT.finding(
                records=[seen], evidence=[fact.provenance], key=fact.key, first=seen.value,
                first_page=seen.provenance.page, second=fact.value, table=fact.statement,
                second_page=fact.provenance.page))
    return findings


def check_statements(extraction: Extraction) -> list[Finding]:
    findings: list[Finding] = []
    for st in extraction.statements:
        findings += identity_findings(st)
    return (findings + check_cross_table(extraction.budget_lines)
            + check_cross_table_facts(extraction.facts))
