"""The budget lines as a Fiscal Data Package (``disclosures fdp``).

``datapackage.json`` and ``data/budget-lines.csv``: the 0.3 fiscal model with
the function classification as a 类 › 款 › 项 hierarchy and one measure per
phase; only the most detailed line of each branch, so amounts can be summed.
Validated by hand against the FDP rules and, when installed, by frictionless.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disclosures.db.engine import get_engine
from disclosures.db.tables import NO_FILTERS, Filters, read_view, text_cell

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


# The canonical name of a 类/款/项 code in a fiscal year, None for a code it does not
# know: the function classification vocabulary (``normalizers.subjects.subject_name``),
# which the database does not hold.
LevelNames = Callable[[str, int | None], str | None]


def level_label(code: str | None, year: int | None, same_document: str | None,
                level_names: LevelNames | None) -> str | None:
    """The name of a 类/款/项 code: the vocabulary's name for the year, else the
    document's own (a code the vocabulary does not list yet)."""
    if code is None:
        return None
    known = level_names(code, year) if level_names is not None else None
    return known or same_document


def fdp_rows(lines: list[dict], level_names: LevelNames | None = None) -> list[dict]:
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
            "class_name": level_label(line["class_code"], year, line["class_name"], level_names),
            "kuan_code": line["kuan_code"],
            "kuan_name": level_label(line["kuan_code"], year, line["kuan_name"], level_names),
            "xiang_code": line["xiang_code"],
            "xiang_name": level_label(line["xiang_code"], year, line["xiang_name"], level_names),
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


def write_fdp(engine, outdir: Path, filters: Filters = NO_FILTERS,
              level_names: LevelNames | None = None) -> FdpResult:
    """A Fiscal Data Package of the budget lines in ``outdir``, validated; 类/款/项
    names from ``level_names`` where it knows the code."""
    _, lines = read_view(engine, "v_budget_lines", filters)
    leaves, unresolved, parents = leaf_lines(lines)
    rows = fdp_rows(leaves, level_names)
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


def fdp(outdir: Path, year: int | None = None, region: str | None = None, db: str | None = None,
        level_names: LevelNames | None = None) -> FdpResult:
    """Write the budget lines of ``db`` (one fiscal year, one region) as a Fiscal
    Data Package in ``outdir``; ``FdpResult.problems`` lists what does not validate."""
    return write_fdp(get_engine(db), Path(outdir), Filters(year=year, region=region), level_names)
