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


def researchers_commands() -> list[list[str]]:
    """The ``disclosures …`` lines of the researchers' shell block, without comments
    (as the shell reads them: ``#`` starts one only at the start of a word)."""
    import re
    import shlex

    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## For researchers", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(re.split(r"\s#", line, maxsplit=1)[0]) for line in block.splitlines()
            if line.startswith("disclosures ")]


def test_the_researchers_sequence_runs_as_written(tmp_path, monkeypatch):
    """Each command of the block, in order, in a fresh folder of a checkout
    (``browse`` serves until stopped: tests/research/test_browse.py runs it)."""
    from disclosures.cli.app import app
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURES_DB", raising=False)
    monkeypatch.delenv("DISCLOSURES_RAW", raising=False)
    (tmp_path / "fixtures").symlink_to(REPO / "fixtures")
    commands = researchers_commands()
    assert [c[1] for c in commands] == ["extract", "table", "table", "table", "fdp", "browse", "show"]
    results = {}
    for command in commands:
        if command[1] == "browse":
            continue
        result = CliRunner().invoke(app, command[1:])
        assert result.exit_code == 0, (command, result.output)
        results[command[1]] = result
    assert "page 3" in results["show"].stdout and "'939.21万元'" in results["show"].stdout
    assert (tmp_path / "box.png").is_file() and (tmp_path / "openspending" / "datapackage.json").is_file()
