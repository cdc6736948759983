"""`disclosures browse`: Datasette over the SQLite file, canned queries answer over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from disclosures.cli.research import free_port, start_browser, stop_browser


def test_browse_serves_canned_queries(reference):
    pytest.importorskip("datasette")
    httpx = pytest.importorskip("httpx")
    database = Path(reference.url.removeprefix("sqlite:///")).stem
    process, base = start_browser(reference.url, free_port())
    try:
        rows = httpx.get(f"{base}/{database}/admin_operation_per_staff.json?_shape=array",
                         timeout=30).json()
        assert [(r["subject_code"], r["yuan_per_staff"]) for r in rows] == [("2013101", 187842.0)] * 2
        rows = httpx.get(f"{base}/{database}/subject_across_departments.json",
                         params={"_shape": "array", "subject_name": "住房公积金"}, timeout=30).json()
        assert {(r["subject_code"], r["amount"]) for r in rows} == {("2210201", 1015600)}
        metadata = httpx.get(f"{base}/-/metadata.json", timeout=30).json()
        columns = metadata["databases"][database]["tables"]["v_budget_lines"]["columns"]
        assert columns["kuan_code"].startswith("款级编码")
        view = httpx.get(f"{base}/{database}/v_documents.json?_shape=array", timeout=30).json()
        assert {r["format"] for r in view} == {"docx", "pdf"}
    finally:
        stop_browser(process)
    assert process.poll() is not None


def test_browse_refuses_postgresql(cli):
    pytest.importorskip("datasette")
    result = cli("browse", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2 and "SQLite" in result.output
