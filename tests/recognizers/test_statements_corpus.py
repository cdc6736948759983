"""Statement tables on the real documents of ``benchmarks/corpus/MANIFEST.tsv``: the
committed ones (``fixtures/real``) always, the others where the corpus is present.

Spot values were checked by eye on the rendered pages named in each case.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
import realdocs
from disclosures.checks.statements import check_statements, identity_findings
from disclosures.extractors.recognizers.statements import recognize_statements
from disclosures.model.layout import Document
from disclosures.model.records import DocumentInfo, Extraction

PLANTED = "24年普陀区财政局（测试问题版本）.pdf"
TEMPLATE = "附件2：部门决算模板.pdf"


@cache
def read(name: str) -> Document:
    from disclosures.extractors.readers.pdf import read_pdf

    return read_pdf(realdocs.path(name))


@cache
def recognized(name: str) -> Extraction:
    return recognize_statements(read(name), DocumentInfo())


@pytest.mark.parametrize("name", realdocs.params(realdocs.docs()))
def test_every_corpus_pdf_processes(name):
    ex = recognized(name)
    for line in ex.budget_lines:
        assert line.provenance.page and line.provenance.bbox, line
        assert line.field_provenance["amount"] is line.provenance
    for fact in ex.facts:
        assert fact.provenance.page and fact.provenance.bbox, fact
    assert not [f for f in ex.findings if f.rule == "statement.unparsed"]


SHANGHAI_BUDGET_KINDS = [
    "部门收支总表", "部门收入总表", "部门支出总表", "财政拨款收支总表", "一般公共预算支出表",
    "政府性基金预算支出表", "国有资本经营预算支出表", "一般公共预算基本支出表", "“三公”经费预算表"]
JIANGSU_KINDS = {
    "部门收支总表", "部门收入总表", "部门支出总表", "财政拨款收支总表", "财政拨款支出预算表",
    "财政拨款基本支出预算表", "政府性基金预算支出表", "一般公共预算支出表", "一般公共预算基本支出表",
    "机关运行经费支出预算表", "“三公”经费预算表"}
FINAL_KINDS = [
    "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款收入支出决算表"]


@pytest.mark.parametrize("name", realdocs.params(realdocs.docs("putuo-department-budget", "putuo-unit-budget")))
def test_shanghai_budgets_have_all_nine_tables_in_order(name):
    assert [t.kind for t in recognized(name).tables] == SHANGHAI_BUDGET_KINDS


JIANGSU_WITH_TABLES = realdocs.docs("jiangsu-narrative-tables", "jiangsu-public-tables")


def test_jiangsu_families_in_the_manifest():
    # the files that print the 公开 tables (with or without the narrative): 5 + 7
    assert len(JIANGSU_WITH_TABLES) == 12


@pytest.mark.parametrize("name", realdocs.params(JIANGSU_WITH_TABLES))
def test_jiangsu_public_tables_are_all_recognized(name):
    assert {t.kind for t in recognized(name).tables} == JIANGSU_KINDS


@realdocs.needs(TEMPLATE, PLANTED)
def test_final_accounts_template_and_planted_file():
    assert [t.kind for t in recognized(TEMPLATE).tables] == FINAL_KINDS
    # the planted file lists 三、支出决算表 in its contents but prints no such table
    assert [t.kind for t in recognized(PLANTED).tables] == [
        k for k in FINAL_KINDS if k != "支出决算表"]


@pytest.mark.parametrize("name", realdocs.params([d for d in realdocs.docs() if d.name != PLANTED]))
def test_authentic_statements_reconcile(name):
    ex = recognized(name)
    for st in ex.statements:
        assert identity_findings(st) == [], (st.kind.name, st.pages)
        assert st.reconciliation.status in ("reconciled", "unchecked"), (st.kind.name, st.pages)
    assert [f.message for f in check_statements(ex) if f.severity == "error"] == []


@realdocs.needs(PLANTED)
def test_planted_errors_do_not_reconcile():
    errors = [f for f in check_statements(recognized(PLANTED)) if f.severity == "error"]
    # 社会保障和就业支出 (一般公共预算财政拨款): 326.71万元 in the 财政拨款收入支出决算总表
    # p.10, 326.72万元 in the 一般公共预算财政拨款支出决算表 p.12
    assert [(f.rule, f.pages) for f in errors] == [("statement.cross_table", [10, 12])]
    assert "社会保障和就业支出" in errors[0].message


SPOT_LINES = [
    # 普陀区财政局 p.12 (read on the page): 201 06 01 行政运行 1,511.89 | 1,503.52 | 8.37 万元
    (PLANTED, "2010601", "general_budget", "actual", "total", Decimal(15118900), 12),
    (PLANTED, "2010601", "general_budget", "actual", "project", Decimal(83700), 12),
    # 万里街道24年预算 p.22: 201 05 07 专项普查活动 257,700 | 0 | 257,700 元
    ("上海市普陀区人民政府万里街道办事处24年预算.pdf", "2010507", "general_budget", "budget", "basic",
     Decimal(0), 22),
    # 江苏省政协办公厅2019年预算公开表 p.7: 2010201 行政运行 5,223.22 万元
    ("江苏省政协办公厅2019年预算公开表.pdf", "2010201", "general_budget", "budget", "total",
     Decimal(52232200), 7),
    # 2019年度部门预算公开 (省检察院) p.18: 2040401 行政运行 12,268.62 万元
    ("2019年度部门预算公开.pdf", "2040401", "general_budget", "budget", "total", Decimal(122686200), 18),
    # 商务委员会25年预算 p.15: 208 05 02 事业单位离退休 17,280.00 元 (基本支出 17,280.00)
    ("上海市普陀区商务委员会25年预算.pdf", "2080502", "general_budget", "budget", "basic",
     Decimal(17280), 15),
]


@pytest.mark.parametrize("name, code, fund, measure, component, amount, page",
                         [pytest.param(*case, marks=realdocs.needs(case[0])) for case in SPOT_LINES])
def test_spot_budget_lines(name, code, fund, measure, component, amount, page):
    hits = [ln for ln in recognized(name).budget_lines
            if (ln.code_raw, ln.fund, ln.measure, ln.component) == (code, fund, measure, component)]
    assert [(ln.amount, ln.provenance.page) for ln in hits] == [(amount, page)]


@realdocs.needs("上海市普陀区人民政府办公室单位25年预算.pdf")
def test_spot_summary_line_with_personnel_column():
    # 办公室单位25年预算 p.8: 一、一般公共服务支出 | 82,096,797.42 | 人员经费 13,819,399.88 元
    lines = [ln for ln in recognized("上海市普陀区人民政府办公室单位25年预算.pdf").budget_lines
             if ln.subject_raw == "一般公共服务支出" and ln.provenance.page == 8]
    assert {(ln.component, ln.amount) for ln in lines} == {
        ("total", Decimal("82096797.42")), ("personnel", Decimal("13819399.88")),
        ("public", Decimal("1867397.54")), ("project", Decimal(66410000))}
    assert all(ln.fund == "all_sources" and ln.code_raw is None for ln in lines)


SPOT_FACTS = [
    # 普陀区财政局 p.12: 合计 2,940.05 | 2,336.91 万元
    (PLANTED, "general_budget_expenditure", Decimal(29400500), 12),
    (PLANTED, "basic_total", Decimal(23369100), 12),
    # 办公室单位25年预算 p.8: 收入总计 91,016,775.35 元
    ("上海市普陀区人民政府办公室单位25年预算.pdf", "income_expenditure_total", Decimal("91016775.35"), 8),
]


@pytest.mark.parametrize("name, key, value, page",
                         [pytest.param(*case, marks=realdocs.needs(case[0])) for case in SPOT_FACTS])
def test_spot_facts(name, key, value, page):
    facts = [f for f in recognized(name).facts if f.key == key]
    assert [(f.value, f.provenance.page) for f in facts] == [(value, page)]
