"""Records the recognizers produce: every value carries its provenance.

These mirror the export contract (``spec/EXPORT.md``). Amounts are ``Decimal``
yuan, percentages ``Decimal`` percent. ``field_provenance`` maps a field name
to the Provenance of the text it was read from; a field whose value is not
``None`` must have an entry (``check_provenance`` enforces it) — a number that
cannot say where it came from does not reach the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from disclosures.model.layout import Provenance
from disclosures.model.rules import rule_info
from disclosures.model.statements import ListedStatement, StatementTable
from disclosures.model.vocabulary import (
    Component,
    DocumentKind,
    FactUnit,
    Fund,
    MatchMethod,
    Measure,
    ProjectScope,
    ProjectSource,
    Severity,
)


@dataclass
class Match:
    """How a raw name was mapped to a canonical one."""

    method: MatchMethod = "none"
    score: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "score": round(float(self.score), 1)}


@dataclass
class Fact:
    key: str  # from spec/facts.csv, optionally with .change/.change_pct/.share_pct/.budget_pct
    value: Decimal
    unit: FactUnit
    provenance: Provenance
    # the standard statement the value was read from (``StatementKind.name``);
    # None for the narrative (情况说明)
    statement: str | None = None

    @property
    def field_provenance(self) -> dict[str, Provenance]:
        return {"value": self.provenance}


@dataclass
class BudgetLine:
    subject_raw: str
    fund: Fund
    measure: Measure
    component: Component
    amount: Decimal
    provenance: Provenance  # of the amount
    subject_code: str | None = None
    subject_name: str | None = None
    budget_pct: Decimal | None = None
    match: Match = field(default_factory=Match)
    # the code as printed, when the source prints one (tables do, narrative doesn't)
    code_raw: str | None = None
    field_provenance: dict[str, Provenance] = field(default_factory=dict)
    # the standard statement the line was read from and its printed title; None
    # for a line of the narrative (情况说明)
    statement: str | None = None
    statement_title: str | None = None
    # the budget unit the line is of, where a table lists subjects per unit
    # (``field_provenance["budget_unit"]``); None for the department's own lines
    budget_unit: str | None = None


@dataclass
class Indicator:
    name: str
    level1_raw: str | None
    level2_raw: str | None
    provenance: Provenance  # of the 三级指标 name cell
    level1: str | None = None
    level2: str | None = None
    name_canonical: str | None = None
    operator: str | None = None
    target: str | None = None
    unit: str | None = None
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    shortfall_reason: str | None = None
    match: Match = field(default_factory=Match)
    level_match: Match = field(default_factory=Match)
    # target and actual read as numbers (normalizers.targets): comparator (>=, <=, =,
    # >, <), an exact value and the unit; None where the printed text is no number
    target_comparator: str | None = None
    target_value: Decimal | None = None
    target_unit: str | None = None
    actual_comparator: str | None = None
    actual_value: Decimal | None = None
    actual_unit: str | None = None
    # whether the actual satisfies the target; None where that cannot be decided
    met: bool | None = None
    field_provenance: dict[str, Provenance] = field(default_factory=dict)


@dataclass
class Project:
    name: str
    provenance: Provenance  # of the project's header (name) cell
    code: str | None = None
    department: str | None = None
    implementer: str | None = None
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    execution_weight: Decimal | None = None
    execution_score: Decimal | None = None
    total_score: Decimal | None = None
    goal: str | None = None
    conclusion: str | None = None
    problems: str | None = None
    improvements: str | None = None
    source: ProjectSource = "self_evaluation"
    # project (a 项目 or 专项) | department (部门整体: the unit's whole spending)
    scope: ProjectScope = "project"
    indicators: list[Indicator] = field(default_factory=list)
    # budget rows of the 预算执行情况 block: 总额, 其中：财政资金, … (yuan)
    funding: list[FundingRow] = field(default_factory=list)
    field_provenance: dict[str, Provenance] = field(default_factory=dict)


@dataclass
class FundingRow:
    source: str  # as written: 总额, 其中：财政资金, 财政专户管理资金, 单位资金, 其他资金
    budget_initial: Decimal | None
    budget_adjusted: Decimal | None
    executed: Decimal | None
    execution_rate: Decimal | None
    field_provenance: dict[str, Provenance] = field(default_factory=dict)


Record: TypeAlias = Fact | BudgetLine | Project | Indicator


@dataclass
class Finding:
    """Something that did not add up, or could not be read as a value.

    ``records`` are the records involved (turned into JSON pointers on
    export); ``evidence`` the source places involved when no record exists
    (a placeholder is never a record: it has no value).
    """

    rule: str  # an id of ``model.rules.RULES``
    severity: Severity
    message: str
    records: list[Record] = field(default_factory=list)
    evidence: list[Provenance] = field(default_factory=list)
    # pages concerned when no value can be pointed at (a page without a text layer)
    page_hints: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        info = rule_info(self.rule)
        if self.severity not in info.severities:
            raise ValueError(f"finding rule {self.rule!r} is registered at "
                             f"{'/'.join(info.severities)}, not {self.severity!r}")

    @property
    def kind(self) -> str:
        """``document``: the document's own contradiction; ``extraction``: what the
        pipeline could not read reliably (``model.rules``)."""
        return rule_info(self.rule).kind

    @property
    def pages(self) -> list[int]:
        pages = {p.page for p in self.evidence if p.page} | set(self.page_hints)
        for rec in self.records:
            pages.update(p.page for p in rec.field_provenance.values() if p.page)
            if getattr(rec, "provenance", None) is not None and rec.provenance.page:
                pages.add(rec.provenance.page)
        return sorted(pages)


# What a file is (``extractors.recognizers.classify``): the disclosure kinds, and
# the export contract's coarser ``document.kind`` each of them is published as.
DISCLOSURE_KINDS: dict[str, DocumentKind] = {
    "budget": "budget",  # 部门预算 / 单位预算
    "final_accounts": "final_accounts",  # 部门决算 / 单位决算
    "performance_targets": "performance_report",  # 绩效目标表 standing alone
    "performance_self_evaluation": "performance_report",  # 绩效自评表 / 自评报告
    "performance_evaluation_report": "performance_report",  # 专项绩效评价报告
}
NOT_A_DISCLOSURE = "not_a_disclosure"


@dataclass(frozen=True)
class Evidence:
    """One piece of a document that told what the document is: the rule
    (``cue``, named in ``recognizers/data/document_cues.csv``), what it points to
    (a kind or ``not_a_disclosure``) and where it was read."""

    cue: str
    verdict: str
    provenance: Provenance


@dataclass
class Classification:
    """What a file is, decided from its content before anything is extracted.

    ``kind`` is one of ``DISCLOSURE_KINDS`` or ``NOT_A_DISCLOSURE``; ``reason``
    (not a disclosure only) a short code — notice, official_document,
    application_form, website_annual_report, information_disclosure_report,
    regulation, procedure, agreement, web_page, empty, no_disclosure_content —
    and ``detail`` one readable sentence quoting the text that decided.
    ``evidence`` lists what was read, the deciding piece first."""

    kind: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    reason: str | None = None
    detail: str | None = None

    @property
    def is_disclosure(self) -> bool:
        return self.kind in DISCLOSURE_KINDS

    @property
    def report_kind(self) -> str | None:
        """The export contract's ``document.kind``: budget | final_accounts |
        performance_report, None for a file that is not a disclosure."""
        return DISCLOSURE_KINDS.get(self.kind)


@dataclass
class DocumentInfo:
    """What the recognizers learn about the document itself."""

    organization: str | None = None
    region: str | None = None
    fiscal_year: int | None = None
    kind: DocumentKind | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)
    # what the document covers: 本级 (the unit alone), 汇总 (a department with its
    # units, printed so), 部门 (a 部门预算/决算), 单位 (a 单位预算/决算)
    scope: str | None = None
    # filled by the normalizers (normalizers.organizations): the unit's stable id
    # across years, and 省 | 市 | 区县
    org_id: str | None = None
    region_level: str | None = None


@dataclass
class RecognizedTable:
    """A table a recognizer understood, by kind (for surveys and 'missing table' checks)."""

    kind: str  # e.g. 支出决算表, 一般公共预算财政拨款支出决算表, 绩效自评表
    table_index: int
    pages: list[int] = field(default_factory=list)
    title: str | None = None
    # how far the table's own sums hold (``model.statements.Reconciliation.status``)
    status: str | None = None


@dataclass
class Extraction:
    """Everything recognized in one document, before storage."""

    info: DocumentInfo
    facts: list[Fact] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables: list[RecognizedTable] = field(default_factory=list)
    # the statement tables as read, for the checks (read once, here)
    statements: list[StatementTable] = field(default_factory=list)
    listed_statements: list[ListedStatement] = field(default_factory=list)
    classification: Classification | None = None


def check_provenance(record: Record) -> list[str]:
    """Names of non-null value fields that have no provenance (should be none)."""
    missing: list[str] = []
    fp = record.field_provenance
    for name in ("amount", "budget_pct", "value", "budget_initial", "budget_adjusted",
                 "executed", "execution_rate", "execution_weight", "execution_score",
                 "total_score", "weight", "score", "target", "actual", "target_value",
                 "actual_value"):
        if getattr(record, name, None) is not None and name not in fp and name not in ("amount", "value"):
            missing.append(name)
    return missing
