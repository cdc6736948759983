"""Learn 支出功能分类 code+name pairs from the tables of a corpus into
``normalizers/data/learned_subjects.csv`` (see ``normalizers.learn``).

    python benchmarks/learn_subjects.py ../shared/corpus [--out PATH]

Files of the cities listed in ``benchmarks/corpus/holdout.txt`` are skipped:
the vocabulary must not be tuned on the held-out cities. Files that are not
disclosures, or fail, are skipped and counted.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from disclosures.flows.pipeline import extract
from disclosures.model.errors import DisclosuresError
from disclosures.normalizers.learn import (
    LEARNED_COLUMNS,
    Evidence,
    collect,
    learned_rows,
    printed_pairs,
)
from disclosures.normalizers.subjects import DATA, function_catalogue

HERE = Path(__file__).resolve().parent
SUFFIXES = {".pdf", ".docx", ".xlsx", ".doc", ".xls"}


def holdout() -> set[str]:
    lines = (HERE / "corpus" / "holdout.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def corpus_files(root: Path) -> list[Path]:
    held = holdout()
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES
                  and not any(part in held for part in p.parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--out", type=Path, default=DATA / "learned_subjects.csv")
    args = parser.parse_args()
    evidence: dict[str, Evidence] = {}
    used = failed = 0
    for path in corpus_files(args.root):
        try:
            doc, extraction = extract(path)
        except DisclosuresError:
            failed += 1
            continue
        pairs = printed_pairs(extraction)
        if pairs:
            used += 1
            collect(evidence, pairs, extraction.info.fiscal_year, doc.sha256)
    rows = learned_rows(evidence, function_catalogue())
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LEARNED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{used} documents printed subject codes ({failed} skipped); {len(evidence)} codes seen, "
          f"{len(rows)} new to the vocabulary written to {args.out}")


if __name__ == "__main__":
    main()
