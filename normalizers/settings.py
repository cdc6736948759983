"""Thresholds for the vocabulary matchers, with named defaults.

Scores are rapidfuzz ``fuzz.ratio`` values (0-100) over folded names. A fuzzy
match must clear its cut-off *and* beat the runner-up by a margin: sibling
subjects differ by a character or two (行政单位离退休 / 事业单位离退休 score
71 against each other, 行政单位医疗 / 事业单位医疗 67), so "close to one" means
nothing unless it is also "closer than to the others".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_SUBJECT_FUZZY_MIN = 88.0
DEFAULT_SUBJECT_FUZZY_MARGIN = 6.0
DEFAULT_LEVEL_FUZZY_MIN = 80.0
DEFAULT_LEVEL_FUZZY_MARGIN = 6.0
DEFAULT_INDICATOR_FUZZY_MIN = 88.0
DEFAULT_INDICATOR_FUZZY_MARGIN = 6.0
DEFAULT_LEARNED_ALIAS_MIN_DOCUMENTS = 2


@dataclass(frozen=True)
class MatchSettings:
    # 支出功能/经济分类科目: fuzzy only among siblings in the hierarchy
    subject_fuzzy_min: float = DEFAULT_SUBJECT_FUZZY_MIN
    subject_fuzzy_margin: float = DEFAULT_SUBJECT_FUZZY_MARGIN
    # 一级/二级指标 names (short, from a closed list of 16)
    level_fuzzy_min: float = DEFAULT_LEVEL_FUZZY_MIN
    level_fuzzy_margin: float = DEFAULT_LEVEL_FUZZY_MARGIN
    # 三级指标 names against the canonical library
    indicator_fuzzy_min: float = DEFAULT_INDICATOR_FUZZY_MIN
    indicator_fuzzy_margin: float = DEFAULT_INDICATOR_FUZZY_MARGIN
    # a (code, name) pair printed by tables becomes an alias candidate once
    # this many distinct documents printed it
    learned_alias_min_documents: int = DEFAULT_LEARNED_ALIAS_MIN_DOCUMENTS

    @classmethod
    def resolve(cls, value: MatchSettings | dict | None) -> MatchSettings:
        """Accept None (defaults), a dict of overrides, or an instance."""
        if value is None:
            return DEFAULT_SETTINGS
        if isinstance(value, MatchSettings):
            return value
        if isinstance(value, dict):
            unknown = set(value) - set(cls.__dataclass_fields__)
            if unknown:
                raise ValueError(f"unknown match settings: {sorted(unknown)!r}")
            return replace(DEFAULT_SETTINGS, **value)
        raise ValueError(f"cannot read match settings from {value!r}")


DEFAULT_SETTINGS = MatchSettings()
