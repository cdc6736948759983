"""Hand-built extractions for the database tests.

The values are the seed's (泸州市委政法委 2024 部门决算, shared/seeds/
luzhou-zfw-2024-final-accounts.txt): 行政运行 939.21万元 at 100% of budget,
"三公"经费 26.39万元 down 7%, the 单项定额基本运转支出 绩效自评表. Provenance
mixes DOCX-style (no page, no box) and PDF-style (page and box) so both
shapes go through the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from disclosures.db.engine import get_engine, migrate
from disclosures.model.layout import Document, Provenance
from disclosures.model.records import (
    BudgetLine,
    Classification,
    DocumentInfo,
    Evidence,
    Extraction,
    Fact,
    Finding,
    FundingRow,
    Indicator,
    Match,
    Project,
)

SHA = "5e" + "0123456789abcdef" * 3 + "0123456789abcd"
STARTED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def para(index: int, text: str, start: int = 0) -> Provenance:
    return Provenance(f"paragraph {index} chars {start}-{start + len(text)}", text, "docx")


def cell(table: int, row: int, col: int, text: str, page: int | None = None) -> Provenance:
    bbox = (72.0, 410.2 + row * 18.5, 523.125, 428.9 + row * 18.5) if page else None
    return Provenance(f"table {table} / row {row} / col {col}", text,
                      "pdf-text" if page else "docx", page, bbox, 0.98 if page else None)


def make_doc(sha: str = SHA, file_name: str = "luzhou-zfw-2024-final-accounts.docx",
             source_url: str | None = None) -> Document:
    return Document(blocks=[], format="docx", file_name=file_name, sha256=sha,
                    source_url=source_url)


def make_extraction() -> Extraction:
    """Three facts, three lines, one project with funding and three indicators, four findings."""
    facts = [
        Fact("three_public.total", D("263900"), "yuan", para(40, "26.39万元", 12)),
        Fact("three_public.total.change_pct", D("-7"), "pct", para(40, "下降7%", 30)),
        Fact("three_public.reception_batches", D("23"), "count", para(44, "23批次", 8)),
    ]
    item = BudgetLine(
        "一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）",
        "general_budget", "actual", "total", D("9392100"), para(31, "939.21万元", 45),
        subject_code="2013101", subject_name="行政运行", budget_pct=D("100"),
        match=Match("exact", 100),
        field_provenance={
            "budget_pct": para(31, "完成预算100%", 60),
            "subject_raw": para(31, "一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）")})
    klass = BudgetLine("一般公共服务支出", "general_budget", "actual", "total", D("18345900"),
                       cell(4, 7, 3, "1834.59", page=3), subject_code="201",
                       subject_name="一般公共服务支出", match=Match("alias", 96.42))
    unresolved = BudgetLine("其他政法支出（项）", "general_budget", "budget", "project",
                            D("1234567890123.45"), cell(4, 9, 3, "1234567890123.45", page=3))
    indicators = [
        Indicator("科目调整次数", "产出指标", "数量指标", cell(6, 12, 2, "科目调整次数"),
                  level1="产出指标", level2="数量指标", operator="<=", target="2", unit="次",
                  actual="1", weight=D("10"), score=D("10"), match=Match("fuzzy", 88.5),
                  field_provenance={"target": cell(6, 12, 3, "≤2次"), "actual": cell(6, 12, 4, "1次"),
                                    "weight": cell(6, 12, 5, "10"), "score": cell(6, 12, 6, "10")}),
        Indicator("预算编制准确率", "产出指标", "质量指标", cell(6, 13, 2, "预算编制准确率"),
                  level1="产出指标", level2="质量指标", operator=">=", target="95", unit="%",
                  actual="96.5", weight=D("7.5"), score=D("7.25"), match=Match("review", 61.04),
                  shortfall_reason="个别科目调整",
                  field_provenance={"target": cell(6, 13, 3, "≥95%"), "actual": cell(6, 13, 4, "96.5%"),
                                    "weight": cell(6, 13, 5, "7.5"), "score": cell(6, 13, 6, "7.25")}),
        Indicator("服务对象满意度", "效益指标", "社会效益指标", cell(6, 14, 2, "服务对象满意度"),
                  operator="qualitative", target="优", actual="优",
                  field_provenance={"target": cell(6, 14, 3, "优"), "actual": cell(6, 14, 4, "优")}),
    ]
    funding = [
        FundingRow("总额", D("3060000"), D("3045000"), D("2615700"), D("85.9"),
                   {"source": cell(6, 3, 0, "年度资金总额"), "budget_initial": cell(6, 3, 1, "306"),
                    "budget_adjusted": cell(6, 3, 2, "304.5"), "executed": cell(6, 3, 3, "261.57"),
                    "execution_rate": cell(6, 3, 4, "85.9%")}),
        FundingRow("其中：财政资金", D("3060000"), None, None, None,
                   {"budget_initial": cell(6, 4, 1, "306")}),
    ]
    project = Project(
        "单项定额基本运转支出", cell(6, 0, 1, "51050021Y000000024280单项定额基本运转支出"),
        code="51050021Y000000024280", department="中共泸州市委政法委员会",
        implementer="中共泸州市委政法委员会", budget_initial=D("3060000"),
        budget_adjusted=D("3045000"), executed=D("2615700"), execution_rate=D("85.9"),
        execution_weight=D("10"), execution_score=D("8.59"), total_score=D("93.34"),
        goal="保障机关正常运转", conclusion=None, indicators=indicators, funding=funding,
        field_provenance={"code": cell(6, 0, 1, "51050021Y000000024280"),
                          "budget_initial": cell(6, 3, 1, "306"), "budget_adjusted": cell(6, 3, 2, "304.5"),
                          "executed": cell(6, 3, 3, "261.57"), "execution_rate": cell(6, 3, 4, "85.9%"),
                          "execution_weight": cell(6, 3, 5, "10"), "execution_score": cell(6, 3, 6, "8.59"),
                          "total_score": cell(6, 20, 6, "93.34"), "goal": cell(6, 5, 1, "保障机关正常运转")})
    findings = [
        Finding("numbering.gap", "info", "项 numbering jumps from 6 to 8",
                evidence=[para(37, "8.一般公共服务（类）"), cell(4, 2, 0, "8", page=4)]),
        Finding("indicator.level_mismatch", "warning", "满意度 indicator filed under 效益指标",
                records=[indicators[2]]),
        Finding("performance.execution_rate", "error", "rate vs executed/adjusted",
                records=[project, funding[0], item, facts[1]]),
        Finding("placeholder", "warning", "授予小微企业合同金额**万元", evidence=[para(52, "**万元", 20)]),
    ]
    info = DocumentInfo(organization="泸州市委政法委", region="泸州市", fiscal_year=2024,
                        kind="final_accounts", scope="部门",
                        provenance={"organization": para(0, "泸州市委政法委"),
                                    "fiscal_year": para(0, "2024", 7),
                                    "scope": para(1, "部门", 6)})
    classification = Classification("final_accounts", 0.95, [Evidence("title.final", "final_accounts",
                                                                     para(1, "2024年度部门决算", 2))])
    return Extraction(info=info, facts=facts, budget_lines=[item, klass, unresolved],
                      projects=[project], findings=findings, classification=classification)


class Samples:
    """The builders above, for tests (importing a conftest is not portable)."""

    sha = SHA
    started = STARTED
    doc = staticmethod(make_doc)
    extraction = staticmethod(make_extraction)

    def store(self, engine, extraction: Extraction | None = None, doc: Document | None = None,
              version: str = "1.0.0"):
        from disclosures.db.store import store_extraction

        return store_extraction(engine, doc or make_doc(), extraction or make_extraction(),
                                version, STARTED)


@pytest.fixture
def samples() -> Samples:
    return Samples()


@pytest.fixture
def engine(db_url):
    """A migrated engine on each supported database."""
    eng = get_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()
