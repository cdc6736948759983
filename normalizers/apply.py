"""Apply the vocabularies to one document's records, in place.

Every budget line gets its subject code, the code's name for the document's
fiscal year and how it was found; every indicator its canonical levels and
三级 id, its target and actual as numbers and whether the target was met
(``normalizers.targets``); the document its organization id. A person's decision
(``normalizers.review``, stored by ``disclosures map``) about a raw name wins
over every matcher except a printed code: the name gets the decided target
with ``Match("review", 100)``. What the vocabularies cannot place becomes a
finding rather than a guess: an unresolved subject, a printed name that contradicts its printed
code, an unknown level name, a 二级指标 filed under a foreign 一级.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from disclosures.model.records import (
    BudgetLine,
    DocumentInfo,
    Extraction,
    Finding,
    Indicator,
    Match,
    Project,
)
from disclosures.model.vocabulary import Severity
from disclosures.normalizers.indicators import indicator_vocabulary
from disclosures.normalizers.organizations import identify_organization, region_level
from disclosures.normalizers.review import Decisions, decided
from disclosures.normalizers.settings import MatchSettings
from disclosures.normalizers.subjects import (
    METHOD_RANK,
    DocumentSubjects,
    SubjectMatch,
    function_catalogue,
    split_levels,
)
from disclosures.normalizers.targets import indicator_to_quantities

# a person's decision is as certain as a known alias when levels are compared
DECISION_RANK = {**METHOD_RANK, "review": METHOD_RANK["alias"]}
DECIDED_SCORE = 100.0


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    template: str

    def finding(self, records: Iterable = (), **values) -> Finding:
        return Finding(rule=self.id, severity=self.severity,
                       message=self.template.format(**values), records=list(records))


SUBJECT_UNRESOLVED = Rule(
    "subject.unresolved", "warning",
    "支出功能分类科目 {raw!r} ({year}) matches no code in the vocabulary")
SUBJECT_CODE_UNKNOWN = Rule(
    "subject.code_unknown", "info",
    "printed code {code} ({raw!r}) is not in the {year} vocabulary; kept as printed")
SUBJECT_NAME_MISMATCH = Rule(
    "subject.name_mismatch", "warning",
    "printed code {code} is {name!r} in {year}, but the row reads {raw!r}")
SUBJECT_FUZZY = Rule(
    "subject.fuzzy_match", "info",
    "{raw!r} matched {code} {name!r} only fuzzily (score {score})")
LEVEL_UNKNOWN = Rule(
    "indicator.level_unknown", "warning",
    "{project}: indicator {indicator!r} has {which} {raw!r}, which matches no indicator level")
LEVEL_MISMATCH = Rule(
    "indicator.level_mismatch", "warning",
    "{project}: indicator {indicator!r} is filed under {level1_raw}/{level2_raw}, "
    "but {level2} belongs under {parents}, not {level1}")


def normalize(extraction: Extraction, settings: MatchSettings | dict | None = None,
              decisions: Decisions | None = None) -> None:
    """Fill codes, canonical names and matches in place; append findings.

    ``decisions``: ``{(kind, key): target}`` as ``db.review.load_decisions``
    returns them (keys from ``normalizers.review.decision_key``)."""
    settings = MatchSettings.resolve(settings)
    year = extraction.info.fiscal_year
    info_to_organization(extraction.info, decisions)
    printed = DocumentSubjects((row.code, row.name) for st in extraction.statements
                               for row in st.rows if row.role == "subject" and row.code and row.name)
    extraction.findings += budget_lines_to_subjects(extraction.budget_lines, year, settings,
                                                    decisions, printed)
    for project in extraction.projects:
        extraction.findings += project_to_canonical_indicators(project, settings, decisions)


def info_to_organization(info: DocumentInfo, decisions: Decisions | None = None) -> None:
    """The document's stable organization id and region level."""
    target = decided(decisions, "organization", info.organization)
    if target is not None:
        info.org_id, info.region_level = target, region_level(target, info.region)
        return
    found = identify_organization(info.organization, info.region)
    info.org_id, info.region_level = found.id, found.region_level


# -- budget lines --------------------------------------------------------------------


def budget_lines_to_subjects(lines: list[BudgetLine], year: int | None,
                             settings: MatchSettings,
                             decisions: Decisions | None = None,
                             printed: DocumentSubjects | None = None) -> list[Finding]:
    """Resolve each line's subject; one finding per distinct problem text, naming
    every line it concerns (the same subject recurs per fund/measure/component).
    A line without a code takes the code the document's own tables print for the
    same chain of names (``printed``) before the vocabulary is asked."""
    catalogue = function_catalogue()
    groups: dict[tuple[str | None, str], list[BudgetLine]] = {}
    for line in lines:
        groups.setdefault((line.code_raw, line.subject_raw), []).append(line)
    findings: list[Finding] = []
    for (code_raw, raw), group in groups.items():
        found = catalogue.resolve(raw, year, code_raw, settings)
        own = printed.resolve(raw) if printed is not None and code_raw is None else None
        if own is not None and (found.code != own or found.method == "fuzzy"):
            known = own in catalogue.by_code
            found = SubjectMatch(own, catalogue.name_for_year(own, year) if known else
                                 split_levels(raw)[-1], "exact", 100.0)
        target = decided(decisions, "subject", raw) if found.method != "code" else None
        if target is not None:
            found = SubjectMatch(target, catalogue.name_for_year(target, year), "review",
                                 DECIDED_SCORE)
        for line in group:
            line.subject_code, line.subject_name = found.code, found.name
            line.match = found.to_match()
        findings += subject_findings(found, code_raw, raw, year, group, settings)
    return findings


def subject_findings(found: SubjectMatch, code_raw: str | None, raw: str, year: int | None,
                     lines: list[BudgetLine], settings: MatchSettings) -> list[Finding]:
    catalogue = function_catalogue()
    shown_year = year if year is not None else "year unknown"
    if found.code is None:
        return [SUBJECT_UNRESOLVED.finding(lines, raw=raw, year=shown_year)]
    if found.method == "fuzzy":
        return [SUBJECT_FUZZY.finding(lines, raw=raw, code=found.code, name=found.name,
                                      score=found.score)]
    if found.method != "code":
        return []
    agrees = catalogue.name_agrees(found.code, raw, year, settings)
    if agrees is None:
        return [SUBJECT_CODE_UNKNOWN.finding(lines, code=found.code, raw=raw, year=shown_year)]
    if not agrees:
        return [SUBJECT_NAME_MISMATCH.finding(lines, code=found.code, name=found.name, raw=raw,
                                              year=shown_year)]
    return []


# -- indicators ------------------------------------------------------------------------


def project_to_canonical_indicators(project: Project, settings: MatchSettings,
                                    decisions: Decisions | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for indicator in project.indicators:
        findings += indicator_to_canonical(indicator, project.name, settings, decisions)
        indicator_to_quantities(indicator)
    return findings


def weaker(a: Match, b: Match) -> Match:
    """The less certain of two matches (the levels share one ``level_match``)."""
    rank_a, rank_b = DECISION_RANK.get(a.method, 4), DECISION_RANK.get(b.method, 4)
    if rank_a != rank_b:
        return a if rank_a > rank_b else b
    return a if a.score <= b.score else b


def indicator_to_canonical(ind: Indicator, project: str, settings: MatchSettings,
                           decisions: Decisions | None = None) -> list[Finding]:
    vocab = indicator_vocabulary()
    findings: list[Finding] = []
    ind.level1, match1 = decided_or(decisions, "level1", ind.level1_raw,
                                    lambda: vocab.match_level1(ind.level1_raw, settings))
    ind.level2, match2 = decided_or(decisions, "level2", ind.level2_raw,
                                    lambda: vocab.match_level2(ind.level2_raw, ind.level1, settings))
    present = [m for raw, m in ((ind.level1_raw, match1), (ind.level2_raw, match2)) if (raw or "").strip()]
    ind.level_match = weaker(*present) if len(present) == 2 else (present[0] if present else Match())
    for which, raw, canonical in (("一级指标", ind.level1_raw, ind.level1),
                                  ("二级指标", ind.level2_raw, ind.level2)):
        if (raw or "").strip() and canonical is None:
            findings.append(LEVEL_UNKNOWN.finding([ind], project=project, indicator=ind.name,
                                                  which=which, raw=raw))
    if ind.level1 and ind.level2 and not vocab.level_belongs(ind.level1, ind.level2):
        findings.append(LEVEL_MISMATCH.finding(
            [ind], project=project, indicator=ind.name, level1_raw=ind.level1_raw,
            level2_raw=ind.level2_raw, level1=ind.level1, level2=ind.level2,
            parents=" or ".join(vocab.parents_of(ind.level2))))
    ind.name_canonical, ind.match = decided_or(decisions, "indicator", ind.name,
                                               lambda: vocab.match_indicator_name(ind.name, settings))
    return findings


def decided_or(decisions: Decisions | None, kind: str, raw: str | None,
               match) -> tuple[str | None, Match]:
    """A person's decision about ``raw`` when there is one, else the matcher's answer."""
    target = decided(decisions, kind, raw)
    return (target, Match("review", DECIDED_SCORE)) if target is not None else match()
