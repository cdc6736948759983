"""The human side of name matching: ``disclosures review`` and ``disclosures map``.

``review`` lists, from the stored rows of every document's current run, the
names the matchers placed below the confidence threshold or not at all, most
frequent first (a name recurring across documents is worth one decision), and
the (code, name) pairs tables printed that the vocabulary lacks. ``map``
records one person's decision; the next (re)process applies it
(``normalizers.apply.normalize``). ``review --export``/``--import`` write and
read decisions and open items as one CSV, so decisions can be shared as a
data file: fill in ``target`` for open rows and import it.
"""

from __future__ import annotations

import csv
import getpass
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from disclosures.db import models as m
from disclosures.db.engine import get_engine, migrate
from disclosures.db.review import (
    ReviewDecision,
    current_decisions,
    learned_candidates,
    record_decision,
)
from disclosures.normalizers.indicators import match_level1, match_level2
from disclosures.normalizers.review import (
    KEY_OF,
    ReviewError,
    check_target,
    decision_key,
)
from disclosures.normalizers.settings import DEFAULT_LEARNED_ALIAS_MIN_DOCUMENTS
from sqlalchemy import Connection, and_, or_, select

CSV_COLUMNS = ("kind", "raw", "target", "decided_by", "decided_at", "note",
               "occurrences", "method", "score", "current")
# methods a person need not look at (a printed code, a name of the vocabulary)
CERTAIN_METHODS = ("code", "exact", "alias", "review")
IMPORTED_BY = "import"


@dataclass(frozen=True)
class ReviewSettings:
    # a match scoring below this is listed even when it was made (fuzzy ones score < 100)
    score_threshold: float = 100.0
    learned_min_documents: int = DEFAULT_LEARNED_ALIAS_MIN_DOCUMENTS


@dataclass
class OpenItem:
    kind: str
    raw: str  # as written (the most frequent spelling of its key)
    method: str
    score: float
    current: str | None  # what the matcher chose, if anything
    occurrences: int


def uncertain(method_col, score_col, threshold: float):
    return or_(method_col.not_in(CERTAIN_METHODS), score_col < threshold)


def current_rows(model):
    return and_(model.run_id == m.Document.current_run_id, model.document_id == m.Document.id)


def open_items(conn: Connection, settings: ReviewSettings) -> list[OpenItem]:
    """Uncertain and unmatched names of the stored rows, most frequent first."""
    found: dict[tuple[str, str], list] = {}
    spellings: dict[tuple[str, str], Counter] = {}

    def add(kind: str, raw: str | None, method: str, score: float, current: str | None) -> None:
        key = KEY_OF[kind](raw or "")
        if not key:
            return
        item = found.setdefault((kind, key), [method, score, current, 0])
        item[3] += 1
        spellings.setdefault((kind, key), Counter())[raw] += 1

    lines = conn.execute(select(m.BudgetLine.subject_raw, m.BudgetLine.match_method,
                                m.BudgetLine.match_score, m.BudgetLine.subject_code)
                         .join(m.Document, current_rows(m.BudgetLine))
                         .where(uncertain(m.BudgetLine.match_method, m.BudgetLine.match_score,
                                          settings.score_threshold)))
    for raw, method, score, code in lines:
        add("subject", raw, method, score, code)
    names = conn.execute(select(m.Indicator.name, m.Indicator.match_method, m.Indicator.match_score,
                                m.Indicator.name_canonical)
                         .join(m.Document, current_rows(m.Indicator))
                         .where(uncertain(m.Indicator.match_method, m.Indicator.match_score,
                                          settings.score_threshold)))
    for raw, method, score, canonical in names:
        add("indicator", raw, method, score, canonical)
    levels = conn.execute(select(m.Indicator.level1_raw, m.Indicator.level2_raw, m.Indicator.level1,
                                 m.Indicator.level2)
                          .join(m.Document, current_rows(m.Indicator))
                          .where(uncertain(m.Indicator.level_match_method,
                                           m.Indicator.level_match_score, settings.score_threshold)))
    # the two levels share one stored match (the weaker): re-match each to see which was it
    for raw1, raw2, level1, level2 in levels:
        for kind, printed, canonical, match in (("level1", raw1, level1, match_level1(raw1)[1]),
                                                ("level2", raw2, level2, match_level2(raw2, level1)[1])):
            if (printed or "").strip() and (match.method not in CERTAIN_METHODS
                                            or match.score < settings.score_threshold):
                add(kind, printed, match.method, match.score, canonical)
    decided = current_decisions(conn)
    items = [OpenItem(kind, spellings[(kind, key)].most_common(1)[0][0], method, score, current, n)
             for (kind, key), (method, score, current, n) in found.items()
             if (kind, key) not in decided]
    return sorted(items, key=lambda i: (-i.occurrences, i.kind, i.raw))


def import_decisions(engine, path: Path) -> tuple[int, int]:
    """Record the rows of a CSV that carry a target; (recorded, unchanged)."""
    recorded = unchanged = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("target") or "").strip()]
    with engine.connect() as conn:
        decided = current_decisions(conn)
    for line, row in enumerate(rows, start=2):
        kind, raw = row.get("kind", "").strip(), row.get("raw", "")
        try:
            before = decided.get((kind, KEY_OF[kind](raw))) if kind in KEY_OF else None
            if before is not None and before.target == row["target"].strip():
                unchanged += 1
                continue
            decide(engine, kind, raw, row["target"], (row.get("decided_by") or "").strip()
                   or IMPORTED_BY, row.get("note") or None)
        except ReviewError as exc:
            raise ReviewError(f"{path}:{line}: {exc}") from exc
        recorded += 1
    return recorded, unchanged


def export_csv(conn: Connection, items: list[OpenItem], path: Path) -> None:
    """Decisions in force, then open items with an empty target to fill in."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in current_decisions(conn).values():
            writer.writerow({"kind": row.kind, "raw": row.raw, "target": row.target,
                             "decided_by": row.decided_by, "decided_at": row.decided_at.isoformat(),
                             "note": row.note or ""})
        for i in items:
            writer.writerow({"kind": i.kind, "raw": i.raw, "occurrences": i.occurrences,
                             "method": i.method, "score": i.score, "current": i.current or ""})


def decide(engine, kind: str, raw: str, target: str, decided_by: str,
           note: str | None = None) -> ReviewDecision:
    """Check ``raw`` and ``target`` against the vocabulary of ``kind`` and store the decision."""
    return record_decision(engine, kind, decision_key(kind, raw), check_target(kind, target),
                           decided_by, note)


@dataclass
class Review:
    """What ``review`` found: open names, unknown printed (code, name) pairs, and
    the decisions imported from a CSV (recorded, already in force)."""

    items: list[OpenItem]
    learned: list[tuple[str, str, int]]
    imported: tuple[int, int] | None = None


def review(db: str | None = None, limit: int = 50, export: Path | None = None,
           import_: Path | None = None) -> Review:
    """Uncertain and unmatched names of the database ``db``, most frequent first;
    first records the decisions of the CSV ``import_``, then writes decisions in
    force and open items to the CSV ``export``. ``limit`` bounds the unknown pairs."""
    settings = ReviewSettings()
    engine = get_engine(db)
    migrate(engine)
    imported = import_decisions(engine, Path(import_)) if import_ is not None else None
    with engine.connect() as conn:
        items = open_items(conn, settings)
        learned = learned_candidates(conn, settings.learned_min_documents)[:limit]
        if export is not None:
            export_csv(conn, items, Path(export))
    return Review(items, learned, imported)


def map_name(kind: str, raw: str, target: str, db: str | None = None, by: str | None = None,
             note: str | None = None) -> ReviewDecision:
    """Record that ``raw`` (a name of ``kind``) means ``target``; applied on the
    next (re)process. Raises ``ReviewError`` for an unknown kind or target."""
    engine = get_engine(db)
    migrate(engine)
    return decide(engine, kind, raw, target, by or getpass.getuser(), note)
