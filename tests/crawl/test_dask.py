"""The mock-portal crawl with its documents processed on Dask (a LocalCluster
of two worker processes) writes the same database as the plain crawl.

Both crawls run against a real Prefect API server started here: without one,
every Dask worker would start a temporary server of its own (about 30 s;
shared/TOOLCHAIN.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, inspect, select, table
from typer.testing import CliRunner

pytest.importorskip("prefect_dask")

from disclosures.db.crawl import CrawlUrl, FetchLog  # noqa: E402
from disclosures.db.export import export_document  # noqa: E402
from disclosures.db.models import Document  # noqa: E402

SERVER_START_SECONDS = 120
PG_ENV = "DISCLOSURES_TEST_PG_URL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """``prefect server start`` on a free port with a PREFECT_HOME of its own;
    the flow (settings) and the Dask workers (environment) both use it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not os.environ.get(PG_ENV):  # the only test using it needs PostgreSQL: skip before starting
        pytest.skip(f"{PG_ENV} not set (no PostgreSQL server to test against)")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
           "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path_factory.mktemp("prefect-log") / "server.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_health(url, server)
        with pytest.MonkeyPatch.context() as mp, temporary_settings(updates={PREFECT_API_URL: url}):
            mp.setenv("PREFECT_API_URL", url)  # inherited by the Dask worker processes
            yield url
            drain_prefect_workers()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def drain_prefect_workers() -> None:
    """Send the buffered logs and events while the server is up: otherwise
    they are retried against the stopped server until the interpreter gives
    up, a minute after the tests end."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


def wait_for_health(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server at {url} not healthy after {SERVER_START_SECONDS} s")


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(table(name)))
                for name in inspect(conn).get_table_names() if name != "alembic_version"}


def exports(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        shas = conn.scalars(select(Document.sha256).where(Document.current_run_id.is_not(None))).all()
    return {sha: export_document(engine, sha) for sha in shas}


def crawl_state(engine, base_url: str) -> dict[str, tuple]:
    """Per URL what the crawl recorded about it, without ids and timestamps."""
    with engine.connect() as conn:
        urls = {u.url.removeprefix(base_url): (u.sha256, u.last_outcome, u.etag, u.last_modified, u.file_name,
                                               u.organization, u.published)
                for u in conn.execute(select(CrawlUrl))}
        log = sorted((row.url.removeprefix(base_url), row.kind, row.outcome, row.http_status, row.sha256,
                      row.bytes, row.error) for row in conn.execute(select(FetchLog)))
    return {"urls": urls, "log": log}


def process_stored_runs(api_url: str) -> list[str]:
    """States of the Dask-side task runs the Prefect server recorded."""
    response = httpx.post(f"{api_url}/task_runs/filter", json={"limit": 200}, timeout=10)
    response.raise_for_status()
    return [run["state_type"] for run in response.json() if run["name"].startswith("process_stored")]


def test_crawl_on_two_dask_workers_writes_what_the_plain_crawl_writes(
        prefect_server, portal, portal_config, tmp_path, pg_db_urls):
    from disclosures.cli import crawl as crawl_cli

    app = typer_app(crawl_cli)
    plain_url, dask_url = pg_db_urls(), pg_db_urls()
    plain = CliRunner().invoke(app, ["crawl", str(portal_config), "--db", plain_url,
                                     "--raw-dir", str(tmp_path / "raw-plain")])
    assert plain.exit_code == 0, plain.output
    started = time.monotonic()
    scaled = CliRunner().invoke(app, ["crawl", str(portal_config), "--db", dask_url,
                                      "--raw-dir", str(tmp_path / "raw-dask"), "--workers", "2"])
    assert scaled.exit_code == 0, scaled.output
    print(f"crawl on 2 Dask workers: {time.monotonic() - started:.1f} s")

    plain_engine, dask_engine = create_engine(plain_url), create_engine(dask_url)
    try:
        counts = row_counts(plain_engine)
        # the mock column: the PDF, the DOCX and its correction, with their records
        assert counts["documents"] == 3 and counts["budget_lines"] > 0 and counts["fetch_log"] > 0
        assert row_counts(dask_engine) == counts, [row[-1] for row in crawl_state(dask_engine, portal.base_url)["log"]]
        plain_exports = exports(plain_engine)
        assert len(plain_exports) == 3
        assert exports(dask_engine) == plain_exports
        plain_state, dask_state = crawl_state(plain_engine, portal.base_url), crawl_state(dask_engine, portal.base_url)
        assert dask_state == plain_state, {url: (plain_state["urls"].get(url), row)
                                           for url, row in dask_state["urls"].items()
                                           if plain_state["urls"].get(url) != row}
    finally:
        plain_engine.dispose()
        dask_engine.dispose()
    # the three distinct files were processed by Dask tasks, each once
    assert process_stored_runs(prefect_server) == ["COMPLETED"] * 3
    assert sorted(os.listdir(tmp_path / "raw-dask")) == sorted(os.listdir(tmp_path / "raw-plain"))


def test_workers_with_sqlite_are_refused_before_anything_runs(workdir):
    from disclosures.cli import crawl as crawl_cli

    result = CliRunner().invoke(typer_app(crawl_cli), ["crawl", "mock-czyjs", "--db", "sqlite:///c.db",
                                                       "--workers", "2"])
    assert result.exit_code == 2
    assert "needs a database server" in result.output and "sqlite:///c.db" in result.output
    assert not Path("c.db").exists()


def typer_app(crawl_cli):
    from disclosures.cli.contract import CliApp

    app = CliApp()
    app.command()(crawl_cli.crawl)
    app.command()(crawl_cli.serve)
    return app
