"""The malformed corpus (``fixtures/make_malformed.py``) through the pipeline:
each file ends as its manifest says, nothing hangs past the time limit, and the
database holds rows only for the files that were processed."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from disclosures.cli.app import app
from disclosures.flows.isolation import IsolationSettings, LimitExceeded
from disclosures.flows.pipeline import process_file
from disclosures.model.errors import BadInput, StageError
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
# Small limits keep the module fast; the zip bomb needs ~1 GB to be refused.
LIMITS = IsolationSettings(time_limit_s=30, memory_limit_mb=1024)
SLACK_S = 10  # process start and storing, beyond the document's time limit


def load_generator():
    spec = importlib.util.spec_from_file_location("make_malformed", REPO / "fixtures" / "make_malformed.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    root = tmp_path_factory.mktemp("malformed")
    manifest = load_generator().build_corpus(root)
    return root, json.loads(manifest.read_text(encoding="utf-8"))


def outcome_of(path: Path, db_url: str, raw: Path) -> tuple[str, str, int]:
    """("ok" | "bad_input" | "failed", message, findings) for one file."""
    try:
        result = process_file(path, db_url, raw_root=raw, isolation=LIMITS)
    except BadInput as exc:
        return "bad_input", str(exc), 0
    except StageError as exc:
        return "failed", str(exc), 0
    return "ok", "", sum(result.severities.values())


def meets(expect: str, got: str, findings: int) -> bool:
    return {"bad_input": got == "bad_input", "ok": got == "ok",
            "ok_with_findings": got == "ok" and findings > 0,
            "ok_or_bad_input": got in ("ok", "bad_input")}[expect]


def test_every_file_ends_as_its_manifest_says_and_failures_write_nothing(corpus, tmp_path):
    root, manifest = corpus
    db = tmp_path / "corpus.db"
    problems, stored = [], set()
    for name, entry in sorted(manifest.items()):
        t0 = time.perf_counter()
        got, message, findings = outcome_of(root / name, f"sqlite:///{db}", tmp_path / "raw")
        seconds = time.perf_counter() - t0
        if not meets(entry["expect"], got, findings):
            problems.append(f"{name}: expected {entry['expect']} ({entry['why']}), got {got} {message}")
        if got == "bad_input" and (name not in message or "\n" in message):
            problems.append(f"{name}: the error is not one line naming the file: {message!r}")
        if seconds > LIMITS.time_limit_s + SLACK_S:
            problems.append(f"{name}: took {seconds:.1f} s")
        if got == "ok":
            stored.add(name)
    assert not problems, "\n".join(problems)
    assert stored, "the corpus has files that must be processed"
    expected = {hashlib.sha256((root / n).read_bytes()).hexdigest() for n in stored}
    with sqlite3.connect(db) as conn:
        assert {r[0] for r in conn.execute("select sha256 from documents")} == expected
        orphans = conn.execute("select count(*) from budget_lines where document_id not in "
                               "(select id from documents)").fetchone()[0]
    assert orphans == 0
    assert {p.stem for p in (tmp_path / "raw").rglob("*") if p.is_file()} <= expected


def test_zip_bomb_is_stopped_at_the_memory_limit(corpus):
    root, _ = corpus
    with pytest.raises(LimitExceeded, match=r"zip-bomb\.docx: exceeded the 1024 MB memory limit"):
        process_file(root / "zip-bomb.docx", "sqlite:///:memory:", isolation=LIMITS)


def test_thousands_of_pages_are_stopped_at_the_time_limit(corpus):
    root, _ = corpus
    name = next(n for n in corpus[1] if n.startswith("blank-") and n.endswith("-pages.pdf"))
    # pdfium walks 5000 blank pages in ~0.4 s warm; a limit well below that.
    quick = IsolationSettings(time_limit_s=0.1, memory_limit_mb=LIMITS.memory_limit_mb)
    t0 = time.perf_counter()
    with pytest.raises(LimitExceeded, match=rf"{name}: exceeded the 0.1 s time limit"):
        process_file(root / name, "sqlite:///:memory:", isolation=quick)
    assert time.perf_counter() - t0 < 0.1 + SLACK_S


CLI_CASES = ["zero-pages.pdf", "nested-200-tables.docx", "image.docx", "trunc-50pct-luzhou-zfw-2024-final-accounts.pdf"]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_answers_bad_files_with_exit_2_and_one_line(corpus, tmp_path, monkeypatch, name):
    root, manifest = corpus
    assert manifest[name]["expect"] == "bad_input"
    monkeypatch.setenv("DISCLOSURES_RAW", str(tmp_path / "raw"))
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["extract", str(root / name), "--db", f"sqlite:///{db}",
                                      "--time-limit", "30"], catch_exceptions=False)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and name in lines[0]
    assert not db.exists() or sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0] == 0


def test_cli_process_refuses_the_zip_bomb(corpus, tmp_path):
    """A real ``disclosures extract`` process: the bomb costs it exit 2, not its life."""
    root, _ = corpus
    db = tmp_path / "bomb.db"
    done = subprocess.run([sys.executable, "-m", "disclosures.cli.app", "extract", str(root / "zip-bomb.docx"),
                           "--db", f"sqlite:///{db}", "--memory-limit", "1024", "--time-limit", "60"],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path,
                          env={**os.environ, "DISCLOSURES_RAW": str(tmp_path / "raw")})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "Error: zip-bomb.docx: exceeded the 1024 MB memory limit (during extract)"
    assert not db.exists() or sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0] == 0
