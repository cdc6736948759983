"""The stages from a file to stored rows, as plain functions.

Classification comes first (``read_classified``): a file that is no disclosure
— a notice, a form, a web page saved under a document's name — is refused with
``NotADisclosure`` (bad input) before anything is recognized or stored, and a
scan is judged from the OCR of its first pages before the rest is OCR'd.

The Prefect flow (``flows/process.py``) and the CLI call these same
functions; nothing here knows about Prefect. Each stage's failure is wrapped
once, naming the stage and the file (``StageError``), except ``BadInput``,
which is the file's fault and passes through unchanged so the CLI can answer
with exit code 2.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from disclosures.db import rawstore
from disclosures.extractors.readers import read_document, sniff_format
from disclosures.extractors.readers.bundle import BundleLimits, unpacked_bundle
from disclosures.extractors.recognizers.classify import (
    classify_document,
    settled_by_head,
)
from disclosures.extractors.recognizers.docinfo import recognize_document_info
from disclosures.extractors.recognizers.evaluation_report import (
    recognize_evaluation_reports,
)
from disclosures.extractors.recognizers.narrative import recognize_narrative
from disclosures.extractors.recognizers.performance import recognize_performance
from disclosures.extractors.recognizers.statements import recognize_statements
from disclosures.flows.version import pipeline_version
from disclosures.model.errors import BadInput, NotADisclosure, StageError
from disclosures.model.layout import Document
from disclosures.model.records import Classification, Extraction, Finding

if TYPE_CHECKING:  # flows.isolation imports this module
    from disclosures.flows.isolation import IsolationSettings

# the package version and a digest of the code and data that decide the output (flows/version.py)
PIPELINE_VERSION = pipeline_version()

RECOGNIZERS = (
    recognize_narrative,
    recognize_statements,
    recognize_performance,
    recognize_evaluation_reports,
)



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
    kind: str | None = None  # the classification (classify.py): budget, final_accounts, performance_…


def _wrap(stage: str, item: str, fn, *args):
    try:
        return fn(*args)
    except BadInput:
        raise
    except Exception as exc:  # one wrap per stage: the message names stage and file
        raise StageError(stage, item, exc) from exc


def read(path: Path, source_url: str | None = None) -> Document:
    return _wrap("read", str(path), read_document, Path(path), source_url)


# A scan's first pages are OCR'd, one then two, before the rest (19 pages of a
# scanned 决算 take minutes): a scanned notice is told from its first page.
SCAN_HEAD_PAGES = (1, 2)
SNIFF_BYTES = 4096  # enough to tell a PDF or a web page (``sniff_format``)


def classify(doc: Document) -> Classification:
    return _wrap("classify", doc.file_name, classify_document, doc)


def scanned_head(path: Path) -> bool:
    """The file is a PDF whose first page is a picture only, and OCR can read it
    (a red-header notice is often a scanned first page and born-digital pages after)."""
    from disclosures.extractors.readers.ocr import first_page_is_a_scan, ocr_available

    return ocr_available() and first_page_is_a_scan(path)


def classify_scan_head(path: Path, source_url: str | None) -> Classification | None:
    """OCR a scan's first pages, one then two: their classification when it shows
    the file is no disclosure, else None (the whole file is to be read)."""
    from disclosures.extractors.readers.pdf import read_pdf

    for i, pages in enumerate(SCAN_HEAD_PAGES):
        head = _wrap("read", str(path), read_pdf, path, None, source_url, None, pages)
        classification = classify(head)
        if settled_by_head(classification, last=i == len(SCAN_HEAD_PAGES) - 1):
            return None if classification.is_disclosure else classification
    return None


def classify_file(path: Path, source_url: str | None = None) -> tuple[Document | None, Classification]:
    """What a file is, and the file read in full when it may be a disclosure.

    A web page (HTML saved under a document's name) is classified and never
    extracted: its Document is None. A scan is judged from the OCR of its first
    pages before the rest is OCR'd; when they show it is no disclosure the
    Document is None too. Unreadable files raise ``BadInput`` as ``read`` does."""
    path = Path(path)
    with path.open("rb") as fh:
        fmt = sniff_format(fh.read(SNIFF_BYTES))
    if fmt == "html":
        from disclosures.extractors.readers.html import read_html

        return None, classify(_wrap("read", str(path), read_html, path, None, source_url))
    if fmt == "pdf" and scanned_head(path):
        settled = classify_scan_head(path, source_url)
        if settled is not None:
            return None, settled
    doc = read(path, source_url)
    return doc, classify(doc)


def read_classified(path: Path, source_url: str | None = None) -> tuple[Document, Classification]:
    """Read a file that is a disclosure; ``NotADisclosure`` (bad input: a notice, a
    form, a web page …) before anything else is done when it is none."""
    doc, classification = classify_file(path, source_url)
    if not classification.is_disclosure:
        raise NotADisclosure(Path(path).name, classification.reason or classification.kind,
                             classification.detail or classification.kind)
    if doc is None:
        raise BadInput(f"{Path(path).name}: a {classification.kind} published as a web page (HTML); "
                       f"only PDF, Word and Excel files are extracted — fetch the file it links to")
    return doc, classification


def recognize_all(doc: Document, classification: Classification | None = None) -> Extraction:
    """Every recognizer over ``doc``, merged, with the reader's notes as findings.
    ``classification`` (``classify_document``'s) is computed when not given."""
    classification = classification or classify_document(doc)
    info = recognize_document_info(doc, classification=classification)
    merged = Extraction(info=info, classification=classification)
    for recognizer in RECOGNIZERS:
        part = recognizer(doc, info)
        merged.facts += part.facts
        merged.budget_lines += part.budget_lines
        merged.projects += part.projects
        merged.findings += part.findings
        merged.tables += part.tables
        merged.statements += part.statements
        merged.listed_statements += part.listed_statements
    merged.findings += [Finding(rule=n.rule, severity=n.severity, message=n.message, page_hints=list(n.pages))
                        for n in doc.notes]
    return merged


def recognize(doc: Document, classification: Classification | None = None) -> Extraction:
    extraction = _wrap("recognize", doc.file_name, recognize_all, doc, classification)
    if not (extraction.facts or extraction.budget_lines or extraction.projects or extraction.tables):
        raise BadInput(f"{doc.file_name}: no recognizable disclosure content "
                       f"(no figures, statement tables or 绩效自评表 found)")
    return extraction


def load_decisions(db_url: str | None) -> dict[tuple[str, str], str]:
    """The review decisions stored in the database (``disclosures map``), for ``normalize``."""
    from disclosures.db.engine import get_engine, not_created_yet
    from disclosures.db.review import load_decisions as stored_decisions

    if not_created_yet(db_url):
        return {}
    return _wrap("decisions", str(db_url), lambda: stored_decisions(get_engine(db_url)))


def normalize(extraction: Extraction, item: str,
              decisions: dict[tuple[str, str], str] | None = None) -> Extraction:
    from disclosures.normalizers.apply import normalize as apply_vocabularies

    _wrap("normalize", item, apply_vocabularies, extraction, None, decisions)
    return extraction


def check(extraction: Extraction, item: str, doc: Document | None = None) -> Extraction:
    from disclosures.checks import run_checks

    extraction.findings += _wrap("check", item, run_checks, extraction, doc)
    return extraction


def store(doc: Document, extraction: Extraction, db_url: str | None, started_at: datetime,
          source: Path | None = None, raw_root: str | Path | None = None):
    """Write the document's rows in one transaction, then keep its bytes in the
    raw store so ``reprocess`` can re-extract it without the original path."""
    from disclosures.db.engine import get_engine, migrate
    from disclosures.db.review import store_learned_pairs
    from disclosures.db.store import set_aside_unstorable, store_extraction
    from disclosures.normalizers.review import unknown_printed_pairs

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
    and check one file; nothing is stored. A file that is no disclosure raises
    ``NotADisclosure`` before anything is recognized."""
    doc, classification = read_classified(path, source_url)
    extraction = recognize(doc, classification)
    normalize(extraction, doc.file_name, decisions)
    check(extraction, doc.file_name, doc)
    return doc, extraction


def process_file(path: Path, db_url: str | None = None, source_url: str | None = None,
                 raw_root: str | Path | None = None,
                 isolation: IsolationSettings | None = None) -> Outcome:
    """The whole path for one file, without Prefect. Reading to checking runs in a
    child process under ``flows.isolation``'s time and memory limits
    (``isolation``: an ``IsolationSettings``; None reads them from the environment)."""
    from disclosures.flows.isolation import DocumentLimits, run_stage

    started, t0 = datetime.now(UTC), time.perf_counter()
    limits = DocumentLimits.start(isolation)
    decisions = load_decisions(db_url)  # read in the parent: the child only computes
    load_store()
    doc, extraction = run_stage(limits, "extract", Path(path).name, extract_to_store,
                                Path(path).resolve(), source_url, decisions)
    stored = store(doc, extraction, db_url, started, path, raw_root)
    return outcome(doc, extraction, stored, time.perf_counter() - t0)


def extract_to_store(path: Path, source_url: str | None = None,
                     decisions: dict[tuple[str, str], str] | None = None) -> tuple[Document, Extraction]:
    """``extract``, the document without its blocks: all ``store`` needs, and a
    tenth of the bytes an isolated child sends back (a 31-page PDF's blocks
    pickle to 1.2 MB, its extraction to 0.2 MB)."""
    doc, extraction = extract(path, source_url, decisions)
    return replace(doc, blocks=[]), extraction


def load_store() -> None:
    """Import what ``store`` uses now, while the isolated child is being started,
    rather than after it returns (a third of a second of a single ``extract``)."""


def isolation_settings(time_limit: float | None = None, memory_limit: int | None = None,
                       isolate: bool | None = None) -> IsolationSettings:
    """The per-document limits: the environment's, overridden by the values given."""
    from disclosures.flows.isolation import IsolationSettings

    try:
        return IsolationSettings.from_env(time_limit_s=time_limit, memory_limit_mb=memory_limit,
                                          enabled=isolate)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc


def process_path(file: Path, db: str | None = None, prefect: bool = False,
                 isolation: IsolationSettings | None = None, source_url: str | None = None,
                 raw_root: str | Path | None = None) -> Outcome | BundleOutcome:
    """``disclosures extract``: one local file, or each file of a zip bundle, into
    the database ``db``.

    Without ``prefect`` (and no ``$PREFECT_API_URL``) this is ``process_file``,
    the path the crawl takes too, and Prefect is never imported: starting it
    costs seconds, more than processing a document. With it, each file is a
    tracked run of the ``process_document`` flow."""
    from disclosures.flows.isolation import start_early

    file = Path(file)
    if not file.is_file():
        raise BadInput(f"{file}: no such file")
    start_early(isolation)
    tracked = prefect or bool(os.environ.get("PREFECT_API_URL"))

    def process(path: Path, url: str | None) -> Outcome:
        if tracked:
            from disclosures.flows.process import process_document

            return Outcome(**process_document(str(path), db, url,
                                              str(raw_root) if raw_root else None, isolation))
        return process_file(path, db, url, raw_root, isolation)

    if is_bundle(file):
        return process_bundle(file, db, source_url, raw_root, isolation, process=process)
    return process(file, source_url)


def reprocess(doc: str, db: str | None = None, raw_dir: str | None = None) -> Outcome:
    """Re-extract the stored document ``doc`` (id or sha256 prefix) from its
    original bytes in the raw store, replacing its rows atomically."""
    from disclosures.db.export import export

    meta = export(doc, db)["document"]
    raw = rawstore.find(meta["sha256"], raw_dir)
    if raw is None:
        raise BadInput(f"document {doc}: original file {meta['sha256'][:12]}… is not in the raw store "
                       f"{rawstore.root_dir(raw_dir)}")
    return process_file(raw, db, meta["source_url"], raw_dir)


def outcome(doc: Document, extraction: Extraction, stored, seconds: float) -> Outcome:
    return Outcome(sha256=doc.sha256, file_name=doc.file_name, document_id=stored.document_id,
                   run_id=stored.run_id, counts=dict(stored.counts), pages=doc.pages,
                   seconds=round(seconds, 3),
                   tables=dict(Counter(t.kind for t in extraction.tables)),
                   severities=dict(Counter(f.severity for f in extraction.findings)),
                   kind=extraction.classification.kind if extraction.classification else None)


# -- zip bundles ---------------------------------------------------------------

MAX_BUNDLE_DEPTH = 1  # a zip inside the bundle is unpacked; a zip inside that is refused


@dataclass
class MemberOutcome:
    """One file of a bundle: what it produced, or why it could not be processed.
    ``name`` is the member's path in the archive; a member of a nested zip is
    ``inner.zip!/member.pdf``."""

    name: str
    source_url: str
    outcome: Outcome | None = None
    error: str | None = None
    bad_input: bool = False  # the error is the file's fault (exit code 2), not ours


@dataclass
class BundleOutcome:
    """What a zip bundle produced, member by member, in archive order."""

    sha256: str
    file_name: str
    members: list[MemberOutcome]

    @property
    def processed(self) -> list[MemberOutcome]:
        return [m for m in self.members if m.outcome is not None]

    @property
    def failed(self) -> list[MemberOutcome]:
        return [m for m in self.members if m.outcome is None]


def is_bundle(path: Path) -> bool:
    """True for a zip archive that is not itself an Office document (the bytes decide)."""
    return sniff_format(Path(path).read_bytes()) == "zip"


def member_source_url(bundle_sha256: str, bundle_url: str | None, name: str) -> str:
    """The ``source_url`` of a bundle's member — see ``process_bundle``."""
    if bundle_url:
        return f"{bundle_url}#{name}"
    return f"zip:{bundle_sha256}!/{name}"


def process_bundle(path: Path, db_url: str | None = None, source_url: str | None = None,
                   raw_root: str | Path | None = None, isolation: IsolationSettings | None = None,
                   limits: BundleLimits | None = None,
                   process: Callable[[Path, str], Outcome] | None = None) -> BundleOutcome:
    """Process every file of a zip bundle as a document of its own.

    The bundle is unpacked under ``limits`` (zip bombs, too many files and
    encrypted members are refused with ``BadInput`` before anything is
    stored); each member goes through ``process`` (default ``process_file``
    with ``db_url``, ``raw_root`` and ``isolation``). A member that fails
    (``BadInput``/``StageError``) is recorded in its ``MemberOutcome`` and the
    others go on. When at least one member was stored, the bundle's own bytes
    are kept in the raw store too. A zip inside the
    bundle is unpacked one level deep, sharing the bundle's byte and file
    budget; a zip inside that is a failed member.

    Linking a member to its bundle (no schema change: it is the member
    document's ``source_url``):

    - bundle fetched from a URL: ``<bundle url>#<member name>``;
    - local bundle without a URL: ``zip:<bundle sha256>!/<member name>``
      (the bundle's bytes are in the raw store under that sha256);

    ``<member name>`` is the path inside the archive as its author wrote it
    (GBK names decoded, not percent-encoded); for a nested zip it is
    ``inner.zip!/member.pdf``.
    """
    path = Path(path)
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if process is None:
        def process(member: Path, url: str) -> Outcome:
            return process_file(member, db_url, url, raw_root, isolation)

    limits = limits or BundleLimits()
    with unpacked_bundle(path, limits) as members:
        budget = _Budget(limits, members)
        results = [result
                   for name, member in members
                   for result in _process_member(name, member, sha256, source_url, process, budget, 0)]
    bundle = BundleOutcome(sha256=sha256, file_name=path.name, members=results)
    if bundle.processed:  # a bundle nothing came from is bad input, which writes nothing
        rawstore.put(path, sha256, raw_root)
    return bundle


class _Budget:
    """What nested zips may still inflate to: the outer bundle's limits less what is
    already unpacked, so a zip of zips cannot multiply them (the 42.zip trick)."""

    def __init__(self, limits: BundleLimits, members: list[tuple[str, Path]]):
        self.limits = limits
        self.files = limits.max_members - len(members)
        self.bytes = limits.max_total_bytes - sum(p.stat().st_size for _, p in members)

    def remaining(self) -> BundleLimits:
        return replace(self.limits, max_members=max(self.files, 0), max_total_bytes=max(self.bytes, 0))

    def spend(self, members: list[tuple[str, Path]]) -> None:
        self.files -= len(members)
        self.bytes -= sum(p.stat().st_size for _, p in members)


def _process_member(name: str, member: Path, bundle_sha256: str, bundle_url: str | None,
                    process: Callable[[Path, str], Outcome], budget: _Budget, depth: int
                    ) -> list[MemberOutcome]:
    url = member_source_url(bundle_sha256, bundle_url, name)
    try:
        if is_bundle(member):
            return _process_nested(name, member, bundle_sha256, bundle_url, process, budget, depth)
        return [MemberOutcome(name, url, outcome=process(member, url))]
    except BadInput as exc:
        return [MemberOutcome(name, url, error=str(exc), bad_input=True)]
    except StageError as exc:
        return [MemberOutcome(name, url, error=str(exc))]


def _process_nested(name: str, member: Path, bundle_sha256: str, bundle_url: str | None,
                    process: Callable[[Path, str], Outcome], budget: _Budget, depth: int
                    ) -> list[MemberOutcome]:
    if depth >= MAX_BUNDLE_DEPTH:
        raise BadInput(f"{member.name}: a zip nested more than {MAX_BUNDLE_DEPTH} level deep in the bundle")
    with unpacked_bundle(member, budget.remaining()) as inner:
        budget.spend(inner)
        return [result
                for inner_name, inner_path in inner
                for result in _process_member(f"{name}!/{inner_name}", inner_path, bundle_sha256,
                                              bundle_url, process, budget, depth + 1)]
