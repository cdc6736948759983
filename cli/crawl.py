"""``disclosures crawl`` / ``serve`` / ``mock-portal`` / ``demo``: thin commands over
``flows.crawl.crawl_portal``, ``flows.crawl.build_deployments`` and ``flows.demo.demo``.
Prefect is imported inside the commands that run flows."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from disclosures.cli.contract import Db, RawDir, note
from disclosures.model.errors import BadInput
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)
SUMMARY_KEYS = ("pages", "new", "changed", "unchanged", "duplicate", "failed", "disallowed")


def crawl(
    portal: Annotated[str, typer.Argument(help="A portal name in flows/portals, a TOML config, or a start URL")],
    db: Db = None,
    raw_dir: RawDir = None,
    delay: Annotated[float | None, typer.Option("--delay", help="Seconds between requests to one host (overrides the config)")] = None,
    max_pages: Annotated[int | None, typer.Option("--max-pages", help="List and article pages to read at most")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Process new files on a local Dask cluster of N worker processes (needs PostgreSQL and prefect-dask)")] = None,
    dask_address: Annotated[str | None, typer.Option("--dask-address", help="Process new files on the Dask scheduler at this address, e.g. tcp://10.0.0.5:8786 (see docs/scale-out.md)")] = None,
) -> None:
    """Crawl a portal as a Prefect flow run: fetch new or changed attachments and process them."""
    from disclosures.flows.crawl import crawl_portal, load_portal, scale_out_for

    load_portal(portal)  # a bad portal or scale-out is refused before Prefect starts
    scale_out_for(workers, dask_address, db)
    summary = crawl_portal(portal, db, raw_dir, delay_seconds=delay, max_pages=max_pages,
                           workers=workers, dask_address=dask_address)
    print_summary(summary)


def print_summary(summary: dict) -> None:
    table = Table(title=f"crawl of {summary['portal']} (crawl run {summary['crawl_run_id']})")
    for key in SUMMARY_KEYS:
        table.add_column(key, justify="right")
    table.add_row(*(str(summary.get(key, 0)) for key in SUMMARY_KEYS))
    err.print(table)


def serve(
    portals_dir: Annotated[Path | None, typer.Option("--portals", help="Folder of portal TOML files; default flows/portals")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Database URL the scheduled crawls write to")] = None,
    raw_dir: Annotated[str | None, typer.Option("--raw-dir", help="Raw store of the scheduled crawls")] = None,
) -> None:
    """Serve one scheduled (nightly) crawl deployment per portal; blocks until stopped."""
    from disclosures.flows.crawl import PORTALS_DIR, build_deployments
    from prefect import serve as prefect_serve

    deployments = build_deployments(portals_dir or PORTALS_DIR, db, raw_dir)
    if not deployments:
        raise BadInput(f"{portals_dir or PORTALS_DIR}: no portal with an enabled schedule")
    prefect_serve(*deployments)


def mock_portal(port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1")] = 8765) -> None:
    """Serve the mock 财政预决算公开 column (fixtures/portal) for a demo crawl; Ctrl-C stops it."""
    from disclosures.flows.demo import load_mock_portal

    portal = load_mock_portal()().start(port)
    note(f"mock portal at {portal.url('/czyjs/index.html')}; try: disclosures crawl mock-czyjs  (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        portal.stop()


def demo(
    db: Db = None,
    raw_dir: RawDir = None,
) -> None:
    """The main job on the bundled sample: serve the mock portal on 127.0.0.1, crawl it
    through the Prefect flow into the database, print what was loaded and one query."""
    from disclosures.cli.app import print_rows
    from disclosures.flows.demo import demo as run

    # The flow's per-task log lines would bury the summary; errors still show.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    result = run(db, raw_dir, started=lambda url: note(
        f"mock portal at {url}; crawling it as a Prefect flow run (a temporary Prefect server "
        f"starts first, ~15 s)…"))
    print_summary(result.summary)
    note(failure_summary(result))
    for rows in (result.documents, result.example):
        print_rows(rows.title, rows.columns, rows.rows)


def failure_summary(result) -> str:
    """``3 loaded, 1 duplicate; 4 not loaded, as the mock portal intends: …``."""
    s = result.summary
    loaded = f"{s.get('new', 0) + s.get('changed', 0)} loaded, {s.get('duplicate', 0)} duplicate"
    if not result.not_loaded:
        return loaded
    reasons = "; ".join(f"{reason} ({url.rsplit('/', 1)[-1]})" for url, reason in result.not_loaded)
    return f"{loaded}; {len(result.not_loaded)} not loaded, as the mock portal intends: {reasons}"


COMMANDS = {"crawl": crawl, "serve": serve, "mock-portal": mock_portal, "demo": demo}
