"""The generated documentation matches the code it is generated from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from disclosures.db.questions import QUESTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def build_docs():
    spec = importlib.util.spec_from_file_location("build_docs", DOCS / "build_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_views_reference_is_up_to_date():
    assert (DOCS / "views.md").read_text(encoding="utf-8") == build_docs().views_markdown()


def test_worked_questions_in_the_guide_are_the_tested_ones(reference):
    """The guide shows each question's SQL and the result it gives on the sample
    (rerun docs/build_docs.py after a change to the pipeline's output)."""
    text = (DOCS / "for-researchers.md").read_text(encoding="utf-8")
    for question in QUESTIONS:
        assert question.sql in text, question.name
    assert text == build_docs().researchers_markdown(reference.url)


def test_cli_reference_is_up_to_date():
    """docs/cli.md is generated from the commands' --help (rerun docs/build_docs.py
    after changing a command); like sqlite-utils' cog check."""
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == build_docs().cli_markdown()


def test_every_command_is_in_the_cli_reference():
    import typer
    from disclosures.cli.app import app

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [name for name in typer.main.get_command(app).commands
               if f"## `disclosures {name}`" not in text]
    assert missing == []
