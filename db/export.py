"""A stored document as the ``disclosures/1`` JSON contract (``spec/EXPORT.md``).

The export is built from the database alone — the rows of the document's
current run, in ``ordinal`` order — so ``disclosures export`` gives the same
object as ``disclosures extract --json`` did, on SQLite and PostgreSQL alike.
``db/export.schema.json`` is this package's copy of the contract.

Besides the schema's keys, projects carry ``source`` (self_evaluation |
performance_targets | evaluation_report), ``scope`` (project | department) and
``funding`` (the 预算执行情况 rows, each with the provenance of every value);
indicators carry their target and actual as numbers (``target_comparator``,
``target_value``, ``target_unit``, ``actual_comparator``, ``actual_value``,
``actual_unit``) and ``met`` (true, false or null), beside the ``target`` and
``actual`` strings as written; findings carry ``pages``. The schema allows
extra keys on these objects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from disclosures.db import models as m
from disclosures.db.engine import get_engine
from disclosures.model.errors import BadInput
from disclosures.model.layout import Provenance
from disclosures.model.names import name_key
from disclosures.model.records import Match
from disclosures.model.vocabulary import MatchMethod
from sqlalchemy import Connection, Engine, inspect, select

SCHEMA_PATH = Path(__file__).resolve().with_name("export.schema.json")
SCHEMA_NAME = "disclosures/1"
MIN_PREFIX = 8
# The normalizers may flag a fuzzy match for review; the contract knows it as fuzzy
# (its low score and a finding say the rest).
EXPORT_MATCH_METHOD = {"review": "fuzzy"}
# A name a person decided (``disclosures map``, stored method "review") is, in
# the contract's enum, a known alias with full score; the match object then
# also names who decided and when (extra keys: the schema allows them).
DECIDED_METHOD = "alias"

FUNDING_FIELDS = ("source", "budget_initial", "budget_adjusted", "executed", "execution_rate")


class NotFound(BadInput, LookupError):
    """No stored document (or more than one) answers to a reference."""

    def __init__(self, ref: str, reason: str = "no stored document has this id or sha256"):
        super().__init__(f"{ref}: {reason}")
        self.ref = ref


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def export_document(engine: Engine, ref: str) -> dict:
    """The ``disclosures/1`` object of the document ``ref`` names: its id, its
    sha256, or a unique sha256 prefix of at least 8 hex digits."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # every statement of the export reads the same snapshot, even if a
            # reprocess of this document commits meanwhile
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return export_from(conn, resolve_ref(conn, ref))


def resolve_ref(conn: Connection, ref: str) -> int:
    """The id of the one document ``ref`` names; ``NotFound`` otherwise."""
    if not inspect(conn).has_table(m.Document.__tablename__):
        raise NotFound(ref, "the database holds no documents (never written to)")
    key = ref.strip().lower()
    ids: set[int] = set()
    if key.isdigit():
        ids.update(conn.scalars(select(m.Document.id).where(m.Document.id == int(key))))
    if len(key) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in key):
        ids.update(conn.scalars(select(m.Document.id).where(m.Document.sha256.startswith(key))))
    if len(ids) > 1:
        raise NotFound(ref, f"ambiguous: matches {len(ids)} documents; give more of the sha256")
    if not ids:
        hint = "" if key.isdigit() or len(key) >= MIN_PREFIX else \
            f" (a sha256 prefix needs at least {MIN_PREFIX} hex digits)"
        raise NotFound(ref, f"no stored document has this id or sha256{hint}")
    return ids.pop()


def export_from(conn: Connection, document_id: int) -> dict:
    """Build the export of one stored document over an open connection."""
    doc = conn.execute(select(m.Document).where(m.Document.id == document_id)).one()
    if doc.current_run_id is None:
        raise NotFound(str(document_id), "the document has no completed extraction run")
    run = conn.execute(select(m.ExtractionRun).where(m.ExtractionRun.id == doc.current_run_id)).one()
    prov = ProvenanceIndex(conn, run.id)
    decisions = DecisionIndex(conn)
    projects = project_dicts(conn, run.id, prov, decisions)
    return {
        "schema": SCHEMA_NAME,
        "document": {
            "sha256": doc.sha256, "file_name": doc.file_name, "format": doc.format,
            "source_url": doc.source_url, "organization": doc.organization, "region": doc.region,
            "fiscal_year": doc.fiscal_year, "kind": doc.kind, "pages": doc.pages,
            "pipeline_version": run.pipeline_version,
            # beyond the contract's fields (its document object allows more):
            # the scope and the finer classification behind ``kind``
            "scope": doc.scope, "classification": doc.classification,
        },
        "facts": [fact_dict(row, prov) for row in rows_of(conn, m.Fact, run.id)],
        "budget_lines": [line_dict(row, prov, decisions)
                         for row in rows_of(conn, m.BudgetLine, run.id)],
        "projects": projects,
        "findings": finding_dicts(conn, run.id),
    }


def json_number(value: Decimal | None) -> int | float | None:
    """Exact decimals as JSON numbers: an int when integral (``9392100``), else
    the float of the same decimal (``85.9``)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def match_dict(method: MatchMethod, score: float, decision: Any = None) -> dict:
    """The contract's match object; ``decision`` the review decision behind a
    stored "review" match (None for any other)."""
    out = Match(method, score).to_dict()
    if method == "review" and decision is not None:
        return {**out, "method": DECIDED_METHOD, "decided_by": decision.decided_by,
                "decided_at": decision.decided_at.isoformat()}
    out["method"] = EXPORT_MATCH_METHOD.get(method, method)
    return out


class DecisionIndex:
    """The review decisions in force, read once per export and only if needed."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.rows: dict | None = None

    def find(self, method: str, kind: str, raw: str | None, target: str | None) -> Any:
        """The decision that gave a stored "review" match its target, or None
        (a later decision pointing elsewhere waits for the next reprocess).
        ``kind`` is "subject" or "indicator": decisions on both are keyed by
        ``model.names.name_key`` (``normalizers.review.KEY_OF``)."""
        from disclosures.db.review import current_decisions

        if method != "review" or not raw:
            return None
        if self.rows is None:
            self.rows = current_decisions(self.conn)
        found = self.rows.get((kind, name_key(raw)))
        return found if found is not None and found.target == target else None


class ProvenanceIndex:
    """All provenance rows of one run, by (table, record id, field)."""

    def __init__(self, conn: Connection, run_id: int):
        self.by_key: dict[tuple[str, int, str], Provenance] = {}
        rows = conn.execute(select(m.Provenance).where(m.Provenance.run_id == run_id)
                            .order_by(m.Provenance.id))
        for row in rows:
            self.by_key[(row.record_table, row.record_id, row.field)] = row_to_provenance(row)

    def get(self, table: str, record_id: int, field: str) -> dict | None:
        found = self.by_key.get((table, record_id, field))
        return found.to_dict() if found else None

    def require(self, table: str, record_id: int, field: str) -> dict:
        found = self.get(table, record_id, field)
        if found is None:
            raise LookupError(f"{table} row {record_id} has no provenance for {field!r}")
        return found


def row_to_provenance(row: Any) -> Provenance:
    box = (row.x0, row.top, row.x1, row.bottom)
    return Provenance(locator=row.locator, text=row.text, extractor=row.extractor, page=row.page,
                      bbox=None if row.x0 is None else box, confidence=row.confidence)


def rows_of(conn: Connection, model: Any, run_id: int) -> list:
    """The rows of a record model (one with ``run_id`` and ``ordinal`` columns) of a run, in order."""
    return list(conn.execute(select(model).where(model.run_id == run_id).order_by(model.ordinal)))


def by_project(rows: list) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.project_id].append(row)
    return grouped


def fact_dict(row: Any, prov: ProvenanceIndex) -> dict:
    return {"key": row.key, "value": json_number(row.value), "unit": row.unit,
            "provenance": prov.require("facts", row.id, "value")}


def line_dict(row: Any, prov: ProvenanceIndex, decisions: DecisionIndex) -> dict:
    return {
        "subject_code": row.subject_code, "subject_name": row.subject_name,
        "subject_raw": row.subject_raw, "fund": row.fund, "measure": row.measure,
        "component": row.component, "amount": json_number(row.amount),
        "budget_pct": json_number(row.budget_pct),
        "match": match_dict(row.match_method, row.match_score,
                            decisions.find(row.match_method, "subject", row.subject_raw,
                                           row.subject_code)),
        "provenance": prov.require("budget_lines", row.id, "amount"),
    }


def project_dicts(conn: Connection, run_id: int, prov: ProvenanceIndex,
                  decisions: DecisionIndex) -> list[dict]:
    indicators = by_project(rows_of(conn, m.Indicator, run_id))
    funding = by_project(rows_of(conn, m.ProjectFunding, run_id))
    return [project_dict(row, indicators[row.id], funding[row.id], prov, decisions)
            for row in rows_of(conn, m.Project, run_id)]


def project_dict(row: Any, indicators: list, funding: list, prov: ProvenanceIndex,
                 decisions: DecisionIndex) -> dict:
    return {
        "code": row.code, "name": row.name, "department": row.department,
        "implementer": row.implementer,
        "budget_initial": json_number(row.budget_initial),
        "budget_adjusted": json_number(row.budget_adjusted),
        "executed": json_number(row.executed),
        "execution_rate": json_number(row.execution_rate),
        "execution_weight": json_number(row.execution_weight),
        "execution_score": json_number(row.execution_score),
        "total_score": json_number(row.total_score),
        "goal": row.goal, "conclusion": row.conclusion, "problems": row.problems,
        "improvements": row.improvements,
        "source": row.source,
        "scope": row.scope,
        "funding": [funding_dict(f, prov) for f in funding],
        "indicators": [indicator_dict(i, prov, decisions) for i in indicators],
        "provenance": prov.require("projects", row.id, "name"),
    }


def funding_dict(row: Any, prov: ProvenanceIndex) -> dict:
    out: dict[str, Any] = {"source": row.source}
    for name in FUNDING_FIELDS[1:]:
        out[name] = json_number(getattr(row, name))
    out["field_provenance"] = {
        name: found for name in FUNDING_FIELDS
        if (found := prov.get("project_funding", row.id, name)) is not None
    }
    return out


def indicator_dict(row: Any, prov: ProvenanceIndex, decisions: DecisionIndex) -> dict:
    return {
        "level1": row.level1, "level2": row.level2,
        "level1_raw": row.level1_raw, "level2_raw": row.level2_raw,
        "name": row.name, "name_canonical": row.name_canonical, "operator": row.operator,
        "target": row.target, "unit": row.unit, "actual": row.actual,
        "weight": json_number(row.weight), "score": json_number(row.score),
        "shortfall_reason": row.shortfall_reason,
        "target_comparator": row.target_comparator,
        "target_value": json_number(row.target_value),
        "target_unit": row.target_unit,
        "actual_comparator": row.actual_comparator,
        "actual_value": json_number(row.actual_value),
        "actual_unit": row.actual_unit,
        "met": None if row.met is None else bool(row.met),
        "match": match_dict(row.match_method, row.match_score,
                            decisions.find(row.match_method, "indicator", row.name,
                                           row.name_canonical)),
        "provenance": prov.require("indicators", row.id, "name"),
    }


def finding_dicts(conn: Connection, run_id: int) -> list[dict]:
    findings = rows_of(conn, m.Finding, run_id)
    refs: dict[int, list[str]] = defaultdict(list)
    ref_rows = conn.execute(
        select(m.FindingRef.finding_id, m.FindingRef.pointer)
        .join(m.Finding, m.Finding.id == m.FindingRef.finding_id)
        .where(m.Finding.run_id == run_id)
        .order_by(m.FindingRef.finding_id, m.FindingRef.ordinal))
    for finding_id, pointer in ref_rows:
        refs[finding_id].append(pointer)
    return [{"rule": f.rule, "severity": f.severity, "message": f.message,
             "refs": refs[f.id], "pages": list(f.pages)} for f in findings]


def export(doc: str, db: str | None = None) -> dict:
    """The stored document ``doc`` (id or sha256 prefix) of the database ``db`` as
    the ``disclosures/1`` JSON contract."""
    return export_document(get_engine(db), doc)
