"""`disclosures browse`: Datasette over the SQLite file, canned queries answer over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from disclosures.db.browse import free_port, start_browser, stop_browser


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


def datasette_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def refuses(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def gone(pid: int) -> bool:
    """Exited (a zombie of a dead parent is reaped by init at once; count it as gone)."""
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "State:\tZ" in status.read_text()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc to find the child")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_killing_browse_takes_datasette_and_its_files_with_it(reference, tmp_path, how):
    pytest.importorskip("datasette")
    httpx = pytest.importorskip("httpx")
    port = free_port()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    parent = subprocess.Popen([sys.executable, "-m", "disclosures.cli.app", "browse", "--db", reference.url,
                               "--port", str(port)], env={**os.environ, "TMPDIR": str(scratch)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("browse did not start")
        [child] = datasette_children(parent.pid)
        os.kill(parent.pid, how)
        parent.wait(timeout=20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (refuses(port) and gone(child)):
            time.sleep(0.2)
        assert refuses(port), f"port {port} still served after {how.name} of browse"
        assert gone(child)
        assert list(scratch.iterdir()) == []
    finally:
        if parent.poll() is None:
            parent.kill()
