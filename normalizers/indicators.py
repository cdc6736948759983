"""绩效指标 vocabulary: 一级/二级 levels and the canonical 三级 indicator library.

Data: ``data/indicator_levels.csv`` (the framework of 财预〔2020〕10号 /
财预〔2021〕101号 as ``spec/indicators.csv`` lists it, with the variants
forms print) and ``data/indicator_library.csv`` (recurring 三级 indicators
with an id, a canonical name and aliases). Sources in ``data/README.md``.

Two frameworks coexist in the documents: older forms file 成本指标 as a 二级
under 产出指标; newer ones make 成本指标 an 一级 with 经济/社会/生态环境成本指标
under it. Both are legal, so ``level_belongs`` accepts both; what it rejects
is a 二级 under a foreign 一级 (the 泸州 2024 培训费 form files 经济成本指标 and
社会效益指标 under 产出指标, and 满意度指标 under 效益指标).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from disclosures.model.records import Match
from disclosures.normalizers.settings import MatchSettings
from disclosures.normalizers.subjects import DATA, name_key
from rapidfuzz import fuzz

# a level cell may carry its points or a numbering: 一、产出指标（50分）
_LEVEL_NOISE_RE = re.compile(r"\([^)]*[\d分][^)]*\)|^[一二三四五六七八九十]+、")
# a formula glued to the name, up to the end of the cell, brackets often
# unbalanced: 预算编制准确率（计算方法为：∣（执行数-预算数）/预算数∣）,
# “三公经费”控制率[计算方法为：（三公经费实际支出数/预算安排数]×100%）
_FORMULA_RE = re.compile(r"[(\[【]?\s*(计算方法|计算公式|计算方式|计算口径|公式|算法|备注|注|说明)\s*(为|是)?\s*[:：].*$"
                         r"|[(\[【]\s*(计算方法|计算公式|计算方式|计算口径).*$"
                         r"|\s*[=＝].*$")
# a grading rubric glued to the name: 巩固脱贫成效率100%为优，90%-95%为良，小于90%为差
_RUBRIC_RE = re.compile(r"[≥≤><]?\d+(\.\d+)?%?(-\d+(\.\d+)?%?)?(及?以上|及?以下)?为[优良中差高低好].*$")
_PAREN_RE = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class Level:
    name: str
    parent: str | None  # None for an 一级指标
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class LibraryIndicator:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


def level_key(text: str) -> str:
    """``产出指标（50分）`` → ``产出``: compared without points, numbering or 指标."""
    s = _LEVEL_NOISE_RE.sub("", name_key(text))
    return s[:-2] if s.endswith("指标") and len(s) > 2 else s


def clean_indicator_name(raw: str) -> str:
    """The indicator's name without a glued formula or grading rubric."""
    s = name_key(raw)
    s = _FORMULA_RE.sub("", s)
    s = _RUBRIC_RE.sub("", s)
    return s.rstrip(":：;；,，.。")


def indicator_keys(text: str) -> set[str]:
    """Forms a 三级 name is compared in: cleaned, and also without parentheticals
    (足额保障率（参保率） is 足额保障率)."""
    key = clean_indicator_name(text)
    bare = _PAREN_RE.sub("", key)
    return {k for k in (key, bare) if k}


def _best(scored: Sequence[tuple[float, object]], minimum: float, margin: float):
    """The best candidate when it clears ``minimum`` and leads the runner-up by ``margin``."""
    ranked = sorted(scored, key=lambda p: p[0], reverse=True)
    if not ranked or ranked[0][0] < minimum:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < margin:
        return None
    return ranked[0]


class IndicatorVocabulary:
    def __init__(self, levels: Sequence[Level], library: Sequence[LibraryIndicator]) -> None:
        self.level1 = [lv for lv in levels if lv.parent is None]
        self.level2 = [lv for lv in levels if lv.parent is not None]
        names1 = {lv.name for lv in self.level1}
        for lv in self.level2:
            if lv.parent not in names1:
                raise ValueError(f"二级指标 {lv.name!r} names an unknown 一级 {lv.parent!r}")
        ids = [ind.id for ind in library]
        if len(ids) != len(set(ids)):
            raise ValueError(f"indicator ids listed twice: {sorted({i for i in ids if ids.count(i) > 1})!r}")
        self.library = list(library)
        self.name_keys = {ind.id: indicator_keys(ind.name) for ind in self.library}
        self.alias_keys = {ind.id: set().union(*(indicator_keys(a) for a in ind.aliases))
                           for ind in self.library}

    # -- levels --------------------------------------------------------------------

    def match_level(self, raw: str | None, candidates: Sequence[Level],
                    settings: MatchSettings) -> tuple[list[Level], Match]:
        """Candidates whose name (exact) or a variant (alias) the raw text is; else
        the one fuzzy best."""
        key = level_key(raw or "")
        if not key:
            return [], Match("none", 0.0)
        exact = [lv for lv in candidates if level_key(lv.name) == key]
        if exact:
            return exact, Match("exact", 100.0)
        alias = [lv for lv in candidates if any(level_key(v) == key for v in lv.variants)]
        if alias:
            return alias, Match("alias", 100.0)
        # several entries may share a name (成本指标 under 产出指标 and as 一级): score names
        by_name: dict[str, float] = {}
        for lv in candidates:
            score = max(fuzz.ratio(key, level_key(n)) for n in (lv.name, *lv.variants))
            by_name[lv.name] = max(score, by_name.get(lv.name, 0.0))
        best = _best([(score, name) for name, score in by_name.items()],
                     settings.level_fuzzy_min, settings.level_fuzzy_margin)
        if best is None:
            return [], Match("none", 0.0)
        return [lv for lv in candidates if lv.name == best[1]], Match("fuzzy", round(best[0], 1))

    def match_level1(self, raw: str | None, settings: MatchSettings) -> tuple[str | None, Match]:
        found, match = self.match_level(raw, self.level1, settings)
        return (found[0].name if found else None), match

    def match_level2(self, raw: str | None, level1: str | None,
                     settings: MatchSettings) -> tuple[str | None, Match]:
        found, match = self.match_level(raw, self.level2, settings)
        if not found:
            return None, match
        # one raw name may be a 二级 under two 一级 (成本指标): prefer the stated one
        under = [lv for lv in found if lv.parent == level1]
        return (under or found)[0].name, match

    def level_belongs(self, level1: str | None, level2: str | None) -> bool:
        return any(lv.name == level2 and lv.parent == level1 for lv in self.level2)

    def parents_of(self, level2: str) -> list[str]:
        return [lv.parent for lv in self.level2 if lv.name == level2 and lv.parent]

    # -- 三级 names -------------------------------------------------------------------

    def match_indicator_name(self, raw: str, settings: MatchSettings) -> tuple[str | None, Match]:
        keys = indicator_keys(raw)
        if not keys:
            return None, Match("none", 0.0)
        for method, keys_of in (("exact", self.name_keys), ("alias", self.alias_keys)):
            found = [id_ for id_, known in keys_of.items() if keys & known]
            if len(found) == 1:
                return found[0], Match(method, 100.0)
        scored = [(max(fuzz.ratio(k, nk) for k in keys
                       for nk in self.name_keys[id_] | self.alias_keys[id_]), id_)
                  for id_ in self.name_keys]
        best = _best(scored, settings.indicator_fuzzy_min, settings.indicator_fuzzy_margin)
        if best is None:
            return None, Match("none", 0.0)
        return best[1], Match("fuzzy", round(best[0], 1))


# -- loading ----------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(";") if v)


def read_levels(path: Path) -> list[Level]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Level(r["name"], r["parent"] or None, _split(r["variants"])) for r in csv.DictReader(fh)]


def read_library(path: Path) -> list[LibraryIndicator]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [LibraryIndicator(r["id"], r["name"], _split(r["aliases"])) for r in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def indicator_vocabulary() -> IndicatorVocabulary:
    """The indicator levels and library, loaded once."""
    return IndicatorVocabulary(read_levels(DATA / "indicator_levels.csv"),
                               read_library(DATA / "indicator_library.csv"))


def match_level1(raw: str | None, settings: MatchSettings | dict | None = None) -> tuple[str | None, Match]:
    """An 一级指标 as printed → its canonical name (or None) and how it matched."""
    return indicator_vocabulary().match_level1(raw, MatchSettings.resolve(settings))


def match_level2(raw: str | None, level1: str | None,
                 settings: MatchSettings | dict | None = None) -> tuple[str | None, Match]:
    """A 二级指标 as printed → its canonical name (or None); ``level1`` (canonical)
    only breaks ties, it does not filter: a 二级 filed under the wrong 一级 still
    resolves, so the mis-filing can be reported."""
    return indicator_vocabulary().match_level2(raw, level1, MatchSettings.resolve(settings))


def level_belongs(level1: str | None, level2: str | None) -> bool:
    """Whether the canonical 二级 ``level2`` sits under the canonical 一级 ``level1``."""
    return indicator_vocabulary().level_belongs(level1, level2)


def match_indicator_name(raw: str, settings: MatchSettings | dict | None = None) -> tuple[str | None, Match]:
    """A 三级指标 name as printed → its canonical library id (or None) and how it matched."""
    return indicator_vocabulary().match_indicator_name(raw, MatchSettings.resolve(settings))
