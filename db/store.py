"""Store one document's extraction: one transaction, all or nothing.

``store_extraction`` upserts the document by sha256, records a new
extraction run, replaces the document's records (facts, budget lines,
projects with their funding rows and indicators, findings) and writes one
provenance row per stored field, then points the document at the new run.
Any exception rolls all of it back: the previous run's rows stay as they were.

Nothing is written that could not be exported: every record is checked
first (each value has provenance, each number fits its column exactly), and
before committing the document's export is rebuilt from the new rows and
validated against the ``disclosures/1`` schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

import jsonschema
from disclosures.db import models as m
from disclosures.db.engine import write_transaction
from disclosures.db.export import export_from, load_schema
from disclosures.model.errors import Failure
from disclosures.model.layout import Provenance
from disclosures.model.records import (
    BudgetLine,
    Extraction,
    Fact,
    Finding,
    FundingRow,
    Indicator,
    Project,
    check_provenance,
)
from disclosures.model.vocabulary import FileFormat, ReadFormat
from disclosures.model.vocabulary import values as members
from sqlalchemy import Connection, Engine, Numeric, Table, delete, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite


class DocumentMeta(Protocol):
    """What ``store_extraction`` reads from the document (``disclosures.model.layout.Document``)."""

    sha256: str
    file_name: str
    format: ReadFormat  # a web page (html) is read to be classified, never stored
    pages: int | None
    source_url: str | None


class InvalidExtraction(Failure):
    """The extraction holds a value the database must not take; nothing was written."""


@dataclass(frozen=True)
class StoredRun:
    document_id: int
    run_id: int
    counts: dict[str, int]


@dataclass(frozen=True)
class StoreSettings:
    # SQLite keeps a NUMERIC with a fraction as an 8-byte REAL, which gives back
    # exactly the decimal it was given only up to 15 significant digits.
    exact_digits: int = 15


SETTINGS = StoreSettings()

# Children before parents, so foreign keys hold at every step.
DELETE_ORDER = (m.FindingRef, m.Provenance, m.Indicator, m.ProjectFunding, m.Project,
                m.Fact, m.BudgetLine, m.Finding)

NUMBER_FIELDS: dict[type, tuple[type[m.Base], tuple[str, ...]]] = {
    Fact: (m.Fact, ("value",)),
    BudgetLine: (m.BudgetLine, ("amount", "budget_pct")),
    Project: (m.Project, ("budget_initial", "budget_adjusted", "executed", "execution_rate",
                          "execution_weight", "execution_score", "total_score")),
    FundingRow: (m.ProjectFunding, ("budget_initial", "budget_adjusted", "executed",
                                    "execution_rate")),
    Indicator: (m.Indicator, ("weight", "score", "target_value", "actual_value")),
}


def store_extraction(engine: Engine, doc: DocumentMeta, extraction: Extraction,
                     pipeline_version: str, started_at: datetime,
                     settings: StoreSettings = SETTINGS) -> StoredRun:
    """Replace the stored rows of ``doc`` with ``extraction`` in one transaction.

    Raises ``InvalidExtraction`` (nothing written) when a value lacks
    provenance, does not fit its column exactly, or the result would not
    validate as ``disclosures/1``.
    """
    if doc.format not in members(FileFormat):
        raise InvalidExtraction(f"{doc.file_name}: a {doc.format} file is no stored document format")
    plan = plan_extraction(extraction, settings)
    with write_transaction(engine) as conn:
        document_id = upsert_document(conn, doc, extraction)
        run_id = insert_run(conn, document_id, pipeline_version, started_at, plan.counts)
        delete_document_rows(conn, document_id)
        writer = RowWriter(conn, document_id, run_id, plan.pointers)
        writer.write(extraction)
        finish_run(conn, document_id, run_id)
        validate_export(conn, document_id, doc.file_name)
    return StoredRun(document_id, run_id, dict(plan.counts))


# -- values the database cannot hold ----------------------------------------

UNSTORABLE_RULE = "value.unstorable"
# A record is only as good as the value it is about: without it, it goes.
MAIN_VALUE = {Fact: "value", BudgetLine: "amount"}


def set_aside_unstorable(extraction: Extraction, settings: StoreSettings = SETTINGS) -> list[Finding]:
    """Take out of ``extraction`` every number its column cannot hold exactly
    (beyond 13 integer digits, finer than the column's decimals) and return a
    finding for each, with the value's source as evidence.

    Such a number is a misread or a typo in the document (a 30-digit 万元
    amount, 0.000000001万元); refusing the whole document for it would lose
    every good value beside it, and storing it rounded would be a silent fix.
    """
    findings: list[Finding] = []
    dropped: set[int] = set()
    for record, pointer in list(iter_records(extraction)):
        model, names = NUMBER_FIELDS[type(record)]
        for name in names:
            problem = number_problem(getattr(record, name), numeric_type(model, name), settings)
            if problem is None:
                continue
            prov = field_provenance(record).get(name)
            findings.append(Finding(
                rule=UNSTORABLE_RULE, severity="warning",
                message=f"{pointer} {name}: {problem}; the value is kept out of the database",
                evidence=[prov] if isinstance(prov, Provenance) else []))
            if MAIN_VALUE.get(type(record)) == name:
                dropped.add(id(record))
                break
            setattr(record, name, None)
            record.field_provenance.pop(name, None)
    if dropped:
        extraction.facts = [f for f in extraction.facts if id(f) not in dropped]
        extraction.budget_lines = [b for b in extraction.budget_lines if id(b) not in dropped]
        for finding in extraction.findings:
            gone = [r for r in finding.records if id(r) in dropped]
            finding.records = [r for r in finding.records if id(r) not in dropped]
            finding.evidence += [r.provenance for r in gone]
    extraction.findings += findings
    return findings


# -- checking before writing -------------------------------------------------

@dataclass
class Plan:
    """What the checks learned: counts, and each record's JSON pointer by identity."""

    counts: dict[str, int]
    pointers: dict[int, str] = field(default_factory=dict)


def plan_extraction(extraction: Extraction, settings: StoreSettings) -> Plan:
    """Check every record and give each its export pointer; raise on any problem."""
    pointers = record_pointers(extraction)
    problems: list[str] = []
    for record, pointer in iter_records(extraction):
        problems += [f"{pointer}: {p}" for p in record_problems(record, settings)]
    for i, finding in enumerate(extraction.findings):
        problems += [f"/findings/{i}: {p}" for p in finding_problems(finding, pointers)]
    for name, prov in extraction.info.provenance.items():
        problems += [f"/document/{name}: {p}" for p in provenance_problems(prov)]
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidExtraction(f"refusing to store: {shown}{more}")
    counts = {
        "facts": len(extraction.facts),
        "budget_lines": len(extraction.budget_lines),
        "projects": len(extraction.projects),
        "indicators": sum(len(p.indicators) for p in extraction.projects),
        "findings": len(extraction.findings),
    }
    return Plan(counts, pointers)


def iter_records(extraction: Extraction) -> Iterable[tuple[Any, str]]:
    """Every record with its JSON pointer into the export, in export order."""
    for i, fact in enumerate(extraction.facts):
        yield fact, f"/facts/{i}"
    for i, line in enumerate(extraction.budget_lines):
        yield line, f"/budget_lines/{i}"
    for i, project in enumerate(extraction.projects):
        yield project, f"/projects/{i}"
        for k, row in enumerate(project.funding):
            yield row, f"/projects/{i}/funding/{k}"
        for j, indicator in enumerate(project.indicators):
            yield indicator, f"/projects/{i}/indicators/{j}"


def record_pointers(extraction: Extraction) -> dict[int, str]:
    """Pointers by object identity: a finding names the record object it is about."""
    pointers: dict[int, str] = {}
    for record, pointer in iter_records(extraction):
        if id(record) in pointers:
            raise InvalidExtraction(f"refusing to store: {pointer} is the same record object "
                                    f"as {pointers[id(record)]}")
        pointers[id(record)] = pointer
    return pointers


def field_provenance(record: Any) -> dict[str, Provenance]:
    """Every stored field's provenance: the record's own plus its main value's
    (``provenance`` is of a fact's value, a line's amount, a project's or
    indicator's name)."""
    fields = dict(record.field_provenance)
    main = {Fact: "value", BudgetLine: "amount", Project: "name", Indicator: "name"}.get(type(record))
    if main is not None:
        fields[main] = record.provenance
    return fields


def record_problems(record: Any, settings: StoreSettings) -> list[str]:
    if main_provenance_missing(record):
        return ["has no provenance"]
    problems = [f"{name} = {getattr(record, name)!r} has no provenance"
                for name in check_provenance(record)]
    for name, prov in field_provenance(record).items():
        problems += [f"provenance of {name}: {p}" for p in provenance_problems(prov)]
    model, names = NUMBER_FIELDS[type(record)]
    for name in names:
        problem = number_problem(getattr(record, name), numeric_type(model, name), settings)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def main_provenance_missing(record: Any) -> bool:
    return not isinstance(record, FundingRow) and not isinstance(record.provenance, Provenance)


def provenance_problems(prov: Any) -> list[str]:
    """What makes a Provenance unusable in the export contract."""
    if not isinstance(prov, Provenance):
        return [f"{prov!r} is not a Provenance"]
    problems = [f"{name} is empty" for name in ("locator", "text", "extractor")
                if not isinstance(getattr(prov, name), str) or not getattr(prov, name)]
    if prov.page is not None and (not isinstance(prov.page, int) or prov.page < 1):
        problems.append(f"page {prov.page!r} is not a 1-based page number")
    if prov.bbox is not None and (len(prov.bbox) != 4 or not all(
            isinstance(v, (int, float)) and v == v for v in prov.bbox)):
        problems.append(f"bbox {prov.bbox!r} is not four numbers")
    if prov.confidence is not None and not 0 <= prov.confidence <= 1:
        problems.append(f"confidence {prov.confidence!r} is outside 0..1")
    return problems


def numeric_type(model: type[m.Base], name: str) -> Numeric:
    column_type = model.__table__.c[name].type
    assert isinstance(column_type, Numeric), (model.__tablename__, name)
    return column_type


def number_problem(value: Any, column: Numeric, settings: StoreSettings) -> str | None:
    """Why ``value`` cannot be stored exactly in ``column`` (None when it can)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return f"{value!r} is a {type(value).__name__}, not an exact Decimal"
    value = Decimal(value)
    if not value.is_finite():
        return f"{value} is not a finite number"
    scale = column.scale or 0
    int_digits = min(column.precision or settings.exact_digits, settings.exact_digits) - scale
    if value != 0 and value.adjusted() >= int_digits:
        return f"{value} has more than {int_digits} digits before the decimal point"
    if value != value.quantize(Decimal(1).scaleb(-scale)):
        return f"{value} has more than {scale} decimals"
    return None


def finding_problems(finding: Finding, pointers: dict[int, str]) -> list[str]:
    problems = [f"refers to a {type(r).__name__} that is not among the stored records"
                for r in finding.records if id(r) not in pointers]
    for prov in finding.evidence:
        problems += [f"evidence: {p}" for p in provenance_problems(prov)]
    return problems


# -- writing -----------------------------------------------------------------

# ``INSERT … ON CONFLICT`` of the dialects ``db.engine.get_engine`` accepts
UPSERT_INSERT: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert_document(conn: Connection, doc: DocumentMeta, extraction: Extraction) -> int:
    """Insert the document or update it in place, by sha256 — one statement, so
    two processes storing the same file cannot both insert it (on PostgreSQL
    the second waits on the row lock until the first commits).

    ``file_name`` and ``first_seen`` keep their first values (a reprocess reads
    the file back from the raw store under its sha256 name); ``source_url``
    keeps a known URL when the new run has none (a local re-extract)."""
    info = extraction.info
    table = m.Document.__table__
    values = dict(sha256=doc.sha256, file_name=doc.file_name, format=doc.format,
                  source_url=doc.source_url, organization=info.organization, region=info.region,
                  fiscal_year=info.fiscal_year, kind=info.kind, pages=doc.pages,
                  org_id=info.org_id, region_level=info.region_level, scope=info.scope,
                  classification=extraction.classification.kind if extraction.classification else None,
                  first_seen=datetime.now(UTC))
    stmt = UPSERT_INSERT[conn.dialect.name](table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.sha256],
        set_={
            "format": stmt.excluded.format, "pages": stmt.excluded.pages,
            "organization": stmt.excluded.organization, "region": stmt.excluded.region,
            "fiscal_year": stmt.excluded.fiscal_year, "kind": stmt.excluded.kind,
            "org_id": stmt.excluded.org_id, "region_level": stmt.excluded.region_level,
            "scope": stmt.excluded.scope, "classification": stmt.excluded.classification,
            "source_url": func.coalesce(stmt.excluded.source_url, table.c.source_url),
        },
    )
    return conn.execute(stmt.returning(table.c.id)).scalar_one()


def insert_run(conn: Connection, document_id: int, pipeline_version: str, started_at: datetime,
               counts: dict[str, int]) -> int:
    table = m.ExtractionRun.__table__
    return conn.execute(insert(table).returning(table.c.id), {
        "document_id": document_id, "pipeline_version": pipeline_version,
        "started_at": started_at, "status": "ok", **{f"n_{k}": v for k, v in counts.items()},
    }).scalar_one()


def delete_document_rows(conn: Connection, document_id: int) -> None:
    for model in DELETE_ORDER:
        conn.execute(delete(model).where(model.document_id == document_id))


def finish_run(conn: Connection, document_id: int, run_id: int) -> None:
    conn.execute(update(m.ExtractionRun).where(m.ExtractionRun.id == run_id)
                 .values(finished_at=datetime.now(UTC)))
    conn.execute(update(m.Document).where(m.Document.id == document_id)
                 .values(current_run_id=run_id))


def validate_export(conn: Connection, document_id: int, file_name: str) -> None:
    """The last check before commit: the stored rows export as valid ``disclosures/1``."""
    data = export_from(conn, document_id)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema()).iter_errors(data))
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise InvalidExtraction(f"refusing to store {file_name}: the export would not be "
                                f"disclosures/1 at {where}: {error.message}")


class RowWriter:
    """Inserts one extraction's rows for one document run, remembering where
    each record landed so findings can refer to it."""

    def __init__(self, conn: Connection, document_id: int, run_id: int, pointers: dict[int, str]):
        self.conn, self.document_id, self.run_id = conn, document_id, run_id
        self.pointers = pointers
        self.stored: dict[int, tuple[str, int]] = {}  # id(record) -> (table, row id)
        self.provenance: list[dict] = []

    def write(self, extraction: Extraction) -> None:
        self.write_records(m.Fact, extraction.facts, fact_row)
        self.write_records(m.BudgetLine, extraction.budget_lines, line_row)
        project_ids = self.write_records(m.Project, extraction.projects, project_row)
        for project, project_id in zip(extraction.projects, project_ids, strict=True):
            self.write_records(m.ProjectFunding, project.funding, funding_row, project_id=project_id)
            self.write_records(m.Indicator, project.indicators, indicator_row, project_id=project_id)
        self.write_findings(extraction.findings)
        self.add_provenance("documents", self.document_id, extraction.info.provenance.items())
        self.insert(m.Provenance.__table__, self.provenance)

    def insert(self, table: Table, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.conn.execute(stmt, rows).scalars())

    def write_records(self, model: type[m.Base], records: list, to_row, **extra) -> list[int]:
        rows = [{**to_row(r), **extra, "document_id": self.document_id, "run_id": self.run_id,
                 "ordinal": i} for i, r in enumerate(records)]
        ids = self.insert(model.__table__, rows)
        for record, row_id in zip(records, ids, strict=True):
            self.stored[id(record)] = (model.__tablename__, row_id)
            self.add_provenance(model.__tablename__, row_id, field_provenance(record).items())
        return ids

    def write_findings(self, findings: list[Finding]) -> None:
        rows = [{"rule": f.rule, "severity": f.severity, "message": f.message, "pages": f.pages,
                 "document_id": self.document_id, "run_id": self.run_id, "ordinal": i}
                for i, f in enumerate(findings)]
        ids = self.insert(m.Finding.__table__, rows)
        refs = []
        for finding, finding_id in zip(findings, ids, strict=True):
            for k, record in enumerate(finding.records):
                table, record_id = self.stored[id(record)]
                refs.append({"finding_id": finding_id, "document_id": self.document_id,
                             "ordinal": k, "pointer": self.pointers[id(record)],
                             "record_table": table, "record_id": record_id})
            self.add_provenance("findings", finding_id,
                                (("evidence", p) for p in finding.evidence))
        self.insert(m.FindingRef.__table__, refs)

    def add_provenance(self, table: str, record_id: int,
                       fields: Iterable[tuple[str, Provenance]]) -> None:
        for name, prov in fields:
            x0, top, x1, bottom = prov.bbox if prov.bbox is not None else (None,) * 4
            self.provenance.append({
                "document_id": self.document_id, "run_id": self.run_id,
                "record_table": table, "record_id": record_id, "field": name,
                "page": prov.page, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                "locator": prov.locator, "text": prov.text, "extractor": prov.extractor,
                "confidence": prov.confidence,
            })


def fact_row(f: Fact) -> dict:
    return {"key": f.key, "value": f.value, "unit": f.unit}


def line_row(line: BudgetLine) -> dict:
    return {"subject_code": line.subject_code, "subject_name": line.subject_name,
            "subject_raw": line.subject_raw, "code_raw": line.code_raw, "fund": line.fund,
            "measure": line.measure, "component": line.component, "amount": line.amount,
            "budget_pct": line.budget_pct, "match_method": line.match.method,
            "match_score": float(line.match.score)}


PROJECT_FIELDS = ("source", "scope", "code", "name", "department", "implementer", "budget_initial",
                  "budget_adjusted", "executed", "execution_rate", "execution_weight",
                  "execution_score", "total_score", "goal", "conclusion", "problems", "improvements")


def project_row(p: Project) -> dict:
    return {name: getattr(p, name) for name in PROJECT_FIELDS}


def funding_row(f: FundingRow) -> dict:
    return {"source": f.source, "budget_initial": f.budget_initial,
            "budget_adjusted": f.budget_adjusted, "executed": f.executed,
            "execution_rate": f.execution_rate}


INDICATOR_FIELDS = ("level1", "level2", "level1_raw", "level2_raw", "name", "name_canonical",
                    "operator", "target", "unit", "actual", "weight", "score", "shortfall_reason",
                    "target_comparator", "target_value", "target_unit", "actual_comparator",
                    "actual_value", "actual_unit", "met")


def indicator_row(i: Indicator) -> dict:
    return {**{name: getattr(i, name) for name in INDICATOR_FIELDS},
            "match_method": i.match.method, "match_score": float(i.match.score),
            "level_match_method": i.level_match.method,
            "level_match_score": float(i.level_match.score)}
