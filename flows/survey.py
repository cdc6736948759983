"""``disclosures survey``: every PDF/DOCX under a folder, on all cores, with progress.

Each file is read, recognized, normalized and checked in a child process of
its own under the per-document limits (``flows.isolation``), ``workers`` at a
time; only this process writes to the database, storing each document as its
child hands the extraction back — so SQLite never sees two writers, and
storing one document overlaps extracting the next ones. The threads here
only wait on their children. Pdfium is not thread-safe: with isolation off
the files are processed one at a time.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from disclosures.flows.isolation import DocumentLimits, IsolationSettings, run_stage
from disclosures.flows.pipeline import (
    Outcome,
    extract_to_store,
    load_decisions,
    outcome,
    store,
)
from disclosures.model.errors import BadInput, DisclosuresError, NotADisclosure

SURVEY_SUFFIXES = (".pdf", ".docx")


@dataclass
class Surveyed:
    """One file: what it yielded, or why it failed."""

    name: str  # relative to the surveyed folder
    outcome: Outcome | None = None
    error: str | None = None
    # classified as no budget disclosure (a notice, a form, a web page): not a
    # failure; (reason, detail) of ``NotADisclosure``
    not_a_disclosure: tuple[str, str] | None = None


@dataclass
class Survey:
    directory: Path
    workers: int
    files: list[Surveyed] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def done(self) -> list[Surveyed]:
        return [f for f in self.files if f.outcome is not None]

    @property
    def outcomes(self) -> list[Outcome]:
        return [f.outcome for f in self.files if f.outcome is not None]

    @property
    def failed(self) -> list[Surveyed]:
        return [f for f in self.files if f.outcome is None and f.not_a_disclosure is None]

    @property
    def not_disclosures(self) -> list[Surveyed]:
        return [f for f in self.files if f.not_a_disclosure is not None]

    @property
    def pages(self) -> int:
        return sum(o.pages or 0 for o in self.outcomes)

    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def totals(self) -> Counter:
        """Tables, stored rows by table and findings by severity over the documents."""
        totals: Counter = Counter()
        for o in self.outcomes:
            totals.update(o.counts)
            totals.update(o.severities)
            totals["tables"] += sum(o.tables.values())
        return totals

    def tables_by_kind(self) -> Counter:
        return sum((Counter(o.tables) for o in self.outcomes), Counter())


class Progress(Protocol):
    """Told when a file starts (from a worker thread) and when it is done."""

    def started(self, name: str) -> None: ...

    def finished(self, survey: Survey, item: Surveyed, total: int) -> None: ...


def survey_files(directory: Path) -> list[Path]:
    files = sorted(p for p in Path(directory).rglob("*") if p.suffix.lower() in SURVEY_SUFFIXES)
    if not files:
        raise BadInput(f"{directory}: no PDF or DOCX files")
    return files


def default_workers() -> int:
    return os.cpu_count() or 1


def survey(directory: Path, db: str | None = None, workers: int | None = None,
           isolation: IsolationSettings | None = None, progress: Progress | None = None) -> Survey:
    """Process every PDF/DOCX under ``directory`` into the database ``db``,
    ``workers`` files at a time (default: the number of cores), telling
    ``progress`` as files start and finish."""
    files = survey_files(directory)
    isolation = isolation or IsolationSettings.from_env()
    workers = workers or default_workers()
    if workers < 1:
        raise BadInput(f"--workers {workers}: give at least 1")
    if not isolation.enabled:
        workers = 1
    result = Survey(Path(directory), workers)
    decisions = load_decisions(db)
    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="survey")
    try:
        futures: dict[Future, Path] = {
            pool.submit(extract_isolated, path, directory, decisions, isolation, progress): path
            for path in files}
        for future in as_completed(futures):
            item = store_one(future, futures[future], Path(directory), db)
            result.files.append(item)
            result.seconds = time.perf_counter() - started
            if progress is not None:
                progress.finished(result, item, len(files))
    finally:  # interrupted: the files not started yet are not started
        pool.shutdown(cancel_futures=True)
    result.files.sort(key=lambda f: f.name)
    return result


def extract_isolated(path: Path, directory: Path, decisions: dict, isolation: IsolationSettings,
                     progress: Progress | None):
    """Read to check one file in its own limited child; (started, t0, doc, extraction)."""
    if progress is not None:
        progress.started(str(path.relative_to(directory)))
    started, t0 = datetime.now(UTC), time.perf_counter()
    limits = DocumentLimits.start(isolation)
    doc, extraction = run_stage(limits, "extract", path.name, extract_to_store, path.resolve(), None,
                                decisions)
    return started, t0, doc, extraction


def store_one(future: Future, path: Path, directory: Path, db: str | None) -> Surveyed:
    name = str(path.relative_to(directory))
    try:
        started, t0, doc, extraction = future.result()
        stored = store(doc, extraction, db, started, path)
    except NotADisclosure as exc:  # classified, and moved on from
        return Surveyed(name, not_a_disclosure=(exc.reason, exc.detail))
    except DisclosuresError as exc:
        return Surveyed(name, error=str(exc))
    return Surveyed(name, outcome=outcome(doc, extraction, stored, time.perf_counter() - t0))
