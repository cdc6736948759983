"""The checks over the real documents of ``benchmarks/corpus/MANIFEST.tsv``: the
committed ones (``fixtures/real``) always, the others where the corpus is present.

Authentic documents must yield no error; every warning of the check rules is
listed here with its reason. The planted-error 决算 must yield each planted
error on its page.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
import realdocs
from disclosures.model.records import Extraction

PLANTED = "24年普陀区财政局（测试问题版本）.pdf"
CHECK_PREFIXES = ("narrative.", "tables.", "text.", "structure.", "years.")


@cache
def extracted(name: str) -> Extraction:
    from disclosures.flows.pipeline import extract

    return extract(realdocs.path(name))[1]


# Warnings of the check rules on authentic documents, each read on the page:
EXPECTED_WARNINGS: dict[str, Counter] = {
    # p.28: 三公 parts 占“三公”经费的8.75%/7.22%/16.81% are all of 2543万元 (三公 with 会议费 and
    # 培训费?), not of the 833.6万元 三公 total
    "江苏省人大办公厅2017年度预算公开.pdf": Counter({"narrative.share_base": 1}),
    # p.25: ``减少了该项支出。。``
    "省人大办公厅2018预算公开.pdf": Counter({"text.doubled_punctuation": 1}),
    # p.22: 54.43% / 26.72% of 584.35万元 are 54.39% / 26.79% (the list evened out to 100.00%);
    # 机关运行经费 +3401.59万元 is +129.29% of 2630.96, text 129.97% (the base was restated:
    # 统计口径形成的差异). p.19's 公共安全（类）13656.34 lists every source of money (支出预算
    # 总计…包括), p.20's 行政运行 7968.14 the 一般公共预算: no sum across the two.
    "2017年省检察院部门预算.pdf": Counter({"narrative.share_balanced": 2, "narrative.change": 1}),
    # p.25: 基本支出 13994.31/21955.35 = 63.74%, text 63.75%; p.23: +3958.67 on 17996.68 = 22.00%,
    # text 21.95%
    "2018年省检察院部门预算公开.pdf": Counter({"narrative.share_balanced": 1, "narrative.change": 1}),
    # p.25: +2214.39 on 21955.35 = 10.09%, text 10.06%
    "2019年度部门预算公开.pdf": Counter({"narrative.change": 1}),
    # No warning where the text gives a 类 of every source of money (支出预算总计…包括：
    # 一般公共服务（类）…, 江苏省政协办公厅2019 p.10) and 项 of the 一般公共预算 (p.12-13):
    # the 类 and its 项 are of different money (江苏省委办公厅2017, 江苏省政协办公厅2017-2019).
}
TEMPLATE = "附件2：部门决算模板.pdf"  # the blank template: XX in most paragraphs


def check_warnings(ex: Extraction) -> Counter:
    return Counter(f.rule for f in ex.findings
                   if f.severity == "warning" and f.rule.startswith(CHECK_PREFIXES))


@pytest.mark.parametrize("name", realdocs.params([d for d in realdocs.docs() if d.name != PLANTED]))
def test_authentic_documents_have_no_errors(name):
    ex = extracted(name)
    errors = [f"{f.rule} p{f.pages}: {f.message}" for f in ex.findings if f.severity == "error"]
    assert errors == []
    if name == TEMPLATE:
        assert set(check_warnings(ex)) == {"text.placeholder"}
    else:
        assert check_warnings(ex) == EXPECTED_WARNINGS.get(name, Counter())


# What the reviewer planted in the 普陀区财政局 2024 决算, and where it shows.
PLANTED_ERRORS = [
    ("structure.missing_table", "支出决算表", [2]),  # the 目录 lists it (p.2), pp.8-10 lack it
    ("narrative.vs_table", "income_expenditure_total", [7, 18]),  # 收入支出总计 0 万元 vs 2995.39
    ("narrative.share", "71.73", [18, 19]),  # 一般公共服务 2106.66/2940.05 = 71.65%
    ("narrative.comparison_word", "行政运行", [19]),  # 1511.89 < 1560.05 said 大于
    ("narrative.comparison_word", "职业年金", [20]),  # 80.38 < 80.81 said 大于
    ("narrative.comparison_word", "行政单位医疗", [21]),  # 60.99 ≠ 62.29 said 等于
    ("narrative.empty_table", "0.95万元", [15, 22]),  # 三公 table blank, text 预算 0.95万元
    ("text.year_mismatch", "2023年度部门决算情况说明", [18]),
    ("text.year_mismatch", "截至2023年12月31日", [24]),
    ("statement.cross_table", "社会保障和就业支出", [10, 12]),  # 326.71 vs 326.72
]


@realdocs.needs(PLANTED)
def test_planted_errors_found_on_their_pages():
    ex = extracted(PLANTED)
    errors = [f for f in ex.findings if f.severity == "error"]
    for rule, words, pages in PLANTED_ERRORS:
        match = [f for f in errors if f.rule == rule and words in f.message]
        assert len(match) == 1, (rule, words)
        assert match[0].pages == pages, (rule, words, match[0].pages)
    assert len(errors) == len(PLANTED_ERRORS)


@realdocs.needs(PLANTED)
def test_planted_text_defects_are_warnings_on_their_pages():
    ex = extracted(PLANTED)
    got = {(f.rule, tuple(f.pages)) for f in ex.findings if f.rule.startswith("text.")
           and f.severity == "warning"}
    assert got == {("text.placeholder", (7,)), ("text.doubled_punctuation", (25,))}
