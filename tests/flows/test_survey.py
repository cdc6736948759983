"""`disclosures survey`: a folder on two worker processes, with progress, stored by one writer."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from disclosures.cli.app import app
from disclosures.flows.survey import survey
from typer.testing import CliRunner

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


def folder_of_three(root: Path) -> Path:
    """The seed as Word and PDF (one in a subfolder) and a truncated PDF."""
    folder = root / "crawl"
    (folder / "sub").mkdir(parents=True)
    docx = SEED / "luzhou-zfw-2024-final-accounts.docx"
    pdf = SEED / "luzhou-zfw-2024-final-accounts.pdf"
    (folder / docx.name).write_bytes(docx.read_bytes())
    (folder / "sub" / pdf.name).write_bytes(pdf.read_bytes())
    (folder / "broken.pdf").write_bytes(pdf.read_bytes()[:2000])
    return folder


class Recorder:
    """A ``flows.survey.Progress`` that remembers what it was told."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running: set[str] = set()
        self.most_at_once = 0
        self.finished_items: list[tuple[str, int, int]] = []

    def started(self, name):
        with self.lock:
            self.running.add(name)
            self.most_at_once = max(self.most_at_once, len(self.running))

    def finished(self, survey, item, total):
        with self.lock:
            self.running.discard(item.name)
            self.finished_items.append((item.name, len(survey.files), total))


def test_two_workers_process_the_folder_and_one_writer_stores_it(tmp_path):
    folder = folder_of_three(tmp_path)
    db = tmp_path / "survey.db"
    seen = Recorder()
    result = survey(folder, f"sqlite:///{db}", workers=2, progress=seen)

    assert result.workers == 2
    assert [f.name for f in result.done] == ["luzhou-zfw-2024-final-accounts.docx",
                                             "sub/luzhou-zfw-2024-final-accounts.pdf"]
    [broken] = result.failed
    assert broken.name == "broken.pdf" and "broken.pdf" in broken.error
    assert result.pages == result.done[1].outcome.pages > 0  # the Word file has no pages
    assert result.pages_per_second() > 0
    assert seen.most_at_once >= 2  # files extracted in their children at once
    assert sorted(n for n, _, _ in seen.finished_items) == sorted(f.name for f in result.files)
    assert [(done, total) for _, done, total in seen.finished_items] == [(1, 3), (2, 3), (3, 3)]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from documents where current_run_id is not null").fetchone() == (2,)


def test_survey_command_shows_progress_and_throughput(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCLOSURES_RAW", str(tmp_path / "raw"))
    folder = folder_of_three(tmp_path)
    result = CliRunner().invoke(app, ["survey", str(folder), "--workers", "2", "--db", "sqlite:///s.db"])
    assert result.exit_code == 0, result.output
    assert "3/3" in result.stderr  # the progress bar: files done of all
    assert "failed: broken.pdf: " in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("2 documents, ") and " pages, 1 failed in " in last
    assert last.endswith(" pages/s") and "with 2 workers" in last


def test_an_empty_folder_is_bad_input(tmp_path):
    result = CliRunner().invoke(app, ["survey", str(tmp_path), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {tmp_path}: no PDF or DOCX files"
