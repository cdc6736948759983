"""The public schema for researchers: stable SQL views over the tables.

Tables may change from one release to the next; these views change only with
a new ``VIEWS_VERSION`` and an entry in ``CHANGELOG`` (``docs/views.md`` is
generated from this module by ``docs/build_docs.py``). Every view holds only
the rows of each document's *current* extraction run.

Each column is declared here with its SQL expression and its documentation
in English and Chinese, so the SQL, ``docs/views.md`` and the Datasette
metadata cannot drift apart.

The SQL runs unchanged on SQLite and PostgreSQL: CAST, COALESCE, CASE,
SUBSTR, LENGTH and scalar subqueries only. Two portability traps decided the
shape of some expressions:

- SQLite stores an integral NUMERIC as an INTEGER, so ``a / b`` divides
  integers there; a ratio is computed as ``CAST(a AS DOUBLE PRECISION) / b``
  and rounded after a cast to NUMERIC (PostgreSQL has no ``round(double, int)``).
- PostgreSQL's ``json`` keeps the text it was given, so ``CAST(pages AS
  TEXT)`` is the same ``[2, 3]`` on both databases.

A later migration that alters a table a view reads calls ``drop_views``
before its change and ``create_views`` after it (PostgreSQL refuses to alter
a column a view depends on; SQLite's batch table rebuild fails on a rename
while a view names the table). Each column and view says the version that
added it (``since``), and a migration creates the views of its own version:
``0004_views`` those of version 1, ``0006_indicator_values`` those of version
2 (which read the columns it adds), ``0007_document_scope`` those of version 3, so upgrading and downgrading through the
revisions always finds the columns a view reads.

Each column has a type (``COLUMN_TYPES``, by column name: a name means the
same thing in every view), which the exports use to write exact decimals and
integers whichever database returned the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from disclosures.model.errors import BadInput

if TYPE_CHECKING:  # the view definitions alone load without SQLAlchemy (``disclosures --help``)
    from sqlalchemy import Connection

VIEWS_VERSION = 3

INTEGER, TEXT, FLOAT = "integer", "text", "float"
AMOUNT, RATIO = "decimal(18,2)", "decimal(12,4)"  # as db.models.Amount, db.models.Ratio
COLUMN_TYPES: dict[str, str] = {
    **dict.fromkeys(("document_id", "fiscal_year", "page", "n_pages", "n_facts", "n_budget_lines",
                     "n_projects", "n_indicators", "n_findings", "n_errors", "n_refs", "fact_id",
                     "budget_line_id", "project_id", "indicator_id", "finding_id", "record_id"),
                    INTEGER),
    **dict.fromkeys(("value", "amount", "budget_initial", "budget_adjusted", "executed"), AMOUNT),
    **dict.fromkeys(("budget_pct", "execution_rate", "execution_rate_computed", "execution_weight",
                     "execution_score", "total_score", "weight", "score", "score_pct", "target_value",
                     "actual_value"), RATIO),
    **dict.fromkeys(("match_score", "x0", "top", "x1", "bottom", "confidence"), FLOAT),
    "met": INTEGER,
}

# version -> what changed; docs/views.md prints it
CHANGELOG: dict[int, str] = {
    1: "First public views: v_documents, v_facts, v_budget_lines, v_projects, v_indicators, "
       "v_findings, v_provenance.",
    2: "v_indicators: target and actual as numbers (target_comparator, target_value, target_unit, "
       "actual_comparator, actual_value, actual_unit) and met; v_projects: project_scope (project "
       "or department); source may be performance_targets (绩效目标表).",
    3: "Every view: scope (本级/汇总/部门/单位) after organization; v_documents: classification "
       "(the finer kind: performance_targets, performance_self_evaluation, …). Migration "
       "0007_document_scope.",
}


@dataclass(frozen=True)
class Column:
    name: str
    expr: str
    en: str
    zh: str
    since: int = 1  # the views version that added it

    @property
    def type(self) -> str:
        return COLUMN_TYPES.get(self.name, "text")


@dataclass(frozen=True)
class View:
    name: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    source: str  # FROM … WHERE …, the rows the view is over
    columns: tuple[Column, ...]


# -- shared pieces ---------------------------------------------------------

# The record row ``r`` belongs to the current run of its document ``d``.
CURRENT = "JOIN documents d ON d.id = r.document_id AND d.current_run_id = r.run_id"


def provenance_join(table: str, field: str) -> str:
    """The provenance row of one field of record ``r`` (at most one per field)."""
    return (f"LEFT JOIN provenance p ON p.record_table = '{table}' AND p.record_id = r.id "
            f"AND p.field = '{field}'")


def document_columns() -> tuple[Column, ...]:
    """Who reported, where, when and what: the same leading columns in every view."""
    return (
        Column("document_id", "d.id", "Stored document id (`disclosures export ID`).",
               "文档编号"),
        Column("organization", "d.organization",
               "Reporting unit as written in the document, e.g. 泸州市委政法委.", "部门（单位）名称，按原文"),
        Column("scope", "d.scope",
               "What the document covers: 本级 (the unit alone), 汇总 (a department with its units, "
               "printed so), 部门 (a 部门预算/决算) or 单位 (a 单位预算/决算). A 汇总 or 部门 document "
               "includes its 本级 and 单位 documents: do not add them up.",
               "范围：本级、汇总、部门、单位；汇总/部门文档已包含本级和所属单位，勿重复相加", since=3),
        Column("org_id", "d.org_id",
               "Stable id of the publishing unit (normalizers.organizations); NULL when the "
               "organization is not matched.", "发布单位的规范编号；未匹配时为空"),
        Column("region", "d.region", "City or county when stated, e.g. 泸州市.", "地区（市、县）"),
        Column("region_level", "d.region_level", "省, 市 or 区县 when known.", "地区级别：省、市、区县"),
        Column("fiscal_year", "d.fiscal_year", "Fiscal year, e.g. 2024.", "预决算年度"),
        Column("kind", "d.kind",
               "final_accounts (决算), budget (预算) or performance_report (绩效评价报告).",
               "文件类型：final_accounts 决算、budget 预算、performance_report 绩效评价报告"),
    )


def source_columns(page: str = "p.page", text: str = "p.text") -> tuple[Column, ...]:
    """Where the value was read: page, source text, the file and its URL."""
    return (
        Column("page", page, "1-based PDF page the value was read from; NULL for Word files.",
               "数值所在页码（PDF，从1开始）；Word 文件为空"),
        Column("source_text", text, "The exact text the value was read from, e.g. 939.21万元.",
               "数值的原文"),
        Column("locator", "p.locator",
               "Where in the file: 'paragraph N chars a-b' or 'table N / row R / col C' (0-based).",
               "原文位置：段落或表格行列（从0开始）"),
        Column("sha256", "d.sha256", "SHA-256 of the original file: the document's identity.",
               "原始文件的 SHA-256，文档身份"),
        Column("source_url", "d.source_url", "Where the file was fetched; NULL for a local file.",
               "文件来源网址；本地文件为空"),
    )


def level_name(length: int) -> str:
    """The name this document gives the code's ancestor of ``length`` digits."""
    return (f"CASE WHEN LENGTH(r.subject_code) >= {length} THEN "
            f"(SELECT MIN(a.subject_name) FROM budget_lines a WHERE a.run_id = r.run_id "
            f"AND a.subject_code = SUBSTR(r.subject_code, 1, {length})) END")


def level_code(length: int) -> str:
    return f"CASE WHEN LENGTH(r.subject_code) >= {length} THEN SUBSTR(r.subject_code, 1, {length}) END"


def rounded_ratio(numerator: str, denominator: str, digits: int = 2) -> str:
    return (f"ROUND(CAST(CAST({numerator} AS DOUBLE PRECISION) / NULLIF({denominator}, 0) "
            f"AS NUMERIC), {digits})")


# -- the views ------------------------------------------------------------------

V_DOCUMENTS = View(
    "v_documents", "Documents", "文档",
    "One row per stored document with the counts of its current extraction run.",
    "每个已入库文档一行，附当前提取批次的记录数。",
    "FROM documents d JOIN extraction_runs r ON r.id = d.current_run_id",
    (
        *document_columns(),
        Column("file_name", "d.file_name", "File name when first seen.", "文件名"),
        Column("format", "d.format", "pdf or docx.", "文件格式"),
        Column("classification", "d.classification",
               "What the document is: budget, final_accounts, performance_targets (绩效目标表), "
               "performance_self_evaluation (绩效自评表) or performance_evaluation_report (绩效评价报告).",
               "文档分类：预算、决算、绩效目标表、绩效自评表、绩效评价报告", since=3),
        Column("n_pages", "d.pages", "Page count (PDF); NULL for Word files.", "页数（PDF）"),
        Column("pipeline_version", "r.pipeline_version", "Version of the code that extracted it.",
               "提取程序版本"),
        Column("n_facts", "r.n_facts", "Headline figures stored.", "主要数据条数"),
        Column("n_budget_lines", "r.n_budget_lines", "Budget lines stored.", "功能分类支出条数"),
        Column("n_projects", "r.n_projects", "Projects (绩效自评表) stored.", "项目数"),
        Column("n_indicators", "r.n_indicators", "Performance indicators stored.", "绩效指标数"),
        Column("n_findings", "r.n_findings", "Findings (checks that did not add up).", "校验问题数"),
        Column("n_errors",
               "(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.severity = 'error')",
               "Findings of severity error.", "错误级校验问题数"),
        Column("sha256", "d.sha256", "SHA-256 of the original file.", "原始文件 SHA-256"),
        Column("source_url", "d.source_url", "Where the file was fetched; NULL for a local file.",
               "来源网址"),
    ),
)

V_FACTS = View(
    "v_facts", "Headline figures", "主要数据",
    "One row per headline figure (收支总计, 三公经费, 人员编制, …) in long format; keys from "
    "spec/facts.csv, suffixes .change, .change_pct, .share_pct, .budget_pct.",
    "每个主要数据一行（长表）；指标键见 facts.csv，后缀表示增减额、增减率、占比、完成预算比例。",
    f"FROM facts r {CURRENT} {provenance_join('facts', 'value')}",
    (
        Column("fact_id", "r.id", "Row id (`disclosures show facts:ID`).", "记录编号"),
        *document_columns(),
        Column("key", "r.key", "Figure key, e.g. three_public.total or staff.authorized.",
               "数据键，如 three_public.total（三公经费合计）"),
        Column("base_key",
               "CASE WHEN SUBSTR(r.key, LENGTH(r.key) - 10) IN ('.change_pct', '.budget_pct') "
               "THEN SUBSTR(r.key, 1, LENGTH(r.key) - 11) "
               "WHEN SUBSTR(r.key, LENGTH(r.key) - 9) = '.share_pct' "
               "THEN SUBSTR(r.key, 1, LENGTH(r.key) - 10) "
               "WHEN SUBSTR(r.key, LENGTH(r.key) - 6) = '.change' "
               "THEN SUBSTR(r.key, 1, LENGTH(r.key) - 7) "
               "ELSE r.key END",
               "The key without its attribute suffix: the figure the row is about.",
               "去掉后缀的数据键"),
        Column("value", "r.value", "The value: yuan, count, score or percent (see unit).",
               "数值（元、个数、分或百分比，见单位）"),
        Column("unit", "r.unit", "yuan, count, score or pct.", "单位：yuan 元、count 个、score 分、pct 百分比"),
        *source_columns(),
    ),
)

V_BUDGET_LINES = View(
    "v_budget_lines", "Budget lines", "功能分类支出",
    "One row per amount by government function classification (支出功能分类科目), with the "
    "类/款/项 codes split out. Level names come from the same document's own lines.",
    "按支出功能分类科目的每个金额一行，类、款、项编码分列；各级名称取自同一文档的科目行。",
    f"FROM budget_lines r {CURRENT} {provenance_join('budget_lines', 'amount')}",
    (
        Column("budget_line_id", "r.id", "Row id (`disclosures show budget_lines:ID`).", "记录编号"),
        *document_columns(),
        Column("subject_code", "r.subject_code",
               "支出功能分类科目 code: 3 (类), 5 (款) or 7 (项) digits; NULL when unresolved.",
               "功能分类科目编码（类3位、款5位、项7位）；未识别为空"),
        Column("subject_name", "r.subject_name", "Canonical name of the code for the fiscal year.",
               "该年度科目规范名称"),
        Column("subject_level",
               "CASE LENGTH(r.subject_code) WHEN 3 THEN '类' WHEN 5 THEN '款' WHEN 7 THEN '项' END",
               "类, 款 or 项.", "科目级次：类、款、项"),
        Column("class_code", level_code(3), "类 code (first 3 digits).", "类级编码"),
        Column("class_name", level_name(3), "类 name as this document's 类 line gives it.",
               "类级名称（取自同一文档）"),
        Column("kuan_code", level_code(5), "款 code (first 5 digits); NULL for a 类 line.",
               "款级编码"),
        Column("kuan_name", level_name(5), "款 name when this document has a 款 line.",
               "款级名称（取自同一文档）"),
        Column("xiang_code", level_code(7), "项 code; NULL for 类 and 款 lines.", "项级编码"),
        Column("xiang_name", "CASE WHEN LENGTH(r.subject_code) = 7 THEN r.subject_name END",
               "项 name.", "项级名称"),
        Column("subject_raw", "r.subject_raw", "The subject as written in the document.",
               "科目原文"),
        Column("fund", "r.fund",
               "general_budget (一般公共预算财政拨款), government_fund, state_capital, all_sources.",
               "资金来源"),
        Column("measure", "r.measure", "actual (决算数), budget (年初预算数), adjusted_budget.",
               "口径：决算数、年初预算数、调整预算数"),
        Column("component", "r.component", "total, basic, project, personnel or public.",
               "支出构成：合计、基本支出、项目支出、人员经费、公用经费"),
        Column("amount", "r.amount", "Amount in yuan.", "金额（元）"),
        Column("budget_pct", "r.budget_pct", "完成预算 percent when stated.", "完成预算百分比"),
        Column("match_method", "r.match_method",
               "How the code was found: code, exact, alias, fuzzy, review (fuzzy, to be checked) "
               "or none.", "科目匹配方式"),
        Column("match_score", "r.match_score", "Match score 0-100.", "匹配得分（0-100）"),
        *source_columns(),
    ),
)

V_PROJECTS = View(
    "v_projects", "Projects", "项目",
    "One row per project of a 绩效自评表, 绩效目标表 or 专项绩效评价报告, with its 总额 budget row "
    "and score.",
    "每个项目（绩效自评表、绩效目标表、专项绩效评价报告）一行，含资金总额与得分。",
    f"FROM projects r {CURRENT} {provenance_join('projects', 'name')}",
    (
        Column("project_id", "r.id", "Row id (`disclosures show projects:ID`).", "记录编号"),
        *document_columns(),
        Column("source", "r.source",
               "self_evaluation (绩效自评表), performance_targets (绩效目标表) or evaluation_report.",
               "来源：绩效自评表、绩效目标表或绩效评价报告"),
        Column("project_scope", "r.scope",
               "project (a 项目 or 专项) or department (部门整体: the unit's whole spending); NULL for "
               "rows stored before views version 2. (``scope`` is the document's: 本级/汇总/….)",
               "范围：项目（含专项）或部门整体", since=2),
        Column("code", "r.code", "Project code when printed, e.g. 51050021Y000000024280.",
               "项目编码"),
        Column("name", "r.name", "Project name without the code.", "项目名称"),
        Column("department", "r.department", "主管部门 as written.", "主管部门"),
        Column("implementer", "r.implementer", "实施单位 as written.", "实施单位"),
        Column("budget_initial", "r.budget_initial", "年初预算数 of the 总额 row, yuan.",
               "年初预算数（元）"),
        Column("budget_adjusted", "r.budget_adjusted", "全年预算数 (adjusted), yuan.",
               "全年预算数（元）"),
        Column("executed", "r.executed", "全年执行数, yuan.", "全年执行数（元）"),
        Column("execution_rate", "r.execution_rate", "执行率 percent as stated.", "执行率（%）"),
        Column("execution_rate_computed", rounded_ratio("r.executed * 100", "r.budget_adjusted"),
               "executed / budget_adjusted × 100, rounded to 2 decimals: compare with "
               "execution_rate.", "按执行数/全年预算数计算的执行率"),
        Column("execution_weight", "r.execution_weight", "分值 of the execution row.",
               "预算执行率分值"),
        Column("execution_score", "r.execution_score", "得分 of the execution row.",
               "预算执行率得分"),
        Column("total_score", "r.total_score", "总分 (合计 得分) when stated.", "总分"),
        Column("n_indicators",
               "(SELECT COUNT(*) FROM indicators i WHERE i.project_id = r.id)",
               "Number of performance indicators.", "绩效指标数"),
        Column("goal", "r.goal", "年度目标 text as written.", "年度目标"),
        Column("conclusion", "r.conclusion", "Evaluation conclusion as written.", "评价结论"),
        Column("problems", "r.problems", "Problems found, as written.", "存在问题"),
        Column("improvements", "r.improvements", "Improvements proposed, as written.", "改进措施"),
        *source_columns(),
    ),
)

V_INDICATORS = View(
    "v_indicators", "Performance indicators", "绩效指标",
    "One row per performance indicator (三级指标) of a project, its 一级/二级 levels filled down.",
    "每个三级绩效指标一行，一级、二级指标逐行补全。",
    f"FROM indicators r {CURRENT} JOIN projects pr ON pr.id = r.project_id "
    f"{provenance_join('indicators', 'name')}",
    (
        Column("indicator_id", "r.id", "Row id (`disclosures show indicators:ID`).", "记录编号"),
        *document_columns(),
        Column("project_id", "r.project_id", "The project (v_projects.project_id).", "所属项目编号"),
        Column("project_code", "pr.code", "Project code when printed.", "项目编码"),
        Column("project_name", "pr.name", "Project name.", "项目名称"),
        Column("level1", "r.level1", "一级指标, canonical: 产出指标, 效益指标, 满意度指标, 成本指标.",
               "一级指标（规范名称）"),
        Column("level2", "r.level2", "二级指标, canonical, e.g. 数量指标.", "二级指标（规范名称）"),
        Column("level1_raw", "r.level1_raw", "一级指标 as written.", "一级指标原文"),
        Column("level2_raw", "r.level2_raw", "二级指标 as written.", "二级指标原文"),
        Column("name", "r.name", "三级指标 as written.", "三级指标原文"),
        Column("name_canonical", "r.name_canonical",
               "Canonical 三级 indicator id from indicators.csv, e.g. budget_execution_rate.",
               "三级指标规范编号"),
        Column("operator", "r.operator", "=, >=, <=, >, < or qualitative.", "比较符或定性"),
        Column("target", "r.target", "年度指标值 as written (a string: 100, 优).", "年度指标值（原文）"),
        Column("unit", "r.unit", "Unit as written, e.g. %, 次.", "计量单位"),
        Column("target_comparator", "r.target_comparator",
               ">=, <=, =, > or < of the target (from 指标性质 or the printed ≥ ≤ 不低于 …); NULL when "
               "none is printed or the target is no number.", "目标值比较符", since=2),
        Column("target_value", "r.target_value",
               "The target as a number (≥1200 → 1200); NULL when the printed target is not one "
               "number (优, 按时完成, ≥30次；≥30篇).", "目标值（数值）", since=2),
        Column("target_unit", "r.target_unit",
               "The target's unit: the 度量单位 column, the unit printed after the number, or one "
               "in brackets at the end of the indicator's name (…成本(万元/年)).", "目标值单位",
               since=2),
        Column("actual", "r.actual", "实际完成值 as written.", "实际完成值（原文）"),
        Column("actual_comparator", "r.actual_comparator", "A comparator printed with the actual.",
               "实际完成值比较符", since=2),
        Column("actual_value", "r.actual_value", "The actual as a number; NULL when it is not one.",
               "实际完成值（数值）", since=2),
        Column("actual_unit", "r.actual_unit",
               "The actual's unit as printed; NULL when it prints none (it is then read in the "
               "target's unit).", "实际完成值单位", since=2),
        # 1/0 rather than a boolean: SQLite and PostgreSQL then return the same value
        Column("met", "CASE WHEN r.met THEN 1 WHEN NOT r.met THEN 0 END",
               "1 when the actual meets the target, 0 when it misses it: compared as numbers in "
               "one unit, or a qualitative actual that repeats the target or says 完成/未完成; "
               "NULL when it cannot be decided (see normalizers/targets.py).",
               "是否完成目标：1 完成、0 未完成；无法判断时为空", since=2),
        Column("weight", "r.weight", "分值.", "分值"),
        Column("score", "r.score", "得分.", "得分"),
        Column("score_pct", rounded_ratio("r.score * 100", "r.weight"),
               "score / weight × 100, rounded to 2 decimals.", "得分率（%）"),
        Column("shortfall_reason", "r.shortfall_reason", "偏差原因 as written.", "偏差原因"),
        Column("match_method", "r.match_method", "How name_canonical was found.", "指标匹配方式"),
        Column("match_score", "r.match_score", "Match score 0-100.", "匹配得分"),
        *source_columns(),
    ),
)

V_FINDINGS = View(
    "v_findings", "Findings", "校验问题",
    "One row per finding: a check (勾稽) that did not add up, a placeholder, a numbering gap.",
    "每个校验问题一行：勾稽不符、占位符、编号缺漏等。",
    f"FROM findings r {CURRENT}",
    (
        Column("finding_id", "r.id", "Row id (`disclosures show findings:ID`).", "记录编号"),
        *document_columns(),
        Column("rule", "r.rule", "Rule id, e.g. performance.execution_rate.", "规则编号"),
        Column("severity", "r.severity", "error, warning or info.", "严重程度"),
        Column("message", "r.message", "What did not add up.", "问题说明"),
        Column("pages", "CAST(r.pages AS TEXT)", "Pages concerned, a JSON list, e.g. [2, 3].",
               "涉及页码（JSON 列表）"),
        Column("n_refs", "(SELECT COUNT(*) FROM finding_refs fr WHERE fr.finding_id = r.id)",
               "Records the finding is about.", "涉及记录数"),
        Column("first_ref",
               "(SELECT MIN(fr.pointer) FROM finding_refs fr WHERE fr.finding_id = r.id "
               "AND fr.ordinal = 0)",
               "JSON pointer of its first record in the document's export, e.g. /projects/3.",
               "第一条涉及记录在导出 JSON 中的位置"),
        Column("evidence_text",
               "(SELECT pv.text FROM provenance pv WHERE pv.id = (SELECT MIN(pe.id) "
               "FROM provenance pe WHERE pe.record_table = 'findings' AND pe.record_id = r.id "
               "AND pe.field = 'evidence'))",
               "Source text of its first piece of evidence.", "第一条证据原文"),
        Column("sha256", "d.sha256", "SHA-256 of the original file.", "原始文件 SHA-256"),
        Column("source_url", "d.source_url", "Where the file was fetched.", "来源网址"),
    ),
)

V_PROVENANCE = View(
    "v_provenance", "Provenance", "数据来源",
    "One row per stored field: where in which file it was read (page, box, text).",
    "每个入库字段一行：取自哪个文件的哪一页、哪个位置、哪段原文。",
    "FROM provenance r JOIN documents d ON d.id = r.document_id AND d.current_run_id = r.run_id",
    (
        Column("record_table", "r.record_table", "Table of the record: facts, budget_lines, …",
               "记录所在表"),
        Column("record_id", "r.record_id", "Row id in that table.", "记录编号"),
        Column("field", "r.field", "Field of the record, e.g. amount; evidence for findings.",
               "字段"),
        Column("document_id", "d.id", "Stored document id.", "文档编号"),
        Column("page", "r.page", "1-based PDF page; NULL for Word files.", "页码"),
        Column("x0", "r.x0", "Box left, PDF points from the page's left edge.", "左边界（磅）"),
        Column("top", "r.top", "Box top, PDF points from the page's top edge.", "上边界（磅）"),
        Column("x1", "r.x1", "Box right.", "右边界（磅）"),
        Column("bottom", "r.bottom", "Box bottom.", "下边界（磅）"),
        Column("locator", "r.locator", "Paragraph/table address in the file (0-based).", "原文位置"),
        Column("source_text", "r.text", "The exact source text.", "原文"),
        Column("extractor", "r.extractor", "Reader that produced it: docx, pdf-text, ocr, …",
               "提取方式"),
        Column("confidence", "r.confidence", "Reader's confidence 0-1 when it gives one.", "置信度"),
        Column("sha256", "d.sha256", "SHA-256 of the original file.", "原始文件 SHA-256"),
        Column("file_name", "d.file_name", "File name.", "文件名"),
    ),
)

VIEWS: tuple[View, ...] = (V_DOCUMENTS, V_FACTS, V_BUDGET_LINES, V_PROJECTS, V_INDICATORS,
                           V_FINDINGS, V_PROVENANCE)
VIEW_NAMES = tuple(v.name for v in VIEWS)


class UnknownView(BadInput):
    """A view name that is not one of the public views."""


def get_view(name: str) -> View:
    """A view by its name, with or without the ``v_`` prefix."""
    key = name if name.startswith("v_") else f"v_{name}"
    for view in VIEWS:
        if view.name == key:
            return view
    raise UnknownView(f"{name!r} is not a public view; choose one of {', '.join(VIEW_NAMES)}")


def select_sql(view: View, version: int = VIEWS_VERSION) -> str:
    """The view's SELECT as of views version ``version``."""
    items = ",\n       ".join(f"{col.expr} AS {col.name}" for col in view.columns
                             if col.since <= version)
    return f"SELECT {items}\n{view.source}"


def create_views(conn: Connection, version: int = VIEWS_VERSION) -> None:
    """(Re)create every view as of views version ``version`` (a migration names its own)."""
    drop_views(conn)
    for view in VIEWS:
        conn.exec_driver_sql(f"CREATE VIEW {view.name} AS\n{select_sql(view, version)}")


def drop_views(conn: Connection) -> None:
    for view in reversed(VIEWS):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {view.name}")
