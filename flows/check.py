"""The findings of one document (``disclosures check``), afresh.

A file is read, recognized, normalized and checked; a stored document (its id
or sha256) is re-extracted from its kept original in the raw store. Given a
database, the document is also compared with the same organization's
prior-year document stored there. Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from disclosures.db import rawstore
from disclosures.db.engine import get_engine
from disclosures.db.export import NotFound, export_document
from disclosures.model.errors import BadInput
from disclosures.model.layout import Document
from disclosures.model.records import Finding


def resolve_source(file_or_doc: str, db: str | None, raw_dir: str | None = None) -> Path:
    """The file to check: a path as given, or a stored document's kept original."""
    path = Path(file_or_doc)
    if path.is_file():
        return path
    sha = export_document(get_engine(db), file_or_doc)["document"]["sha256"]
    raw = rawstore.find(sha, raw_dir)
    if raw is None:
        raise BadInput(f"{file_or_doc}: not a file, and the stored document's original "
                       f"{sha[:12]}… is not in the raw store {rawstore.root_dir(raw_dir)}")
    return Path(raw)


def prior_year_findings(db: str | None, sha256: str) -> list[Finding]:
    from disclosures.checks.years import check_against_prior_year

    try:
        return check_against_prior_year(get_engine(db), sha256)
    except NotFound:  # not stored (yet): there is nothing to compare across years
        return []


@dataclass
class Check:
    document: Document
    source: Path
    findings: list[Finding]
    # evidence pictures written; None when none were asked for or the format has no pages
    pictures: list[Path] | None = None


def check(file_or_doc: str, db: str | None = None, evidence: Path | None = None) -> Check:
    """The findings of one file or stored document (with ``db``, also against the
    prior year stored there); with ``evidence``, a PNG per finding on a PDF page."""
    from disclosures.checks.evidence import render_evidence
    from disclosures.flows.pipeline import extract

    source = resolve_source(file_or_doc, db)
    doc, extraction = extract(source)
    findings = list(extraction.findings)
    if db is not None:
        findings += prior_year_findings(db, doc.sha256)
    pictures = None
    if evidence is not None and doc.format == "pdf":
        pictures = render_evidence(source, findings, Path(evidence))
    return Check(doc, source, findings, pictures)
