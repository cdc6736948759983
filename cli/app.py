"""``disclosures`` — the command line, a thin layer over the library.

Each command parses its arguments, calls one library function (named in its
module's docstring, ``cli/__init__.py`` lists them all) and prints. Errors
are the library's: ``cli.contract`` answers them with one ``Error: …`` line
and the exit code (2 bad input, 1 failure). Imports happen inside the
commands, so a command loads only what it uses — ``extract`` never loads
Prefect unless asked to (``--prefect``, ``$PREFECT_API_URL``).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from disclosures.cli.contract import CliApp, Db, RawDir, note, one_line

app = CliApp(add_completion=False, no_args_is_help=True,
             help="Chinese budget disclosures (部门预算/决算, 绩效自评表) into a SQL database, "
                  "with the source of every number.")


def write_json(data: dict | list, target: str) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if target == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def describe(outcome) -> str:
    c = outcome.counts
    return (f"loaded {outcome.file_name}: {c.get('facts', 0)} facts, {c.get('budget_lines', 0)} budget lines, "
            f"{c.get('projects', 0)} projects ({c.get('indicators', 0)} indicators), "
            f"{c.get('findings', 0)} findings — document {outcome.document_id}, run {outcome.run_id}, "
            f"sha256 {outcome.sha256[:12]}…, {outcome.seconds:.2f} s")


def exports(db: str | None, outcomes: list) -> list[dict]:
    from disclosures.db.engine import get_engine
    from disclosures.db.export import export_document

    engine = get_engine(db)
    return [export_document(engine, o.sha256) for o in outcomes]


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A PDF or DOCX disclosure, or a .zip bundle of them")],
    db: Db = None,
    json_out: Annotated[str | None, typer.Option("--json", help="Write the disclosures/1 JSON export to OUT ('-' for stdout)")] = None,
    prefect: Annotated[bool, typer.Option("--prefect", help="Run as a tracked Prefect flow run (starts or uses a Prefect API)")] = False,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Seconds per document (default $DISCLOSURES_TIME_LIMIT or 120)")] = None,
    memory_limit: Annotated[int | None, typer.Option("--memory-limit", help="MB of memory per document (default $DISCLOSURES_MEMORY_LIMIT_MB or 2048)")] = None,
    isolate: Annotated[bool | None, typer.Option("--isolate/--no-isolate", help="Read the file in a limited child process (default on; $DISCLOSURES_ISOLATION=0 turns it off)")] = None,
) -> None:
    """Extract one local file (or each file of a .zip bundle) into the database (and optionally print its JSON export)."""
    from disclosures.flows.pipeline import (
        BundleOutcome,
        isolation_settings,
        process_path,
    )

    result = process_path(file, db, prefect, isolation_settings(time_limit, memory_limit, isolate))
    if isinstance(result, BundleOutcome):
        report_bundle(result, db, json_out)
        return
    note(describe(result))
    if json_out:
        write_json(exports(db, [result])[0], json_out)


def report_bundle(bundle, db: str | None, json_out: str | None) -> None:
    """A bundle's members: exit 0 when at least one was stored, else 2 (1 when every
    failure was ours); one ``Error:`` line per failed member; ``--json`` writes the
    stored members' exports as a list, in archive order."""
    for member in bundle.processed:
        note(describe(member.outcome))
    for member in bundle.failed:
        note(one_line(f"Error: {bundle.file_name}!/{member.name}: {member.error}"))
    if not bundle.processed:
        raise typer.Exit(2 if any(m.bad_input for m in bundle.failed) else 1)
    if json_out:
        write_json(exports(db, [m.outcome for m in bundle.processed]), json_out)


@app.command()
def export(
    doc: Annotated[str, typer.Argument(help="Document id or sha256 (a unique prefix of at least 8 hex digits)")],
    db: Db = None,
    json_out: Annotated[str, typer.Option("--json", help="Output file, '-' for stdout")] = "-",
) -> None:
    """Print a stored document as the disclosures/1 JSON contract."""
    from disclosures.db.export import export as export_json

    write_json(export_json(doc, db), json_out)


@app.command()
def reprocess(
    doc: Annotated[str, typer.Argument(help="Document id or sha256 of a stored document")],
    db: Db = None,
    raw_dir: RawDir = None,
) -> None:
    """Re-extract a stored document from its kept original bytes, replacing its rows atomically."""
    from disclosures.flows.pipeline import reprocess as run

    note(describe(run(doc, db, raw_dir)))


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="One read-only SELECT (or WITH … SELECT) statement")],
    db: Db = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table")] = False,
) -> None:
    """Run a read-only SQL query against the database."""
    from disclosures.db.query import query as run

    columns, rows = run(sql, db)
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        return
    print_rows(None, columns, rows)


def print_rows(title: str | None, columns: list, rows: list) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


def register_commands() -> None:
    """The commands of the other modules: survey (cli/survey.py), check (cli/check.py),
    review and map (cli/review.py), crawling (cli/crawl.py) and the researchers'
    table / fdp / browse / show (cli/research.py)."""
    from disclosures.cli import check, crawl, research, review, survey

    for module in (survey, check, review, crawl, research):
        for name, command in module.COMMANDS.items():
            app.command(name)(command)


register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
