"""Researchers' commands ``table``, ``fdp``, ``browse`` and ``show``: thin calls into
``db.tables.table``, ``db.fdp.fdp``, ``db.browse.browse`` and ``db.provenance.show``
(and ``checks.evidence.render_box`` for ``show --png``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from disclosures.cli.contract import Db, RawDir, note
from disclosures.db.views import VIEW_NAMES


def table(
    view: Annotated[str, typer.Argument(help="A public view: " + ", ".join(VIEW_NAMES))],
    format: Annotated[str, typer.Option("--format", help="csv, parquet or jsonl")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file; default stdout (not for parquet)")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region, e.g. 泸州市")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organization, as written")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="final_accounts, budget or performance_report")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="Start the CSV with a UTF-8 BOM (for Excel)")] = False,
    db: Db = None,
) -> None:
    """Export a public view (v_facts, v_budget_lines, …) as CSV, Parquet or JSONL."""
    from disclosures.db.tables import table as run

    written = run(view, format, output, year, region, org, kind, bom, db)
    if output is not None:
        note(f"wrote {written.rows} rows of {written.view} to {output}")


def fdp(
    outdir: Annotated[Path, typer.Argument(help="Folder for datapackage.json and data/budget-lines.csv")],
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region")] = None,
    db: Db = None,
) -> None:
    """Write the budget lines as a Fiscal Data Package (OpenSpending-style tools load it)."""
    from disclosures.db.fdp import fdp as run
    from disclosures.normalizers.subjects import subject_name

    result = run(outdir, year, region, db, level_names=subject_name)
    note(f"wrote {result.path}: {result.rows} rows ({result.skipped_parents} parent lines left "
         f"out so sums do not double count, {result.skipped_unresolved} lines without a "
         f"subject code); checked with {result.validator}")
    for problem in result.problems:
        note(f"  invalid: {problem}")
    if result.problems:
        raise typer.Exit(1)


def browse(
    db: Db = None,
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port)")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
) -> None:
    """Browse the database in Datasette, with every view documented and canned research queries."""
    from disclosures.db.browse import browse as run

    browser = run(db, port, host)
    note(f"Datasette at {browser.base}/ — Ctrl-C stops it")
    try:
        browser.wait()
    except KeyboardInterrupt:
        pass


def show(
    ref: Annotated[str, typer.Argument(help="TABLE:ID[:FIELD] (budget_lines:12) or SHA256#/POINTER (ae1632…#/budget_lines/3)")],
    png: Annotated[Path | None, typer.Option("--png", help="Render the value's page with its box to this PNG (PDF only)")] = None,
    raw_dir: RawDir = None,
    db: Db = None,
) -> None:
    """Print where a stored value came from: file, URL, page, box, source text, extractor, match."""
    from disclosures.checks.evidence import render_box
    from disclosures.db.provenance import format_chain
    from disclosures.db.provenance import show as run

    chain = run(ref, raw_dir, db)
    typer.echo(format_chain(chain))
    if png is not None:
        render_box(*chain.page_box(), png)
        note(f"wrote {png}")


COMMANDS = {"table": table, "fdp": fdp, "browse": browse, "show": show}
