"""`disclosures fdp`: a Fiscal Data Package of the budget lines that validates."""

from __future__ import annotations

import csv
import json

import pytest
from disclosures.db.engine import get_engine
from disclosures.db.fdp import fdp_structure_problems, validate_fdp, write_fdp
from disclosures.normalizers.subjects import subject_name


def test_fdp_validates_and_keeps_only_summable_lines(reference, tmp_path):
    # the vocabulary names the 款 the seed prints no line for (the command passes it too)
    result = write_fdp(get_engine(reference.url), tmp_path, level_names=subject_name)
    assert result.problems == []
    # each seed document: 18 lines, of which the 4 类 lines have 项 lines beneath them
    assert (result.rows, result.skipped_parents, result.skipped_unresolved) == (28, 8, 0)
    with open(tmp_path / "data" / "budget-lines.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = {r["code"] for r in rows}
    assert "201" not in codes and "2013101" in codes
    item = next(r for r in rows if r["code"] == "2013101" and r["sha256"] == reference.pdf_sha)
    assert (item["class_code"], item["class_name"], item["kuan_code"], item["kuan_name"],
            item["xiang_code"], item["executed"]) == \
        ("201", "一般公共服务支出", "20131", "党委办公厅（室）及相关机构事务", "2013101", "9392100.00")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    functional = descriptor["model"]["dimensions"]["functional-classification"]
    assert functional["classificationType"] == "functional"
    assert functional["attributes"]["xiang_code"]["parent"] == "kuan_code"
    assert descriptor["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_without_a_vocabulary_level_names_are_the_documents_own(reference, tmp_path):
    write_fdp(get_engine(reference.url), tmp_path)
    with open(tmp_path / "data" / "budget-lines.csv", encoding="utf-8") as f:
        item = next(r for r in csv.DictReader(f) if r["code"] == "2013101" and r["sha256"] == reference.pdf_sha)
    assert (item["class_name"], item["kuan_code"], item["kuan_name"]) == ("一般公共服务支出", "20131", "")


def test_structure_check_catches_a_broken_model(reference, tmp_path):
    write_fdp(get_engine(reference.url), tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    functional = descriptor["model"]["dimensions"]["functional-classification"]["attributes"]
    functional["kuan_code"]["parent"] = "chapter"
    descriptor["model"]["measures"]["executed"]["currency"] = "yuan"
    descriptor["model"]["measures"]["approved"]["source"] = "budget"
    problems = fdp_structure_problems(descriptor)
    assert any("parent 'chapter'" in p for p in problems)
    assert any("currency 'yuan'" in p for p in problems)
    assert any("source 'budget'" in p for p in problems)


def test_frictionless_checks_the_data(reference, tmp_path):
    pytest.importorskip("frictionless")
    write_fdp(get_engine(reference.url), tmp_path)
    data = tmp_path / "data" / "budget-lines.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")  # a duplicate row
    validator, problems = validate_fdp(tmp_path)
    assert "frictionless" in validator
    assert any("primary key" in p for p in problems)


def test_fdp_command(reference, cli, tmp_path):
    result = cli("fdp", tmp_path / "pkg", "--db", reference.url)
    assert result.exit_code == 0, result.output
    assert "28 rows" in result.output
    assert (tmp_path / "pkg" / "datapackage.json").is_file()
