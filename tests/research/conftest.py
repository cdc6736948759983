"""The bundled sample (the seed 决算 as Word and as PDF) loaded through the real
pipeline, once per session on SQLite as the reference, and per test on the
database of ``db_url`` (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / "fixtures" / "seed"
SEEDS = (SEED_DIR / "luzhou-zfw-2024-final-accounts.docx",
         SEED_DIR / "luzhou-zfw-2024-final-accounts.pdf")


@dataclass(frozen=True)
class Sample:
    url: str
    raw_dir: Path
    docx_id: int
    pdf_id: int
    docx_sha: str
    pdf_sha: str


def load_sample(url: str, raw_dir: Path) -> Sample:
    from disclosures.flows.pipeline import process_file

    docx, pdf = (process_file(path, url, raw_root=raw_dir) for path in SEEDS)
    return Sample(url, raw_dir, docx.document_id, pdf.document_id, docx.sha256, pdf.sha256)


@pytest.fixture(scope="session")
def reference(tmp_path_factory) -> Sample:
    """The sample in SQLite, loaded once: what every database must answer alike."""
    root = tmp_path_factory.mktemp("reference")
    return load_sample(f"sqlite:///{root / 'disclosures.db'}", root / "raw")


@pytest.fixture
def sample(db_url, tmp_path) -> Sample:
    """The sample in the test's own database (each of SQLite and PostgreSQL)."""
    return load_sample(db_url, tmp_path / "raw")


@pytest.fixture
def seed_files() -> tuple[Path, Path]:
    return SEEDS


@pytest.fixture
def cli():
    """The research commands registered on a command-line app the way cli/app.py does."""
    from disclosures.cli.contract import CliApp
    from disclosures.cli.research import COMMANDS
    from typer.testing import CliRunner

    app = CliApp()
    for name, command in COMMANDS.items():
        app.command(name)(command)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])
