"""专项项目绩效评价报告 → projects (source="evaluation_report")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from disclosures.extractors.recognizers.evaluation_report import (
    recognize_evaluation_reports,
)
from disclosures.model.layout import Document, Paragraph
from disclosures.model.records import DocumentInfo

REPO = Path(__file__).resolve().parents[2]
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"


def doc_of(*texts: str) -> Document:
    blocks = [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate(texts)]
    return Document(blocks=blocks, format="docx", file_name="t.docx", sha256="0" * 64)


def recognize(*texts: str):
    return recognize_evaluation_reports(doc_of(*texts), DocumentInfo())


# The seed's 驻村第一书记经费 report, abridged to the paragraphs that matter.
VILLAGE_REPORT = (
    "附件2",
    "专项项目绩效评价报告",
    "（驻村第一书记经费）",
    "一、项目概况",
    "四川省财政厅《关于做好驻村第一书记工作经费保障的通知》（川财农〔2022〕15号），明确按每村每年不低于2.5万元标准安排经费。",
    "（三）预算安排及分配管理。",
    "2024年驻村工作人员经费为3.75万元，资金分配则是按照公平公正原则、需求导向原则。",
    "项目资金的分配情况：3.75万元均用于我委派驻将军湖村2名驻村队员差旅费等支出。",
    "（四）项目绩效目标设置。该项目按照目标设置，完成了各项任务。",
    "三、绩效分析\t",
    "资金投向：资金使用重视成本节约、预算执行率100%、项目按期完成。",
    "四、评价结论",
    "该项目100%完成目标任务，预算执行率为100%。项目实施效果为优。",
    "五、存在主要问题",
    "无问题",
    "六、改进建议",
    "简要阐述专项预算项目在预算安排、完善政策、改进管理等方面的措施建议，其中必须对应评价发现的主要问题一一提出措施建议。",
    "1.强化动态调整机制。",
    "2.对目标设置进行量化，避免量化模糊表述。",
)


def test_report_figures_with_their_spans():
    ext = recognize(*VILLAGE_REPORT)
    (p,) = ext.projects
    assert p.source == "evaluation_report" and p.name == "驻村第一书记经费"
    assert p.field_provenance["name"].locator == "paragraph 2 chars 1-9"
    # the budget is the one under 预算安排, not the 2.5万元 standard nor the 用于 clause
    assert p.budget_initial == Decimal(37500)
    assert p.field_provenance["budget_initial"].text == "3.75万元"
    assert p.field_provenance["budget_initial"].locator == "paragraph 6 chars 14-20"
    # "预算执行率为100%" in the conclusion is preferred to the bare listing above it
    assert p.execution_rate == Decimal(100)
    assert p.field_provenance["execution_rate"].locator == "paragraph 12 chars 20-24"
    assert p.executed is None and p.budget_adjusted is None and p.total_score is None
    assert ext.findings == []


def test_report_text_sections_skip_template_instructions():
    p = recognize(*VILLAGE_REPORT).projects[0]
    assert p.conclusion == "该项目100%完成目标任务，预算执行率为100%。项目实施效果为优。"
    assert p.problems == "无问题"
    assert p.improvements == "1.强化动态调整机制。\n2.对目标设置进行量化，避免量化模糊表述。"
    assert p.field_provenance["improvements"].locator == "paragraph 17"


def test_template_placeholders_are_findings_not_values():
    ext = recognize("专项项目绩效评价报告", "（XX项目）", "（三）预算安排及分配管理。",
                    "2024年项目经费XX万元，预算执行率为XX%。", "四、评价结论", "项目自评得分**分。")
    (p,) = ext.projects
    assert p.budget_initial is None and p.execution_rate is None and p.total_score is None
    assert p.conclusion == "项目自评得分**分。"
    assert sorted(f.evidence[0].text for f in ext.findings) == ["**分", "XX%", "XX万元"]
    assert {f.rule for f in ext.findings} == {"evaluation_report.placeholder"}


def test_name_from_title_and_explicit_figures():
    """Another layout: the name in the title, figures spelled out in one paragraph."""
    ext = recognize("2023年度农村饮水安全项目支出绩效评价报告",
                    "一、项目基本情况",
                    "该项目年初预算500万元，调整后预算480万元，实际支出456.5万元，预算执行率为95.1%。",
                    "二、评价结论",
                    "经评价，项目自评得分为92.5分，等级为优。")
    (p,) = ext.projects
    assert p.name == "农村饮水安全"
    assert (p.budget_initial, p.budget_adjusted, p.executed) == (
        Decimal(5000000), Decimal(4800000), Decimal(4565000))
    assert p.execution_rate == Decimal("95.1") and p.total_score == Decimal("92.5")
    assert p.field_provenance["executed"].text == "456.5万元"
    assert p.field_provenance["total_score"].text == "92.5分"


def test_department_report_is_not_a_project():
    assert recognize("部门预算绩效评价报告", "一、部门（单位）基本情况",
                     "我委总分为96分。").projects == []


@pytest.fixture(scope="module")
def seed():
    if not SEED_DOCX.exists():
        pytest.skip(f"seed fixture not built yet: {SEED_DOCX}")
    try:
        from disclosures.extractors.readers.docx import read_docx
    except ImportError:
        pytest.skip("extractors.readers.docx not available yet")
    return recognize_evaluation_reports(read_docx(SEED_DOCX), DocumentInfo())


def test_seed_reports_state_budget_and_rate_only(seed):
    """The seed's two reports state a budget and 预算执行率 and nothing else
    numeric: no executed amount, no adjusted budget, no score."""
    got = {p.name: (p.budget_initial, p.execution_rate, p.executed, p.budget_adjusted, p.total_score)
           for p in seed.projects}
    assert got == {"驻村第一书记经费": (Decimal(37500), Decimal(100), None, None, None),
                   "平安建设项目经费": (Decimal(3130000), Decimal(100), None, None, None)}
    safety = next(p for p in seed.projects if p.name == "平安建设项目经费")
    assert safety.field_provenance["budget_initial"].text == "313万元"
    assert safety.problems == "无问题"
    assert safety.improvements.startswith("1.强化动态调整机制。")
    assert seed.findings == []
