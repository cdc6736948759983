"""Researchers' commands: ``table``, ``fdp``, ``browse`` and ``show``.

The four command functions at the bottom are what ``cli/app.py`` registers
(``app.command()(table)`` …): they parse, call the library functions above
them, print, and turn ``ResearchError`` into one ``Error: …`` line with exit
status 2 (the caller's mistake) or 1 (a missing optional dependency).

Everything reads the public views of ``db/views.py``, never the tables, so
what a researcher exports is what ``docs/views.md`` documents. ``QUESTIONS``
are the worked research questions: the same SQL is a canned query in
``browse``, a worked example in ``docs/for-researchers.md`` and a test on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from disclosures.db.views import AMOUNT, FLOAT, INTEGER, RATIO, VIEWS, View, get_view
from disclosures.model.errors import BadInput, Failure
from rich.console import Console

err = Console(stderr=True)


class ResearchError(BadInput):
    """A request the researchers' commands cannot answer; the message says why."""


class MissingDependency(Failure):
    """An optional package (pyarrow, datasette, frictionless) is not installed."""


def require(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(f"{module} is not installed: pip install 'disclosures[{extra}]'") from exc


# -- worked questions ---------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    name: str
    title_en: str
    title_zh: str
    description: str
    sql: str
    # named parameters (``:name`` in the SQL) with the example value the docs and tests use
    params: dict[str, str] = field(default_factory=dict)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "three_public_by_department", "三公经费 by department and year, with the change",
        "各部门各年度“三公”经费及增减",
        "The stated total, the change and change percent the document states against the "
        "prior year, and the change computed from the prior year's own disclosure when the "
        "database holds it.",
        """SELECT t.organization, t.fiscal_year, t.value AS three_public_yuan,
       c.value AS change_stated_yuan, cp.value AS change_pct_stated,
       t.value - (SELECT MIN(prev.value) FROM v_facts prev
                  WHERE prev.key = 'three_public.total' AND prev.kind = t.kind
                    AND prev.organization = t.organization
                    AND prev.fiscal_year = t.fiscal_year - 1) AS change_vs_prior_document,
       SUBSTR(t.sha256, 1, 12) AS document
FROM v_facts t
LEFT JOIN v_facts c ON c.document_id = t.document_id AND c.key = 'three_public.total.change'
LEFT JOIN v_facts cp ON cp.document_id = t.document_id AND cp.key = 'three_public.total.change_pct'
WHERE t.key = 'three_public.total'
ORDER BY t.organization, t.fiscal_year, t.sha256"""),
    Question(
        "admin_operation_per_staff", "行政运行 spending per authorized staff member",
        "每个编制的行政运行支出",
        "行政运行 (the 项 of every 款 that pays for running the office) from the 决算, "
        "divided by the authorized headcount (staff.authorized).",
        """SELECT b.organization, b.fiscal_year, b.subject_code, b.amount AS admin_operation_yuan,
       s.value AS authorized_staff,
       ROUND(CAST(CAST(b.amount AS DOUBLE PRECISION) / NULLIF(s.value, 0) AS NUMERIC), 2)
         AS yuan_per_staff,
       SUBSTR(b.sha256, 1, 12) AS document
FROM v_budget_lines b
JOIN v_facts s ON s.document_id = b.document_id AND s.key = 'staff.authorized'
WHERE b.subject_name = '行政运行' AND b.measure = 'actual' AND b.component = 'total'
ORDER BY b.organization, b.fiscal_year, b.subject_code, b.sha256"""),
    Question(
        "documents_with_errors", "Documents with error findings", "存在错误级校验问题的文档",
        "Which documents do not add up, by rule: the count of error findings and one example.",
        """SELECT f.organization, f.fiscal_year, d.format, f.rule, COUNT(*) AS n_errors,
       MIN(f.message) AS example
FROM v_findings f JOIN v_documents d ON d.document_id = f.document_id
WHERE f.severity = 'error'
GROUP BY f.organization, f.fiscal_year, d.format, f.rule
ORDER BY f.organization, f.fiscal_year, d.format, n_errors DESC, f.rule"""),
    Question(
        "subject_across_departments", "One subject across all departments",
        "同一功能分类科目在各部门的支出",
        "Every department's amount for one 支出功能分类科目 (by its canonical name), "
        "by fund, measure and component.",
        """SELECT b.organization, b.fiscal_year, b.subject_code, b.subject_name, b.fund, b.measure,
       b.component, b.amount, b.page, b.source_text, SUBSTR(b.sha256, 1, 12) AS document
FROM v_budget_lines b
WHERE b.subject_name = :subject_name
ORDER BY b.organization, b.fiscal_year, b.subject_code, b.measure, b.sha256""",
        {"subject_name": "住房公积金"}),
    Question(
        "projects_below_target", "Projects that spent less than 95% of their budget",
        "预算执行率低于95%的项目",
        "Projects of the 绩效自评表 with the execution rate they state, the rate recomputed from "
        "executed / adjusted budget, and their total score.",
        """SELECT p.organization, p.fiscal_year, p.name, p.budget_adjusted, p.executed,
       p.execution_rate, p.execution_rate_computed, p.total_score, p.page,
       SUBSTR(p.sha256, 1, 12) AS document
FROM v_projects p
WHERE p.execution_rate_computed < 95
ORDER BY p.organization, p.fiscal_year, p.execution_rate_computed, p.name, p.sha256"""),
)


def get_question(name: str) -> Question:
    for q in QUESTIONS:
        if q.name == name:
            return q
    raise ResearchError(f"no question named {name!r}")


def sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def bind_literals(sql: str, params: dict[str, Any]) -> str:
    """``sql`` with each ``:name`` replaced by the quoted literal of ``params[name]``.

    ``db.query.run_readonly`` runs one statement on the driver's own cursor
    without parameters (so a ``%`` in a LIKE survives psycopg); the read-only
    connection is the guard, quoting is only for correctness."""
    def literal(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise ResearchError(f"the query needs a value for :{name}")
        return sql_literal(params[name])

    return _PARAM.sub(literal, sql)


def question_sql(question: Question, params: dict[str, Any] | None = None) -> str:
    return bind_literals(question.sql, {**question.params, **(params or {})})


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
                raise ResearchError(f"{view.name} has no {column} column to filter on")
            out.append(f"{column} = {sql_literal(value)}")
        return out


def view_query(view: View, filters: Filters) -> str:
    where = filters.conditions(view)
    order = view.columns[0].name
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT * FROM {view.name}{clause} ORDER BY {order}"


def read_view(engine, view_name: str, filters: Filters = Filters()) -> tuple[View, list[dict]]:
    """The rows of a public view, typed by ``db.views.COLUMN_TYPES``."""
    from disclosures.db.query import run_readonly

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


def export_view(engine, view_name: str, fmt: str, output: Path | None, filters: Filters = Filters(),
                bom: bool = False) -> int:
    """Write a public view as CSV, Parquet or JSONL to ``output`` (stdout for None,
    except Parquet); the number of rows written."""
    if fmt not in FORMATS:
        raise ResearchError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise ResearchError("Parquet is binary: give --output FILE")
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


# -- Fiscal Data Package ---------------------------------------------------------------------

# FDP 0.3 measure phases for our measures (spec: proposed, approved, adjusted, executed)
PHASES = {"budget": "approved", "adjusted_budget": "adjusted", "actual": "executed"}
FDP_RESOURCE = "budget-lines"
FDP_PATH = "data/budget-lines.csv"
FDP_KEY = ("document_id", "code", "fund", "component")
FDP_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("document_id", "integer", "Stored document id (v_budget_lines.document_id)."),
    ("sha256", "string", "SHA-256 of the original file."),
    ("source_url", "string", "Where the file was fetched."),
    ("organization", "string", "Reporting unit as written (部门)."),
    ("org_id", "string", "Stable id of the publishing unit."),
    ("region", "string", "City or county (地区)."),
    ("fiscal_year", "integer", "Fiscal year (年度)."),
    ("kind", "string", "final_accounts (决算) or budget (预算)."),
    ("fund", "string", "Source of funds (资金来源)."),
    ("component", "string", "total, basic, project, personnel or public (支出构成)."),
    ("code", "string", "支出功能分类科目 code of the line: its most detailed level."),
    ("name", "string", "Canonical name of the code."),
    ("class_code", "string", "类 code."),
    ("class_name", "string", "类 name."),
    ("kuan_code", "string", "款 code."),
    ("kuan_name", "string", "款 name."),
    ("xiang_code", "string", "项 code."),
    ("xiang_name", "string", "项 name."),
    ("executed", "number", "决算数, yuan."),
    ("approved", "number", "年初预算数, yuan."),
    ("adjusted", "number", "调整预算数, yuan."),
)


@dataclass
class FdpResult:
    path: Path
    rows: int
    skipped_unresolved: int
    skipped_parents: int
    problems: list[str]
    validator: str


def leaf_lines(lines: list[dict]) -> tuple[list[dict], int, int]:
    """The lines an aggregating tool may sum: resolved codes with no more detailed
    line of the same document, fund, measure and component beneath them — a 类
    line and its 项 lines are all stored, and summing both would count twice."""
    resolved = [line for line in lines if line["subject_code"]]
    codes: dict[tuple, set[str]] = {}
    for line in resolved:
        group = (line["document_id"], line["fund"], line["measure"], line["component"])
        codes.setdefault(group, set()).add(line["subject_code"])
    leaves = []
    for line in resolved:
        group = (line["document_id"], line["fund"], line["measure"], line["component"])
        code = line["subject_code"]
        if not any(other != code and other.startswith(code) for other in codes[group]):
            leaves.append(line)
    return leaves, len(lines) - len(resolved), len(resolved) - len(leaves)


def level_label(code: str | None, year: int | None, same_document: str | None) -> str | None:
    """The name of a 类/款/项 code: the vocabulary's name for the year, else the
    document's own (a code the vocabulary does not list yet)."""
    if code is None:
        return None
    from disclosures.normalizers.subjects import function_catalogue

    catalogue = function_catalogue()
    if code in catalogue.by_code:
        return catalogue.name_for_year(code, year)
    return same_document


def fdp_rows(lines: list[dict]) -> list[dict]:
    """One row per (document, code, fund, component) with a measure column per phase."""
    rows: dict[tuple, dict] = {}
    for line in lines:
        key = tuple(line["subject_code"] if k == "code" else line[k] for k in FDP_KEY)
        year = line["fiscal_year"]
        row = rows.setdefault(key, {
            "document_id": line["document_id"], "sha256": line["sha256"],
            "source_url": line["source_url"], "organization": line["organization"],
            "org_id": line["org_id"], "region": line["region"], "fiscal_year": year,
            "kind": line["kind"], "fund": line["fund"], "component": line["component"],
            "code": line["subject_code"], "name": line["subject_name"],
            "class_code": line["class_code"],
            "class_name": level_label(line["class_code"], year, line["class_name"]),
            "kuan_code": line["kuan_code"],
            "kuan_name": level_label(line["kuan_code"], year, line["kuan_name"]),
            "xiang_code": line["xiang_code"],
            "xiang_name": level_label(line["xiang_code"], year, line["xiang_name"]),
            "executed": None, "approved": None, "adjusted": None,
        })
        phase = PHASES.get(line["measure"])
        if phase is not None and row[phase] is None:
            row[phase] = line["amount"]
    return list(rows.values())


def fdp_descriptor(n_rows: int, years: list[int]) -> dict:
    def attr(source: str, **extra) -> dict:
        return {"source": source, "resource": FDP_RESOURCE, **extra}

    descriptor: dict[str, Any] = {
        "name": "disclosures-budget-lines",
        "title": "部门决算/预算 支出功能分类 — budget lines by government function",
        "description": (
            "Amounts by 支出功能分类科目 (government function classification) extracted from "
            "Chinese departmental budget and final-accounts disclosures by `disclosures`. Only the "
            "most detailed line of each branch is included, so amounts can be summed; "
            f"{n_rows} rows. Amounts in yuan."),
        "profiles": {"fiscal": "*", "tabular": "*"},
        "countryCode": "CN",
        "granularity": "aggregated",
        "resources": [{
            "name": FDP_RESOURCE, "path": FDP_PATH, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [{"name": n, "type": t, "description": d} for n, t, d in FDP_FIELDS],
                "primaryKey": list(FDP_KEY),
            },
        }],
        "model": {
            "measures": {
                phase: {"source": phase, "resource": FDP_RESOURCE, "currency": "CNY", "factor": 1,
                        "direction": "expenditure", "phase": phase}
                for phase in ("executed", "approved", "adjusted")
            },
            "dimensions": {
                "functional-classification": {
                    "attributes": {
                        "code": attr("code"),
                        "name": attr("name", labelfor="code"),
                        "class_code": attr("class_code"),
                        "class_name": attr("class_name", labelfor="class_code"),
                        "kuan_code": attr("kuan_code", parent="class_code"),
                        "kuan_name": attr("kuan_name", labelfor="kuan_code"),
                        "xiang_code": attr("xiang_code", parent="kuan_code"),
                        "xiang_name": attr("xiang_name", labelfor="xiang_code"),
                    },
                    "primaryKey": ["code"],
                    "dimensionType": "classification",
                    "classificationType": "functional",
                },
                "organization": {
                    "attributes": {"organization": attr("organization"), "org_id": attr("org_id")},
                    "primaryKey": ["organization"], "dimensionType": "entity",
                },
                "region": {"attributes": {"region": attr("region")}, "primaryKey": ["region"],
                           "dimensionType": "location"},
                "fiscal-year": {"attributes": {"year": attr("fiscal_year")}, "primaryKey": ["year"],
                                "dimensionType": "datetime"},
                "fund": {"attributes": {"fund": attr("fund")}, "primaryKey": ["fund"],
                         "dimensionType": "classification", "classificationType": "economic"},
                "component": {"attributes": {"component": attr("component")},
                              "primaryKey": ["component"], "dimensionType": "other"},
                "document": {"attributes": {"document_id": attr("document_id"),
                                            "sha256": attr("sha256"), "kind": attr("kind"),
                                            "source_url": attr("source_url")},
                             "primaryKey": ["document_id"], "dimensionType": "fact"},
            },
        },
    }
    if len(set(years)) == 1:
        year = years[0]
        # China's fiscal year is the calendar year (预算法 第十八条)
        descriptor["fiscalPeriod"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    return descriptor


FDP_DIMENSION_TYPES = {"datetime", "entity", "classification", "activity", "fact", "location", "other"}
FDP_CLASSIFICATION_TYPES = {"functional", "administrative", "economic"}
FDP_MEASURE_PHASES = {"proposed", "approved", "adjusted", "executed"}


def fdp_structure_problems(descriptor: dict) -> list[str]:
    """The Fiscal Data Package 0.3 rules a descriptor must meet (spec "The Descriptor",
    "Measures", "Dimensions"), checked by hand: the published JSON schema cannot be
    fetched here and frictionless v5 ships no fiscal profile."""
    problems = [f"missing {k}" for k in ("name", "title", "resources", "model") if k not in descriptor]
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    fields = {name: {f["name"] for f in r.get("schema", {}).get("fields", [])}
              for name, r in resources.items()}
    first = next(iter(resources), None)
    model = descriptor.get("model", {})
    measures, dimensions = model.get("measures", {}), model.get("dimensions", {})
    if not measures:
        problems.append("model.measures is empty")
    if not dimensions:
        problems.append("model.dimensions is empty")

    def source_problem(where: str, spec: dict) -> str | None:
        if "constant" in spec:
            return None
        resource = spec.get("resource", first)
        if spec.get("source") not in fields.get(resource, set()):
            return f"{where}: source {spec.get('source')!r} is not a field of resource {resource!r}"
        return None

    for name, m in measures.items():
        problems += [p for p in [source_problem(f"measure {name}", m)] if p]
        if not re.fullmatch(r"[A-Z]{3}", str(m.get("currency", ""))):
            problems.append(f"measure {name}: currency {m.get('currency')!r} is not ISO 4217")
        if "phase" in m and m["phase"] not in FDP_MEASURE_PHASES:
            problems.append(f"measure {name}: phase {m['phase']!r}")
    for name, d in dimensions.items():
        attributes = d.get("attributes", {})
        if not attributes:
            problems.append(f"dimension {name}: no attributes")
        for a_name, a in attributes.items():
            problems += [p for p in [source_problem(f"dimension {name}.{a_name}", a)] if p]
            for ref in ("parent", "labelfor"):
                if ref in a and a[ref] not in attributes:
                    problems.append(f"dimension {name}.{a_name}: {ref} {a[ref]!r} is not an attribute")
        key = d.get("primaryKey")
        keys = [key] if isinstance(key, str) else key or []
        if not keys or any(k not in attributes for k in keys):
            problems.append(f"dimension {name}: primaryKey {key!r} must name its attributes")
        if "dimensionType" in d and d["dimensionType"] not in FDP_DIMENSION_TYPES:
            problems.append(f"dimension {name}: dimensionType {d['dimensionType']!r}")
        if "classificationType" in d and d["classificationType"] not in FDP_CLASSIFICATION_TYPES:
            problems.append(f"dimension {name}: classificationType {d['classificationType']!r}")
    return problems


def validate_fdp(outdir: Path) -> tuple[str, list[str]]:
    """(validator used, problems) for the package in ``outdir``: the fiscal model by
    hand, the data against its Table Schema with frictionless when installed."""
    descriptor = json.loads((outdir / "datapackage.json").read_text(encoding="utf-8"))
    problems = fdp_structure_problems(descriptor)
    try:
        import frictionless
    except ImportError:
        return "fdp-structure", problems
    # frictionless checks the resources (types, primary key, encoding) and ignores
    # the fiscal keys it does not know
    tabular = {k: v for k, v in descriptor.items() if k not in ("model", "profiles")}
    package = frictionless.Package(tabular, basepath=str(outdir))
    report = package.validate()
    for task in report.tasks:
        problems += [f"{task.name}: {e.message}" for e in task.errors]
    problems += [e.message for e in report.errors]
    return "fdp-structure+frictionless", problems


def write_fdp(engine, outdir: Path, filters: Filters = Filters()) -> FdpResult:
    """A Fiscal Data Package of the budget lines in ``outdir``, validated."""
    _, lines = read_view(engine, "v_budget_lines", filters)
    leaves, unresolved, parents = leaf_lines(lines)
    rows = fdp_rows(leaves)
    data = outdir / FDP_PATH
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(data, "w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow([name for name, _, _ in FDP_FIELDS])
        for row in rows:
            writer.writerow([text_cell(row[name]) for name, _, _ in FDP_FIELDS])
    descriptor = fdp_descriptor(len(rows), [r["fiscal_year"] for r in rows if r["fiscal_year"]])
    (outdir / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    validator, problems = validate_fdp(outdir)
    return FdpResult(outdir / "datapackage.json", len(rows), unresolved, parents, problems, validator)


# -- Datasette ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BrowseSettings:
    start_timeout_s: float = 60.0
    # a researcher's runaway query should not hang the browser
    sql_time_limit_ms: int = 5000


def datasette_metadata(database_name: str) -> dict:
    """Datasette metadata: every view and column in Chinese and English, and the
    worked questions as canned queries."""
    tables = {
        view.name: {
            "title": f"{view.title_zh} {view.title_en}",
            "description": f"{view.description_zh} {view.description_en}",
            "columns": {c.name: f"{c.zh} — {c.en}" for c in view.columns},
        }
        for view in VIEWS
    }
    queries = {
        q.name: {"title": f"{q.title_zh} — {q.title_en}", "description": q.description, "sql": q.sql}
        for q in QUESTIONS
    }
    return {
        "title": "disclosures — 部门预算/决算与绩效自评",
        "description": "Chinese government budget disclosures with the source of every number. "
                       "Query the v_* views: they are the stable public schema.",
        "databases": {database_name: {"tables": tables, "queries": queries}},
    }


def sqlite_path(db: str | None) -> Path:
    from disclosures.db.engine import resolve_url
    from sqlalchemy import make_url

    url = make_url(resolve_url(db))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ResearchError(f"{url.render_as_string(hide_password=True)}: Datasette browses a SQLite "
                            f"file; export from PostgreSQL with `disclosures table` instead")
    path = Path(url.database)
    if not path.is_file():
        raise ResearchError(f"no database at {path}")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_browser(db: str | None = None, port: int = 8001, host: str = "127.0.0.1",
                  settings: BrowseSettings = BrowseSettings()) -> tuple[subprocess.Popen, str]:
    """Start Datasette over the SQLite database (views brought up to date first);
    the process and its base URL once it answers."""
    require("datasette", "browse")
    from disclosures.db.engine import get_engine, migrate

    path = sqlite_path(db)
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)  # a database written before the views existed gets them now
    engine.dispose()
    metadata = Path(tempfile.mkdtemp(prefix="disclosures-browse-")) / "metadata.json"
    metadata.write_text(json.dumps(datasette_metadata(path.stem), ensure_ascii=False, indent=2),
                        encoding="utf-8")
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--host", host,
               "--port", str(port), "--metadata", str(metadata),
               "--setting", "sql_time_limit_ms", str(settings.sql_time_limit_ms)]
    process = subprocess.Popen(command)
    base = f"http://{host}:{port}"
    wait_until_up(process, base, settings.start_timeout_s)
    return process, base


def wait_until_up(process: subprocess.Popen, base: str, timeout_s: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ResearchError(f"datasette exited with status {process.returncode}")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise ResearchError(f"datasette did not answer at {base} within {timeout_s:.0f} s")


def stop_browser(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- provenance of one value ------------------------------------------------------------------

# the field whose provenance stands for the record (spec/EXPORT.md: a fact's value, a line's
# amount, a project's or indicator's name; a finding's first evidence)
MAIN_FIELD = {"facts": "value", "budget_lines": "amount", "projects": "name", "indicators": "name",
              "project_funding": "executed", "findings": "evidence", "documents": "organization"}
RECORD_TABLES = tuple(MAIN_FIELD)
HIDDEN_COLUMNS = {"id", "document_id", "run_id", "ordinal"}


@dataclass
class Link:
    field: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    locator: str
    text: str
    extractor: str
    confidence: float | None


@dataclass
class Chain:
    table: str
    record_id: int
    field: str
    pointer: str | None
    document: dict
    record: dict
    links: list[Link]
    raw_path: Path | None

    def link(self, name: str | None = None) -> Link | None:
        name = name or self.field
        return next((k for k in self.links if k.field == name), None)


def parse_table_ref(ref: str) -> tuple[str, int, str | None] | None:
    """``budget_lines:12`` or ``budget_lines:12:budget_pct``."""
    m = re.fullmatch(r"([a-z_]+):(\d+)(?::([a-z_0-9]+))?", ref.strip())
    if not m:
        return None
    if m.group(1) not in RECORD_TABLES:
        raise ResearchError(f"{ref}: {m.group(1)!r} is not a record table "
                            f"({', '.join(RECORD_TABLES)})")
    return m.group(1), int(m.group(2)), m.group(3)


def resolve_pointer(conn, document_id: int, run_id: int, pointer: str) -> tuple[str, int, str | None]:
    """(table, row id, field) of a JSON pointer into the document's export."""
    from sqlalchemy import text

    parts = [p for p in pointer.split("/") if p]

    def by_ordinal(table: str, ordinal: str, extra: str = "", **params) -> int:
        if not ordinal.isdigit():
            raise ResearchError(f"{pointer}: {ordinal!r} is not a list index")
        row = conn.execute(text(f"SELECT id FROM {table} WHERE run_id = :run AND ordinal = :o{extra}"),
                           {"run": run_id, "o": int(ordinal), **params}).first()
        if row is None:
            raise ResearchError(f"{pointer}: the document has no such record")
        return row[0]

    if len(parts) >= 2 and parts[0] == "document":
        return "documents", document_id, parts[1]
    if len(parts) >= 2 and parts[0] in ("facts", "budget_lines", "findings"):
        return parts[0], by_ordinal(parts[0], parts[1]), field_part(parts[2:])
    if len(parts) >= 2 and parts[0] == "projects":
        project = by_ordinal("projects", parts[1])
        if len(parts) >= 4 and parts[2] in ("indicators", "funding"):
            table = "indicators" if parts[2] == "indicators" else "project_funding"
            return table, by_ordinal(table, parts[3], " AND project_id = :p", p=project), \
                field_part(parts[4:])
        return "projects", project, field_part(parts[2:])
    raise ResearchError(f"{pointer}: not a pointer to a value of the export "
                        f"(e.g. /budget_lines/3 or /projects/0/indicators/2)")


def field_part(rest: list[str]) -> str | None:
    """A trailing field name; ``provenance`` (the export's key) means the main field."""
    if not rest or rest[0] == "provenance":
        return None
    return rest[0]


def provenance_chain(engine, ref: str, raw_dir: str | None = None) -> Chain:
    """Where a stored value came from: ``TABLE:ID[:FIELD]`` or ``SHA256#/pointer``."""
    from disclosures.db.export import NotFound, resolve_ref
    from disclosures.flows import rawstore
    from sqlalchemy import text

    with engine.connect() as conn:
        parsed = parse_table_ref(ref)
        pointer = None
        if parsed is None:
            if "#" not in ref:
                raise ResearchError(f"{ref}: give TABLE:ID (budget_lines:12) or "
                                    f"SHA256#/POINTER (ae16…#/budget_lines/3)")
            doc_ref, pointer = ref.split("#", 1)
            try:
                document_id = resolve_ref(conn, doc_ref)
            except NotFound as exc:
                raise ResearchError(str(exc)) from exc
            run_id = conn.execute(text("SELECT current_run_id FROM documents WHERE id = :d"),
                                  {"d": document_id}).scalar_one()
            table, record_id, field_name = resolve_pointer(conn, document_id, run_id, pointer)
        else:
            table, record_id, field_name = parsed
        record = conn.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": record_id}).mappings().first()
        if record is None:
            raise ResearchError(f"{ref}: no {table} row {record_id}")
        document_id = record["id"] if table == "documents" else record["document_id"]
        document = dict(conn.execute(text("SELECT * FROM documents WHERE id = :d"),
                                     {"d": document_id}).mappings().one())
        if table != "documents" and record.get("run_id") not in (None, document["current_run_id"]):
            raise ResearchError(f"{ref}: the row belongs to a superseded run")
        prov = conn.execute(text(
            "SELECT * FROM provenance WHERE record_table = :t AND record_id = :i AND run_id = :r "
            "ORDER BY id"), {"t": table, "i": record_id, "r": document["current_run_id"]}).mappings().all()
    links = [Link(p["field"], p["page"],
                  None if p["x0"] is None else (p["x0"], p["top"], p["x1"], p["bottom"]),
                  p["locator"], p["text"], p["extractor"], p["confidence"]) for p in prov]
    field_name = field_name or MAIN_FIELD[table]
    if not any(k.field == field_name for k in links):
        known = ", ".join(sorted({k.field for k in links})) or "none"
        raise ResearchError(f"{ref}: no provenance for field {field_name!r} (fields with provenance: {known})")
    shown = {k: v for k, v in record.items() if k not in HIDDEN_COLUMNS and v is not None}
    return Chain(table, record_id, field_name, pointer, document, shown, links,
                 rawstore.find(document["sha256"], raw_dir))


def format_chain(chain: Chain) -> str:
    doc = chain.document
    lines = [f"{chain.table}:{chain.record_id}" + (f"  ({chain.pointer})" if chain.pointer else "")
             + f"  field {chain.field}"]
    for name, value in chain.record.items():
        if name in ("match_method", "level_match_method"):
            score = chain.record.get(name.replace("method", "score"))
            lines.append(f"  {name.replace('_method', '')}: {value} (score {score})")
        elif not name.endswith("match_score"):
            lines.append(f"  {name}: {value}")
    lines += [
        f"document {doc['id']}: {doc.get('organization') or '?'} {doc.get('fiscal_year') or ''} "
        f"{doc.get('kind') or ''}".rstrip(),
        f"  file: {doc['file_name']} ({doc['format']}"
        + (f", {doc['pages']} pages)" if doc.get("pages") else ")"),
        f"  sha256: {doc['sha256']}",
        f"  url: {doc.get('source_url') or '— (a local file)'}",
        f"  raw file: {chain.raw_path or '— (not in the raw store)'}",
        "provenance:",
    ]
    for link in chain.links:
        mark = "*" if link.field == chain.field else " "
        where = f"page {link.page}" if link.page else "no page"
        box = "[" + ", ".join(f"{v:.1f}" for v in link.bbox) + "]" if link.bbox else "no box"
        conf = f" confidence {link.confidence:.2f}" if link.confidence is not None else ""
        lines.append(f" {mark}{link.field}: {where}, {box}, {link.locator}, "
                     f"text {link.text!r}, extractor {link.extractor}{conf}")
    return "\n".join(lines)


@dataclass(frozen=True)
class PngSettings:
    dpi: int = 144
    # the box is drawn just outside the value's glyphs so it never covers them
    pad_pt: float = 2.0
    line_px: int = 3
    color: tuple[int, int, int] = (230, 0, 0)


def render_png(chain: Chain, out: Path, settings: PngSettings = PngSettings()) -> Path:
    """The value's page as PNG with its box drawn; PDF only."""
    link = chain.link()
    if chain.document["format"] != "pdf" or link is None or link.page is None or link.bbox is None:
        where = link.locator if link else "?"
        raise ResearchError(f"no image: {chain.document['file_name']} is a "
                            f"{chain.document['format']} file and the value has no page or box "
                            f"(locator: {where})")
    if chain.raw_path is None:
        raise ResearchError(f"no image: the original file {chain.document['sha256'][:12]}… is not "
                            f"in the raw store (set --raw-dir or $DISCLOSURES_RAW)")
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    scale = settings.dpi / 72
    pdf = pdfium.PdfDocument(str(chain.raw_path))
    try:
        image = pdf[link.page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    x0, top, x1, bottom = link.bbox
    pad = settings.pad_pt
    box = [(x0 - pad) * scale - settings.line_px, (top - pad) * scale - settings.line_px,
           (x1 + pad) * scale + settings.line_px, (bottom + pad) * scale + settings.line_px]
    ImageDraw.Draw(image).rectangle(box, outline=settings.color, width=settings.line_px)
    image.save(out, format="PNG")
    return out


# -- the commands cli/app.py registers ------------------------------------------------------

DbOpt = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL; default $DISCLOSURES_DB or sqlite:///./disclosures.db")]


def note(message: str) -> None:
    err.print(message, markup=False, highlight=False, soft_wrap=True)


def fail(exc: ResearchError) -> None:
    note(f"Error: {exc}")
    raise typer.Exit(exc.exit_code)


def guarded(action):
    from disclosures.db.query import QueryError
    from disclosures.db.views import UnknownView

    try:
        return action()
    except ResearchError as exc:
        fail(exc)
    except (QueryError, UnknownView) as exc:
        fail(ResearchError(str(exc)))


def table(
    view: Annotated[str, typer.Argument(help="A public view: " + ", ".join(v.name for v in VIEWS))],
    format: Annotated[str, typer.Option("--format", help="csv, parquet or jsonl")] = "csv",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Output file; default stdout (not for parquet)")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region, e.g. 泸州市")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organization, as written")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="final_accounts, budget or performance_report")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="Start the CSV with a UTF-8 BOM (for Excel)")] = False,
    db: DbOpt = None,
) -> None:
    """Export a public view (v_facts, v_budget_lines, …) as CSV, Parquet or JSONL."""
    from disclosures.db.engine import get_engine

    filters = Filters(year, region, org, kind)
    n = guarded(lambda: export_view(get_engine(db), view, format, output, filters, bom))
    if output is not None:
        note(f"wrote {n} rows of {get_view(view).name} to {output}")


def fdp(
    outdir: Annotated[Path, typer.Argument(help="Folder for datapackage.json and data/budget-lines.csv")],
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Only this region")] = None,
    db: DbOpt = None,
) -> None:
    """Write the budget lines as a Fiscal Data Package (OpenSpending-style tools load it)."""
    from disclosures.db.engine import get_engine

    result = guarded(lambda: write_fdp(get_engine(db), outdir, Filters(year=year, region=region)))
    note(f"wrote {result.path}: {result.rows} rows ({result.skipped_parents} parent lines left "
              f"out so sums do not double count, {result.skipped_unresolved} lines without a "
              f"subject code); checked with {result.validator}")
    if result.problems:
        for problem in result.problems:
            note(f"  invalid: {problem}")
        raise typer.Exit(1)


def browse(
    db: DbOpt = None,
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port)")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on")] = "127.0.0.1",
) -> None:
    """Browse the database in Datasette, with every view documented and canned research queries."""
    port = port or free_port(host)
    process, base = guarded(lambda: start_browser(db, port, host))
    note(f"Datasette at {base}/ — Ctrl-C stops it")
    try:
        process.wait()
    except KeyboardInterrupt:
        stop_browser(process)


def show(
    ref: Annotated[str, typer.Argument(
        help="TABLE:ID[:FIELD] (budget_lines:12) or SHA256#/POINTER (ae1632…#/budget_lines/3)")],
    png: Annotated[Path | None, typer.Option(
        "--png", help="Render the value's page with its box to this PNG (PDF only)")] = None,
    raw_dir: Annotated[str | None, typer.Option(
        "--raw-dir", help="Raw store; default $DISCLOSURES_RAW or ./disclosures-raw")] = None,
    db: DbOpt = None,
) -> None:
    """Print where a stored value came from: file, URL, page, box, source text, extractor, match."""
    from disclosures.db.engine import get_engine

    chain = guarded(lambda: provenance_chain(get_engine(db), ref, raw_dir))
    typer.echo(format_chain(chain))
    if png is not None:
        guarded(lambda: render_png(chain, png))
        note(f"wrote {png}")


COMMANDS = (table, fdp, browse, show)
