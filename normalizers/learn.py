"""Learning 支出功能分类 code+name pairs from the tables documents print.

The curated vocabulary (``data/function_subjects.csv``) holds the codes its
sources name; real documents print many more (every 项 a department spends on).
A code printed with its name in a statement table is evidence of that pair in
that document's year. ``learned_rows`` turns such evidence from many documents
into rows of ``data/learned_subjects.csv`` — each with the documents (sha256
prefixes) and years it was read in — for the codes the curated vocabulary
does not have. ``benchmarks/learn_subjects.py`` runs it over a corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from disclosures.model.records import Extraction
from disclosures.normalizers.subjects import (
    LEVEL_BY_LENGTH,
    SubjectCatalogue,
    clean_code,
    name_key,
)

LEARNED_COLUMNS = ("code", "name", "level", "parent", "years", "documents")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Evidence:
    """Every printing of one code: its names, the years and the documents."""

    names: Counter[str] = field(default_factory=Counter)
    years: set[int] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)


def printed_pairs(extraction: Extraction) -> list[tuple[str, str]]:
    """(code, name) of every subject row the document's statement tables print."""
    return [(row.code, row.name) for st in extraction.statements for row in st.rows
            if row.role == "subject" and row.code and row.name]


def collect(evidence: dict[str, Evidence], pairs: Iterable[tuple[str, str]], year: int | None,
            sha256: str) -> None:
    for code, name in pairs:
        printed = clean_code(code)
        if printed is None or len(CJK.findall(name_key(name))) < 2:
            continue
        item = evidence.setdefault(printed, Evidence())
        item.names[name_key(name)] += 1
        if year is not None:
            item.years.add(year)
        item.documents.add(sha256[:12])


def best_name(names: Counter[str]) -> str:
    """The most printed name; a name cut short in a narrow column (a prefix of a
    longer one) yields to the longer."""
    ranked = [n for n, _ in names.most_common()]
    top = ranked[0]
    longer = [n for n in ranked if n != top and n.startswith(top)]
    return max(longer, key=len) if longer else top


def learned_rows(evidence: dict[str, Evidence], catalogue: SubjectCatalogue) -> list[dict[str, str]]:
    """Rows for the codes the catalogue lacks whose parent is known (curated or
    learned here), parents before children."""
    known = set(catalogue.by_code)
    rows: list[dict[str, str]] = []
    for code in sorted(evidence, key=lambda c: (len(c), c)):
        if code in known:
            continue
        parent = code[:-2] if len(code) > 3 else ""
        if parent and parent not in known:
            continue
        item = evidence[code]
        rows.append({"code": code, "name": best_name(item.names), "level": LEVEL_BY_LENGTH[len(code)],
                     "parent": parent, "years": " ".join(str(y) for y in sorted(item.years)),
                     "documents": " ".join(sorted(item.documents))})
        known.add(code)
    return rows
