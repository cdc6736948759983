"""The rule set, in one place: every check's id, severity and message.

Tolerances come from rounding, not from taste: an amount printed to 0.01万元
may be off by 0.005万元 (50 yuan), so a sum of n such amounts may be off by
n × 50 yuan, and a rate computed from two rounded amounts by the rate's
derivative times that error (``checks.rounding``). Severity says how sure a
finding is: ``error`` when printed figures contradict each other beyond any
rounding, ``warning`` when something is likely wrong or left unfinished but
the document could still be right (a narrative that lists only the main 项).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from disclosures.model.records import Finding
from disclosures.model.vocabulary import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    template: str

    def finding(self, records=(), evidence=(), **values) -> Finding:
        return Finding(rule=self.id, severity=self.severity,
                       message=self.template.format(**values),
                       records=list(records), evidence=list(evidence))


@dataclass(frozen=True)
class Tolerances:
    # half of the last printed unit of 万元 amounts (0.01万元), in yuan: the slack of
    # an amount whose printed precision cannot be read from its text
    amount_rounding_yuan: Decimal = Decimal(50)
    # half of the last printed unit of a percentage printed with 2 decimals
    percent_rounding: Decimal = Decimal("0.005")
    # 绩效自评表 forms give 90 points to indicators and 10 to budget execution
    indicator_points: Decimal = Decimal(90)
    execution_points: Decimal = Decimal(10)


TOL = Tolerances()

# ---------------------------------------------------------------- 绩效自评表
EXECUTION_RATE = Rule(
    "performance.execution_rate", "error",
    "{project}: 预算执行率 {stated}% but 执行数/调整后预算数 = {executed}/{adjusted} = {computed}%")
SCORE_OVER_WEIGHT = Rule(
    "performance.score_over_weight", "error",
    "{project}: indicator {indicator!r} scores {score} above its weight {weight}")
EXECUTION_SCORE_OVER_WEIGHT = Rule(
    "performance.execution_score_over_weight", "error",
    "{project}: 预算执行 得分 {score} above its weight {weight}")
WEIGHTS_SUM = Rule(
    "performance.weights_sum", "warning",
    "{project}: indicator weights sum to {total}, the form allots {expected}")
TOTAL_SCORE = Rule(
    "performance.total_score", "error",
    "{project}: 合计 得分 {stated} but the scores add up to {computed}")
# A warning, not an error: some provinces' scoring rules give full marks within a
# tolerance of the target, and met is only as sure as the reading of the two texts.
MISSED_TARGET_FULL_SCORE = Rule(
    "performance.missed_target_full_score", "warning",
    "{project}: indicator {indicator!r} missed its target ({target}, actual {actual}) "
    "but scores the full {weight}")

# ---------------------------------------------------------------- statement tables
SUM_CHILDREN = Rule(
    "statement.sum_children", "error",
    "{table}: {what} = {stated} yuan but its parts sum to {computed} yuan (p.{page})")
SUM_CHILDREN_BLANK = Rule(
    "statement.sum_children", "error",
    "{table}: {what} is blank but its parts sum to {computed} yuan")
SUM_COMPONENTS = Rule(
    "statement.sum_components", "error",
    "{table}: {what} = {stated} yuan but its parts sum to {computed} yuan (p.{page})")
# One figure printed in two tables must be printed the same: no rounding excuses
# it (普陀区财政局决算: 社会保障和就业支出 326.71 in the 财政拨款总表 p.10, 326.72 in
# the 一般公共预算财政拨款支出决算表 p.12).
CROSS_TABLE = Rule(
    "statement.cross_table", "error",
    "{code} {subject} ({fund}, {measure}, {component}): {first} yuan on p.{first_page} but "
    "{second} yuan on p.{second_page}")
CROSS_TABLE_FACT = Rule(
    "statement.cross_table", "warning",
    "{key}: {first} yuan (p.{first_page}) but {second} yuan in {table} (p.{second_page})")

# ---------------------------------------------------------------- tables (beyond one statement)
TOTALS_BALANCE = Rule(
    "tables.totals_balance", "error",
    "{table}: 收入总计 {income} yuan (p.{income_page}) but 支出总计 {expenditure} yuan "
    "(p.{expenditure_page}); the two sides of a 总表 balance")
PARTS_SUM = Rule(
    "tables.parts_sum", "error",
    "{what}: {total_key} = {total} yuan but {parts} add up to {computed} yuan ({source})")
MISSING_TABLE = Rule(
    "structure.missing_table", "error",
    "{kind}: a 部门决算 publishes the nine standard tables; this one carries {present} of them "
    "but not {missing}")

# ---------------------------------------------------------------- narrative vs numbers
SHARE = Rule(
    "narrative.share", "error",
    "{what}: stated 占{stated}% but {part} / {total} yuan = {computed}%")
SHARE_BASE = Rule(
    "narrative.share_base", "warning",
    "{what}: the shares {stated} are all of {implied} yuan, not of the {total} yuan total they name")
SHARE_BALANCED = Rule(
    "narrative.share_balanced", "warning",
    "{what}: stated 占{stated}% but {part} / {total} yuan = {computed}%: a hundredth or so off, "
    "in a list whose shares do not add up to more than 100% (evened out, or a part left out)")
# The prior year's figure is not printed in the document: the base is value − change,
# which an author may have restated (江苏省人民检察院 2017 p.22 机关运行经费: 两个年度
# 报表设计的统计口径形成的差异), so a mismatch is a warning; ``years.change`` checks
# the change against the prior year's own document.
CHANGE = Rule(
    "narrative.change", "warning",
    "{key}: changed by {change} yuan from {prior} yuan is {computed}%, but the text says {stated}%")
NARRATIVE_VS_TABLE = Rule(
    "narrative.vs_table", "error",
    "{what}: the text says {stated} yuan (p.{page}) but the table says {table} yuan (p.{table_page})")
NARRATIVE_VS_TABLE_MINOR = Rule(
    "narrative.vs_table_minor", "warning",
    "{what}: the text says {stated} yuan (p.{page}) but the table says {table} yuan "
    "(p.{table_page}): a few units of the last printed digit apart")
NARRATIVE_SUM = Rule(
    "narrative.sum_children", "warning",
    "{subject}: the text gives the 类 {total} yuan but its 项 listed add up to {computed} yuan "
    "(a list may omit minor 项)")
COMPARISON_WORD = Rule(
    "narrative.comparison_word", "error",
    "{subject}: the text says 决算数{word}预算数, but 决算 {actual} yuan vs 预算 {budget} yuan")
EMPTY_TABLE = Rule(
    "narrative.empty_table", "error",
    "{kind} (p.{table_page}) holds no figures, but the text states {amount} for it (p.{page})")

# ---------------------------------------------------------------- text
TEXT_PLACEHOLDER = Rule(
    "text.placeholder", "warning",
    "template placeholder {text!r} left in the text (p.{page})")
YEAR_MISMATCH = Rule(
    "text.year_mismatch", "error",
    "{what} names {year} in the {fiscal_year} {kind}: {text!r}")
DOUBLED_PUNCTUATION = Rule(
    "text.doubled_punctuation", "warning",
    "doubled punctuation {text!r}: …{context}…")

# ---------------------------------------------------------------- across years (needs the database)
PRIOR_YEAR_CHANGE = Rule(
    "years.change", "error",
    "{key}: the {year} text says a change of {change} yuan, but {year} − {prior_year} = "
    "{value} − {prior} = {computed} yuan")

REGISTRY: dict[str, Rule] = {rule.id: rule for rule in (
    EXECUTION_RATE, SCORE_OVER_WEIGHT, EXECUTION_SCORE_OVER_WEIGHT, WEIGHTS_SUM, TOTAL_SCORE,
    SUM_CHILDREN, SUM_COMPONENTS, CROSS_TABLE,
    MISSED_TARGET_FULL_SCORE,
    TOTALS_BALANCE, PARTS_SUM, MISSING_TABLE,
    SHARE, SHARE_BASE, SHARE_BALANCED, CHANGE, NARRATIVE_VS_TABLE, NARRATIVE_VS_TABLE_MINOR,
    NARRATIVE_SUM, COMPARISON_WORD, EMPTY_TABLE,
    TEXT_PLACEHOLDER, YEAR_MISMATCH, DOUBLED_PUNCTUATION,
    PRIOR_YEAR_CHANGE,
)}


def close_enough(a: Decimal, b: Decimal, tol: Decimal) -> bool:
    return abs(a - b) <= tol
