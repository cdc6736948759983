"""The command line: exit codes, one-line errors, the JSON contract, idempotent re-extraction."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from disclosures.cli.app import app
from typer.testing import CliRunner

SCHEMA = Path(__file__).resolve().parents[2] / "db" / "export.schema.json"

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def rows(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_extract_json_validates_against_the_contract(workdir, seed_docx):
    result = invoke("extract", seed_docx, "--json", "-")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["document"]["format"] == "docx"
    assert data["document"]["fiscal_year"] == 2024
    assert data["document"]["kind"] == "final_accounts"
    assert (workdir / "disclosures.db").exists()


def test_extract_twice_keeps_one_copy_and_two_runs(workdir, seed_docx):
    assert invoke("extract", seed_docx).exit_code == 0
    db = workdir / "disclosures.db"
    first = {t: rows(db, f"select count(*) from {t}")[0][0]
             for t in ("facts", "budget_lines", "projects", "indicators", "findings", "provenance")}
    assert invoke("extract", seed_docx).exit_code == 0
    second = {t: rows(db, f"select count(*) from {t}")[0][0] for t in first}
    assert first == second
    assert first["budget_lines"] >= 18 and first["indicators"] >= 81
    assert rows(db, "select count(*) from documents")[0][0] == 1
    assert rows(db, "select count(*) from extraction_runs")[0][0] == 2


def test_export_matches_extract_json(workdir, seed_docx):
    extracted = json.loads(invoke("extract", seed_docx, "--json", "-").stdout)
    sha = extracted["document"]["sha256"]
    exported = json.loads(invoke("export", sha[:12]).stdout)
    assert exported == extracted


def test_reprocess_replaces_rows_from_the_raw_store(workdir, seed_docx):
    first = json.loads(invoke("extract", seed_docx, "--json", "-").stdout)
    result = invoke("reprocess", first["document"]["sha256"][:10])
    assert result.exit_code == 0, result.stderr
    db = workdir / "disclosures.db"
    assert rows(db, "select count(*) from extraction_runs")[0][0] == 2
    again = json.loads(invoke("export", first["document"]["sha256"]).stdout)
    assert again == first


def test_query_is_read_only(workdir, seed_docx):
    invoke("extract", seed_docx)
    ok = invoke("query", "select subject_code, amount from budget_lines where subject_code = '2013101'", "--csv")
    assert ok.exit_code == 0
    assert "2013101" in ok.stdout and "9392100" in ok.stdout
    refused = invoke("query", "delete from facts")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("Error: ")
    assert rows(workdir / "disclosures.db", "select count(*) from facts")[0][0] > 0


def docx_without_content(path):
    from docx import Document

    document = Document()
    document.add_paragraph("会议通知")
    document.add_paragraph("请各单位准时参加。")
    document.save(path)


def truncated_copy(src, dst):
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])


def encrypted_docx(dst):
    # What Word writes for a password-protected .docx: an OLE compound file
    # (magic D0 CF 11 E0) holding an EncryptedPackage stream, not a zip.
    dst.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
                    + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)


BAD_INPUTS = {
    "empty.docx": lambda p, seed: p.write_bytes(b""),
    "truncated.docx": lambda p, seed: truncated_copy(seed, p),
    "encrypted.docx": lambda p, seed: encrypted_docx(p),
    "pdf-renamed.docx": lambda p, seed: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "html-renamed.docx": lambda p, seed: p.write_text("<!DOCTYPE html><html><body>404 页面不存在</body></html>"),
    "no-content.docx": lambda p, seed: docx_without_content(p),
    "not-a-docx.docx": lambda p, seed: zipfile.ZipFile(p, "w").writestr("hello.txt", "hi"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(workdir, seed_docx, name):
    bad = workdir / name
    BAD_INPUTS[name](bad, seed_docx)
    result = invoke("extract", bad)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and name in lines[0]
    db = workdir / "disclosures.db"
    assert not db.exists() or rows(db, "select count(*) from documents")[0][0] == 0
    assert not (workdir / "raw").exists()


def test_console_script_runs_end_to_end(workdir, seed_docx):
    """The installed entry point, as a user runs it (separate process, real exit code)."""
    done = subprocess.run([sys.executable, "-m", "disclosures.cli.app", "extract", str(seed_docx)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "18 budget lines" in done.stderr and "81 indicators" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "disclosures.cli.app", "extract", "nope.pdf"],
                             capture_output=True, text=True, timeout=300, check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "Error: nope.pdf: no such file"


# every command that opens the database, with the arguments it needs besides --db
DATABASE_COMMANDS = {
    "extract": ["{seed}"], "export": ["1"], "reprocess": ["1"], "query": ["select 1"],
    "check": ["1"], "review": [], "map": ["subject", "行政运行", "2013101"],
    "survey": ["{folder}"], "table": ["v_facts"], "fdp": ["{out}"], "browse": [],
    "show": ["budget_lines:1"],
}


@pytest.mark.parametrize("command", sorted(DATABASE_COMMANDS))
def test_an_unsupported_database_is_one_error_line_and_exit_2(workdir, seed_docx, command):
    folder = workdir / "folder"
    folder.mkdir()
    (folder / seed_docx.name).write_bytes(seed_docx.read_bytes())
    args = [a.format(seed=seed_docx, folder=folder, out=workdir / "fdp") for a in DATABASE_COMMANDS[command]]
    result = runner.invoke(app, [command, *args, "--db", "mysql://x/y"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == \
        "Error: mysql://x/y: only SQLite (sqlite:///FILE) and PostgreSQL " \
        "(postgresql+psycopg://USER@HOST/DB) are supported"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not list(workdir.glob("*.db"))


def test_unsupported_database_through_the_installed_script(workdir):
    done = subprocess.run([sys.executable, "-m", "disclosures.cli.app", "query", "--db", "mysql://x/y",
                           "select 1"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: mysql://x/y: only SQLite") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


PREFECT_PROBE = """
import sys
from disclosures.cli.app import main
loaded = lambda: sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect."))
assert loaded() == [], loaded()
sys.argv = ["disclosures", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
print(len(loaded()))
"""


def test_extract_without_prefect_does_not_import_it(workdir, seed_docx, monkeypatch):
    """Importing Prefect costs seconds, more than processing a document: the CLI and
    the plain ``extract`` path must not load it (``--prefect`` does)."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    done = subprocess.run([sys.executable, "-c", PREFECT_PROBE, "extract", str(seed_docx)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", done.stdout
    assert "18 budget lines" in done.stderr
