"""``disclosures review`` and ``disclosures map``: the human side of name matching
(``flows.review.review`` and ``flows.review.map_name``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from disclosures.cli import contract
from disclosures.cli.contract import Db
from rich.console import Console
from rich.table import Table

out = Console()


def review(
    db: Db = None,
    limit: Annotated[int, typer.Option(help="Show at most this many open names")] = 50,
    export: Annotated[Path | None, typer.Option("--export", help="Write decisions and open names to a CSV file")] = None,
    import_: Annotated[Path | None, typer.Option("--import", help="Record the decisions of a CSV file")] = None,
) -> None:
    """List low-confidence and unmatched names, most frequent first (or share decisions as CSV)."""
    from disclosures.flows.review import review as run

    print_review(run(db, limit, export, import_), limit, export, import_)


def print_review(result, limit: int, export: Path | None, import_: Path | None) -> None:
    if result.imported is not None:
        recorded, unchanged = result.imported
        out.print(f"imported {recorded} decisions from {import_} ({unchanged} already in force)")
    if export is not None:
        out.print(f"wrote {export}")
    table = Table(title=f"names to review ({len(result.items)}; showing {min(limit, len(result.items))})")
    for column in ("n", "kind", "raw", "method", "score", "current"):
        table.add_column(column)
    for i in result.items[:limit]:
        table.add_row(str(i.occurrences), i.kind, i.raw, i.method, f"{i.score:.1f}", i.current or "")
    out.print(table)
    if result.learned:
        pairs = Table(title="code + name pairs printed by tables, unknown to the vocabulary")
        for column in ("code", "name", "documents"):
            pairs.add_column(column)
        for code, name, n in result.learned:
            pairs.add_row(code, name, str(n))
        out.print(pairs)


def map_name(
    kind: Annotated[str, typer.Argument(help="subject | economic | indicator | level1 | level2 | organization")],
    raw: Annotated[str, typer.Argument(help="The name as written in documents")],
    target: Annotated[str, typer.Argument(help="Code or canonical id/name it means")],
    db: Db = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: login name)")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, for whoever reads the decision later")] = None,
) -> None:
    """Record a person's decision for a raw name; it overrides the matcher on the next reprocess."""
    from disclosures.flows.review import map_name as run

    row = run(kind, raw, target, db, by, note)
    contract.note(f"recorded: {row.kind} {row.raw!r} → {row.target} (decided by {row.decided_by}, "
                  f"{row.decided_at:%Y-%m-%d %H:%M} UTC); reprocess documents to apply it")


COMMANDS = {"review": review, "map": map_name}
