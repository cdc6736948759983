"""`disclosures table`: CSV, Parquet and JSONL of the same view hold the same rows."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from disclosures.db.views import get_view


def csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_parquet_and_csv_hold_the_same_rows(reference, cli, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    for view in ("v_budget_lines", "v_indicators", "v_findings"):
        result = cli("table", view, "--output", tmp_path / f"{view}.csv", "--db", reference.url)
        assert result.exit_code == 0, result.output
        result = cli("table", view, "--format", "parquet", "--output", tmp_path / f"{view}.parquet",
                     "--db", reference.url)
        assert result.exit_code == 0, result.output
        header, *rows = csv_rows(tmp_path / f"{view}.csv")
        table = pq.read_table(tmp_path / f"{view}.parquet")
        assert table.column_names == header == [c.name for c in get_view(view).columns]
        parquet_rows = [["" if v is None else str(v) for v in row.values()]
                        for row in table.to_pylist()]
        assert parquet_rows == rows
        assert len(rows) > 0


def test_parquet_keeps_exact_types(reference, cli, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "lines.parquet"
    assert cli("table", "budget_lines", "--format", "parquet", "-o", out, "--db", reference.url).exit_code == 0
    table = pq.read_table(out)
    assert table.schema.field("amount").type == pa.decimal128(18, 2)
    assert table.schema.field("fiscal_year").type == pa.int64()
    amounts = {r["subject_code"]: r["amount"] for r in table.to_pylist() if r["document_id"] == reference.pdf_id}
    assert amounts["2013101"] == Decimal("9392100.00")


def test_csv_filters_bom_and_jsonl(reference, cli, tmp_path):
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert cli("table", "v_facts", "-o", plain, "--year", 2024, "--db", reference.url).exit_code == 0
    assert cli("table", "v_facts", "-o", excel, "--bom", "--org", "泸州市委政法委",
               "--db", reference.url).exit_code == 0
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    assert csv_rows(plain) == csv_rows(excel)
    assert len(csv_rows(plain)) == 1 + 144  # 72 facts in each format of the seed
    none = tmp_path / "none.csv"
    assert cli("table", "v_facts", "-o", none, "--year", 2023, "--db", reference.url).exit_code == 0
    assert len(csv_rows(none)) == 1
    result = cli("table", "v_facts", "--format", "jsonl", "--kind", "final_accounts", "--db", reference.url)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    staff = [r for r in lines if r["key"] == "staff.authorized"]
    assert [r["value"] for r in staff] == [50, 50]
    assert len(lines) == 144


def test_table_refuses_what_it_cannot_do(reference, cli):
    result = cli("table", "v_nothing", "--db", reference.url)
    assert result.exit_code == 2 and "not a public view" in result.output
    result = cli("table", "v_provenance", "--year", 2024, "--db", reference.url)
    assert result.exit_code == 2 and "no fiscal_year column" in result.output
    result = cli("table", "v_facts", "--format", "parquet", "--db", reference.url)
    assert result.exit_code == 2 and "--output" in result.output
