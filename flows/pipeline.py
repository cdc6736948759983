"""The stages from a file to stored rows, as plain functions.

The Prefect flow (``flows/process.py``) and the CLI call these same
functions; nothing here knows about Prefect. Each stage's failure is wrapped
once, naming the stage and the file (``StageError``), except ``BadInput``,
which is the file's fault and passes through unchanged so the CLI can answer
with exit code 2.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.errors import BadInput
from flows import rawstore
from extractors.layout import Document
from extractors.readers import read_document
from extractors.records import Extraction, Finding
from extractors.recognizers.docinfo import recognize_document_info
from extractors.recognizers.evaluation_report import recognize_evaluation_reports
from extractors.recognizers.narrative import recognize_narrative
from extractors.recognizers.performance import recognize_performance
from extractors.recognizers.statements import recognize_statements

if TYPE_CHECKING:  # flows.isolation imports this module
    from flows.isolation import IsolationSettings

try:
    PIPELINE_VERSION = version("disclosures")
except PackageNotFoundError:  # running from a source tree that was never installed
    PIPELINE_VERSION = "0+unknown"

RECOGNIZERS = (
    recognize_narrative,
    recognize_statements,
    recognize_performance,
    recognize_evaluation_reports,
)


class StageError(RuntimeError):
    """A pipeline stage failed on a document for a reason that is not the file's fault."""

    def __init__(self, stage: str, item: str, cause: BaseException):
        super().__init__(f"{stage} failed on {item}: {type(cause).__name__}: {cause}")
        self.stage, self.item, self.cause = stage, item, cause


@dataclass
class Outcome:
    """What one processed document produced; the CLI and the flow print it."""

    sha256: str
    file_name: str
    document_id: int
    run_id: int
    counts: dict[str, int]
    pages: int | None
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)  # recognized tables by kind
    severities: dict[str, int] = field(default_factory=dict)  # findings by severity


def _wrap(stage: str, item: str, fn, *args):
    try:
        return fn(*args)
    except BadInput:
        raise
    except Exception as exc:  # one wrap per stage: the message names stage and file
        raise StageError(stage, item, exc) from exc


def read(path: Path, source_url: str | None = None) -> Document:
    return _wrap("read", str(path), read_document, Path(path), source_url)


def recognize(doc: Document) -> Extraction:
    def run() -> Extraction:
        info = recognize_document_info(doc)
        merged = Extraction(info=info)
        for recognizer in RECOGNIZERS:
            part = recognizer(doc, info)
            merged.facts += part.facts
            merged.budget_lines += part.budget_lines
            merged.projects += part.projects
            merged.findings += part.findings
            merged.tables += part.tables
        merged.findings += [
            Finding(rule=n.rule, severity=n.severity, message=n.message) for n in doc.notes
        ]
        return merged

    extraction = _wrap("recognize", doc.file_name, run)
    if not (extraction.facts or extraction.budget_lines or extraction.projects or extraction.tables):
        raise BadInput(f"{doc.file_name}: no recognizable disclosure content "
                       f"(no figures, statement tables or 绩效自评表 found)")
    return extraction


def load_decisions(db_url: str | None) -> dict[tuple[str, str], str]:
    """The review decisions stored in the database (``disclosures map``), for ``normalize``."""
    from db.engine import get_engine
    from db.review import load_decisions as stored_decisions

    return _wrap("decisions", str(db_url), lambda: stored_decisions(get_engine(db_url)))


def normalize(extraction: Extraction, item: str,
              decisions: dict[tuple[str, str], str] | None = None) -> Extraction:
    from normalizers.apply import normalize as apply_vocabularies

    _wrap("normalize", item, apply_vocabularies, extraction, None, decisions)
    return extraction


def check(extraction: Extraction, item: str, doc: Document | None = None) -> Extraction:
    from checks import run_checks

    extraction.findings += _wrap("check", item, run_checks, extraction, doc)
    return extraction


def store(doc: Document, extraction: Extraction, db_url: str | None, started_at: datetime,
          source: Path | None = None, raw_root: str | Path | None = None):
    """Write the document's rows in one transaction, then keep its bytes in the
    raw store so ``reprocess`` can re-extract it without the original path."""
    from db.engine import get_engine, migrate
    from db.review import store_learned_pairs
    from db.store import set_aside_unstorable, store_extraction
    from normalizers.review import unknown_printed_pairs

    def run():
        engine = get_engine(db_url)
        migrate(engine)
        set_aside_unstorable(extraction)
        stored = store_extraction(engine, doc, extraction, PIPELINE_VERSION, started_at)
        year = extraction.info.fiscal_year
        store_learned_pairs(engine, doc.sha256, year,
                            unknown_printed_pairs(extraction.budget_lines, year))
        if source is not None:
            rawstore.put(Path(source), doc.sha256, raw_root)
        return stored

    return _wrap("store", doc.file_name, run)


def extract(path: Path, source_url: str | None = None,
            decisions: dict[tuple[str, str], str] | None = None) -> tuple[Document, Extraction]:
    """Read, recognize, normalize (applying ``decisions``, see ``load_decisions``)
    and check one file; nothing is stored."""
    doc = read(path, source_url)
    extraction = recognize(doc)
    normalize(extraction, doc.file_name, decisions)
    check(extraction, doc.file_name, doc)
    return doc, extraction


def process_file(path: Path, db_url: str | None = None, source_url: str | None = None,
                 raw_root: str | Path | None = None,
                 isolation: IsolationSettings | None = None) -> Outcome:
    """The whole path for one file, without Prefect. Reading to checking runs in a
    child process under ``flows.isolation``'s time and memory limits
    (``isolation``: an ``IsolationSettings``; None reads them from the environment)."""
    from flows.isolation import DocumentLimits, run_stage

    started, t0 = datetime.now(timezone.utc), time.perf_counter()
    limits = DocumentLimits.start(isolation)
    decisions = load_decisions(db_url)  # read in the parent: the child only computes
    doc, extraction = run_stage(limits, "extract", Path(path).name, extract, Path(path).resolve(),
                                source_url, decisions)
    stored = store(doc, extraction, db_url, started, path, raw_root)
    return outcome(doc, extraction, stored, time.perf_counter() - t0)


def outcome(doc: Document, extraction: Extraction, stored, seconds: float) -> Outcome:
    return Outcome(sha256=doc.sha256, file_name=doc.file_name, document_id=stored.document_id,
                   run_id=stored.run_id, counts=dict(stored.counts), pages=doc.pages,
                   seconds=round(seconds, 3),
                   tables=dict(Counter(t.kind for t in extraction.tables)),
                   severities=dict(Counter(f.severity for f in extraction.findings)))
