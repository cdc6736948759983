"""A public view as typed rows, written as CSV, Parquet or JSONL (``disclosures table``).

Everything reads the public views of ``db/views.py``, never the tables, so
what a researcher exports is what ``docs/views.md`` documents. Values are
typed by the view's column types whichever database returned them.
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from disclosures.db.engine import MissingDependency, get_engine
from disclosures.db.query import QueryError, run_readonly
from disclosures.db.questions import sql_literal
from disclosures.db.views import AMOUNT, FLOAT, INTEGER, RATIO, View, get_view


def require(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(f"{module} is not installed: pip install -e '.[{extra}]'") from exc


# -- typed rows -------------------------------------------------------------------------

def column_value(value: Any, kind: str) -> Any:
    """One value as its column's type says, whichever database returned it: SQLite
    gives an integral NUMERIC back as int and a fraction as float, PostgreSQL a Decimal."""
    if value is None:
        return None
    if kind == INTEGER:
        return int(value)
    if kind == FLOAT:
        return float(value)
    if kind.startswith("decimal"):
        scale = int(kind.rstrip(")").split(",")[1])
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-scale))
    return str(value)


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    region: str | None = None
    org: str | None = None
    kind: str | None = None

    def conditions(self, view: View) -> list[str]:
        wanted = {"fiscal_year": self.year, "region": self.region, "organization": self.org,
                  "kind": self.kind}
        names = {c.name for c in view.columns}
        out = []
        for column, value in wanted.items():
            if value is None:
                continue
            if column not in names:
                raise QueryError(f"{view.name} has no {column} column to filter on")
            out.append(f"{column} = {sql_literal(value)}")
        return out


NO_FILTERS = Filters()


def view_query(view: View, filters: Filters) -> str:
    where = filters.conditions(view)
    order = view.columns[0].name
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT * FROM {view.name}{clause} ORDER BY {order}"


def read_view(engine, view_name: str, filters: Filters = NO_FILTERS) -> tuple[View, list[dict]]:
    """The rows of a public view, typed by ``db.views.COLUMN_TYPES``."""
    view = get_view(view_name)
    columns, rows = run_readonly(engine, view_query(view, filters))
    kinds = {c.name: c.type for c in view.columns}
    return view, [{name: column_value(v, kinds[name]) for name, v in zip(columns, row, strict=True)}
                  for row in rows]


# -- writing tables ---------------------------------------------------------------------------

FORMATS = ("csv", "parquet", "jsonl")


def text_cell(value: Any) -> str:
    return "" if value is None else str(value)


def json_cell(value: Any) -> Any:
    """Exact decimals as JSON numbers, as the ``disclosures/1`` export writes them."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_csv(view: View, rows: list[dict], target, bom: bool) -> None:
    if bom:
        # Excel on Windows reads a BOM-less UTF-8 CSV as the ANSI code page (GBK in China)
        target.write("\ufeff")
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow([c.name for c in view.columns])
    for row in rows:
        writer.writerow([text_cell(row[c.name]) for c in view.columns])


def write_jsonl(view: View, rows: list[dict], target) -> None:
    for row in rows:
        target.write(json.dumps({c.name: json_cell(row[c.name]) for c in view.columns},
                                ensure_ascii=False) + "\n")


def arrow_schema(view: View):
    pa = require("pyarrow", "research")

    def arrow_type(kind: str):
        if kind == INTEGER:
            return pa.int64()
        if kind == FLOAT:
            return pa.float64()
        if kind in (AMOUNT, RATIO):
            precision, scale = kind[len("decimal("):-1].split(",")
            return pa.decimal128(int(precision), int(scale))
        return pa.string()

    return pa.schema([pa.field(c.name, arrow_type(c.type)) for c in view.columns])


def write_parquet(view: View, rows: list[dict], path: Path) -> None:
    pa = require("pyarrow", "research")
    pq = require("pyarrow.parquet", "research")
    schema = arrow_schema(view)
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)


def export_view(engine, view_name: str, fmt: str, output: Path | None, filters: Filters = NO_FILTERS,
                bom: bool = False) -> int:
    """Write a public view as CSV, Parquet or JSONL to ``output`` (stdout for None,
    except Parquet); the number of rows written."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise QueryError("Parquet is binary: give --output FILE")
    if fmt == "parquet":
        require("pyarrow", "research")
    view, rows = read_view(engine, view_name, filters)
    if fmt == "parquet" and output is not None:
        write_parquet(view, rows, output)
        return len(rows)
    encoding = "utf-8"
    if output is None:
        target = sys.stdout
        write_text_table(view, rows, fmt, target, bom)
    else:
        with open(output, "w", encoding=encoding, newline="") as target:
            write_text_table(view, rows, fmt, target, bom)
    return len(rows)


def write_text_table(view: View, rows: list[dict], fmt: str, target, bom: bool) -> None:
    if fmt == "csv":
        write_csv(view, rows, target, bom)
    else:
        write_jsonl(view, rows, target)



@dataclass(frozen=True)
class Written:
    view: str
    rows: int
    output: Path | None


def table(view: str, format: str = "csv", output: Path | None = None, year: int | None = None,
          region: str | None = None, org: str | None = None, kind: str | None = None,
          bom: bool = False, db: str | None = None) -> Written:
    """Write the public ``view`` of the database ``db`` as ``format`` to ``output``
    (stdout for None, except Parquet), filtered by fiscal year, region,
    organization and kind; ``bom`` starts a CSV with a UTF-8 BOM for Excel."""
    filters = Filters(year, region, org, kind)
    n = export_view(get_engine(db), view, format, output, filters, bom)
    return Written(get_view(view).name, n, output)
