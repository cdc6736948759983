"""绩效自评表: execution rate, scores within weights, weights and 合计, missed targets scored in full."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from disclosures.checks.rules import (
    EXECUTION_RATE,
    EXECUTION_SCORE_OVER_WEIGHT,
    MISSED_TARGET_FULL_SCORE,
    SCORE_OVER_WEIGHT,
    TOL,
    TOTAL_SCORE,
    WEIGHTS_SUM,
    close_enough,
)
from disclosures.model.records import Extraction, Finding, Project


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


def check_missed_targets(project: Project) -> Iterable[Finding]:
    """A target the actual did not meet (``met`` False, normalizers.targets) should
    lose points; the seed's 平安建设经费 gives 表彰见义勇为先进个人 (target 10人,
    actual 4) its full 3."""
    for ind in project.indicators:
        if ind.met is False and ind.weight is not None and ind.score is not None \
                and ind.score >= ind.weight:
            target = " ".join(t for t in (ind.operator if ind.operator != "qualitative" else None,
                                          ind.target, ind.unit) if t)
            yield MISSED_TARGET_FULL_SCORE.finding([ind], project=project.name, indicator=ind.name,
                                                   target=target, actual=ind.actual,
                                                   weight=ind.weight)


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
    check_missed_targets,
)


def check_projects(extraction: Extraction) -> list[Finding]:
    return [f for project in extraction.projects for check in PROJECT_CHECKS for f in check(project)]
