"""Looking records up by key and by where they were read (text or table)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import product

from disclosures.model.layout import Document, Paragraph, Provenance
from disclosures.model.records import BudgetLine, Fact

PARAGRAPH_LOCATOR = re.compile(r"paragraph (\d+)(?: chars (\d+)-(\d+))?")


def from_table(prov: Provenance) -> bool:
    return prov.locator.startswith("table ")


def paragraph_spans(prov: Provenance) -> list[tuple[int, int | None, int | None]]:
    """``paragraph 26 chars 45-54 + paragraph 27 chars 0-2`` → [(26, 45, 54), (27, 0, 2)]."""
    return [(int(m.group(1)), int(m.group(2)) if m.group(2) else None,
             int(m.group(3)) if m.group(3) else None)
            for m in PARAGRAPH_LOCATOR.finditer(prov.locator)]


def paragraph_of(prov: Provenance) -> int | None:
    spans = paragraph_spans(prov)
    return spans[0][0] if spans else None


class FactIndex:
    """A document's facts by key, split by source: the 情况说明 text or the tables."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.text: dict[str, list[Fact]] = defaultdict(list)
        self.table: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            (self.table if from_table(fact.provenance) else self.text)[fact.key].append(fact)

    def all(self, key: str) -> list[Fact]:
        return self.text.get(key, []) + self.table.get(key, [])

    def near(self, key: str, anchor: Fact) -> list[Fact]:
        """Facts of ``key``, nearest to the anchor's paragraph first (the text before
        the tables; a restated figure is stated once: ``dedupe_facts``)."""
        para = paragraph_of(anchor.provenance) or 0

        def distance(fact: Fact) -> tuple[int, int]:
            where = paragraph_of(fact.provenance)
            return (0, abs(para - where)) if where is not None else (1, 0)

        return sorted(self.all(key), key=distance)


def combinations(groups: Sequence[Sequence[Fact]]) -> Iterable[tuple[Fact, ...]]:
    """Every choice of one fact per group (a key restated with different values)."""
    return product(*groups)


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def is_text_line(line: BudgetLine) -> bool:
    return not from_table(line.provenance)


class ParagraphIndex:
    """The document's paragraphs by their index (the ``paragraph N`` of locators)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.by_index: dict[int, Paragraph] = {p.index: p for p in doc.paragraphs}
        self.order = sorted(self.by_index)
        self.position = {index: i for i, index in enumerate(self.order)}

    def following(self, index: int, count: int) -> list[Paragraph]:
        """The paragraph ``index`` and the ``count - 1`` paragraphs after it."""
        start = self.position.get(index)
        if start is None:
            return []
        return [self.by_index[i] for i in self.order[start:start + count]]

    def text_after(self, prov: Provenance, paragraphs: int = 2) -> tuple[list[Paragraph], int] | None:
        """The paragraphs from where ``prov`` ends, with the offset of its end in the first."""
        spans = paragraph_spans(prov)
        if not spans:
            return None
        index, _, end = spans[-1]
        if end is None:
            return None
        run = self.following(index, paragraphs)
        return (run, end) if run else None

