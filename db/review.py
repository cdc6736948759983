"""People's decisions about names, and the code–name pairs documents teach.

- ``review_decisions``: one row per decision a person made with
  ``disclosures map`` (or imported from a shared CSV): the raw name as written
  (in its lookup key form, ``normalizers.review.decision_key``), the
  target it means (a subject code, an economic code, a canonical indicator id,
  a level name, an organization id), who decided and when. Rows are never
  updated: a newer decision for the same ``(kind, raw)`` supersedes the older
  one, so the history of who changed their mind stays.
- ``learned_subject_pairs``: a table that prints a code next to a name is
  authoritative for that document; the pairs are kept with the document they
  came from (its sha256, stable across rebuilds of the database) so they can
  teach the matcher names the canonical list does not have.

Both tables are created by the migration ``0003_review``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from disclosures.db.engine import write_transaction
from disclosures.db.models import Base
from sqlalchemy import (
    CheckConstraint,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

DECISION_KINDS = ("subject", "economic", "indicator", "level1", "level2", "organization")


class ReviewDecision(Base):
    __tablename__ = "review_decisions"
    __table_args__ = (
        CheckConstraint("kind IN ('subject', 'economic', 'indicator', 'level1', 'level2', "
                        "'organization')", name="kind"),
        Index("ix_review_decisions_kind_raw", "kind", "raw"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class LearnedSubjectPair(Base):
    __tablename__ = "learned_subject_pairs"
    __table_args__ = (
        UniqueConstraint("code", "name", "document_sha256", name="uq_learned_subject_pairs_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(7))
    name: Mapped[str] = mapped_column(Text)
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)


# -- decisions ----------------------------------------------------------------------


def record_decision(engine: Engine, kind: str, key: str, target: str, decided_by: str,
                    note: str | None = None, decided_at: datetime | None = None) -> ReviewDecision:
    """Store one decision, as the caller checked it: ``key`` the raw name in its
    lookup form and ``target`` known to the vocabulary of ``kind``
    (``normalizers.review.decision_key`` and ``check_target``; the database
    knows no vocabularies)."""
    row = ReviewDecision(kind=kind, raw=key, target=target,
                         decided_by=decided_by, decided_at=decided_at or datetime.now(UTC),
                         note=note or None)
    with write_transaction(engine) as conn:
        row.id = conn.execute(insert(ReviewDecision.__table__).returning(ReviewDecision.id), {
            "kind": row.kind, "raw": row.raw, "target": row.target, "decided_by": row.decided_by,
            "decided_at": row.decided_at, "note": row.note}).scalar_one()
    return row


def current_decisions(conn: Connection) -> dict[tuple[str, str], Any]:
    """The decision in force for each (kind, raw): the latest one."""
    if not inspect(conn).has_table(ReviewDecision.__tablename__):
        return {}
    rows = conn.execute(select(ReviewDecision).order_by(ReviewDecision.decided_at, ReviewDecision.id))
    return {(row.kind, row.raw): row for row in rows}


def load_decisions(engine: Engine) -> dict[tuple[str, str], str]:
    """``{(kind, raw key): target}`` for ``normalizers.apply.normalize``; empty
    for a database never written to."""
    with engine.connect() as conn:
        return {key: row.target for key, row in current_decisions(conn).items()}


# -- learned pairs ---------------------------------------------------------------------


def store_learned_pairs(engine: Engine, document_sha256: str, fiscal_year: int | None,
                        pairs: Iterable[tuple[str, str]]) -> int:
    """Replace the (code, name) pairs one document's tables printed; returns how many."""
    unique = sorted(set(pairs))
    with write_transaction(engine) as conn:
        conn.execute(delete(LearnedSubjectPair).where(
            LearnedSubjectPair.document_sha256 == document_sha256))
        if unique:
            conn.execute(insert(LearnedSubjectPair.__table__), [
                {"code": code, "name": name, "fiscal_year": fiscal_year,
                 "document_sha256": document_sha256} for code, name in unique])
    return len(unique)


def learned_candidates(conn: Connection, min_documents: int) -> list[tuple[str, str, int]]:
    """(code, name, number of documents) printed together in ``min_documents`` or more
    documents, most documents first: names the vocabulary lacks, for a person to map."""
    if not inspect(conn).has_table(LearnedSubjectPair.__tablename__):
        return []
    n_docs = func.count(func.distinct(LearnedSubjectPair.document_sha256))
    rows = conn.execute(select(LearnedSubjectPair.code, LearnedSubjectPair.name, n_docs)
                        .group_by(LearnedSubjectPair.code, LearnedSubjectPair.name)
                        .having(n_docs >= min_documents)
                        .order_by(n_docs.desc(), LearnedSubjectPair.code))
    return [(code, name, n) for code, name, n in rows]
