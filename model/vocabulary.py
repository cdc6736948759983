"""The closed vocabularies of the records, as types.

Each is a ``Literal`` of the strings that are stored and exported unchanged
(the export contract's enums, ``db/export.schema.json``), so the database and
the JSON keep their values while mypy checks every place that sets one.
``values(Fund)`` gives a vocabulary's members at run time.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

Severity: TypeAlias = Literal["error", "warning", "info"]
# whose money: 一般公共预算, 政府性基金预算, 国有资本经营预算, or all sources together
Fund: TypeAlias = Literal["general_budget", "government_fund", "state_capital", "all_sources"]
# 决算数 | 预算数 (年初) | 调整预算数
Measure: TypeAlias = Literal["actual", "budget", "adjusted_budget"]
# 合计 | 基本支出 | 项目支出 | 人员经费 | 公用经费
Component: TypeAlias = Literal["total", "basic", "project", "personnel", "public"]
# 部门决算 | 部门预算 | 绩效评价报告
DocumentKind: TypeAlias = Literal["final_accounts", "budget", "performance_report"]
FactUnit: TypeAlias = Literal["yuan", "count", "score", "pct"]
# how a raw name was mapped; "review" (a person's decision) is exported as "fuzzy"
MatchMethod: TypeAlias = Literal["code", "exact", "alias", "fuzzy", "review", "none"]
# 绩效自评表 | 绩效目标表 | 专项绩效评价报告
ProjectSource: TypeAlias = Literal["self_evaluation", "performance_targets", "evaluation_report"]
# a 项目 or 专项 | 部门整体 (the unit's whole spending)
ProjectScope: TypeAlias = Literal["project", "department"]
FileFormat: TypeAlias = Literal["pdf", "docx", "doc", "xls", "xlsx"]
# what a reader may hand the recognizers: a saved web page is read to be classified
# (and refused), never stored
ReadFormat: TypeAlias = FileFormat | Literal["html"]


def values(vocabulary: object) -> tuple[str, ...]:
    """The members of one of the vocabularies above, in declaration order."""
    return tuple(get_args(vocabulary))
