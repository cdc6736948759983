"""The seed's PDF rendering yields what its Word original yields (issue: PDF is first-class).

The PDF is LibreOffice's rendering of fixtures/seed/…docx (fixtures/build_seed.py),
so every fact, budget line, project and indicator must come out the same,
provenance aside. Free text is compared with whitespace removed: a space at
a PDF line end is not recoverable and carries no meaning in Chinese text.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from db.engine import get_engine
from db.export import export_document
from flows.pipeline import process_file

PROVENANCE_KEYS = {"provenance", "field_provenance"}


def comparable(value):
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in PROVENANCE_KEYS}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    return value


@pytest.fixture(scope="module")
def exports(tmp_path_factory, request):
    from pathlib import Path

    seed = Path(__file__).resolve().parents[2] / "fixtures" / "seed"
    tmp = tmp_path_factory.mktemp("pdf-vs-docx")
    url = f"sqlite:///{tmp / 'both.db'}"
    docx = process_file(seed / "luzhou-zfw-2024-final-accounts.docx", url, raw_root=tmp / "raw")
    pdf = process_file(seed / "luzhou-zfw-2024-final-accounts.pdf", url, raw_root=tmp / "raw")
    engine = get_engine(url)
    return export_document(engine, docx.sha256), export_document(engine, pdf.sha256)


@pytest.mark.parametrize("section", ["facts", "budget_lines", "projects"])
def test_pdf_yields_the_same_records_as_docx(exports, section):
    from_docx, from_pdf = exports
    assert comparable(from_pdf[section]) == comparable(from_docx[section])


def test_pdf_findings_are_the_docx_findings(exports):
    from_docx, from_pdf = exports
    assert Counter(f["rule"] for f in from_pdf["findings"]) == Counter(f["rule"] for f in from_docx["findings"])


def test_every_pdf_value_has_page_and_box(exports):
    _, from_pdf = exports
    assert from_pdf["document"]["pages"] == 31
    provenances = [r["provenance"] for s in ("facts", "budget_lines", "projects") for r in from_pdf[s]]
    provenances += [i["provenance"] for p in from_pdf["projects"] for i in p["indicators"]]
    for prov in provenances:
        assert prov["page"] >= 1 and len(prov["bbox"]) == 4, prov
