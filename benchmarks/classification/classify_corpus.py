"""Classify every file of a folder and read its cover metadata; score both against the truth.

    python benchmarks/classification/classify_corpus.py [DIR ...] [--holdout FILE] [--json OUT]

DIR defaults to the city crawl, the Jiangsu and Putuo corpus and the seed
(``fixtures/seed``, ``fixtures/scanned``).

For every file under each DIR (recursively; ``MANIFEST.tsv`` and ``README.md``
aside) the pipeline's own first steps run: ``flows.pipeline.classify_file``
(a web page is classified from its text, a scan from the OCR of its first
pages), then for a disclosure ``recognize_document_info`` and the
organization normalizer (region level). Prints per development city the
counts by kind and one line per file; the cities listed in ``--holdout``
(default ``benchmarks/corpus/holdout.txt``) are run too but reported only as
one aggregate count, never file by file.

Scores against ``kinds.tsv`` (the hand-checked kind of every development file
of the city crawl, and of the Jiangsu/Putuo corpus) and ``metadata.tsv`` (the
cover metadata of a sample, checked on the rendered first pages) beside this
script. Not a test: it reads ~300 files and OCRs a few pages (minutes).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_DIRS = [CORPUS / "city-crawl-2026", CORPUS / "jiangsu-province-budgets", CORPUS / "shanghai-putuo",
                REPO / "fixtures" / "seed", REPO / "fixtures" / "scanned"]
SKIPPED_NAMES = {"MANIFEST.tsv", "README.md"}
METADATA_FIELDS = ("organization", "scope", "region", "region_level", "fiscal_year", "kind")


def read_holdout(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def corpus_key(path: Path) -> str:
    """The file's path under the shared corpus (the truth tables' key), else under
    the repository (``fixtures/seed/…``), else as given."""
    for root in (CORPUS, REPO):
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)


def group_of(key: str) -> str:
    """City folder of the crawl, else the corpus folder."""
    parts = key.split("/")
    return parts[1] if parts[0] == "city-crawl-2026" and len(parts) > 2 else parts[0]


def classify_one(path: Path) -> dict:
    from disclosures.extractors.recognizers.docinfo import recognize_document_info
    from disclosures.flows.pipeline import classify_file
    from disclosures.model.errors import BadInput, StageError
    from disclosures.normalizers.apply import info_to_organization

    t0 = time.perf_counter()
    row: dict = {"file": corpus_key(path)}
    try:
        doc, c = classify_file(path)
    except (BadInput, StageError) as exc:
        return {**row, "kind": "unreadable", "reason": str(exc), "seconds": time.perf_counter() - t0}
    row.update(kind=c.kind, reason=c.reason, confidence=c.confidence, detail=c.detail,
               evidence=[f"{e.cue}: {e.provenance.text[:40]}" for e in c.evidence])
    if doc is not None and c.is_disclosure:
        info = recognize_document_info(doc, classification=c)
        info_to_organization(info)
        row.update({name: getattr(info, name) for name in METADATA_FIELDS if name != "kind"},
                   report_kind=info.kind,
                   sources={k: f"{v.locator} {v.text[:30]!r}" for k, v in info.provenance.items()})
    row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def read_tsv(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}


def score_kinds(rows: list[dict], truth: dict[str, dict]) -> list[str]:
    checked = [r for r in rows if r["file"] in truth]
    misses = [f"  {r['file']}: got {r['kind']}, truth {truth[r['file']]['kind']}"
              for r in checked if r["kind"] != truth[r["file"]]["kind"]]
    out = [f"kind: {len(checked) - len(misses)}/{len(checked)} right"]
    return out + misses


def metadata_value(row: dict, name: str) -> str:
    value = row.get("report_kind" if name == "kind" else name)
    return "" if value is None else str(value)


def score_metadata(rows: list[dict], truth: dict[str, dict]) -> list[str]:
    by_file = {r["file"]: r for r in rows}
    checked = [f for f in truth if f in by_file]
    misses = []
    for f in checked:
        wrong = [f"{n}={metadata_value(by_file[f], n)!r} (truth {truth[f][n]!r})"
                 for n in METADATA_FIELDS if metadata_value(by_file[f], n) != truth[f][n]]
        if wrong:
            misses.append(f"  {f}: " + "; ".join(wrong))
    return [f"metadata: {len(checked) - len(misses)}/{len(checked)} covers right"] + misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--holdout", type=Path, default=REPO / "benchmarks" / "corpus" / "holdout.txt")
    parser.add_argument("--json", type=Path, help="write the development files' rows here")
    args = parser.parse_args(argv)
    holdout = read_holdout(args.holdout)
    rows, held = [], Counter()
    for folder in args.dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in SKIPPED_NAMES):
            row = classify_one(path)
            if group_of(row["file"]) in holdout:
                held[row["kind"]] += 1
                continue
            rows.append(row)
            print(f"{row['kind']:30s} {row.get('reason') or '':28s} {row['seconds']:6.1f}s {row['file']}"
                  + (f"  | {row.get('organization')} / {row.get('scope')} / {row.get('region')} / "
                     f"{row.get('region_level')} / {row.get('fiscal_year')}" if "organization" in row else ""),
                  flush=True)
    per_group: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        per_group[group_of(row["file"])][row["kind"]] += 1
    print("\n## kinds per development city / corpus folder")
    for group, counts in sorted(per_group.items()):
        print(f"{group:28s} " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    total = Counter(r["kind"] for r in rows)
    print(f"{'all development files':28s} " + ", ".join(f"{k} {n}" for k, n in total.most_common()))
    if held:
        print(f"{'hold-out cities (aggregate)':28s} " + ", ".join(f"{k} {n}" for k, n in held.most_common()))
    print("\n## against the truth")
    for line in score_kinds(rows, read_tsv(HERE / "kinds.tsv")) + score_metadata(rows, read_tsv(HERE / "metadata.tsv")):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
