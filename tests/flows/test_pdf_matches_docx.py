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
from disclosures.db.engine import get_engine
from disclosures.db.export import export_document
from disclosures.flows.pipeline import process_file

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


def cropped_text(pdf, page: int, bbox) -> str:
    """The characters whose centre lies in ``bbox``: pdfminer's boxes are the font's
    em box, pdfium's (the pipeline's) the glyph's ink, so edges differ, centres agree."""
    x0, top, x1, bottom = bbox
    return "".join(c["text"] for c in pdf.pages[page - 1].chars
                   if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)


def test_every_pdf_value_box_holds_its_own_characters(exports):
    """Crop the page at each value's box (read with pdfplumber, independently of the
    pipeline's pypdfium2 reader) and find every character of the value's source text."""
    from pathlib import Path

    import pdfplumber

    _, from_pdf = exports
    values = [(f"/facts/{i}", f["provenance"]) for i, f in enumerate(from_pdf["facts"])]
    values += [(f"/budget_lines/{i}", b["provenance"]) for i, b in enumerate(from_pdf["budget_lines"])]
    values += [(f"/projects/{i}/indicators/{j}", ind["provenance"])
               for i, p in enumerate(from_pdf["projects"]) for j, ind in enumerate(p["indicators"])]
    values += [(f"/projects/{i}/funding/{k}/{name}", prov)
               for i, p in enumerate(from_pdf["projects"]) for k, row in enumerate(p.get("funding", []))
               for name, prov in row["field_provenance"].items()]
    assert len(values) > 300
    seed_pdf = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.pdf"
    with pdfplumber.open(seed_pdf) as pdf:
        for where, prov in values:
            found = Counter(cropped_text(pdf, prov["page"], prov["bbox"]))
            wanted = Counter(re.sub(r"\s+", "", prov["text"]))
            missing = wanted - found
            if missing and prov["locator"].startswith("table") and prov["page"] < len(pdf.pages):
                # a cell whose row a page break splits: provenance holds the box on
                # its first page; the rest of its text opens the next page
                assert found, f"{where}: nothing inside its box on p.{prov['page']}"
                missing -= Counter(c["text"] for c in pdf.pages[prov["page"]].chars[:400])
            assert not missing, f"{where}: {prov['text']!r} not inside its box on p.{prov['page']}"
