"""Checks on the tables' figures beyond the in-table sums ``statements.py`` already runs.

``statements.reconcile_statement`` checks 类 = Σ款, 款 = Σ项, 合计 = Σ类 and
合计 = 基本支出 + 项目支出 inside each table, and ``check_cross_table`` the same
line printed in two tables. Here: the two sides of a 总表, figures made of
parts (基本支出 = 人员经费 + 公用经费, 三公, 公务用车, 政府采购), read within one
source (the tables, or the text), and the standard tables a 决算 must carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from disclosures.checks.facts import FactIndex, combinations, total
from disclosures.checks.rounding import amount_slack
from disclosures.checks.rules import MISSING_TABLE, PARTS_SUM, TOTALS_BALANCE
from disclosures.model.layout import Provenance
from disclosures.model.records import Extraction, Finding
from disclosures.model.statements import FINAL_TEMPLATE, StatementTable


@dataclass(frozen=True)
class Composition:
    """A figure the documents state together with the parts it is made of."""

    what: str
    total: str
    parts: tuple[str, ...]


COMPOSITIONS: tuple[Composition, ...] = (
    Composition("基本支出", "basic_total", ("basic.personnel", "basic.public")),
    Composition("“三公”经费", "three_public.total",
                ("three_public.overseas", "three_public.vehicle", "three_public.reception")),
    Composition("公务用车购置及运行维护费", "three_public.vehicle",
                ("three_public.vehicle_purchase", "three_public.vehicle_operation")),
    Composition("政府采购", "procurement.total",
                ("procurement.goods", "procurement.works", "procurement.services")),
)

GRAND_TOTAL = re.compile(r"^(收入|支出)?总计$")


def check_compositions(facts: FactIndex) -> list[Finding]:
    """Each composition within one source: a text total against text parts, a table
    total against table parts. Mixing sources would repeat ``narrative.vs_table``."""
    findings: list[Finding] = []
    for comp in COMPOSITIONS:
        for source, by_key in (("tables", facts.table), ("text", facts.text)):
            groups = [by_key.get(k, []) for k in (comp.total, *comp.parts)]
            if any(not g for g in groups):
                continue
            fits = False
            for chosen in combinations(groups):
                stated, parts = chosen[0], chosen[1:]
                slack = sum((amount_slack(f.value, f.provenance) for f in chosen), Decimal(0))
                if abs(stated.value - total(p.value for p in parts)) <= slack:
                    fits = True
                    break
            if not fits:
                stated, parts = groups[0][0], tuple(g[0] for g in groups[1:])
                findings.append(PARTS_SUM.finding(
                    [stated, *parts], what=comp.what, total_key=comp.total, total=stated.value,
                    parts=" + ".join(comp.parts), computed=total(p.value for p in parts),
                    source=source))
    return findings


def grand_total(st: StatementTable, side: str):
    """The 总计 amount of the 收入 or 支出 half of a 总表."""
    for panel_index, panel in enumerate(st.panels):
        if side not in panel.header or not panel.of_role("amount"):
            continue
        first = panel.of_role("amount")[0].index
        for row in st.rows:
            if row.panel == panel_index and row.is_total and GRAND_TOTAL.match(row.label) \
                    and first in row.amounts:
                return row.amounts[first]
    return None


def check_totals_balance(statements: list[StatementTable]) -> list[Finding]:
    """收入总计 = 支出总计 in every 收支总表 (the two halves of one account)."""
    findings: list[Finding] = []
    for st in statements:
        if st.kind.role != "summary":
            continue
        income, expenditure = grand_total(st, "收入"), grand_total(st, "支出")
        if income is None or expenditure is None or income.cell is expenditure.cell:
            continue
        a, b = st.table.provenance(income.cell), st.table.provenance(expenditure.cell)
        if abs(income.value - expenditure.value) > amount_slack(income.value, a) + amount_slack(
                expenditure.value, b):
            findings.append(TOTALS_BALANCE.finding(
                evidence=[a, b], table=st.kind.name, income=income.value, income_page=a.page,
                expenditure=expenditure.value, expenditure_page=b.page))
    return findings


def toc_mentions(extraction: Extraction, kinds: list[str]) -> list[Provenance]:
    """Lines outside tables naming a kind (the 目录 entry of a table that is not there)."""
    return [listed.provenance for listed in extraction.listed_statements if listed.name in kinds]


def check_missing_tables(extraction: Extraction) -> list[Finding]:
    """A 决算 with any standard table is expected to carry all nine (empty ones with
    本表无数据); a document with no statement tables (a Word 情况说明) is not judged."""
    if extraction.info.kind != "final_accounts":
        return []
    present = {t.kind for t in extraction.tables if t.kind in FINAL_TEMPLATE}
    if not present:
        return []
    missing = [k for k in FINAL_TEMPLATE if k not in present]
    if not missing:
        return []
    evidence = toc_mentions(extraction, missing)
    return [MISSING_TABLE.finding(evidence=evidence, kind="部门决算", present=len(present),
                                  missing="、".join(missing))]


def check_tables(extraction: Extraction, facts: FactIndex) -> list[Finding]:
    return (check_compositions(facts) + check_totals_balance(extraction.statements)
            + check_missing_tables(extraction))

