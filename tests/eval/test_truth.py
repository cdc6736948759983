"""The hand-checked truth documents of the city crawl, scored against the pipeline.

Each document in ``tests/eval/truth/`` (a real file under
``fixtures/real/city-crawl/``, every value checked by eye on its rendered
pages) is extracted with ``flows.pipeline.extract`` and must meet issue 12's
thresholds: metadata right, ≥ 98 % of its printed function codes among the
extracted lines, ≤ 1 % of the lines with a code the document does not print,
every truth line and every truth fact present with the exact value.

The few checks that still fail are listed in ``KNOWN`` with their cause, as
strict xfails: each one turns the suite red when it starts to pass.
"""

from __future__ import annotations

from pathlib import Path

import benchmarks_truth as truth
import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = truth.load_all(Path(__file__).resolve().parent / "truth")

# (check, document) → why it fails today
KNOWN = {
    ("facts", "004-planning-2026"):
        "the document prints basic.public as 15,052.64 (p.19) and 15,052.63 (p.22); the truth "
        "keeps one, the tables give both",
    ("facts", "083-government-office-2024-self-evaluation"):
        "the 自评得分 total of a 部门整体绩效自评表 is not read as performance.self_score",
}


def cases(check: str, docs):
    return [pytest.param(d, id=d.name, marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(check, d.name)])]
                         if (check, d.name) in KNOWN else []) for d in docs]


@pytest.fixture(scope="module")
def extracted():
    """One extraction per document, kept for all its checks (or the exception it raised)."""
    from disclosures.flows.pipeline import extract

    cache: dict[str, object] = {}

    def get(doc: truth.Truth):
        if doc.name not in cache:
            path = REPO / doc.file
            if not path.exists():
                pytest.skip(f"real fixture absent: {path}")
            try:
                cache[doc.name] = extract(path)[1]
            except Exception as exc:  # noqa: BLE001 - each check of the document reports it
                cache[doc.name] = exc
        result = cache[doc.name]
        if isinstance(result, Exception):
            raise result
        return truth.score(doc, result)

    return get


@pytest.mark.parametrize("doc", cases("metadata", DOCUMENTS))
def test_metadata(doc, extracted):
    assert "metadata" not in (failures := extracted(doc).failures()), failures.get("metadata")


WITH_CODES = [d for d in DOCUMENTS if d.printed_codes]


@pytest.mark.parametrize("doc", cases("coverage", WITH_CODES))
def test_printed_codes_covered(doc, extracted):
    assert "coverage" not in (failures := extracted(doc).failures()), failures.get("coverage")


@pytest.mark.parametrize("doc", cases("unprinted", DOCUMENTS))
def test_no_lines_with_unprinted_codes(doc, extracted):
    assert "unprinted" not in (failures := extracted(doc).failures()), failures.get("unprinted")


WITH_LINES = [d for d in DOCUMENTS if d.lines]


@pytest.mark.parametrize("doc", cases("lines", WITH_LINES))
def test_truth_lines_exact(doc, extracted):
    assert "lines" not in (failures := extracted(doc).failures()), failures.get("lines")


WITH_FACTS = [d for d in DOCUMENTS if d.facts]


@pytest.mark.parametrize("doc", cases("facts", WITH_FACTS))
def test_truth_facts_exact(doc, extracted):
    assert "facts" not in (failures := extracted(doc).failures()), failures.get("facts")
