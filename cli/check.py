"""``disclosures check FILE|DOC``: the findings of one document (``flows.check.check``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out = Console()
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def check(
    file_or_doc: Annotated[str, typer.Argument(help="A PDF/DOCX file, or a stored document's id or sha256")],
    db: Annotated[str | None, typer.Option("--db", help="Database URL: also check against the prior year stored there")] = None,
    evidence: Annotated[Path | None, typer.Option("--evidence", help="Write a PNG per finding on a PDF page, values boxed")] = None,
) -> None:
    """Reconcile one document (勾稽) and print its findings grouped by severity."""
    from disclosures.flows.check import check as run

    result = run(file_or_doc, db, evidence)
    print_findings(result.document.file_name, result.findings)
    if result.pictures is not None:
        out.print(f"{len(result.pictures)} evidence pictures in {evidence}", highlight=False)
    elif evidence is not None:
        out.print(f"{result.document.format} has no pages to draw: findings are located by the "
                  f"'where' column", highlight=False)


def print_findings(file_name: str, findings: list) -> None:
    from disclosures.checks.evidence import locators

    table = Table(title=f"checks of {file_name}", show_lines=False)
    for column in ("severity", "rule", "pages", "message", "where"):
        table.add_column(column, overflow="fold")
    for f in sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.pages or [0])):
        table.add_row(f"[{SEVERITY_STYLE.get(f.severity, '')}]{f.severity}", f.rule,
                      ",".join(map(str, f.pages)), f.message, "\n".join(locators(f)[:4]))
    out.print(table)
    counts = Counter(f.severity for f in findings)
    out.print(f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, "
              f"{counts.get('info', 0)} info", highlight=False)


COMMANDS = {"check": check}
