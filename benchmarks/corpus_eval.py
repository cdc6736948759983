"""Corpus evaluation: what the pipeline makes of a crawl, against what the files print.

    python benchmarks/corpus_eval.py [DIR] [--workers N] [--json OUT|-] [--time-limit S]
                                     [--holdout FILE] [--show-holdout-files]

Runs every file under DIR (default ``../shared/corpus/city-crawl-2026``) the
way the nightly crawl does: ``disclosures.flows.pipeline.extract`` (read,
recognize, normalize, check; nothing stored) in a child process under the
crawl's time and memory limits (``flows.isolation``; ``DISCLOSURES_TIME_LIMIT``
etc. apply). A file that fails is counted with its reason. Beside it, the
independent generic pass of ``printed_codes.py`` counts the coded subject
rows the file prints: the denominator.

Per document (the first folder level under DIR is the city):

- kind: the classifier's (``extractors/recognizers/classify.py``) where the
  package has one, else ``DocumentInfo.kind``; organization, region, year;
- printed: coded subject rows (page, code) and distinct codes the file prints;
- lines: budget lines extracted; covered: printed codes found among the
  lines' codes (coverage = covered / printed codes); rows covered: printed
  (page, code) rows with a line of that code read on that page;
- unprinted: lines whose code is not printed in the document (a line with
  no code counts here too: nothing printed backs it);
- reconciliation: statement tables whose own sums hold. Read from the
  pipeline's ``RecognizedTable`` when it records a status there
  (``reconciliation``/``reconciled``/``status``); otherwise computed from the
  lines: per (table, fund, measure, component), each 类 = Σ its 款 and each
  款 = Σ its 项, within the printed rounding;
- errors: error-severity findings.

Summaries per city and for the development cities (pooled over files, and
averaged over cities: one city has 205 files) apart from the hold-out cities
(``benchmarks/corpus/holdout.txt``), of which only the aggregate is printed
unless ``--show-holdout-files`` is given. Nothing is cached.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import printed_codes

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DIR = REPO.parent / "shared" / "corpus" / "city-crawl-2026"
DEFAULT_HOLDOUT = HERE / "corpus" / "holdout.txt"
SKIPPED_NAMES = {"MANIFEST.tsv"}
SAMPLE = 25  # unprinted lines listed per document in the JSON  # the crawl's own index, not a downloaded file
DISCLOSURE_KINDS = {"budget", "final_accounts"}
LOCATOR_TABLE = re.compile(r"^table (\d+)")
CLASSIFIER_FUNCTIONS = ("classify_document", "classify")
STATUS_ATTRIBUTES = ("reconciliation", "reconciled", "status")
RECONCILED_WORDS = {"reconciled", "ok", "holds", "balanced", "pass", "passed"}
UNRECONCILED_WORDS = {"not_reconciled", "unreconciled", "failed", "fails", "mismatch", "does_not_reconcile"}


# ------------------------------------------------------------------ in the child


def pipeline_summary(path: Path) -> dict:
    """``extract`` one file and keep what the evaluation needs (small and picklable)."""
    from disclosures.flows.pipeline import extract

    doc, extraction = extract(path)
    info = extraction.info
    kind, reason, source = classification(doc, info)
    return {
        "pages": doc.pages, "kind": kind, "kind_source": source, "kind_reason": reason,
        "organization": info.organization, "region": info.region, "fiscal_year": info.fiscal_year,
        "info_kind": info.kind,
        "lines": [line_summary(line) for line in extraction.budget_lines],
        "facts": len(extraction.facts),
        "tables": [{"kind": t.kind, "index": t.table_index, "pages": list(t.pages),
                    "status": recorded_status(t)} for t in extraction.tables],
        "findings": dict(Counter(f.severity for f in extraction.findings)),
        "error_rules": dict(Counter(f.rule for f in extraction.findings if f.severity == "error")),
    }


def failed_classification(path: Path) -> dict:
    """The classifier's verdict on a file the pipeline refused, where a classifier exists."""
    if classifier() is None:
        return {}
    from disclosures.flows.pipeline import read

    kind, reason, source = classification(read(path), None)
    return {"kind": kind, "kind_reason": reason, "kind_source": source}


def classifier():
    try:
        from disclosures.extractors.recognizers import classify as module
    except ImportError:
        return None
    return next((getattr(module, n) for n in CLASSIFIER_FUNCTIONS if callable(getattr(module, n, None))), None)


def classification(doc, info) -> tuple[str | None, str | None, str]:
    """(kind, reason, source): the classifier's answer where the package has a classifier
    (called with the Document; a str or an object with ``kind`` and ``reason``), else
    ``DocumentInfo.kind``. A classifier that fails is reported, not fatal."""
    function = classifier()
    if function is None:
        return (info.kind if info else None), None, "docinfo"
    try:
        verdict = function(doc)
    except Exception as exc:  # noqa: BLE001 - the evaluation reports the classifier's failure
        return None, f"{type(exc).__name__}: {exc}", "classifier failed"
    if isinstance(verdict, str):
        return verdict, None, "classifier"
    kind = getattr(verdict, "kind", None)
    return (getattr(kind, "value", kind), getattr(verdict, "reason", None), "classifier")


def recorded_status(table) -> bool | None:
    """The reconciliation status the pipeline recorded on a table, if any."""
    for name in STATUS_ATTRIBUTES:
        value = getattr(table, name, None)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            word = value.strip().lower()
            if word in RECONCILED_WORDS:
                return True
            if word in UNRECONCILED_WORDS:
                return False
        status = getattr(value, "reconciled", None)  # a status object
        if isinstance(status, bool):
            return status
    return None


def line_summary(line) -> dict:
    code = digits(line.code_raw) or digits(line.subject_code)
    p = line.provenance
    return {"code": code, "name": line.subject_raw, "fund": line.fund, "measure": line.measure,
            "component": line.component, "amount": str(line.amount), "page": p.page,
            "locator": p.locator, "text": p.text}


def digits(text: str | None) -> str | None:
    value = re.sub(r"\D", "", text or "")
    return value or None


def printed_summary(path: Path) -> dict:
    result = printed_codes.count_printed(path)
    summary = result.summary()
    summary["row_keys"] = sorted(result.rows)
    summary["table_row_keys"] = sorted(result.table_rows)
    return summary


# ------------------------------------------------------------------ in the parent


def isolated(stage: str, name: str, fn, path: Path):
    from disclosures.flows.isolation import DocumentLimits, IsolationSettings, run_stage

    return run_stage(DocumentLimits.start(IsolationSettings.from_env()), stage, name, fn, path)


def failure(exc: BaseException, name: str) -> dict:
    from disclosures.model.errors import BadInput

    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    reason = message.replace(f"{name}: ", "").replace(name, "FILE")
    category = "bad_input" if isinstance(exc, BadInput) else "internal"
    if "time limit" in message or "memory limit" in message or "crashed" in message:
        category = "limit"
    return {"category": category, "reason": reason}


def evaluate_file(path: Path, root: Path) -> dict:
    name = path.name
    relative = path.relative_to(root)
    record: dict = {"file": str(relative), "city": relative.parts[0] if len(relative.parts) > 1 else ".",
                    "format": printed_codes.sniff(path), "bytes": path.stat().st_size}
    started = time.perf_counter()
    try:
        record["pipeline"] = isolated("extract", name, pipeline_summary, path.resolve())
    except Exception as exc:  # noqa: BLE001 - every failure is counted with its reason, none stops the run
        record["failure"] = failure(exc, name)
        try:
            record["pipeline_kind"] = isolated("classify", name, failed_classification, path.resolve())
        except Exception:  # noqa: BLE001 - unreadable files have no class either
            record["pipeline_kind"] = {}
    record["seconds"] = round(time.perf_counter() - started, 2)
    if record["format"] in printed_codes.COUNTERS:
        try:
            record["printed"] = isolated("count", name, printed_summary, path.resolve())
        except Exception as exc:  # noqa: BLE001 - the counter too may meet a hostile file
            record["printed_failure"] = failure(exc, name)
    return score(record)


def score(record: dict) -> dict:
    """Coverage, unprinted lines and reconciliation of one evaluated file."""
    printed = record.get("printed") or {}
    codes = set(printed.get("codes", []))
    rows = {tuple(k) for k in printed.get("row_keys", [])}
    pipeline = record.get("pipeline") or {}
    lines = pipeline.get("lines", [])
    line_codes = {ln["code"] for ln in lines if ln["code"]}
    read_rows = {(f"p{ln['page']}", ln["code"]) for ln in lines if ln["code"] and ln["page"]}
    unprinted = [ln for ln in lines if not ln["code"] or ln["code"] not in codes]
    recorded = [t["status"] for t in pipeline.get("tables", []) if t.get("status") is not None]
    if recorded:
        checked, held, source = len(recorded), sum(recorded), "pipeline"
    else:
        checked, held = reconcile(lines)
        source = "computed"
    kind = pipeline.get("kind") or (record.get("pipeline_kind") or {}).get("kind")
    record["score"] = {
        "kind": kind,
        "printed_rows": len(rows), "printed_codes": len(codes),
        "generic_table_codes": len(set(printed.get("table_codes", [])) & codes),
        "image_pages": printed.get("image_pages", 0),
        "lines": len(lines), "covered_codes": len(codes & line_codes),
        "covered_rows": len(rows & read_rows),
        "unprinted_lines": len(unprinted), "uncoded_lines": sum(1 for ln in lines if not ln["code"]),
        "tables_checked": checked, "tables_reconciled": held, "reconciliation_source": source,
        "errors": pipeline.get("findings", {}).get("error", 0),
        "failed": "failure" in record,
    }
    record["detail"] = {  # for reading one document's result: what to look at first
        "codes_not_covered": sorted(codes - line_codes),
        "unprinted_sample": [{k: ln[k] for k in ("code", "name", "fund", "component", "page", "text")}
                             for ln in unprinted[:SAMPLE]],
        "error_rules": pipeline.get("error_rules", {}),
    }
    return record


def reconcile(lines: list[dict]) -> tuple[int, int]:
    """(tables checked, tables whose sums hold) from the lines: 类 = Σ款, 款 = Σ项."""
    groups: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for ln in lines:
        m = LOCATOR_TABLE.match(ln["locator"] or "")
        if m and ln["code"] and len(ln["code"]) in (3, 5, 7):
            key = (int(m[1]), ln["fund"], ln["measure"], ln["component"])
            groups[key].setdefault(ln["code"], ln)
    verdicts: dict[int, bool] = {}
    for (table, *_rest), by_code in groups.items():
        holds = sums_hold(by_code)
        if holds is not None:
            verdicts[table] = verdicts.get(table, True) and holds
    return len(verdicts), sum(verdicts.values())


def sums_hold(by_code: dict[str, dict]) -> bool | None:
    """None when no parent has its children in the group; else whether every sum holds."""
    checked, ok = False, True
    for parent, line in by_code.items():
        children = [c for code, c in by_code.items() if len(code) == len(parent) + 2 and code.startswith(parent)]
        if not children:
            continue
        checked = True
        total = sum(Decimal(c["amount"]) for c in children)
        tolerance = quantum(line) * (len(children) + 1) / 2
        ok = ok and abs(Decimal(line["amount"]) - total) <= tolerance
    return ok if checked else None


def quantum(line: dict) -> Decimal:
    """One unit of the last printed digit of the line's amount, in yuan."""
    text = re.sub(r"[,，\s]", "", line["text"] or "")
    try:
        printed = Decimal(text)
    except InvalidOperation:
        return Decimal(1)
    amount = Decimal(line["amount"])
    factor = (amount / printed) if printed else Decimal(1)
    exponent = printed.as_tuple().exponent
    return abs(factor) * Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


# ------------------------------------------------------------------ summaries


@dataclass
class Totals:
    files: int = 0
    failed: int = 0
    reasons: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    printing: int = 0  # files printing coded subject rows
    no_lines: int = 0  # of those, files with no budget line
    generic_no_rows: int = 0
    printed_rows: int = 0
    printed_codes: int = 0
    covered_codes: int = 0
    covered_rows: int = 0
    generic_codes: int = 0
    lines: int = 0
    unprinted: int = 0
    checked: int = 0
    reconciled: int = 0
    errors: int = 0
    coverage_per_file: list = field(default_factory=list)

    def add(self, record: dict) -> None:
        s = record["score"]
        self.files += 1
        if s["failed"]:
            self.failed += 1
            self.reasons[reason_category(record["failure"])] += 1
        self.kinds[s["kind"] or "-"] += 1
        self.lines += s["lines"]
        self.unprinted += s["unprinted_lines"]
        self.checked += s["tables_checked"]
        self.reconciled += s["tables_reconciled"]
        self.errors += s["errors"]
        if s["printed_codes"]:
            self.printing += 1
            self.no_lines += s["lines"] == 0
            self.generic_no_rows += s["generic_table_codes"] == 0
            self.printed_rows += s["printed_rows"]
            self.printed_codes += s["printed_codes"]
            self.covered_codes += s["covered_codes"]
            self.covered_rows += s["covered_rows"]
            self.generic_codes += s["generic_table_codes"]
            self.coverage_per_file.append(s["covered_codes"] / s["printed_codes"])

    def figures(self) -> dict:
        return {
            "files": self.files, "failed": self.failed, "failure_reasons": dict(self.reasons),
            "kinds": dict(self.kinds), "files_printing_codes": self.printing,
            "printing_files_without_lines": self.no_lines,
            "printing_files_without_generic_table_rows": self.generic_no_rows,
            "printed_rows": self.printed_rows, "printed_codes": self.printed_codes,
            "coverage": ratio(self.covered_codes, self.printed_codes),
            "row_coverage": ratio(self.covered_rows, self.printed_rows),
            "generic_table_coverage": ratio(self.generic_codes, self.printed_codes),
            "mean_file_coverage": mean(self.coverage_per_file),
            "lines": self.lines, "unprinted_lines": self.unprinted,
            "unprinted_share": ratio(self.unprinted, self.lines),
            "tables_checked": self.checked, "tables_reconciled": self.reconciled,
            "reconciliation": ratio(self.reconciled, self.checked),
            "error_findings": self.errors,
        }


def reason_category(failure: dict) -> str:
    """A failure's reason without the file's own words: 'looks like HTML', 'no recognizable …'."""
    reason = failure["reason"]
    reason = re.sub(r"\d+(\.\d+)?", "N", reason)
    return f"{failure['category']}: {reason[:80]}"


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def summarize(records: list[dict], holdout: set[str]) -> dict:
    groups = {"dev": Totals(), "holdout": Totals()}
    cities: dict[str, Totals] = defaultdict(Totals)
    for record in records:
        group = "holdout" if record["city"] in holdout else "dev"
        groups[group].add(record)
        cities[record["city"]].add(record)
    summary = {}
    for group, totals in groups.items():
        figures = totals.figures()
        per_city = [cities[c].figures() for c in cities if (c in holdout) == (group == "holdout")]
        figures["cities"] = len(per_city)
        figures["mean_city_coverage"] = mean([f["coverage"] for f in per_city if f["coverage"] is not None])
        figures["mean_city_unprinted_share"] = mean(
            [f["unprinted_share"] for f in per_city if f["unprinted_share"] is not None])
        figures["mean_city_reconciliation"] = mean(
            [f["reconciliation"] for f in per_city if f["reconciliation"] is not None])
        summary[group] = figures
    return {"groups": summary, "cities": {c: t.figures() for c, t in sorted(cities.items())}}


# ------------------------------------------------------------------ output


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def document_row(record: dict) -> str:
    s, p = record["score"], record.get("pipeline") or {}
    meta = "|".join(str(p.get(k) or "-") for k in ("organization", "region", "fiscal_year"))
    status = "FAILED " + record["failure"]["reason"][:60] if s["failed"] else ""
    cov = f"{s['covered_codes']}/{s['printed_codes']}" if s["printed_codes"] else "-"
    return (f"{record['file'][:60]:60} {s['kind'] or '-':14} {meta[:40]:40} {s['printed_rows']:5} {cov:>8} "
            f"{s['lines']:5} {s['unprinted_lines']:5} {s['tables_reconciled']}/{s['tables_checked']:<4} "
            f"{s['errors']:4} {status}")


def city_row(city: str, f: dict) -> str:
    return (f"{city:14} {f['files']:5} {f['failed']:6} {f['files_printing_codes']:8} "
            f"{f['printing_files_without_lines']:8} "
            f"{f['printed_codes']:7} {pct(f['coverage']):>8} {pct(f['row_coverage']):>8} {f['lines']:6} "
            f"{pct(f['unprinted_share']):>9} {pct(f['reconciliation']):>7} {f['error_findings']:6}")


CITY_HEADER = (f"{'city':14} {'files':>5} {'failed':>6} {'printing':>8} {'no lines':>8} {'codes':>7} "
               f"{'coverage':>8} {'rows cov':>8} {'lines':>6} {'unprinted':>9} {'recon':>7} {'errors':>6}")


def print_report(records: list[dict], summary: dict, holdout: set[str], show_holdout: bool, out) -> None:
    shown = [r for r in records if show_holdout or r["city"] not in holdout]
    print(f"{'file':60} {'kind':14} {'organization|region|year':40} {'rows':>5} {'codes':>8} {'lines':>5} "
          f"{'unpr.':>5} {'recon':6} {'err':>4}", file=out)
    for record in sorted(shown, key=lambda r: r["file"]):
        print(document_row(record), file=out)
    print(file=out)
    print(CITY_HEADER, file=out)
    for city, figures in summary["cities"].items():
        if show_holdout or city not in holdout:
            print(city_row(city, figures), file=out)
    for group in ("dev", "holdout"):
        f = summary["groups"][group]
        print(f"\n== {group} cities ({f['cities']}): {f['files']} files, {f['failed']} failed", file=out)
        for reason, n in sorted(f["failure_reasons"].items(), key=lambda x: -x[1]):
            print(f"   {n:4}  {reason}", file=out)
        print(f"   kinds: {f['kinds']}", file=out)
        print(f"   files printing coded subject rows: {f['files_printing_codes']}, of which without lines: "
              f"{f['printing_files_without_lines']} (generic table pass finds none in "
              f"{f['printing_files_without_generic_table_rows']})", file=out)
        print(f"   printed: {f['printed_rows']} rows, {f['printed_codes']} codes (summed over files)", file=out)
        print(f"   coverage of printed codes: pooled {pct(f['coverage'])}, mean per file "
              f"{pct(f['mean_file_coverage'])}, mean per city {pct(f['mean_city_coverage'])}; "
              f"rows {pct(f['row_coverage'])}; generic pdfplumber-table pass {pct(f['generic_table_coverage'])}",
              file=out)
        print(f"   lines: {f['lines']}, code not printed: {f['unprinted_lines']} ({pct(f['unprinted_share'])}; "
              f"mean per city {pct(f['mean_city_unprinted_share'])})", file=out)
        print(f"   reconciliation: {f['tables_reconciled']}/{f['tables_checked']} tables "
              f"({pct(f['reconciliation'])}; mean per city {pct(f['mean_city_reconciliation'])})", file=out)
        print(f"   error findings: {f['error_findings']}", file=out)


def json_report(records: list[dict], summary: dict, holdout: set[str], show_holdout: bool, root: Path) -> dict:
    from disclosures.flows.pipeline import PIPELINE_VERSION

    documents = []
    for record in records:
        if record["city"] in holdout and not show_holdout:
            continue
        slim = {k: v for k, v in record.items() if k not in ("printed", "pipeline")}
        slim["metadata"] = {k: (record.get("pipeline") or {}).get(k)
                            for k in ("organization", "region", "fiscal_year", "info_kind", "kind_reason")}
        slim["printed_codes"] = (record.get("printed") or {}).get("codes", [])
        documents.append(slim)
    cities = {c: f for c, f in summary["cities"].items() if show_holdout or c not in holdout}
    return {"corpus": str(root), "pipeline_version": PIPELINE_VERSION,
            "holdout_cities": sorted(holdout), "holdout_files_shown": show_holdout,
            "groups": summary["groups"], "cities": cities, "documents": documents}


def evaluate_all(files: list[Path], root: Path, holdout: set[str], workers: int) -> list[dict]:
    """Every file, in ``workers`` processes (each file's stages in children of its worker:
    the parent stays single-threaded, as ``flows.isolation`` expects), with progress on
    stderr that names no hold-out file."""
    records: list[dict] = []

    def progress(record: dict) -> None:
        records.append(record)
        if record["city"] in holdout:  # nothing about a hold-out file but that it is done
            print(f"[{len(records)}/{len(files)}] (hold-out)", file=sys.stderr, flush=True)
            return
        status = record["failure"]["category"] if "failure" in record else f"{record['score']['lines']} lines"
        print(f"[{len(records)}/{len(files)}] {record['file']}: {status}", file=sys.stderr, flush=True)

    if workers <= 1:
        for path in files:
            progress(evaluate_file(path, root))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for record in pool.map(evaluate_file, files, [root] * len(files)):
                progress(record)
    return records


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in SKIPPED_NAMES
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def read_holdout(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--workers", type=int, default=1, help="files evaluated at once (each in its own processes)")
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON to this file ('-': stdout)")
    parser.add_argument("--time-limit", type=float,
                        help="seconds per document and stage (default: the crawl's, $DISCLOSURES_TIME_LIMIT or 120)")
    parser.add_argument("--holdout", type=Path, default=DEFAULT_HOLDOUT, help="the hold-out city list")
    parser.add_argument("--show-holdout-files", action="store_true",
                        help="also print per-file and per-city rows of hold-out cities (never while tuning)")
    args = parser.parse_args(argv)
    root = args.directory.resolve()
    if not root.is_dir():
        print(f"Error: {args.directory}: not a folder", file=sys.stderr)
        return 2
    holdout = read_holdout(args.holdout)
    if args.time_limit:
        os.environ["DISCLOSURES_TIME_LIMIT"] = str(args.time_limit)  # read by each stage's limits
    files = corpus_files(root)
    started = time.perf_counter()
    records = evaluate_all(files, root, holdout, args.workers)
    summary = summarize(records, holdout)
    text_out = sys.stderr if args.json_out == "-" else sys.stdout
    print_report(records, summary, holdout, args.show_holdout_files, text_out)
    print(f"\n{len(files)} files in {time.perf_counter() - started:.0f} s", file=text_out)
    if args.json_out:
        report = json_report(records, summary, holdout, args.show_holdout_files, root)
        text = json.dumps(report, ensure_ascii=False, indent=1, default=str)
        if args.json_out == "-":
            print(text)
        else:
            Path(args.json_out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
