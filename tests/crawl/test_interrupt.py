"""SIGTERM in the middle of a crawl: the database stays consistent and the next run finishes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

CRAWL = ("import sys; from disclosures.flows.crawl import crawl_portal; "
         "crawl_portal(sys.argv[1], sys.argv[2], sys.argv[3])")


def wait_for_first_document(db, proc, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("select count(*) from fetch_log where outcome = 'new'").fetchone()[0]:
                    return
        except sqlite3.OperationalError:
            pass  # not migrated yet
        time.sleep(0.05)
    pytest.fail(f"no document stored within {limit} s (crawl exit code {proc.poll()})")


def consistency_problems(conn) -> list:
    """Rows that would show a half-done write."""
    return [
        *conn.execute("pragma integrity_check").fetchall()[1:],
        # a URL's validators never claim bytes the database does not hold
        *conn.execute("select u.url from crawl_urls u left join documents d on d.id = u.document_id "
                      "where u.sha256 is not null and (d.id is null or d.current_run_id is null)").fetchall(),
        # a current document has all its rows (the seed's 18 budget lines)
        *conn.execute("select d.id from documents d where d.current_run_id is not null and "
                      "(select count(*) from budget_lines b where b.document_id = d.id) != 18").fetchall(),
    ]


def test_sigterm_mid_crawl_leaves_a_consistent_database_and_the_next_run_finishes(
        prefect_api, make_config, workdir):
    from disclosures.flows.crawl import crawl_portal
    from prefect.settings import PREFECT_API_URL

    config, db = make_config(delay=0.3), workdir / "crawl.db"
    db_url, raw = f"sqlite:///{db}", str(workdir / "raw")
    # the child uses this test's temporary Prefect API instead of starting its own
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(config), db_url, raw], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_first_document(db, proc)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    with sqlite3.connect(db) as conn:
        assert consistency_problems(conn) == []
        done = conn.execute("select count(*) from documents where current_run_id is not null").fetchone()[0]
        assert conn.execute("select status from crawl_runs").fetchall() == [("interrupted",)]
    assert 1 <= done < 3  # stopped part-way

    summary = crawl_portal(str(config), db_url, raw)
    assert summary["new"] + summary["unchanged"] + summary["duplicate"] == 4
    with sqlite3.connect(db) as conn:
        assert consistency_problems(conn) == []
        assert conn.execute("select count(*) from documents where current_run_id is not null").fetchone()[0] == 3
        assert conn.execute("select status from crawl_runs order by id").fetchall() == [
            ("interrupted",), ("completed",)]
