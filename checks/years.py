"""Across years: a stated change against the prior year's own document.

The 情况说明 says ``与2023年度相比 … 减少395.69万元``; when the database holds the
same organization's document for the year before (same kind: a 决算 against
the last 决算, a 预算 against the last 预算), this year's figure minus last
year's must equal the stated change. Runs after storing (it reads both
documents from the database), so the pipeline calls it separately.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import product

from disclosures.checks.rounding import amount_slack
from disclosures.checks.rules import PRIOR_YEAR_CHANGE
from disclosures.model.layout import Provenance
from disclosures.model.numbers import fold
from disclosures.model.records import Finding
from sqlalchemy import select
from sqlalchemy.engine import Engine

CHANGE = ".change"


def normalize_org(name: str | None) -> str:
    """``中国共产党江苏省委员会办公厅`` and ``中共江苏省委办公厅`` differ; ``（本级）``,
    blanks and full-width forms do not make a different organization."""
    if not name:
        return ""
    text = re.sub(r"\s+", "", fold(name))
    text = re.sub(r"\([^)]*\)", "", text)
    return text.replace("中国共产党", "中共")


def fact_of(row: dict) -> tuple[str, Decimal, Provenance]:
    p = row["provenance"] or {}
    prov = Provenance(p.get("locator", ""), p.get("text", ""), p.get("extractor", "unknown"),
                      p.get("page"), tuple(p["bbox"]) if p.get("bbox") else None, p.get("confidence"))
    return row["key"], Decimal(str(row["value"])), prov


def values_by_key(export: dict) -> dict[str, list[tuple[Decimal, Provenance]]]:
    out: dict[str, list[tuple[Decimal, Provenance]]] = {}
    for row in export["facts"]:
        if row["unit"] != "yuan":
            continue
        key, value, prov = fact_of(row)
        out.setdefault(key, []).append((value, prov))
    return out


def prior_document(engine: Engine, document: dict) -> str | None:
    """The sha256 of the same organization's document of the year before, same kind."""
    from disclosures.db import models as m

    year, org = document.get("fiscal_year"), normalize_org(document.get("organization"))
    if year is None or not org:
        return None
    with engine.connect() as conn:
        rows = conn.execute(select(m.Document.sha256, m.Document.organization)
                            .where(m.Document.fiscal_year == year - 1,
                                   m.Document.kind == document.get("kind"),
                                   m.Document.current_run_id.is_not(None))).all()
    return next((sha for sha, name in rows if normalize_org(name) == org), None)


def change_fits(change: tuple[Decimal, Provenance], now: tuple[Decimal, Provenance],
                before: tuple[Decimal, Provenance]) -> bool:
    slack = sum((amount_slack(v, p) for v, p in (change, now, before)), Decimal(0))
    return abs(now[0] - before[0] - change[0]) <= slack


def check_against_prior_year(engine: Engine, document_sha256: str) -> list[Finding]:
    """Findings for stated changes that this year's and last year's figures contradict."""
    from disclosures.db.export import export_document

    this = export_document(engine, document_sha256)
    prior_sha = prior_document(engine, this["document"])
    if prior_sha is None:
        return []
    prior = export_document(engine, prior_sha)
    now, before = values_by_key(this), values_by_key(prior)
    findings: list[Finding] = []
    for key, changes in now.items():
        if not key.endswith(CHANGE):
            continue
        base = key[: -len(CHANGE)]
        if not now.get(base) or not before.get(base):
            continue
        for change in changes:
            if any(change_fits(change, n, b) for n, b in product(now[base], before[base])):
                continue
            (value, vprov), (last, lprov) = now[base][0], before[base][0]
            findings.append(PRIOR_YEAR_CHANGE.finding(
                evidence=[change[1], vprov, lprov], key=base, year=this["document"]["fiscal_year"],
                prior_year=prior["document"]["fiscal_year"], change=change[0], value=value,
                prior=last, computed=value - last))
    return findings
