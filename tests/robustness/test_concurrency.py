"""Processes storing into one database at once: the same file twice and a
different file, started together, on SQLite (one file) and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "fixtures" / "seed"
DOCX = SEED / "luzhou-zfw-2024-final-accounts.docx"
PDF = SEED / "luzhou-zfw-2024-final-accounts.pdf"
RECORD_TABLES = ("facts", "budget_lines", "projects", "indicators", "findings")


def extract_at_once(files: list[Path], db_url: str, workdir: Path) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "DISCLOSURES_RAW": str(workdir / "raw")}
    env.pop("PREFECT_API_URL", None)
    procs = [subprocess.Popen([sys.executable, "-m", "disclosures.cli.app", "extract", str(f), "--db", db_url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=workdir, env=env)
             for f in files]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_concurrent_extractions_keep_one_document_per_file_and_every_row(db_url, tmp_path):
    results = extract_at_once([DOCX, DOCX, PDF], db_url, tmp_path)
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "lock" not in r.stderr.lower()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        documents = conn.execute(text("select id, sha256, current_run_id from documents")).all()
        assert len(documents) == 2  # the same bytes twice are one document
        runs = conn.execute(text("select document_id, count(*) from extraction_runs group by document_id")).all()
        assert sorted(n for _, n in runs) == [1, 2]
        for doc_id, _sha, run_id in documents:
            planned = conn.execute(text(
                "select n_facts, n_budget_lines, n_projects, n_indicators, n_findings "
                "from extraction_runs where id = :r"), {"r": run_id}).one()
            stored = [conn.execute(text(f"select count(*) from {t} where document_id = :d"), {"d": doc_id}).scalar()
                      for t in RECORD_TABLES]
            # every row of the current run, and only those: none lost, none left from the other run
            assert stored == list(planned)
            assert planned[1] == 18 and planned[3] == 81
            stale = conn.execute(text("select count(*) from provenance where document_id = :d and run_id <> :r"),
                                 {"d": doc_id, "r": run_id}).scalar()
            assert stale == 0
    engine.dispose()
