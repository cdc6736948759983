"""``disclosures crawl`` / ``serve`` / ``mock-portal``: thin commands over ``flows.crawl``.

Registered in ``cli/app.py``::

    from disclosures.cli import crawl as crawl_cli
    app.command()(crawl_cli.crawl)
    app.command()(crawl_cli.serve)
    app.command("mock-portal")(crawl_cli.mock_portal)

Heavy imports (Prefect, the pipeline) happen inside the commands, so
``disclosures --help`` stays fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

err = Console(stderr=True)
SUMMARY_KEYS = ("pages", "new", "changed", "unchanged", "duplicate", "failed", "disallowed")


def fail(message: str, code: int) -> None:
    err.print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def crawl(
    portal: str = typer.Argument(..., help="A portal name in flows/portals, a TOML config, or a start URL"),
    db: str | None = typer.Option(
        None, "--db", help="SQLAlchemy URL; default $DISCLOSURES_DB or sqlite:///./disclosures.db"),
    raw_dir: str | None = typer.Option(
        None, "--raw-dir", help="Raw store; default $DISCLOSURES_RAW or ./disclosures-raw"),
    delay: float | None = typer.Option(
        None, "--delay", help="Seconds between requests to one host (overrides the config)"),
    max_pages: int | None = typer.Option(None, "--max-pages", help="List and article pages to read at most"),
    workers: int | None = typer.Option(
        None, "--workers",
        help="Process new files on a local Dask cluster of N worker processes (needs PostgreSQL and prefect-dask)"),
    dask_address: str | None = typer.Option(
        None, "--dask-address",
        help="Process new files on the Dask scheduler at this address, e.g. tcp://10.0.0.5:8786 "
             "(see docs/scale-out.md)"),
) -> None:
    """Crawl a portal as a Prefect flow run: fetch new or changed attachments and process them."""
    from disclosures.flows.crawl import (
        CrawlError,
        PortalConfigError,
        crawl_portal,
        load_portal,
        scale_out_for,
    )

    try:
        load_portal(portal)
        scale_out_for(workers, dask_address, db)
    except (PortalConfigError, CrawlError) as exc:
        fail(str(exc), 2)
    summary = crawl_portal(portal, db, raw_dir, delay_seconds=delay, max_pages=max_pages,
                           workers=workers, dask_address=dask_address)
    table = RichTable(title=f"crawl of {summary['portal']} (crawl run {summary['crawl_run_id']})")
    for key in SUMMARY_KEYS:
        table.add_column(key, justify="right")
    table.add_row(*(str(summary.get(key, 0)) for key in SUMMARY_KEYS))
    err.print(table)


def serve(
    portals_dir: Path | None = typer.Option(
        None, "--portals", help="Folder of portal TOML files; default flows/portals"),
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL the scheduled crawls write to"),
    raw_dir: str | None = typer.Option(None, "--raw-dir", help="Raw store of the scheduled crawls"),
) -> None:
    """Serve one scheduled (nightly) crawl deployment per portal; blocks until stopped."""
    from disclosures.flows.crawl import PORTALS_DIR, build_deployments
    from prefect import serve as prefect_serve

    deployments = build_deployments(portals_dir or PORTALS_DIR, db, raw_dir)
    if not deployments:
        fail(f"{portals_dir or PORTALS_DIR}: no portal with an enabled schedule", 2)
    prefect_serve(*deployments)


def mock_portal(port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1")) -> None:
    """Serve the mock 财政预决算公开 column (fixtures/portal) for a demo crawl; Ctrl-C stops it."""
    portal = load_mock_portal()().start(port)
    err.print(f"mock portal at {portal.url('/czyjs/index.html')}; "
              f"try: disclosures crawl mock-czyjs  (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        portal.stop()


DEMO_QUERY = ("select file_name, key, value, unit, page, source_text from v_facts "
              "join v_documents using (sha256) where key like 'three_public.total%' order by file_name, key")


def load_mock_portal():
    from disclosures.fixtures.portal.server import MockPortal

    return MockPortal


def demo(
    db: str | None = typer.Option(
        None, "--db", help="SQLAlchemy URL; default $DISCLOSURES_DB or sqlite:///./disclosures.db"),
    raw_dir: str | None = typer.Option(
        None, "--raw-dir", help="Raw store; default $DISCLOSURES_RAW or ./disclosures-raw"),
) -> None:
    """The main job on the bundled sample: serve the mock portal on 127.0.0.1, crawl it
    through the Prefect flow into the database, print what was loaded and one query."""
    import os
    import tempfile

    from disclosures.db.engine import get_engine
    from disclosures.db.query import run_readonly
    from disclosures.flows.crawl import PORTALS_DIR, crawl_portal

    # A demo must not talk to anything but this machine: Prefect's temporary
    # API server stays local, and its analytics are switched off.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    portal = load_mock_portal()().start(0)
    try:
        with tempfile.TemporaryDirectory(prefix="disclosures-demo-") as tmp:
            config = Path(tmp) / "mock-czyjs.toml"
            config.write_text((PORTALS_DIR / "mock-czyjs.toml").read_text(encoding="utf-8")
                              .replace("http://127.0.0.1:8765", portal.base_url), encoding="utf-8")
            err.print(f"mock portal at {portal.url('/czyjs/index.html')}; crawling it as a Prefect flow run…")
            summary = crawl_portal(str(config), db, raw_dir)
    finally:
        portal.stop()
    table = RichTable(title=f"crawl of {summary['portal']} (crawl run {summary['crawl_run_id']})")
    for key in SUMMARY_KEYS:
        table.add_column(key, justify="right")
    table.add_row(*(str(summary.get(key, 0)) for key in SUMMARY_KEYS))
    err.print(table)
    engine = get_engine(db)
    columns, rows = run_readonly(engine, "select file_name, organization, fiscal_year, n_facts, "
                                         "n_budget_lines, n_indicators, n_findings "
                                         "from v_documents order by file_name")
    print_rows("documents loaded", columns, rows)
    columns, rows = run_readonly(engine, DEMO_QUERY)
    print_rows(f"example query: {DEMO_QUERY}", columns, rows)


def print_rows(title: str, columns: list[str], rows: list[tuple]) -> None:
    table = RichTable(title=title)
    for column in columns:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)
