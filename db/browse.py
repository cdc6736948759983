"""``disclosures browse``: Datasette over the SQLite database, every view and
column described in Chinese and English and the worked questions as canned
queries. Datasette runs as a child process that dies with its parent and
leaves no file behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from disclosures.db.engine import database_url, get_engine, migrate
from disclosures.db.questions import QUESTIONS
from disclosures.db.tables import require
from disclosures.db.views import VIEWS
from disclosures.model.errors import BadInput, Failure

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class BrowseError(BadInput):
    """A database Datasette cannot browse (not a SQLite file)."""


class BrowserFailed(Failure):
    """Datasette did not start."""


@dataclass(frozen=True)
class BrowseSettings:
    start_timeout_s: float = 60.0
    # a researcher's runaway query should not hang the browser
    sql_time_limit_ms: int = 5000


def datasette_metadata(database_name: str) -> dict:
    """Datasette metadata: every view and column in Chinese and English, and the
    worked questions as canned queries."""
    tables = {
        view.name: {
            "title": f"{view.title_zh} {view.title_en}",
            "description": f"{view.description_zh} {view.description_en}",
            "columns": {c.name: f"{c.zh} — {c.en}" for c in view.columns},
        }
        for view in VIEWS
    }
    queries = {
        q.name: {"title": f"{q.title_zh} — {q.title_en}", "description": q.description, "sql": q.sql}
        for q in QUESTIONS
    }
    return {
        "title": "disclosures — 部门预算/决算与绩效自评",
        "description": "Chinese government budget disclosures with the source of every number. "
                       "Query the v_* views: they are the stable public schema.",
        "databases": {database_name: {"tables": tables, "queries": queries}},
    }


def sqlite_path(db: str | None) -> Path:
    url = database_url(db)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BrowseError(f"{url.render_as_string(hide_password=True)}: Datasette browses a SQLite "
                          f"file; export from PostgreSQL with `disclosures table` instead")
    path = Path(url.database)
    if not path.is_file():
        raise BrowseError(f"no database at {path}")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_browser(db: str | None = None, port: int = 8001, host: str = "127.0.0.1",
                  settings: BrowseSettings = BrowseSettings()) -> tuple[subprocess.Popen, str]:
    """Start Datasette over the SQLite database (views brought up to date first);
    the process and its base URL once it answers. The metadata goes to Datasette
    on its standard input, so nothing is left on disk, and the process dies with
    the one that started it (``die_with_parent``)."""
    require("datasette", "browse")
    path = sqlite_path(db)
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)  # a database written before the views existed gets them now
    engine.dispose()
    metadata = json.dumps(datasette_metadata(path.stem))  # ASCII: stdin's encoding may be too
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--host", host,
               "--port", str(port), "--metadata", "-",
               "--setting", "sql_time_limit_ms", str(settings.sql_time_limit_ms)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE,
                               preexec_fn=die_with_parent(os.getpid()))  # noqa: PLW1509
    stdin = process.stdin
    if stdin is not None:  # always, with stdin=PIPE
        stdin.write(metadata.encode("ascii"))
        stdin.close()
    base = f"http://{host}:{port}"
    wait_until_up(process, base, settings.start_timeout_s)
    return process, base


def die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A ``preexec_fn`` that asks Linux to send the child SIGTERM when its parent
    dies, however it dies (``kill -9`` included), so no server outlives
    ``disclosures browse``. Where ``prctl`` does not exist it does nothing."""
    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if hasattr(libc, "prctl"):
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def wait_until_up(process: subprocess.Popen, base: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrowserFailed(f"datasette exited with status {process.returncode}")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise BrowserFailed(f"datasette did not answer at {base} within {timeout_s:.0f} s")


def stop_browser(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Browser:
    process: subprocess.Popen
    base: str

    def wait(self) -> None:
        """Serve until Datasette exits or this process is interrupted; then stop it."""
        try:
            self.process.wait()
        finally:
            stop_browser(self.process)


def browse(db: str | None = None, port: int = 8001, host: str = "127.0.0.1",
           settings: BrowseSettings = BrowseSettings()) -> Browser:
    """Datasette serving the SQLite database ``db`` on ``host:port`` (0: a free port)."""
    process, base = start_browser(db, port or free_port(host), host, settings)
    return Browser(process, base)
