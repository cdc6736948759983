"""情况说明 → facts and budget lines, hand-checked against the seed 泸州市委政法委 2024 部门决算
(/work/shared/seeds/luzhou-zfw-2024-final-accounts.txt lines 12-99 and 附件1 lines 148-166)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from disclosures.extractors.recognizers.narrative import (
    fold_compact,
    recognize_narrative,
)
from disclosures.model.layout import Document, Paragraph
from disclosures.model.numbers import to_yuan
from disclosures.model.records import DocumentInfo, Extraction, check_provenance

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts"
FINAL = DocumentInfo(organization="泸州市委政法委", region="泸州市", fiscal_year=2024,
                     kind="final_accounts")


def doc_of(*texts: str) -> Document:
    blocks = [Paragraph(index=i, text=t, extractor="test") for i, t in enumerate(texts)]
    return Document(blocks=blocks, format="docx", file_name="t.docx", sha256="0" * 64)


def facts_of(ex: Extraction) -> dict[str, Decimal]:
    return {f.key: f.value for f in ex.facts}


def read(*texts: str, kind: str = "final_accounts") -> Extraction:
    return recognize_narrative(doc_of(*texts), DocumentInfo(kind=kind))


def read_seed(fmt: str) -> Extraction:
    path = SEED.with_suffix("." + fmt)
    if not path.exists():
        pytest.skip(f"seed fixture {path.name} not built")
    if fmt == "docx":
        from disclosures.extractors.readers.docx import read_docx
        return recognize_narrative(read_docx(path), FINAL)
    from disclosures.extractors.readers.pdf import read_pdf
    return recognize_narrative(read_pdf(path), FINAL)


@pytest.fixture(scope="module", params=["docx", "pdf"])
def seed(request) -> Extraction:
    return read_seed(request.param)


# ---------------------------------------------------------------- the seed

Y = Decimal  # yuan, written out by hand from the 万元 figures of the seed
SEED_FACTS: dict[str, tuple[Decimal, str]] = {
    # 一、收入支出决算总体情况说明: 收入、支出总计均为2254.91万元 … 各减少395.69万元，下降15%
    "income_expenditure_total": (Y(22549100), "yuan"),
    "income_expenditure_total.change": (Y(-3956900), "yuan"),
    "income_expenditure_total.change_pct": (Y(-15), "pct"),
    # 二、本年收入合计2254.91万元，其中：一般公共预算财政拨款收入2254.91万元，占100%
    "income_total": (Y(22549100), "yuan"),
    "income.general_budget": (Y(22549100), "yuan"),
    "income.general_budget.share_pct": (Y(100), "pct"),
    # 三、本年支出合计2254.91万元，其中：基本支出1626.35万元，占72%；项目支出628.56万元，占28%
    "expenditure_total": (Y(22549100), "yuan"),
    "expenditure.basic": (Y(16263500), "yuan"),
    "expenditure.basic.share_pct": (Y(72), "pct"),
    "expenditure.project": (Y(6285600), "yuan"),
    "expenditure.project.share_pct": (Y(28), "pct"),
    # 四、财政拨款收入、支出总计均为2254.91万元 … 各减少395.69万元，下降15%
    "appropriation_total": (Y(22549100), "yuan"),
    "appropriation_total.change": (Y(-3956900), "yuan"),
    "appropriation_total.change_pct": (Y(-15), "pct"),
    # 五（一）占本年支出合计的100% … 减少395.69万元，下降15%；（三）完成预算100%
    "general_budget_expenditure": (Y(22549100), "yuan"),
    "general_budget_expenditure.share_pct": (Y(100), "pct"),
    "general_budget_expenditure.change": (Y(-3956900), "yuan"),
    "general_budget_expenditure.change_pct": (Y(-15), "pct"),
    "general_budget_expenditure.budget_pct": (Y(100), "pct"),
    # 六、基本支出1626.35万元，其中：人员经费1366.81万元 … 公用经费259.54万元
    "basic_total": (Y(16263500), "yuan"),
    "basic.personnel": (Y(13668100), "yuan"),
    "basic.public": (Y(2595400), "yuan"),
    # 七（一）决算为26.39万元，完成预算73%，较上年度减少1.91万元，下降7%
    "three_public.total": (Y(263900), "yuan"),
    "three_public.total.budget_pct": (Y(73), "pct"),
    "three_public.total.change": (Y(-19100), "yuan"),
    "three_public.total.change_pct": (Y(-7), "pct"),
    # 七（二）因公出国（境）费支出决算0万元，占0% / 经费支出0万元，完成预算0% / 与2023年持平
    "three_public.overseas": (Y(0), "yuan"),
    "three_public.overseas.share_pct": (Y(0), "pct"),
    "three_public.overseas.budget_pct": (Y(0), "pct"),
    "three_public.overseas.change": (Y(0), "yuan"),
    # 公务用车购置及运行维护费支出决算22.08万元，占84% / 完成预算123% / 增加0.09万元
    "three_public.vehicle": (Y(220800), "yuan"),
    "three_public.vehicle.share_pct": (Y(84), "pct"),
    "three_public.vehicle.budget_pct": (Y(123), "pct"),
    "three_public.vehicle.change": (Y(900), "yuan"),
    "three_public.vehicle_purchase": (Y(0), "yuan"),
    "three_public.vehicle_operation": (Y(220800), "yuan"),
    # 公务接待费支出决算4.31万元，占16% / 完成预算24% / 减少2万元，下降32%
    "three_public.reception": (Y(43100), "yuan"),
    "three_public.reception.share_pct": (Y(16), "pct"),
    "three_public.reception.budget_pct": (Y(24), "pct"),
    "three_public.reception.change": (Y(-20000), "yuan"),
    "three_public.reception.change_pct": (Y(-32), "pct"),
    "three_public.reception_domestic": (Y(43100), "yuan"),
    "three_public.reception_foreign": (Y(0), "yuan"),
    "three_public.overseas_groups": (Y(0), "count"),
    "three_public.overseas_persons": (Y(0), "count"),
    "three_public.reception_batches": (Y(23), "count"),
    "three_public.reception_persons": (Y(360), "count"),
    "three_public.vehicles_purchased": (Y(0), "count"),
    "three_public.vehicles_owned": (Y(3), "count"),
    # 八/九: 0万元，占本年支出合计的0%。… 持平
    "government_fund_expenditure": (Y(0), "yuan"),
    "government_fund_expenditure.share_pct": (Y(0), "pct"),
    "government_fund_expenditure.change": (Y(0), "yuan"),
    "state_capital_expenditure": (Y(0), "yuan"),
    "state_capital_expenditure.share_pct": (Y(0), "pct"),
    "state_capital_expenditure.change": (Y(0), "yuan"),
    # 十（一）机关运行经费支出259.54万元，比2023年度减少23.28万元，下降8%
    "operating_cost": (Y(2595400), "yuan"),
    "operating_cost.change": (Y(-232800), "yuan"),
    "operating_cost.change_pct": (Y(-8), "pct"),
    # 十（二）政府采购
    "procurement.total": (Y(111100), "yuan"),
    "procurement.goods": (Y(0), "yuan"),
    "procurement.works": (Y(0), "yuan"),
    "procurement.services": (Y(111100), "yuan"),
    "procurement.sme": (Y(0), "yuan"),
    "procurement.sme.share_pct": (Y(0), "pct"),
    "procurement.micro.share_pct": (Y(0), "pct"),
    # 十（三）共有车辆3辆 … 单价100万元（含）以上设备（不含车辆）0台（套）
    "assets.vehicles": (Y(3), "count"),
    "assets.equipment_over_1m": (Y(0), "count"),
    # 十（四）13个项目开展了预算事前绩效评估 … 绩效自评得分为96分
    "performance.projects_evaluated": (Y(13), "count"),
    "performance.self_score": (Y(96), "score"),
    # 附件1 人员概况: 编制50人 … 在职在编人员50人; 部门资金收支情况: 年初预算收入2263.79万元
    "staff.authorized": (Y(50), "count"),
    "staff.actual": (Y(50), "count"),
    "budget.initial_total": (Y(22637900), "yuan"),
}


def test_seed_headline_facts(seed):
    got = {f.key: (f.value, f.unit) for f in seed.facts}
    for key, expected in SEED_FACTS.items():
        assert got.get(key) == expected, key


def test_seed_emits_no_other_facts(seed):
    # every fact the recognizer emits is one checked above: nothing invented
    assert {f.key for f in seed.facts} == set(SEED_FACTS)


def test_each_fact_key_once(seed):
    keys = [f.key for f in seed.facts]
    assert len(keys) == len(set(keys))


def test_placeholders_become_findings_not_facts(seed):
    keys = {f.key for f in seed.facts}
    assert "three_public.vehicle.change_pct" not in keys  # 增长0.01*%
    assert "procurement.micro" not in keys  # 授予小微企业合同金额**万元
    placeholders = {f.message: f for f in seed.findings if f.rule == "placeholder"}
    assert len(placeholders) == 2
    by_key = {m.split(" where ")[1].split()[0]: f for m, f in placeholders.items()}
    assert by_key["three_public.vehicle.change_pct"].evidence[0].text == "0.01*%"
    assert by_key["procurement.micro"].evidence[0].text == "**万元"
    assert all(f.severity == "warning" for f in placeholders.values())


SEED_ITEM_LINES = [  # （三）一般公共预算财政拨款支出决算具体情况, items 1-6 and 8-15
    ("一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）", 9392100),
    ("一般公共服务（类）党委办公厅（室）及相关机构事务（款）一般行政管理事务（项）", 5228800),
    ("一般公共服务（类）党委办公厅（室）及相关机构事务（款）事业运行（项）", 2655600),
    ("一般公共服务（类）党委办公厅（室）及相关机构事务（款）其他党委办公厅（室）及相关机构事务支出（项）",
     1040000),
    ("一般公共服务（类）组织事务（款）其他组织事务支出（项）", 29300),
    ("社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）", 242500),
    ("社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）", 1132200),
    ("社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）", 810600),
    ("卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）", 471100),
    ("医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）", 100000),
    ("医疗卫生与计划生育支出（类）行政事业单位医疗（款）公务员医疗补助（项）", 67200),
    ("医疗卫生与计划生育支出（类）行政事业单位医疗（款）其他行政事业单位医疗支出（项）", 62200),
    ("住房保障支出（类）住房改革支出（款）住房公积金（项）", 1015600),
    ("住房保障支出（类）住房改革支出（款）购房补贴（项）", 301700),
]
SEED_CATEGORY_LINES = [  # （2）结构情况: 主要用于以下方面
    ("一般公共服务支出", 18345900), ("社会保障和就业支出", 2185400),
    ("卫生健康支出", 700500), ("住房保障支出", 1317300),
]


def test_seed_item_lines(seed):
    items = [ln for ln in seed.budget_lines if "（项）" in ln.subject_raw]
    assert [(ln.subject_raw, ln.amount) for ln in items] == [(s, Decimal(a)) for s, a in SEED_ITEM_LINES]
    for ln in items:
        assert (ln.fund, ln.measure, ln.component, ln.budget_pct) == (
            "general_budget", "actual", "total", Decimal(100))
        assert ln.subject_code is None
        assert ln.field_provenance["budget_pct"].text == "100%"


def test_seed_category_lines(seed):
    cats = [ln for ln in seed.budget_lines if "（" not in ln.subject_raw]
    assert [(ln.subject_raw, ln.amount) for ln in cats] == [(s, Decimal(a)) for s, a in SEED_CATEGORY_LINES]
    assert all(ln.budget_pct is None and ln.measure == "actual" for ln in cats)


def test_seed_glossary_gives_no_lines(seed):
    # 名词解释 9-22 repeat the subject names without amounts; 公共安全支出 is only there
    assert len(seed.budget_lines) == 18
    assert not any("公共安全" in ln.subject_raw for ln in seed.budget_lines)


def test_seed_numbering_gap(seed):
    gaps = [f for f in seed.findings if f.rule == "numbering.gap"]
    seven = [f for f in gaps if "7 missing" in f.message]
    assert len(seven) == 1
    assert [e.text for e in seven[0].evidence] == ["6.", "8."]
    assert seven[0].severity == "warning"


def test_seed_numbering_style_switch(seed):
    switches = [(f.evidence[0].text, f.evidence[1].text) for f in seed.findings
                if f.rule == "numbering.style_switch"]
    assert ("（一）", "（2）") in switches and ("（2）", "（三）") in switches


def written_numbers(text: str) -> set[Decimal]:
    """Every figure ``text`` writes, both as written and in yuan when it has a money unit."""
    found: set[Decimal] = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元)?", fold_compact(text).text):
        value = Decimal(m.group(1))
        found.add(value)
        if m.group(2):
            found.add(to_yuan(value, m.group(2)))
    return found


def test_provenance_text_is_the_value_as_written(seed):
    for fact in seed.facts:
        text = fact.provenance.text
        if fact.value == 0 and "持平" in text:
            continue
        assert abs(fact.value) in written_numbers(text), (fact.key, text)
        assert len(text) <= 12, (fact.key, text)  # the value's own characters, not the sentence
    for line in seed.budget_lines:
        assert line.amount in written_numbers(line.provenance.text), line.provenance.text
        assert check_provenance(line) == []
    for finding in seed.findings:
        assert finding.evidence


def test_pdf_provenance_has_the_value_box():
    ex = read_seed("pdf")
    fact = next(f for f in ex.facts if f.key == "three_public.total")
    assert fact.provenance.text == "26.39万元"
    assert fact.provenance.page is not None and fact.provenance.bbox is not None
    x0, top, x1, bottom = fact.provenance.bbox
    assert 0 < x1 - x0 < 100 and 0 < bottom - top < 30  # a few characters, not a paragraph


# ---------------------------------------------------------------- other wordings


def test_change_against_prior_year_with_amount_and_percent():
    ex = read("二、机关运行经费支出情况",
              "机关运行经费支出 184.65 万元，比上年增加12.5万元，增长3.2%。")
    assert facts_of(ex) == {"operating_cost": Decimal(1846500),
                            "operating_cost.change": Decimal(125000),
                            "operating_cost.change_pct": Decimal("3.2")}


def test_flat_against_named_year_is_zero_change():
    ex = read("八、政府性基金预算财政拨款支出决算情况说明",
              "政府性基金预算财政拨款支出0万元，与2023年度相比持平。")
    assert facts_of(ex) == {"government_fund_expenditure": 0, "government_fund_expenditure.change": 0}


def test_change_against_initial_budget_is_not_a_prior_year_change():
    ex = read("十、其他重要事项的情况说明",
              "机关运行经费支出120万元，较年初预算增加5万元，增长4.3%。")
    assert facts_of(ex) == {"operating_cost": Decimal(1200000)}


def test_budget_document_wording_and_thousands_separator():
    # 上海普陀 2025 预算 / 江苏 2019 预算 wording
    ex = read("四、财政拨款收支预算总体情况说明",
              "某部门2019年度财政拨款收、支总预算18330.37万元。与上年相比，财政拨款收、支总计各增加"
              "2432.93万元，增长15.3%。",
              "2025年部门预算编制说明",
              "支出预算37,151.47万元，其中：财政拨款支出预算37,151.47万元，比2024年预算增加24,491.71万元。",
              kind="budget")
    assert facts_of(ex) == {"appropriation_total": Decimal(183303700),
                            "appropriation_total.change": Decimal(24329300),
                            "appropriation_total.change_pct": Decimal("15.3"),
                            "expenditure_total": Decimal(371514700)}


def test_final_accounts_sentence_stating_budget_first():
    # 上海普陀 2024 决算: the budget comes first, the actual after it
    ex = read("（一）“三公”经费财政拨款支出决算总体情况说明。",
              "“三公”经费财政拨款支出年初预算为 0.95 万元，支出决算为 0.00 万元，完成预算的 0%。")
    assert facts_of(ex) == {"three_public.total": 0, "three_public.total.budget_pct": 0}


def test_pdf_wrapped_words_and_blanks():
    ex = read("一、收入支出决算总体情况说明",
              "某局 2024 年度收入支出总计 2961.68 万元。与\n2023 年度相比，收入支出总计减\n少 63.14 万元，下降 2.09%。")
    assert facts_of(ex) == {"income_expenditure_total": Decimal(29616800),
                            "income_expenditure_total.change": Decimal(-631400),
                            "income_expenditure_total.change_pct": Decimal("-2.09")}
    change = next(f for f in ex.facts if f.key.endswith(".change"))
    assert change.provenance.text == "减\n少 63.14 万元"


def test_heading_decides_which_total():
    text = "2024年度收入、支出总计均为100万元。"
    assert facts_of(read("一、收入支出决算总体情况说明", text)) == {"income_expenditure_total": 1000000}
    assert facts_of(read("四、财政拨款收入支出决算总体情况说明", text)) == {"appropriation_total": 1000000}


def test_basic_spending_by_section():
    text = "基本支出50万元，占50%。"
    assert facts_of(read("三、支出决算情况说明", text)) == {
        "expenditure.basic": 500000, "expenditure.basic.share_pct": 50}
    assert facts_of(read("六、一般公共预算财政拨款基本支出决算情况说明", text)) == {
        "basic_total": 500000, "basic_total.share_pct": 50}


def test_budget_lines_with_budget_and_actual():
    # 上海普陀 2024 决算 （三）具体情况: 年初预算 and 决算 of one 项
    ex = read("（三）一般公共预算财政拨款支出决算具体情况",
              "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：局本部人员经费。"
              "年初预算为 1560.05 万元，支出决算为 1511.89 万元。 决算数大于预算数的主要原因：人员变化。")
    assert [(ln.subject_raw, ln.measure, ln.amount) for ln in ex.budget_lines] == [
        ("一般公共服务支出（类）财政事务（款）行政运行（项）", "budget", Decimal(15600500)),
        ("一般公共服务支出（类）财政事务（款）行政运行（项）", "actual", Decimal(15118900))]
    assert ex.facts == []


def test_budget_lines_under_a_category_heading():
    # 江苏 2019 预算: the 类 is a heading, the items name 款 and 项 only
    ex = read("五、财政拨款支出预算情况说明", "（一）一般公共服务（类）",
              "1. 人大事务（款）行政运行（项）支出7448.2万元，与上年相比增加1075.88万元，增长16.88%。",
              kind="budget")
    assert [(ln.subject_raw, ln.measure, ln.amount) for ln in ex.budget_lines] == [
        ("一般公共服务（类）人大事务（款）行政运行（项）", "budget", Decimal(74482000))]


def test_placeholder_xx_in_a_template():
    ex = read("（一）机关运行经费支出情况", "机关运行经费支出XX万元，比上年增加XX万元。")
    assert facts_of(ex) == {}
    assert sorted(f.message.split(" where ")[1].split()[0] for f in ex.findings) == [
        "operating_cost", "operating_cost.change"]
