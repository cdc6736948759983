"""Organization, region, fiscal year and kind from a document's head."""

from __future__ import annotations

from pathlib import Path

import pytest
from disclosures.extractors.recognizers.docinfo import (
    recognize_document_info,
    region_of,
)
from disclosures.model.layout import Document, Paragraph

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"
CORPUS = REPO / ".." / "shared" / "corpus"


def doc_of(*texts: str) -> Document:
    blocks = [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate(texts)]
    return Document(blocks=blocks, format="pdf", file_name="t.pdf", sha256="0" * 64)


def test_seed_first_mention():
    if not SEED_DOCX.exists():
        pytest.skip("seed docx not built")
    from disclosures.extractors.readers.docx import read_docx
    info = recognize_document_info(read_docx(SEED_DOCX))
    assert (info.organization, info.region, info.fiscal_year, info.kind) == (
        "泸州市委政法委", "泸州市", 2024, "final_accounts")
    assert info.provenance["organization"].text == "泸州市委政法委"
    assert info.provenance["region"].text == "泸州市"
    assert info.provenance["fiscal_year"].text == "2024"
    # the kind is the classification's: the heading 第二部分 2024年度部门决算情况说明
    assert info.provenance["kind"].text == "2024年度部门决算情况"


@pytest.mark.parametrize("texts, expected", [
    (("江苏省人大常委会办公厅", "2019年度部门预算公开"), ("江苏省人大常委会办公厅", "江苏省", 2019, "budget")),
    (("江苏省人大常委会办公厅2019年部门预算",), ("江苏省人大常委会办公厅", "江苏省", 2019, "budget")),
    (("上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区商务委员会"),
     ("上海市普陀区商务委员会", "上海市普陀区", 2025, "budget")),
    (("上海市普陀区财政局", "2024 年度部门决算"), ("上海市普陀区财政局", "上海市普陀区", 2024, "final_accounts")),
    (("江苏省人民检察院", "年部门预算", "2017"), ("江苏省人民检察院", "江苏省", 2017, "budget")),
    (("某县农业农村局", "2023年度项目支出绩效评价报告", "一、项目概况"),
     ("某县农业农村局", "某县", 2023, "performance_report")),
])
def test_title_pages(texts, expected):
    info = recognize_document_info(doc_of(*texts))
    assert (info.organization, info.region, info.fiscal_year, info.kind) == expected


def test_regions():
    assert region_of("中共江苏省委办公厅") == "江苏省"
    assert region_of("四川省泸州市江阳区财政局") == "四川省泸州市江阳区"


@pytest.mark.parametrize("name, expected", [
    ("shanghai-putuo/上海市普陀区商务委员会25年预算.pdf", ("上海市普陀区商务委员会", "上海市普陀区", 2025, "budget")),
    ("jiangsu-province-budgets/江苏省人大办公厅/江苏省人大常委会2019年度部门预算公开.pdf",
     ("江苏省人大常委会办公厅", "江苏省", 2019, "budget")),
    ("shanghai-putuo/24年普陀区财政局（测试问题版本）.pdf",
     ("上海市普陀区财政局", "上海市普陀区", 2024, "final_accounts")),
])
def test_corpus_first_pages(name, expected):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file absent: {path}")
    from disclosures.extractors.readers.pdf import read_pdf
    info = recognize_document_info(read_pdf(path))
    assert (info.organization, info.region, info.fiscal_year, info.kind) == expected
