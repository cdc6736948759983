"""The corpus evaluation (benchmarks/corpus_eval.py): its sums check and a real run.

The run goes over a small crawl-shaped folder built from committed fixtures —
one city with a real 绩效自评表 and an HTML page saved as .pdf (as the crawl
saves them), one hold-out city — as a subprocess, exactly as it is meant to be
run, and checks what it reports and what it keeps to itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import benchmarks_corpus_eval as corpus_eval

REPO = Path(__file__).resolve().parents[2]
SELF_EVALUATION = REPO / "fixtures/real/city-crawl/083_宁德/政府办公厅_2026年部门预算.pdf"


def line(code: str, amount: str, text: str, table: int = 3, component: str = "total") -> dict:
    return {"code": code, "fund": "general_budget", "measure": "budget", "component": component,
            "amount": amount, "text": text, "locator": f"table {table} / row 1 / col 2", "page": 1}


def test_a_table_reconciles_when_each_parent_is_the_sum_of_its_children_within_rounding():
    lines = [line("201", "220061600", "22,006.16", table=3),  # 万元 with two decimals: ±50 yuan a term
             line("20133", "220061600", "22,006.16", table=3),
             line("2013301", "34320200", "3,432.02", table=3),
             line("2013399", "185741500", "18,574.15", table=3),  # 100 yuan over: two terms of rounding
             line("205", "930000", "93.00", table=4), line("20508", "920000", "92.00", table=4)]
    assert corpus_eval.reconcile(lines) == (2, 1)  # table 4: 205 ≠ 20508 by 10,000 yuan


def test_lines_without_a_parent_and_child_are_not_a_checked_table():
    assert corpus_eval.reconcile([line("201", "1", "1"), line("205", "2", "2")]) == (0, 0)


def test_a_crawl_folder_is_evaluated_and_hold_out_files_stay_private(tmp_path):
    corpus = tmp_path / "crawl"
    (corpus / "001_dev").mkdir(parents=True)
    (corpus / "002_held").mkdir()
    shutil.copyfile(SELF_EVALUATION, corpus / "001_dev" / "自评表.pdf")
    (corpus / "001_dev" / "栏目页.pdf").write_text("<!DOCTYPE html><html><body>预算公开</body></html>",
                                                  encoding="utf-8")
    shutil.copyfile(SELF_EVALUATION, corpus / "002_held" / "秘密文件名.pdf")
    (corpus / "MANIFEST.tsv").write_text("file\tsha256\n", encoding="utf-8")
    holdout = tmp_path / "holdout.txt"
    holdout.write_text("# test\n002_held\n", encoding="utf-8")
    out = tmp_path / "eval.json"
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus_eval.py"), str(corpus),
                          "--holdout", str(holdout), "--json", str(out)],
                         check=False, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "秘密文件名" not in run.stdout + run.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "秘密文件名" not in json.dumps(report, ensure_ascii=False)
    assert sorted(d["file"] for d in report["documents"]) == ["001_dev/栏目页.pdf", "001_dev/自评表.pdf"]
    assert set(report["cities"]) == {"001_dev"}
    dev, held = report["groups"]["dev"], report["groups"]["holdout"]
    assert (dev["files"], held["files"]) == (2, 1)
    assert any("not a budget disclosure" in reason for reason in dev["failure_reasons"])  # classified
    html = next(d for d in report["documents"] if d["file"].endswith("栏目页.pdf"))
    assert html["score"]["failed"] and html["format"] == "html"
