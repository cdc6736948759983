"""`disclosures demo`: the mock portal's deliberate failures read as a summary, not a crash."""

from __future__ import annotations

from disclosures.cli.app import app
from typer.testing import CliRunner


def test_demo_summarizes_the_portals_deliberate_failures(prefect_api, workdir):
    result = CliRunner().invoke(app, ["demo", "--db", "sqlite:///demo.db"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Error" not in result.output
    summary = next(line for line in result.stderr.splitlines() if " loaded, " in line)
    # the column's PDF, its DOCX and the DOCX's correction; the PDF once more under another URL
    assert summary.startswith("3 loaded, 1 duplicate; 4 not loaded, as the mock portal intends: ")
    for reason in ("http_404", "disallowed", "not_a_document", "timeout"):
        assert reason in summary
    assert "documents loaded" in result.stdout and "three_public.total" in result.stdout
