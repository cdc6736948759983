"""The tables: one row per stored record, one provenance row per stored field.

Every record row carries ``document_id`` and ``run_id`` (the extraction run
that wrote it) and an ``ordinal``: its position in the export's list, so the
``disclosures/1`` JSON comes out in the order the recognizers produced it and
a finding's ref ``/budget_lines/3`` is the line with ``ordinal = 3``.

Amounts are exact ``Numeric`` (yuan to the fen), percentages, weights and
scores ``Numeric`` with four decimals; ``db.store`` refuses a value that the
column could not hold exactly (on SQLite as well as on PostgreSQL). Boxes and confidences are floats: they are
measurements, not figures a researcher sums.

The schema is created by the Alembic migration in ``db/migrations``, which
must create exactly these tables (``tests/db/test_migrations.py`` compares).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so the migration and the models agree on every name on
# both SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Yuan with fen. db.store also keeps every value within 15 significant digits
# (integer digits + scale), which SQLite's 8-byte REAL storage of NUMERIC
# values returns exactly: amounts below 10^13 yuan.
Amount = Numeric(18, 2)
# Percent, weight, score: 0.0001 steps (disclosures print rates to 2 decimals).
Ratio = Numeric(12, 4)
# A fact is yuan, a count, a score or a percent: the yuan range decides.
FactValue = Numeric(18, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # every model maps one Table (SQLAlchemy types ``__table__`` as any FromClause)
    __table__: ClassVar[Table]


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8))
    source_url: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(32))
    pages: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Added by migration 0003_review: normalizers.organizations' stable id of
    # the publishing unit and its region level (省/市/区县).
    org_id: Mapped[str | None] = mapped_column(String(160), index=True)
    region_level: Mapped[str | None] = mapped_column(String(8))
    # Added by migration 0007_document_scope: what the document covers (本级 /
    # 汇总 / 部门 / 单位, docinfo) and what it is (extractors.recognizers.classify:
    # budget, final_accounts, performance_targets, performance_self_evaluation,
    # performance_evaluation_report; ``kind`` keeps the contract's coarser value).
    scope: Mapped[str | None] = mapped_column(String(8))
    classification: Mapped[str | None] = mapped_column(String(40))
    # use_alter: documents and extraction_runs point at each other
    current_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("extraction_runs.id", use_alter=True))


class ExtractionRun(Base):
    __tablename__ = "extraction_runs"
    __table_args__ = (CheckConstraint("status IN ('ok', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8))
    n_facts: Mapped[int] = mapped_column(Integer)
    n_budget_lines: Mapped[int] = mapped_column(Integer)
    n_projects: Mapped[int] = mapped_column(Integer)
    n_indicators: Mapped[int] = mapped_column(Integer)
    n_findings: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class RecordMixin:
    """What every stored record has: its document, the run that wrote it, its place."""

    # sort_order: these columns come first in every record table
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True, sort_order=-1)
    run_id: Mapped[int] = mapped_column(ForeignKey("extraction_runs.id"), sort_order=-1)
    ordinal: Mapped[int] = mapped_column(Integer, sort_order=-1)


class Fact(RecordMixin, Base):
    __tablename__ = "facts"

    key: Mapped[str] = mapped_column(String(128))
    value: Mapped[Decimal] = mapped_column(FactValue)
    unit: Mapped[str] = mapped_column(String(8))


class BudgetLine(RecordMixin, Base):
    __tablename__ = "budget_lines"

    subject_code: Mapped[str | None] = mapped_column(String(7))
    subject_name: Mapped[str | None] = mapped_column(Text)
    subject_raw: Mapped[str] = mapped_column(Text)
    code_raw: Mapped[str | None] = mapped_column(String(32))
    fund: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(32))
    component: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Amount)
    budget_pct: Mapped[Decimal | None] = mapped_column(Ratio)
    match_method: Mapped[str] = mapped_column(String(16))
    match_score: Mapped[float] = mapped_column(Float)


class Project(RecordMixin, Base):
    __tablename__ = "projects"

    source: Mapped[str] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    implementer: Mapped[str | None] = mapped_column(Text)
    budget_initial: Mapped[Decimal | None] = mapped_column(Amount)
    budget_adjusted: Mapped[Decimal | None] = mapped_column(Amount)
    executed: Mapped[Decimal | None] = mapped_column(Amount)
    execution_rate: Mapped[Decimal | None] = mapped_column(Ratio)
    execution_weight: Mapped[Decimal | None] = mapped_column(Ratio)
    execution_score: Mapped[Decimal | None] = mapped_column(Ratio)
    total_score: Mapped[Decimal | None] = mapped_column(Ratio)
    goal: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    improvements: Mapped[str | None] = mapped_column(Text)
    # Added by migration 0006_indicator_values: project (a 项目 or 专项) or
    # department (部门整体); nullable so rows stored before it stay valid.
    scope: Mapped[str | None] = mapped_column(String(16))


class ProjectFunding(RecordMixin, Base):
    """The 预算执行情况 rows of a project: 总额, 其中：财政资金, …"""

    __tablename__ = "project_funding"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    budget_initial: Mapped[Decimal | None] = mapped_column(Amount)
    budget_adjusted: Mapped[Decimal | None] = mapped_column(Amount)
    executed: Mapped[Decimal | None] = mapped_column(Amount)
    execution_rate: Mapped[Decimal | None] = mapped_column(Ratio)


class Indicator(RecordMixin, Base):
    __tablename__ = "indicators"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    level1_raw: Mapped[str | None] = mapped_column(Text)
    level2_raw: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    name_canonical: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[Decimal | None] = mapped_column(Ratio)
    score: Mapped[Decimal | None] = mapped_column(Ratio)
    shortfall_reason: Mapped[str | None] = mapped_column(Text)
    match_method: Mapped[str] = mapped_column(String(16))
    match_score: Mapped[float] = mapped_column(Float)
    level_match_method: Mapped[str] = mapped_column(String(16))
    level_match_score: Mapped[float] = mapped_column(Float)
    # Added by migration 0006_indicator_values (normalizers.targets): target and
    # actual as comparator, value (in its own unit, with a Ratio's 8 integer digits
    # and 4 decimals: a larger one stays text, db.store says so) and unit; met
    # true/false, NULL when undecided.
    target_comparator: Mapped[str | None] = mapped_column(String(2))
    target_value: Mapped[Decimal | None] = mapped_column(Ratio)
    target_unit: Mapped[str | None] = mapped_column(Text)
    actual_comparator: Mapped[str | None] = mapped_column(String(2))
    actual_value: Mapped[Decimal | None] = mapped_column(Ratio)
    actual_unit: Mapped[str | None] = mapped_column(Text)
    met: Mapped[bool | None] = mapped_column(Boolean)


class Finding(RecordMixin, Base):
    __tablename__ = "findings"

    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    pages: Mapped[list[int]] = mapped_column(JSON)


class FindingRef(Base):
    """One ref of a finding: the export's JSON pointer and the row it names."""

    __tablename__ = "finding_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    pointer: Mapped[str] = mapped_column(String(64))
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)


class Provenance(Base):
    """Where one stored field was read: one row per (record, field).

    ``record_table``/``record_id`` name the row (``documents`` for the
    document's own fields); a finding's evidence is stored as its rows with
    ``field = 'evidence'``, in order of ``id``.
    """

    __tablename__ = "provenance"
    __table_args__ = (Index("ix_provenance_record", "record_table", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("extraction_runs.id"))
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    page: Mapped[int | None] = mapped_column(Integer)
    x0: Mapped[float | None] = mapped_column(Float)
    top: Mapped[float | None] = mapped_column(Float)
    x1: Mapped[float | None] = mapped_column(Float)
    bottom: Mapped[float | None] = mapped_column(Float)
    locator: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    extractor: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)

