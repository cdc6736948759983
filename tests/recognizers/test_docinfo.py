"""Organization, region, fiscal year and kind from a document's head."""

from __future__ import annotations

from pathlib import Path

import pytest
import realdocs
from disclosures.extractors.recognizers.docinfo import (
    recognize_document_info,
    region_of,
)
from disclosures.model.layout import Document, Paragraph

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"


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


FIRST_PAGES = [
    ("上海市普陀区商务委员会25年预算.pdf", ("上海市普陀区商务委员会", "上海市普陀区", 2025, "budget")),
    ("江苏省人大常委会2019年度部门预算公开.pdf", ("江苏省人大常委会办公厅", "江苏省", 2019, "budget")),
    ("24年普陀区财政局（测试问题版本）.pdf", ("上海市普陀区财政局", "上海市普陀区", 2024, "final_accounts")),
]


@pytest.mark.parametrize("name, expected",
                         [pytest.param(*case, marks=realdocs.needs(case[0])) for case in FIRST_PAGES])
def test_corpus_first_pages(name, expected):
    from disclosures.extractors.readers.pdf import read_pdf
    info = recognize_document_info(read_pdf(realdocs.path(name)))
    assert (info.organization, info.region, info.fiscal_year, info.kind) == expected


# ---- covers of the 2026 city crawl's kinds (issue 12: "Cover metadata") ----------------------

@pytest.mark.parametrize("texts, expected", [
    # the year with a space before 年 is no part of the name
    (("2026 年某某市信访局部门预算",), ("某某市信访局", "部门", "某某市", 2026)),
    (("中共某某市委宣传部", "2026年部门预算情况说明"), ("中共某某市委宣传部", "部门", "某某市", 2026)),
    (("国家统计局2026年部门预算",), ("国家统计局", "部门", None, 2026)),
    (("国务院国资委部门预算（2026年）",), ("国务院国资委", "部门", None, 2026)),
    # the scope printed after the name goes to its own field
    (("某某市公安局（本级）2026年单位预算情况说明",), ("某某市公安局", "本级", "某某市", 2026)),
    (("某某市信访局（汇总）", "2026年部门预算公开说明"), ("某某市信访局", "汇总", "某某市", 2026)),
    (("某某市民政局(本级)2026年单位预算情况说明",), ("某某市民政局", "本级", "某某市", 2026)),
    (("中共某某市委办公厅及下属单位2026年度部门预算公开",), ("中共某某市委办公厅", "汇总", "某某市", 2026)),
    # a bracket that is part of the name stays
    (("某某市棋牌运动管理中心（某某市棋院）2026年单位预算情况说明",),
     ("某某市棋牌运动管理中心（某某市棋院）", "单位", "某某市", 2026)),
    # the region is never cut mid-word: 城市 is no city
    (("重庆市城市管理局2026年部门预算情况说明",), ("重庆市城市管理局", "部门", "重庆市", 2026)),
    (("某某省某某市某某区民政局", "2025年度部门决算"),
     ("某某省某某市某某区民政局", "部门", "某某省某某市某某区", 2025)),
    # a labelled line on the cover names the unit; the title only the place
    (("江苏省2018年度", "省级部门预算公开报表", "部 门:中共江苏省委办公厅", "江苏省财政厅印制"),
     ("中共江苏省委办公厅", "部门", "江苏省", 2018)),
    (("上海市普陀区2025年区级单位预算", "预算单位：上海市普陀区商务委员会"),
     ("上海市普陀区商务委员会", "单位", "上海市普陀区", 2025)),
])
def test_cover_titles(texts, expected):
    info = recognize_document_info(doc_of(*texts))
    assert (info.organization, info.scope, info.region, info.fiscal_year) == expected
    assert info.provenance["organization"].text == expected[0]


def test_region_levels_with_the_central_government():
    from disclosures.normalizers.organizations import region_level

    assert [region_level(n) for n in ("国家统计局", "国务院国资委", "重庆市城市管理局", "西安市民政局",
                                      "上海市普陀区财政局")] == ["中央", "中央", "省", "市", "区县"]


def tables_only(*titled: tuple[str, list[str]]) -> Document:
    """A 公开表 file: each table after its title and 部门/单位 line, no cover."""
    from disclosures.model.layout import Cell, Table

    blocks, n = [], 0
    for i, (title, row) in enumerate(titled):
        for text in (title, "部门：某某省政协办公厅 单位：万元"):
            blocks.append(Paragraph(index=n, text=text, page=i + 1, extractor="test"))
            n += 1
        blocks.append(Table(i, 1, len(row), [Cell(t, 0, c) for c, t in enumerate(row)], pages=[i + 1]))
    return Document(blocks=blocks, format="pdf", file_name="公开表.pdf", sha256="0" * 64)


def test_tables_only_file_takes_its_year_from_a_tables_title():
    doc = tables_only(("收支预算总表", ["收入", "100.00"]), ("2019年政府采购预算表", ["合计", "0.00"]))
    info = recognize_document_info(doc)
    assert (info.organization, info.scope, info.fiscal_year) == ("某某省政协办公厅", "部门", 2019)
    assert (info.provenance["fiscal_year"].text, info.provenance["fiscal_year"].page) == ("2019", 2)


def test_the_file_name_is_the_last_resort_and_says_so():
    doc = Document(blocks=[Paragraph(0, "收入预算100.00万元", page=1, extractor="test")], format="pdf",
                   file_name="某某市审计局2024年部门预算.pdf", sha256="0" * 64)
    info = recognize_document_info(doc)
    assert (info.organization, info.fiscal_year) == ("某某市审计局", 2024)
    assert info.provenance["organization"].locator == "file name"
    assert info.provenance["organization"].extractor == "file-name"
