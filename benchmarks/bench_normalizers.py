"""Precision and recall of the vocabulary matchers on the labelled names.

    python benchmarks/bench_normalizers.py [benchmarks/eval/names.csv]

Per kind, at the default thresholds of ``normalizers.settings``:
precision = correct matches / matches made; recall = correct matches / rows
with an expected target ("targets"). Rows with an empty target (三级指标 that
are project-specific) count only against precision: any match made on them is
wrong. The thresholds were not tuned on this set.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disclosures.normalizers.economic import resolve_economic  # noqa: E402
from disclosures.normalizers.indicators import (  # noqa: E402
    match_indicator_name,
    match_level1,
    match_level2,
)
from disclosures.normalizers.organizations import identify_organization  # noqa: E402
from disclosures.normalizers.subjects import resolve_subject  # noqa: E402

NAMES = Path(__file__).resolve().parent / "eval" / "names.csv"


def predict(kind: str, raw: str, year: int | None) -> str | None:
    if kind == "subject":
        return resolve_subject(raw, year).code
    if kind == "economic":
        return resolve_economic(raw, year).code
    if kind == "level1":
        return match_level1(raw)[0]
    if kind == "level2":
        return match_level2(raw, None)[0]
    if kind == "indicator":
        return match_indicator_name(raw)[0]
    if kind == "organization":
        return identify_organization(raw).id
    raise ValueError(f"unknown kind {kind!r}")


def main(path: Path = NAMES) -> None:
    rows, made, correct, expected = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    errors: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, year = row["kind"], int(row["year"]) if row["year"] else None
            got = predict(kind, row["raw"], year)
            rows[kind] += 1
            expected[kind] += bool(row["expected"])
            if got is not None:
                made[kind] += 1
                correct[kind] += got == row["expected"]
            if (got or "") != row["expected"]:  # an empty target is met by no match
                errors.append(f"  {kind} {row['raw']!r} ({year}): expected {row['expected']}, got {got}")
    print(f"{'kind':<14}{'rows':>6}{'targets':>9}{'made':>6}{'correct':>9}{'precision':>11}{'recall':>8}")
    for kind in sorted(rows):
        p = correct[kind] / made[kind] if made[kind] else float("nan")
        r = correct[kind] / expected[kind] if expected[kind] else float("nan")
        print(f"{kind:<14}{rows[kind]:>6}{expected[kind]:>9}{made[kind]:>6}{correct[kind]:>9}{p:>11.1%}{r:>8.1%}")
    if errors:
        print(f"\n{len(errors)} misses:")
        print("\n".join(errors))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NAMES)
