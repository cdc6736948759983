"""The rule set, in one place.

Tolerances come from rounding, not from taste: an amount printed to 0.01万元
may be off by 0.005万元 (50 yuan), so a sum of n such amounts may be off by
n × 50 yuan, and a rate computed from two rounded amounts by the rate's
derivative times that error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from extractors.records import Extraction, Finding, Project


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    template: str

    def finding(self, records=(), evidence=(), **values) -> Finding:
        return Finding(rule=self.id, severity=self.severity,
                       message=self.template.format(**values),
                       records=list(records), evidence=list(evidence))


@dataclass(frozen=True)
class Tolerances:
    # half of the last printed unit of 万元 amounts (0.01万元), in yuan
    amount_rounding_yuan: Decimal = Decimal(50)
    # half of the last printed unit of a percentage printed with 2 decimals
    percent_rounding: Decimal = Decimal("0.005")
    # 绩效自评表 forms give 90 points to indicators and 10 to budget execution
    indicator_points: Decimal = Decimal(90)
    execution_points: Decimal = Decimal(10)


TOL = Tolerances()

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


def close_enough(a: Decimal, b: Decimal, tol: Decimal) -> bool:
    return abs(a - b) <= tol


def check_execution_rate(project: Project) -> Iterable[Finding]:
    adjusted, executed, stated = project.budget_adjusted, project.executed, project.execution_rate
    if adjusted in (None, 0) or executed is None or stated is None:
        return
    computed = executed / adjusted * 100
    # d(rate) = 100 * (d_exec / adj + exec * d_adj / adj²)
    slack = 100 * TOL.amount_rounding_yuan * (1 / adjusted + executed / adjusted ** 2)
    if not close_enough(computed, stated, slack + TOL.percent_rounding):
        yield EXECUTION_RATE.finding(
            [project], project=project.name, stated=stated, executed=executed,
            adjusted=adjusted, computed=round(computed, 2))


def check_scores(project: Project) -> Iterable[Finding]:
    for ind in project.indicators:
        if ind.score is not None and ind.weight is not None and ind.score > ind.weight:
            yield SCORE_OVER_WEIGHT.finding([ind], project=project.name, indicator=ind.name,
                                            score=ind.score, weight=ind.weight)


def check_weights(project: Project) -> Iterable[Finding]:
    weights = [i.weight for i in project.indicators if i.weight is not None]
    if not weights or project.source != "self_evaluation":
        return
    total = sum(weights, Decimal(0))
    if total != TOL.indicator_points:
        yield WEIGHTS_SUM.finding([project], project=project.name, total=total,
                                  expected=TOL.indicator_points)


def check_execution_score(project: Project) -> Iterable[Finding]:
    score, weight = project.execution_score, project.execution_weight
    if score is not None and weight is not None and score > weight:
        yield EXECUTION_SCORE_OVER_WEIGHT.finding([project], project=project.name,
                                                  score=score, weight=weight)


def check_total_score(project: Project) -> Iterable[Finding]:
    if project.total_score is None:
        return
    scores = [i.score for i in project.indicators if i.score is not None]
    if not scores:
        return
    indicators = sum(scores, Decimal(0))
    if project.execution_score is None:
        # Many forms leave the execution 得分 blank while 合计 includes it: the
        # total only contradicts the scores when no execution score within its
        # weight could make up the difference.
        room = project.execution_weight if project.execution_weight is not None else TOL.execution_points
        if Decimal(0) <= project.total_score - indicators <= room:
            return
    computed = indicators + (project.execution_score or Decimal(0))
    if computed != project.total_score:
        yield TOTAL_SCORE.finding([project], project=project.name,
                                  stated=project.total_score, computed=computed)


PROJECT_CHECKS: tuple[Callable[[Project], Iterable[Finding]], ...] = (
    check_execution_rate, check_execution_score, check_scores, check_weights, check_total_score,
)


def run_checks(extraction: Extraction) -> list[Finding]:
    findings: list[Finding] = []
    for project in extraction.projects:
        for check in PROJECT_CHECKS:
            findings.extend(check(project))
    return findings
