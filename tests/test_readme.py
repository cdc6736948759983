"""The README is the first thing a user runs and reads: keep it true."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_opens_with_the_two_setup_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "```sh"
    assert lines[1] == "pip install -e . && disclosures demo"
    assert lines[2] == "pip install -e '.[dev]' && python -m pytest"
    assert "pip install -e '.[dev]' && python -m pytest" in (REPO / ".ci" / "run").read_text()


def test_researchers_section_is_the_generated_guide():
    """docs/for-researchers.md is generated (docs/build_docs.py) and its queries run in
    tests/research; the README carries the same text."""
    guide = (REPO / "docs" / "for-researchers.md").read_text(encoding="utf-8").split("\n", 1)[1].strip()
    assert guide in (REPO / "README.md").read_text(encoding="utf-8")
