"""``disclosures`` — a thin command line over the library functions.

Each command parses its arguments, calls the function of the same purpose in
``flows.pipeline`` / ``db``, and prints. Library errors become one
``Error: …`` line on stderr; bad input exits with 2 (the export contract),
other failures with 1.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import typer
from disclosures.model.errors import BadInput
from rich.console import Console
from rich.table import Table as RichTable

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Chinese budget disclosures (部门预算/决算, 绩效自评表) into a SQL database, "
                       "with the source of every number.")
err = Console(stderr=True)
out = Console()

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL; default $DISCLOSURES_DB or sqlite:///./disclosures.db")
JsonOption = typer.Option(None, "--json", help="Write the disclosures/1 JSON export to OUT ('-' for stdout)")


class ExitCode:
    OK = 0
    FAILED = 1
    BAD_INPUT = 2


def fail(message: str, code: int) -> None:
    err.print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def write_json(data: dict | list, target: str) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if target == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def print_outcome(outcome) -> None:
    c = outcome.counts
    err.print(f"loaded {outcome.file_name}: {c.get('facts', 0)} facts, {c.get('budget_lines', 0)} budget lines, "
              f"{c.get('projects', 0)} projects ({c.get('indicators', 0)} indicators), "
              f"{c.get('findings', 0)} findings — document {outcome.document_id}, run {outcome.run_id}, "
              f"sha256 {outcome.sha256[:12]}…, {outcome.seconds:.2f} s", markup=False, highlight=False, soft_wrap=True)


def run_one(path: Path, db: str | None, use_prefect: bool, source_url: str | None = None,
            isolation=None):
    from disclosures.flows.process import process_document

    if use_prefect or os.environ.get("PREFECT_API_URL"):
        result = process_document(str(path), db, source_url, None, isolation)
    else:
        result = process_document.fn(str(path), db, source_url, None, isolation)
    from disclosures.flows.pipeline import Outcome

    return Outcome(**result)


def guarded(action):
    """Run ``action`` turning library exceptions into one line and an exit code."""
    from disclosures.db.export import NotFound
    from disclosures.db.query import QueryError
    from disclosures.model.errors import StageError
    from disclosures.normalizers.review import ReviewError

    try:
        return action()
    except BadInput as exc:
        fail(str(exc), ExitCode.BAD_INPUT)
    except (NotFound, QueryError, ReviewError) as exc:
        fail(str(exc), ExitCode.BAD_INPUT)
    except StageError as exc:
        fail(str(exc), ExitCode.FAILED)


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A PDF or DOCX disclosure, or a .zip bundle of them"),
    db: Optional[str] = DbOption,
    json_out: Optional[str] = JsonOption,
    prefect: bool = typer.Option(False, "--prefect", help="Run as a tracked Prefect flow run (starts or uses a Prefect API)"),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Seconds per document (default $DISCLOSURES_TIME_LIMIT or 120)"),
    memory_limit: Optional[int] = typer.Option(None, "--memory-limit", help="MB of memory per document (default $DISCLOSURES_MEMORY_LIMIT_MB or 2048)"),
    isolate: Optional[bool] = typer.Option(None, "--isolate/--no-isolate", help="Read the file in a limited child process (default on; $DISCLOSURES_ISOLATION=0 turns it off)"),
) -> None:
    """Extract one local file (or each file of a .zip bundle) into the database (and optionally print its JSON export)."""
    from disclosures.flows.isolation import IsolationSettings

    if not file.is_file():
        fail(f"{file}: no such file", ExitCode.BAD_INPUT)
    try:
        isolation = IsolationSettings.from_env(time_limit_s=time_limit, memory_limit_mb=memory_limit,
                                               enabled=isolate)
    except ValueError as exc:
        fail(str(exc), ExitCode.BAD_INPUT)
    from disclosures.flows.pipeline import is_bundle

    if is_bundle(file):
        extract_bundle(file, db, json_out, lambda path, url: run_one(path, db, prefect, url, isolation))
        return
    outcome = guarded(lambda: run_one(file, db, prefect, isolation=isolation))
    print_outcome(outcome)
    if json_out:
        from disclosures.db.engine import get_engine
        from disclosures.db.export import export_document

        write_json(export_document(get_engine(db), outcome.sha256), json_out)


def extract_bundle(file: Path, db: str | None, json_out: str | None, process) -> None:
    """``extract`` of a .zip: every member is a document (``flows.pipeline.process_bundle``).
    Exit 0 when at least one member was stored, else 2 (1 when every failure was ours);
    one ``Error:`` line per failed member. ``--json`` writes a list of the members'
    disclosures/1 exports, in archive order."""
    from disclosures.flows.pipeline import process_bundle

    bundle = guarded(lambda: process_bundle(file, db, process=process))
    for member in bundle.processed:
        print_outcome(member.outcome)
    for member in bundle.failed:
        err.print(f"Error: {file.name}!/{member.name}: {member.error}", markup=False, highlight=False,
                  soft_wrap=True)
    if not bundle.processed:
        raise typer.Exit(ExitCode.BAD_INPUT if any(m.bad_input for m in bundle.failed) else ExitCode.FAILED)
    if json_out:
        from disclosures.db.engine import get_engine
        from disclosures.db.export import export_document

        engine = get_engine(db)
        write_json([export_document(engine, m.outcome.sha256) for m in bundle.processed], json_out)


@app.command()
def export(
    doc: str = typer.Argument(..., help="Document id or sha256 (a unique prefix of at least 8 hex digits)"),
    db: Optional[str] = DbOption,
    json_out: str = typer.Option("-", "--json", help="Output file, '-' for stdout"),
) -> None:
    """Print a stored document as the disclosures/1 JSON contract."""
    from disclosures.db.engine import get_engine
    from disclosures.db.export import export_document

    data = guarded(lambda: export_document(get_engine(db), doc))
    write_json(data, json_out)


@app.command()
def reprocess(
    doc: str = typer.Argument(..., help="Document id or sha256 of a stored document"),
    db: Optional[str] = DbOption,
    raw_dir: Optional[str] = typer.Option(None, "--raw-dir", help="Raw store; default $DISCLOSURES_RAW or ./disclosures-raw"),
) -> None:
    """Re-extract a stored document from its kept original bytes, replacing its rows atomically."""
    from disclosures.db.engine import get_engine
    from disclosures.db.export import export_document
    from disclosures.flows import rawstore
    from disclosures.flows.pipeline import process_file

    def run():
        meta = export_document(get_engine(db), doc)["document"]
        raw = rawstore.find(meta["sha256"], raw_dir)
        if raw is None:
            raise BadInput(f"document {doc}: original file {meta['sha256'][:12]}… is not in the raw store "
                           f"{rawstore.root_dir(raw_dir)}")
        return process_file(raw, db, meta["source_url"], raw_dir)

    print_outcome(guarded(run))


@app.command()
def query(
    sql: str = typer.Argument(..., help="One read-only SELECT (or WITH … SELECT) statement"),
    db: Optional[str] = DbOption,
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table"),
) -> None:
    """Run a read-only SQL query against the database."""
    from disclosures.db.engine import get_engine
    from disclosures.db.query import run_readonly

    columns, rows = guarded(lambda: run_readonly(get_engine(db), sql))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        return
    table = RichTable()
    for column in columns:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


@app.command()
def check(
    file_or_doc: str = typer.Argument(..., help="A PDF/DOCX file, or a stored document's id or sha256"),
    db: Optional[str] = DbOption,
    evidence: Optional[Path] = typer.Option(None, "--evidence", help="Write a PNG per finding on a PDF page, values boxed"),
) -> None:
    """Reconcile one document (勾稽) and print its findings grouped by severity."""
    from disclosures.cli.check import check as run_check

    guarded(lambda: run_check(file_or_doc, db, evidence))


@app.command()
def review(
    db: Optional[str] = DbOption,
    limit: int = typer.Option(50, help="Show at most this many open names"),
    export: Optional[Path] = typer.Option(None, "--export", help="Write decisions and open names to a CSV file"),
    import_: Optional[Path] = typer.Option(None, "--import", help="Record the decisions of a CSV file"),
) -> None:
    """List low-confidence and unmatched names, most frequent first (or share decisions as CSV)."""
    from disclosures.cli.review import review as run_review

    guarded(lambda: run_review(db, limit, export, import_))


@app.command("map")
def map_name(
    kind: str = typer.Argument(..., help="subject | economic | indicator | level1 | level2 | organization"),
    raw: str = typer.Argument(..., help="The name as written in documents"),
    target: str = typer.Argument(..., help="Code or canonical id/name it means"),
    db: Optional[str] = DbOption,
    by: Optional[str] = typer.Option(None, "--by", help="Who decides (default: login name)"),
    note: Optional[str] = typer.Option(None, "--note"),
) -> None:
    """Record a person's decision for a raw name; it overrides the matcher on the next reprocess."""
    from disclosures.cli.review import map_name as run_map

    guarded(lambda: run_map(kind, raw, target, db, by, note))
    err.print(f"recorded: {kind} {raw!r} → {target}", markup=False, highlight=False, soft_wrap=True)


SURVEY_SUFFIXES = (".pdf", ".docx")


@app.command()
def survey(
    directory: Path = typer.Argument(..., help="A folder of disclosures (searched recursively)"),
    db: Optional[str] = DbOption,
) -> None:
    """Process every PDF/DOCX under a folder and print what each yielded, with totals."""
    from disclosures.flows.pipeline import process_file
    from disclosures.model.errors import NotADisclosure, StageError
    from rich.progress import track

    files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in SURVEY_SUFFIXES)
    if not files:
        fail(f"{directory}: no PDF or DOCX files", ExitCode.BAD_INPUT)
    per_doc = RichTable(title=f"survey of {directory}", expand=False)
    for column in ("file", "kind", "pages", "tables", "lines", "facts", "projects", "err/warn/info", "s"):
        per_doc.add_column(column, overflow="fold", justify="left" if column in ("file", "kind") else "right")
    totals, kinds, failures, others = Counter(), Counter(), [], []
    for path in track(files, description="processing", console=err):
        name = str(path.relative_to(directory))
        try:
            o = process_file(path, db)
        except NotADisclosure as exc:  # classified, not failed
            others.append((name, exc.reason, exc.detail))
            continue
        except (BadInput, StageError) as exc:
            failures.append((name, str(exc)))
            continue
        sev, c = o.severities, o.counts
        kinds.update(o.tables)
        totals.update(pages=o.pages or 0, tables=sum(o.tables.values()), lines=c.get("budget_lines", 0),
                      facts=c.get("facts", 0), projects=c.get("projects", 0), seconds=o.seconds,
                      documents=1, **{k: v for k, v in sev.items()})
        per_doc.add_row(name, o.kind or "-", str(o.pages or "-"), str(sum(o.tables.values())),
                        str(c.get("budget_lines", 0)), str(c.get("facts", 0)), str(c.get("projects", 0)),
                        f"{sev.get('error', 0)}/{sev.get('warning', 0)}/{sev.get('info', 0)}", f"{o.seconds:.1f}")
    per_doc.add_row(f"[b]{totals['documents']} documents", "", str(totals["pages"]), str(totals["tables"]),
                    str(totals["lines"]), str(totals["facts"]), str(totals["projects"]),
                    f"{totals['error']}/{totals['warning']}/{totals['info']}", f"{totals['seconds']:.1f}")
    out.print(per_doc)
    if kinds:
        by_kind = RichTable(title="tables recognized, by kind")
        by_kind.add_column("kind")
        by_kind.add_column("tables", justify="right")
        for kind, n in kinds.most_common():
            by_kind.add_row(kind, str(n))
        out.print(by_kind)
    for name, reason, detail in others:
        out.print(f"not a disclosure ({reason}): {name}: {detail}", markup=False, highlight=False, soft_wrap=True)
    for name, reason in failures:
        out.print(f"failed: {name}: {reason}", markup=False, highlight=False, soft_wrap=True)


def register_commands() -> None:
    """Commands of their own modules: crawling (cli/crawl.py) and the researchers'
    table / fdp / browse / show (cli/research.py)."""
    from disclosures.cli import crawl as crawl_cli
    from disclosures.cli import research as research_cli

    app.command()(crawl_cli.crawl)
    app.command()(crawl_cli.serve)
    app.command("mock-portal")(crawl_cli.mock_portal)
    app.command()(crawl_cli.demo)
    for command in research_cli.COMMANDS:
        app.command()(command)


register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
