"""The worked research questions: SQL over the public views, with their parameters.

The same SQL is a canned query in ``disclosures browse`` (``db.browse``), a
worked example in ``docs/for-researchers.md`` (``docs/build_docs.py``) and a
test on SQLite and PostgreSQL (``tests/research/test_views.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from disclosures.db.query import QueryError


@dataclass(frozen=True)
class Question:
    name: str
    title_en: str
    title_zh: str
    description: str
    sql: str
    # named parameters (``:name`` in the SQL) with the example value the docs and tests use
    params: dict[str, str] = field(default_factory=dict)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "three_public_by_department", "三公经费 by department and year, with the change",
        "各部门各年度“三公”经费及增减",
        "The stated total, the change and change percent the document states against the "
        "prior year, and the change computed from the prior year's own disclosure when the "
        "database holds it.",
        """SELECT t.organization, t.fiscal_year, t.value AS three_public_yuan,
       c.value AS change_stated_yuan, cp.value AS change_pct_stated,
       t.value - (SELECT MIN(prev.value) FROM v_facts prev
                  WHERE prev.key = 'three_public.total' AND prev.kind = t.kind
                    AND prev.organization = t.organization
                    AND prev.fiscal_year = t.fiscal_year - 1) AS change_vs_prior_document,
       SUBSTR(t.sha256, 1, 12) AS document
FROM v_facts t
LEFT JOIN v_facts c ON c.document_id = t.document_id AND c.key = 'three_public.total.change'
LEFT JOIN v_facts cp ON cp.document_id = t.document_id AND cp.key = 'three_public.total.change_pct'
WHERE t.key = 'three_public.total'
ORDER BY t.organization, t.fiscal_year, t.sha256"""),
    Question(
        "admin_operation_per_staff", "行政运行 spending per authorized staff member",
        "每个编制的行政运行支出",
        "行政运行 (the 项 of every 款 that pays for running the office) from the 决算, "
        "divided by the authorized headcount (staff.authorized).",
        """SELECT b.organization, b.fiscal_year, b.subject_code, b.amount AS admin_operation_yuan,
       s.value AS authorized_staff,
       ROUND(CAST(CAST(b.amount AS DOUBLE PRECISION) / NULLIF(s.value, 0) AS NUMERIC), 2)
         AS yuan_per_staff,
       SUBSTR(b.sha256, 1, 12) AS document
FROM v_budget_lines b
JOIN v_facts s ON s.document_id = b.document_id AND s.key = 'staff.authorized'
WHERE b.subject_name = '行政运行' AND b.measure = 'actual' AND b.component = 'total'
ORDER BY b.organization, b.fiscal_year, b.subject_code, b.sha256"""),
    Question(
        "documents_with_errors", "Documents with error findings", "存在错误级校验问题的文档",
        "Which documents do not add up, by rule: the count of error findings and one example.",
        """SELECT f.organization, f.fiscal_year, d.format, f.rule, COUNT(*) AS n_errors,
       MIN(f.message) AS example
FROM v_findings f JOIN v_documents d ON d.document_id = f.document_id
WHERE f.severity = 'error'
GROUP BY f.organization, f.fiscal_year, d.format, f.rule
ORDER BY f.organization, f.fiscal_year, d.format, n_errors DESC, f.rule"""),
    Question(
        "subject_across_departments", "One subject across all departments",
        "同一功能分类科目在各部门的支出",
        "Every department's amount for one 支出功能分类科目 (by its canonical name), "
        "by fund, measure and component.",
        """SELECT b.organization, b.fiscal_year, b.subject_code, b.subject_name, b.fund, b.measure,
       b.component, b.amount, b.page, b.source_text, SUBSTR(b.sha256, 1, 12) AS document
FROM v_budget_lines b
WHERE b.subject_name = :subject_name
ORDER BY b.organization, b.fiscal_year, b.subject_code, b.measure, b.sha256""",
        {"subject_name": "住房公积金"}),
    Question(
        "projects_below_target", "Projects that spent less than 95% of their budget",
        "预算执行率低于95%的项目",
        "Projects of the 绩效自评表 with the execution rate they state, the rate recomputed from "
        "executed / adjusted budget, and their total score.",
        """SELECT p.organization, p.fiscal_year, p.name, p.budget_adjusted, p.executed,
       p.execution_rate, p.execution_rate_computed, p.total_score, p.page,
       SUBSTR(p.sha256, 1, 12) AS document
FROM v_projects p
WHERE p.execution_rate_computed < 95
ORDER BY p.organization, p.fiscal_year, p.execution_rate_computed, p.name, p.sha256"""),
)



def get_question(name: str) -> Question:
    for q in QUESTIONS:
        if q.name == name:
            return q
    raise QueryError(f"no question named {name!r}")


def sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def bind_literals(sql: str, params: dict[str, Any]) -> str:
    """``sql`` with each ``:name`` replaced by the quoted literal of ``params[name]``.

    ``db.query.run_readonly`` runs one statement on the driver's own cursor
    without parameters (so a ``%`` in a LIKE survives psycopg); the read-only
    connection is the guard, quoting is only for correctness."""
    def literal(match: re.Match) -> str:
        name = match.group(1)
        if name not in params:
            raise QueryError(f"the query needs a value for :{name}")
        return sql_literal(params[name])

    return _PARAM.sub(literal, sql)


def question_sql(question: Question, params: dict[str, Any] | None = None) -> str:
    return bind_literals(question.sql, {**question.params, **(params or {})})

