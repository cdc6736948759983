"""The one registry of finding rules: every rule id the package can report.

A finding is one of two kinds, never mixed:

- ``document``: the document contradicts itself or the rules of the genre
  (parts that do not add up, a placeholder left in, a year that is not the
  document's). Researchers filter on these.
- ``extraction``: the pipeline could not read something reliably (a page
  without text, a table whose columns it did not understand, a name the
  vocabulary does not know). These say nothing about the document's quality.

Each rule has the severities it may be reported at (``error`` when printed
figures contradict each other beyond what their rounding allows, ``warning``
for what is likely wrong or unfinished, ``info`` for what is merely notable)
and a description; ``docs/rules.md`` is generated from this table.
``Finding`` refuses a rule id that is not registered here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from disclosures.model.vocabulary import Severity

FindingKind: TypeAlias = Literal["document", "extraction"]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    kind: FindingKind
    severities: tuple[Severity, ...]
    description: str


def _rules(*rows: tuple[str, FindingKind, str, str]) -> dict[str, RuleInfo]:
    return {r[0]: RuleInfo(r[0], r[1], tuple(r[2].split("/")), r[3]) for r in rows}  # type: ignore[arg-type]


RULES: dict[str, RuleInfo] = _rules(
    # -- the file as read (readers)
    ("page.no_text_layer", "extraction", "warning",
     "pages are images without a text layer and no OCR was available"),
    ("page.ocr", "extraction", "info", "pages without a text layer were read by OCR"),
    ("ocr.low_confidence", "extraction", "warning", "OCR read some text with low confidence"),
    ("text.garbled", "extraction", "warning",
     "fonts without a usable ToUnicode map: the text of these pages could not be extracted"),
    ("text.recovered", "extraction", "info",
     "fonts without a usable ToUnicode map: text taken from pdfium's own mapping"),
    ("docx-textbox-skipped", "extraction", "info", "text boxes of a Word file are not read"),
    ("xlsx.hidden_sheets_skipped", "extraction", "info", "hidden sheets of a workbook are not read"),
    ("file.converted", "extraction", "info", "a legacy .doc/.xls was converted by LibreOffice first"),
    # -- reading tables and text (recognizers)
    ("statement.unparsed", "extraction", "warning",
     "a statement table whose unit or columns could not be understood; no values taken"),
    ("statement.unreadable_amount", "extraction", "warning",
     "a cell of an amount column that is not a number"),
    ("statement.role_undecided", "extraction", "warning",
     "a table with subject rows and amounts whose statement or fund could not be decided"),
    ("statement.by_unit", "extraction", "info",
     "a table lists subjects per budget unit: its lines are the units', not the department's"),
    ("unit.missing", "extraction", "info",
     "a figure the text writes without a unit (万元/元) is not read as an amount"),
    ("performance.unparsed_row", "extraction", "warning",
     "a row of a performance table that could not be read"),
    ("performance.unparsed_value", "extraction", "warning",
     "a value of a performance table that could not be read as a number"),
    ("performance.blank_form", "extraction", "info",
     "a performance form left blank (no project named); its template rows are not read"),
    # -- vocabularies (normalizers)
    ("subject.unresolved", "extraction", "warning",
     "a 支出功能分类 name that matches no code of the vocabulary or of the document's tables"),
    ("subject.code_unknown", "extraction", "info",
     "a printed code the year's vocabulary does not have; kept as printed"),
    ("subject.fuzzy_match", "extraction", "info", "a subject name matched its code only fuzzily"),
    ("subject.name_mismatch", "document", "warning",
     "a printed code beside a name that is not that code's name"),
    ("indicator.level_unknown", "extraction", "warning",
     "an indicator level (一级/二级指标) name that matches no level of the vocabulary"),
    ("indicator.level_mismatch", "document", "warning",
     "an indicator filed under a 一级指标 its 二级指标 does not belong to"),
    # -- storing
    ("value.unstorable", "extraction", "warning",
     "a value the database columns cannot hold exactly; not stored"),
    # -- placeholders and text (document)
    ("placeholder", "document", "warning",
     "a template placeholder (**, XX) where an amount belongs"),
    ("evaluation_report.placeholder", "document", "warning",
     "a template placeholder in a 绩效评价报告"),
    ("text.placeholder", "document", "warning", "a template placeholder left in the text"),
    ("text.doubled_punctuation", "document", "warning", "doubled punctuation (。。)"),
    ("text.year_mismatch", "document", "error",
     "a heading or date names a year that is not the document's"),
    # severities set by ``numbering.NumberingSettings``
    ("numbering.gap", "document", "warning/info", "list numbering skips a number"),
    ("numbering.duplicate", "document", "warning/info", "list numbering repeats a number"),
    ("numbering.style_switch", "document", "info/warning", "list numbering changes style mid-list"),
    # -- statement arithmetic (document)
    ("statement.sum_children", "document", "error",
     "类 ≠ Σ款, 款 ≠ Σ项 or 合计 ≠ Σ类 in a statement table, beyond the printed rounding"),
    ("statement.sum_components", "document", "error",
     "合计/小计 ≠ its parts across a row of a statement table, beyond the printed rounding"),
    ("statement.cross_table", "document", "error/warning",
     "one figure printed differently in two statement tables"),
    ("tables.totals_balance", "document", "error", "收入总计 ≠ 支出总计 in a 收支总表"),
    ("tables.parts_sum", "document", "error",
     "a total the document states ≠ the parts it states (基本支出, 三公, 政府采购)"),
    ("structure.missing_table", "document", "error",
     "a 部门决算 without one of the nine standard tables"),
    # -- narrative against tables (document)
    ("narrative.share", "document", "error", "a stated share (占X%) that its amounts contradict"),
    ("narrative.share_base", "document", "warning",
     "stated shares that are all of another total than the one they name"),
    ("narrative.share_balanced", "document", "warning",
     "a share a hundredth or so off, in a list evened out to 100%"),
    ("narrative.change", "document", "warning",
     "a stated change% that the stated change and amount contradict"),
    ("narrative.vs_table", "document", "error", "the text states an amount the table contradicts"),
    ("narrative.vs_table_minor", "document", "warning",
     "the text and a table differ by a few units of the last printed digit"),
    ("narrative.sum_children", "document", "warning",
     "the 项 the text lists under a 类 do not add up to the 类 it states"),
    ("narrative.comparison_word", "document", "error",
     "决算数大于/等于/小于预算数 said where the amounts say otherwise"),
    ("narrative.empty_table", "document", "error",
     "a table that holds no figures while the text states figures for it"),
    # -- performance (document)
    ("performance.execution_rate", "document", "error",
     "a stated 预算执行率 that 执行数/调整后预算数 contradicts"),
    ("performance.score_over_weight", "document", "error", "an indicator scored above its weight"),
    ("performance.execution_score_over_weight", "document", "error",
     "the 预算执行 score above its weight"),
    ("performance.weights_sum", "document", "warning",
     "indicator weights that do not add up to the points the form allots"),
    ("performance.total_score", "document", "error", "a 合计 score that is not the sum of the scores"),
    ("performance.missed_target_full_score", "document", "warning",
     "an indicator whose actual missed its target still received its full weight"),
    # -- across years (document)
    ("years.change", "document", "error",
     "a stated change against the prior year that the prior year's own disclosure contradicts"),
)


def rule_info(rule: str) -> RuleInfo:
    """The registered rule; ``ValueError`` naming the id when it is not registered."""
    try:
        return RULES[rule]
    except KeyError:
        raise ValueError(f"finding rule {rule!r} is not registered in disclosures.model.rules") from None
