"""``disclosures check FILE|DOC [--db URL] [--evidence DIR]``: the findings of one document.

A FILE is read, recognized and checked afresh; a DOC (id or sha256 of a stored
document) is re-extracted from the raw store. With ``--db`` the document is
also checked against the same organization's prior-year document stored
there. With ``--evidence`` every finding on a PDF page is drawn as a PNG with
its values boxed; Word findings are listed by locator.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from disclosures.checks.evidence import locators, render_evidence
from disclosures.model.errors import BadInput
from disclosures.model.records import Finding
from rich.console import Console
from rich.table import Table as RichTable

out = Console()
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def resolve_source(file_or_doc: str, db: str | None) -> Path:
    """The file to check: a path as given, or a stored document's kept original."""
    path = Path(file_or_doc)
    if path.is_file():
        return path
    from disclosures.db.engine import get_engine
    from disclosures.db.export import export_document
    from disclosures.flows import rawstore

    sha = export_document(get_engine(db), file_or_doc)["document"]["sha256"]
    raw = rawstore.find(sha)
    if raw is None:
        raise BadInput(f"{file_or_doc}: not a file, and the stored document's original "
                       f"{sha[:12]}… is not in the raw store")
    return Path(raw)


def prior_year_findings(db: str | None, sha256: str) -> list[Finding]:
    from disclosures.checks.years import check_against_prior_year
    from disclosures.db.engine import get_engine
    from disclosures.db.export import NotFound

    try:
        return check_against_prior_year(get_engine(db), sha256)
    except NotFound:  # not stored (yet): there is nothing to compare across years
        return []


def print_findings(file_name: str, findings: list[Finding]) -> None:
    table = RichTable(title=f"checks of {file_name}", show_lines=False)
    for column in ("severity", "rule", "pages", "message", "where"):
        table.add_column(column, overflow="fold")
    for f in sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.pages or [0])):
        table.add_row(f"[{SEVERITY_STYLE.get(f.severity, '')}]{f.severity}", f.rule,
                      ",".join(map(str, f.pages)), f.message, "\n".join(locators(f)[:4]))
    out.print(table)
    counts = Counter(f.severity for f in findings)
    out.print(f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, "
              f"{counts.get('info', 0)} info", highlight=False)


def check(file_or_doc: str, db: str | None = None, evidence: Path | None = None) -> list[Finding]:
    """Print the findings of one file or stored document (and draw them); returns them."""
    from disclosures.flows.pipeline import extract

    source = resolve_source(file_or_doc, db)
    doc, extraction = extract(source)
    findings = list(extraction.findings)
    if db is not None:
        findings += prior_year_findings(db, doc.sha256)
    print_findings(doc.file_name, findings)
    if evidence is not None:
        if doc.format == "pdf":
            written = render_evidence(source, findings, Path(evidence))
            out.print(f"{len(written)} evidence pictures in {evidence}", highlight=False)
        else:
            out.print(f"{doc.format} has no pages to draw: findings are located by the "
                      f"'where' column", highlight=False)
    return findings
