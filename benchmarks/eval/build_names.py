"""How benchmarks/eval/names.csv was drawn (kept so the set can be re-derived and audited).

Ground truth never comes from the matcher under test:

* subject, table rows: the code the table prints beside the name (a table's
  code is authoritative for its document); raw = the name alone for a 类, and
  for a 款/项 the chain of its printed ancestors' names joined with ``-`` (the
  form Shanghai narratives use), only when every ancestor row is printed;
* subject, narrative 类/款/项 sentences: the code the *same document's* tables
  print for that 项 name under a 款 row whose printed name is the 款 name (and
  for a 类 sentence, the 3-digit row of that name); sentences the document's own
  tables do not pin down are left out;
* indicator levels: the seed's 13 绩效自评表, each raw level checked by hand
  against the 财预〔2020〕10号 framework (可持续发展指标 = 可持续影响指标;
  满意度指标 printed as a 二级 = 服务对象满意度指标);
* organizations: the corpus headings, checked by hand against the folder the
  publisher filed them in, plus the seed's three names.

Run from the repo root: python benchmarks/eval/build_names.py (reads ../shared).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from flows.pipeline import read, recognize  # noqa: E402
from normalizers.numbers import fold  # noqa: E402
from normalizers.subjects import clean_code, name_key, split_code_prefix, split_levels  # noqa: E402

CORPUS = REPO / ".." / "shared" / "corpus"
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
OUT = Path(__file__).with_name("names.csv")
LEVEL1 = {"产出指标": "产出指标", "效益指标": "效益指标", "满意度指标": "满意度指标", "成本指标": "成本指标"}
LEVEL2 = {"数量指标": "数量指标", "质量指标": "质量指标", "时效指标": "时效指标",
          "经济效益指标": "经济效益指标", "社会效益指标": "社会效益指标",
          "可持续发展指标": "可持续影响指标", "可持续影响指标": "可持续影响指标",
          "服务对象满意度指标": "服务对象满意度指标", "满意度指标": "服务对象满意度指标",
          "经济成本指标": "经济成本指标"}
ORGS = {"江苏省人大常委会办公厅": "江苏省人大常委会", "江苏省人民检察院": "江苏省人民检察院",
        "江苏省委办公厅": "中共江苏省委办公厅", "中国共产党江苏省委员会办公厅": "中共江苏省委办公厅",
        "中共江苏省委办公厅": "中共江苏省委办公厅", "江苏省政协办公厅": "江苏省政协",
        "上海市普陀区财政局": "上海市普陀区财政局",
        "上海市普陀区人民政府万里街道办事处": "上海市普陀区人民政府万里街道办事处",
        "上海市普陀区人民政府办公室": "上海市普陀区人民政府办公室",
        "上海市普陀区商务委员会": "上海市普陀区商务委"}


def table_codes(lines) -> dict[str, str]:
    """code -> printed name, from the rows that print a code."""
    found: dict[str, str] = {}
    for line in lines:
        prefix, rest = split_code_prefix(line.subject_raw)
        code = clean_code(line.code_raw) if line.code_raw else prefix
        if code and name_key(rest):
            found.setdefault(code, name_key(rest))
    return found


def narrative_code(raw: str, codes: dict[str, str]) -> str | None:
    names = [re.sub(r"支出$", "", n) for n in split_levels(raw)]
    printed = {c: re.sub(r"支出$", "", n) for c, n in codes.items()}
    if len(names) == 1:
        hits = [c for c, n in printed.items() if len(c) == 3 and n == names[0]]
    else:
        hits = [c for c, n in printed.items()
                if len(c) == 2 * len(names) + 1 and n == names[-1]
                and printed.get(c[:-2]) == names[-2]]
    return hits[0] if len(hits) == 1 else None


def main() -> None:
    rows: list[dict] = []
    seen: set[tuple] = set()

    def add(kind, raw, year, expected, source, where):
        key = (kind, raw, year, source, where if kind.startswith("level") else None)
        if key not in seen:
            seen.add(key)
            rows.append({"kind": kind, "raw": raw, "year": year or "", "expected": expected,
                         "source_file": source, "source_page_or_line": where})

    for path in sorted(CORPUS.rglob("*.pdf")):
        ex = recognize(read(path))
        rel = str(path.relative_to(CORPUS))
        year = ex.info.fiscal_year
        if ex.info.organization in ORGS:
            add("organization", ex.info.organization, year, ORGS[ex.info.organization], rel,
                ex.info.provenance["organization"].page)
        codes = table_codes(ex.budget_lines)
        for line in ex.budget_lines:
            prefix, rest = split_code_prefix(line.subject_raw)
            code = clean_code(line.code_raw) if line.code_raw else prefix
            if code:
                if len(code) == 3:  # a bare 类 name is resolvable alone; deeper names need their chain
                    add("subject", fold(rest).strip(), year, code, rel, line.provenance.page)
                elif all(code[:n] in codes for n in range(3, len(code), 2)):
                    # the chain as Shanghai narratives write it: 卫生健康支出-行政事业单位医疗-行政单位医疗
                    chain = [codes[code[:n]] for n in range(3, len(code), 2)] + [name_key(rest)]
                    add("subject", "-".join(chain), year, code, rel, line.provenance.page)
                continue
            expected = narrative_code(line.subject_raw, codes)
            if expected:
                add("subject", line.subject_raw, year, expected, rel, line.provenance.page)
    ex = recognize(read(SEED_DOCX))
    for p in ex.projects:
        for ind in p.indicators:
            where = ind.provenance.locator.split(" / row")[0]
            if ind.level1_raw in LEVEL1:
                add("level1", ind.level1_raw, 2024, LEVEL1[ind.level1_raw], SEED_DOCX.name, where)
            if ind.level2_raw in LEVEL2:
                add("level2", ind.level2_raw, 2024, LEVEL2[ind.level2_raw], SEED_DOCX.name, where)
    for n in ("泸州市委政法委", "中共泸州市委政法委员会", "中国共产党泸州市委员会政法委员会"):
        add("organization", n, 2024, "中共泸州市委政法委", "luzhou-zfw-2024-final-accounts.txt", "heading")
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
