"""``disclosures survey DIR``: every file under a folder, with progress (``flows.survey.survey``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer
from disclosures.cli.contract import Db
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

err = Console(stderr=True)
out = Console()


class SurveyProgress:
    """A rich progress bar, shown from the first file on: files done of all,
    pages/s, failures so far, the files in progress."""

    def __init__(self):
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[failures]} failed"),
                            TimeElapsedColumn(), TextColumn("{task.fields[current]}", style="dim"),
                            console=err)
        self.task: TaskID | None = None
        self.running: list[str] = []
        self.lock = threading.Lock()

    def started(self, name: str) -> None:
        with self.lock:
            if self.task is None:
                self.bar.start()
                self.task = self.bar.add_task("processing", total=None, rate="", failures=0, current="")
            self.running.append(name)
            self.bar.update(self.task, current=", ".join(self.running))

    def finished(self, survey, item, total: int) -> None:
        with self.lock:
            if item.name in self.running:
                self.running.remove(item.name)
            if self.task is None:
                return
            self.bar.update(self.task, total=total, completed=len(survey.files),
                            rate=f"{survey.pages_per_second():.1f} pages/s",
                            failures=len(survey.failed), current=", ".join(self.running))

    def stop(self) -> None:
        self.bar.stop()


def survey(
    directory: Annotated[Path, typer.Argument(help="A folder of disclosures (searched recursively)")],
    db: Db = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Files processed at once, each in its own process (default: the number of cores)")] = None,
) -> None:
    """Process every PDF/DOCX under a folder and print what each yielded, with totals and throughput."""
    from disclosures.flows.survey import survey as run

    progress = SurveyProgress()
    try:
        result = run(directory, db, workers, progress=progress)
    finally:
        progress.stop()
    print_survey(result)


def print_survey(result) -> None:
    per_doc = Table(title=f"survey of {result.directory}", expand=False)
    for column in ("file", "kind", "pages", "tables", "lines", "facts", "projects", "err/warn/info", "s"):
        per_doc.add_column(column, overflow="fold", justify="left" if column in ("file", "kind") else "right")
    for item in result.done:
        o, c, sev = item.outcome, item.outcome.counts, item.outcome.severities
        per_doc.add_row(item.name, o.kind or "-", str(o.pages or "-"), str(sum(o.tables.values())),
                        str(c.get("budget_lines", 0)), str(c.get("facts", 0)), str(c.get("projects", 0)),
                        f"{sev.get('error', 0)}/{sev.get('warning', 0)}/{sev.get('info', 0)}", f"{o.seconds:.1f}")
    totals = result.totals()
    per_doc.add_row(f"[b]{len(result.done)} documents", "", str(result.pages), str(totals["tables"]),
                    str(totals["budget_lines"]), str(totals["facts"]), str(totals["projects"]),
                    f"{totals['error']}/{totals['warning']}/{totals['info']}", f"{result.seconds:.1f}")
    out.print(per_doc)
    kinds = result.tables_by_kind()
    if kinds:
        by_kind = Table(title="tables recognized, by kind")
        by_kind.add_column("kind")
        by_kind.add_column("tables", justify="right")
        for kind, n in kinds.most_common():
            by_kind.add_row(kind, str(n))
        out.print(by_kind)
    for item in result.not_disclosures:
        reason, detail = item.not_a_disclosure or ("", "")
        out.print(f"not a disclosure ({reason}): {item.name}: {detail}", markup=False, highlight=False,
                  soft_wrap=True)
    for item in result.failed:
        out.print(f"failed: {item.name}: {item.error}", markup=False, highlight=False, soft_wrap=True)
    out.print(f"{len(result.done)} documents, {result.pages} pages, {len(result.failed)} failed in "
              f"{result.seconds:.1f} s with {result.workers} workers: "
              f"{result.pages_per_second():.1f} pages/s", highlight=False, soft_wrap=True)


COMMANDS = {"survey": survey}
