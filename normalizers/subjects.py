"""支出功能分类科目: codes, names by year, and a matcher that walks the hierarchy.

The vocabulary is data (``data/function_subjects.csv``, ``data/subject_renames.csv``,
``data/subject_successors.csv``; sources in ``data/README.md``). Each code's
``name`` column is its newest name; renames give the older names with the year
the new one took effect, so the canonical name of a code depends on the
document's fiscal year (210 is 医疗卫生与计划生育支出 in 2018, 卫生健康支出 from
2019).

Matching rules, in order:

* a printed code is authoritative (tables print one): method ``code``, 100;
* a narrative name such as
  ``一般公共服务（类）党委办公厅（室）及相关机构事务（款）行政运行（项）`` is split
  into its levels and resolved *through the hierarchy*: the 类 name among the
  类, the 款 name among that 类's children, the 项 name among that 款's
  children. ``行政运行`` is a 项 under dozens of 款, so alone (or under the
  wrong 款) it resolves to nothing;
* at each level: the name valid in the year (``exact``; the conventional
  abbreviation without the trailing 支出, ``一般公共服务（类）``, counts as exact),
  another name the code had in another year (``alias``), then rapidfuzz among
  the siblings only, above a cut-off and ahead of the runner-up (``fuzzy``);
* a name of a code abolished before the year leads to its successor
  (医疗保障 → 21011 行政事业单位医疗 from 2019) as an ``alias``.

The match of a chain is its weakest link: method the worst of its levels'
methods, score the lowest.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from disclosures.model.names import name_key
from disclosures.model.numbers import fold
from disclosures.model.records import Match
from disclosures.model.vocabulary import MatchMethod
from disclosures.normalizers.settings import MatchSettings
from rapidfuzz import fuzz

DATA = Path(__file__).resolve().parent / "data"

METHOD_RANK = {"code": 0, "exact": 1, "alias": 2, "fuzzy": 3, "none": 4}
LEVEL_BY_LENGTH = {3: "类", 5: "款", 7: "项"}

# （类）（款）（项） after NFKC folding: the printed brackets may be mixed, （款)
_LEVEL_MARK_RE = re.compile(r"\((类|款|项)\)")
# 卫生健康支出-行政事业单位医疗-行政单位医疗 (Shanghai Putuo 2025 narratives)
_LEVEL_SEP_RE = re.compile(r"\s*[-—>/]+\s*")
# a printed code before the name: 2013101 行政运行, 210 11 02 事业单位医疗
# (a name follows directly: ``123.一般…`` is a list number, not a code)
_CODE_PREFIX_RE = re.compile(r"^(\d{3})(?:\s?(\d{2}))?(?:\s?(\d{2}))?(?!\d)\s*(?=[\u4e00-\u9fff])")
# trailing words that qualify rather than name: 公共安全（类）支出, “…（项）”科目
_TRAILING_NOISE = {"", "支出", "科目", "经费"}


def short_key(key: str) -> str:
    """``一般公共服务支出`` → ``一般公共服务``: narratives write 类 names without 支出."""
    return key[:-2] if key.endswith("支出") and len(key) > 3 else key


def clean_code(code: str | None) -> str | None:
    """A printed code as digits (``210 11 02`` → ``2101102``) or None when not a code."""
    if code is None:
        return None
    digits = re.sub(r"\s+", "", fold(code))
    if digits.isdigit() and len(digits) in LEVEL_BY_LENGTH:
        return digits
    return None


def split_code_prefix(raw: str) -> tuple[str | None, str]:
    """``2013101 行政运行`` → (``2013101``, ``行政运行``); no code → (None, raw)."""
    s = fold(raw)
    m = _CODE_PREFIX_RE.match(s)
    if not m or not s[m.end():]:
        return None, raw
    return "".join(g for g in m.groups() if g), s[m.end():]


def split_levels(raw: str) -> list[str]:
    """The level names a raw subject text holds, outermost first.

    ``社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位基本养老保险缴费支出（项）``
    → three names; ``卫生健康支出-行政事业单位医疗-行政单位医疗`` → three; a plain
    name → one. The (类)/(款)/(项) labels only separate: publishers mislabel
    them (江苏省人大常委会 2019 prints a 款 as ``行政事业单位离退休（类）``), so the
    position in the hierarchy is decided by the matcher, not by the label.
    """
    s = name_key(raw)
    parts = _LEVEL_MARK_RE.split(s)
    if len(parts) > 1:
        names = [parts[i] for i in range(0, len(parts) - 1, 2)]
        tail = parts[-1]
        if tail not in _TRAILING_NOISE:
            names.append(tail)
        return [n for n in names if n]
    # “卫生健康支出-行政事业单位医疗-行政单位医疗”科目: the word after the quote is no level
    return [n for n in _LEVEL_SEP_RE.split(s.removesuffix("科目")) if n]


@dataclass(frozen=True)
class Subject:
    code: str
    name: str  # the newest name; older ones come from the renames
    level: str  # 类 | 款 | 项
    parent: str | None
    valid_from: int | None = None
    valid_to: int | None = None
    sources: tuple[str, ...] = ()

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        if self.valid_from is not None and year < self.valid_from:
            return False
        return self.valid_to is None or year <= self.valid_to


@dataclass(frozen=True)
class Rename:
    code: str
    old_name: str
    new_name: str
    from_year: int
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectMatch:
    """A raw subject text resolved to a code and that code's name for the year."""

    code: str | None
    name: str | None
    method: MatchMethod = "none"
    score: float = 0.0

    @property
    def resolved(self) -> bool:
        return self.code is not None

    def to_match(self) -> Match:
        return Match(self.method, self.score)


NO_MATCH = SubjectMatch(None, None)


@dataclass(frozen=True)
class _Hit:
    subject: Subject
    method: MatchMethod
    score: float


def weakest(hits: Sequence[_Hit]) -> tuple[MatchMethod, float]:
    """The method and score of a chain: its weakest link."""
    method = max((h.method for h in hits), key=METHOD_RANK.__getitem__)
    return method, min(h.score for h in hits)


@dataclass
class LearnedPairs:
    """(code, name) pairs that documents' tables printed, kept as alias candidates.

    Learning is deliberately not fed back into matching: a table row whose
    name cells slipped by one (a real failure: the observed list has 30311
    printed as 住房公积金) would otherwise teach a wrong alias, and results would
    depend on the order documents were processed in. Candidates seen in enough
    distinct documents are for a person to review into the CSV.
    """

    documents: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    years: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, code: str, name: str, year: int | None, document_sha256: str) -> None:
        key = (code, name_key(name))
        self.documents[key].add(document_sha256)
        if year is not None:
            self.years[key].add(year)

    def candidates(self, min_documents: int) -> list[tuple[str, str, list[int], int]]:
        """(code, name, years, number of documents) seen in ``min_documents`` or more."""
        return sorted((code, name, sorted(self.years[(code, name)]), len(docs))
                      for (code, name), docs in self.documents.items()
                      if len(docs) >= min_documents)


class SubjectCatalogue:
    """One classification (function or economic) with its names by year.

    ``bare_levels``: levels a name standing alone may resolve at (the function
    classification: only 类 — ``行政运行`` alone is ambiguous; the economic
    classification: 类 and 款 — ``基本工资`` is unique). ``chain_start_levels``:
    levels a multi-level name may start at (a 款 name confirmed by its child).
    ``fuzzy_bare``: whether a name standing alone may match fuzzily at a level
    below 类 (all of that level's codes then count as its siblings).
    """

    def __init__(self, subjects: Iterable[Subject], renames: Iterable[Rename] = (),
                 successors: dict[str, tuple[str, int]] | None = None,
                 bare_levels: tuple[str, ...] = ("类",),
                 chain_start_levels: tuple[str, ...] = ("类", "款"),
                 fuzzy_bare: bool = False) -> None:
        self.by_code: dict[str, Subject] = {}
        for s in subjects:
            if s.code in self.by_code:
                raise ValueError(f"subject code listed twice: {s.code!r}")
            self.by_code[s.code] = s
        self.children_of: dict[str | None, list[Subject]] = defaultdict(list)
        for s in self.by_code.values():
            if s.parent is not None and s.parent not in self.by_code:
                raise ValueError(f"subject {s.code!r} names an unknown parent {s.parent!r}")
            self.children_of[s.parent].append(s)
        self.renames: dict[str, list[Rename]] = defaultdict(list)
        for r in renames:
            if r.code not in self.by_code:
                raise ValueError(f"rename of an unknown subject code: {r.code!r}")
            self.renames[r.code].append(r)
        for rs in self.renames.values():
            rs.sort(key=lambda r: r.from_year, reverse=True)
        self.successors = dict(successors or {})
        self.bare_levels = bare_levels
        self.chain_start_levels = chain_start_levels
        self.fuzzy_bare = fuzzy_bare
        self.learned = LearnedPairs()

    # -- names by year -------------------------------------------------------

    def name_for_year(self, code: str, year: int | None) -> str:
        """The code's canonical name in ``year`` (the newest name when year is None)."""
        name = self.by_code[code].name
        for r in self.renames.get(code, ()):
            if year is not None and year < r.from_year:
                name = r.old_name
        return name

    def all_names(self, code: str) -> list[str]:
        names = [self.by_code[code].name]
        for r in self.renames.get(code, ()):
            names += [r.old_name, r.new_name]
        return list(dict.fromkeys(names))

    # -- candidates -------------------------------------------------------------

    def children(self, parent: str | None, year: int | None) -> list[Subject]:
        return [s for s in self.children_of.get(parent, ()) if s.valid_in(year)]

    def at_level(self, level: str, year: int | None) -> list[Subject]:
        return [s for s in self.by_code.values() if s.level == level and s.valid_in(year)]

    def successor_in(self, subject: Subject, year: int | None) -> Subject | None:
        """The code that replaced an abolished one, when it is valid in ``year``."""
        step = self.successors.get(subject.code)
        while step is not None:
            new = self.by_code.get(step[0])
            if new is None:
                return None
            if new.valid_in(year):
                return new
            step = self.successors.get(new.code)
        return None

    # -- matching one level ---------------------------------------------------------

    def match_among(self, text: str, candidates: Sequence[Subject], year: int | None,
                    settings: MatchSettings, fuzzy: bool = True) -> _Hit | None:
        key = short_key(name_key(text))
        if not key:
            return None
        exact = [s for s in candidates if short_key(name_key(self.name_for_year(s.code, year))) == key]
        if exact:
            return _Hit(exact[0], "exact", 100.0) if len(exact) == 1 else None
        alias = [s for s in candidates
                 if any(short_key(name_key(n)) == key for n in self.all_names(s.code))]
        if alias:
            return _Hit(alias[0], "alias", 100.0) if len(alias) == 1 else None
        if not fuzzy:
            return None
        return self.fuzzy_among(name_key(text), candidates, settings)

    def fuzzy_among(self, key: str, candidates: Sequence[Subject],
                    settings: MatchSettings) -> _Hit | None:
        scored = sorted(((max(fuzz.ratio(key, name_key(n)) for n in self.all_names(s.code)), s)
                         for s in candidates), key=lambda p: p[0], reverse=True)
        if not scored or scored[0][0] < settings.subject_fuzzy_min:
            return None
        if len(scored) > 1 and scored[0][0] - scored[1][0] < settings.subject_fuzzy_margin:
            return None
        return _Hit(scored[0][1], "fuzzy", round(scored[0][0], 1))

    def match_child(self, text: str, parent: str | None, year: int | None,
                    settings: MatchSettings) -> _Hit | None:
        """A name among ``parent``'s children valid in ``year``, else an abolished
        child whose successor is valid (the successor is returned, as an alias)."""
        hit = self.match_among(text, self.children(parent, year), year, settings)
        if hit is not None or year is None:
            return hit
        expired = [s for s in self.children_of.get(parent, ()) if not s.valid_in(year)]
        old = self.match_among(text, expired, None, settings, fuzzy=False)
        new = self.successor_in(old.subject, year) if old else None
        return _Hit(new, "alias", old.score) if old and new else None

    # -- resolving --------------------------------------------------------------

    def resolve(self, raw: str, year: int | None, code: str | None = None,
                settings: MatchSettings | dict | None = None) -> SubjectMatch:
        settings = MatchSettings.resolve(settings)
        prefix, rest = split_code_prefix(raw)
        printed = clean_code(code) if code is not None else prefix
        if printed is not None:
            known = printed in self.by_code
            name = self.name_for_year(printed, year) if known else (name_key(rest) or None)
            return SubjectMatch(printed, name, "code", 100.0)
        return self.resolve_name(raw, year, settings)

    def resolve_name(self, raw: str, year: int | None, settings: MatchSettings) -> SubjectMatch:
        levels = split_levels(raw)
        if not levels:
            return NO_MATCH
        first = self.match_first(levels[0], year, settings, alone=len(levels) == 1)
        if first is None:
            return NO_MATCH
        hits = [first]
        for text in levels[1:]:
            hit = self.match_child(text, hits[-1].subject.code, year, settings)
            if hit is None:
                return NO_MATCH
            hits.append(hit)
        code = hits[-1].subject.code
        method, score = weakest(hits)
        return SubjectMatch(code, self.name_for_year(code, year), method, score)

    def match_first(self, text: str, year: int | None, settings: MatchSettings,
                    alone: bool) -> _Hit | None:
        """The outermost name: among the 类 (fuzzy allowed: they are siblings),
        then, only if unique, among the deeper levels allowed (fuzzily only for
        a bare name in a catalogue that allows it). A fuzzy 类 hit yields to an
        exact or alias hit deeper: 其他对个人和家庭的补助 is 30399 by name, though it
        scores 90 against the 类 303 对个人和家庭的补助."""
        top = self.match_child(text, None, year, settings)
        if top is not None and top.method != "fuzzy":
            return top
        levels = self.bare_levels if alone else self.chain_start_levels
        for level in levels:
            if level == "类":
                continue
            fuzzy = alone and self.fuzzy_bare and top is None
            hit = self.match_among(text, self.at_level(level, year), year, settings, fuzzy=fuzzy)
            if hit is not None:
                return hit
        return top

    def name_agrees(self, code: str, raw: str, year: int | None,
                    settings: MatchSettings | dict | None = None) -> bool | None:
        """Whether a printed name fits its printed code (None: code not in the vocabulary).

        Tables truncate long names in narrow columns (其他政府办公厅（室）及相关机构事),
        so a prefix of a known name agrees too.
        """
        settings = MatchSettings.resolve(settings)
        if code not in self.by_code:
            return None
        _, name = split_code_prefix(raw)
        key = name_key(name)
        if not key:
            return True
        for n in self.all_names(code):
            nk = name_key(n)
            if short_key(nk) == short_key(key) or (len(key) >= 2 and nk.startswith(key)):
                return True
            if fuzz.ratio(key, nk) >= settings.subject_fuzzy_min:
                return True
        return False

    def learn_pair(self, code: str, name: str, year: int | None, document_sha256: str) -> None:
        """Record a (code, name) pair a document's table printed, when the
        vocabulary does not already know that name for the code."""
        printed = clean_code(code)
        if printed is None or not name_key(name):
            return
        if printed in self.by_code and self.name_agrees(printed, name, year):
            return
        self.learned.add(printed, name, year, document_sha256)


class DocumentSubjects:
    """The code+name pairs one document's own tables print: the first vocabulary for
    that document's narrative. ``公共安全（类）法院（款）案件审判（项）`` resolves to the
    code the document's table prints for 案件审判 under 法院 under 公共安全, whether or
    not the year's vocabulary knows it."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.by_parent: dict[str | None, dict[str, str]] = defaultdict(dict)
        for code, name in pairs:
            printed = clean_code(code)
            key = short_key(name_key(name))
            if printed is None or not key:
                continue
            parent = printed[:-2] if len(printed) > 3 else None
            self.by_parent[parent].setdefault(key, printed)

    def resolve(self, raw: str) -> str | None:
        """The printed code of a 类/款/项 chain of names, when every level is printed
        (the bare 行政运行 is ambiguous: only a chain from its 类 resolves)."""
        levels = split_levels(raw)
        if not levels:
            return None
        parent: str | None = None
        for level in levels:
            code = self.by_parent.get(parent, {}).get(short_key(level))
            if code is None:
                return None
            parent = code
        return parent


# -- loading -------------------------------------------------------------------------


def _year(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text else None


def _sources(text: str) -> tuple[str, ...]:
    return tuple(s for s in (text or "").split(";") if s)


def read_subjects(path: Path) -> list[Subject]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Subject(code=r["code"], name=r["name"], level=r["level"], parent=r["parent"] or None,
                        valid_from=_year(r["valid_from"]), valid_to=_year(r["valid_to"]),
                        sources=_sources(r["source"]))
                for r in csv.DictReader(fh)]


def read_renames(path: Path) -> list[Rename]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Rename(r["code"], r["old_name"], r["new_name"], int(r["from_year"]), _sources(r["source"]))
                for r in csv.DictReader(fh)]


def read_successors(path: Path) -> dict[str, tuple[str, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["old_code"]: (r["new_code"], int(r["from_year"])) for r in csv.DictReader(fh)}


def read_learned(path: Path) -> list[Subject]:
    """``learned_subjects.csv``: pairs read from documents' tables (``normalizers.learn``)."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [Subject(code=r["code"], name=r["name"], level=r["level"], parent=r["parent"] or None,
                        valid_from=None, valid_to=None, sources=("learned",))
                for r in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def function_catalogue() -> SubjectCatalogue:
    """The 支出功能分类 vocabulary, loaded once: the curated codes, then the codes
    learned from documents' tables that the curated list lacks."""
    curated = read_subjects(DATA / "function_subjects.csv")
    known = {s.code for s in curated}
    learned = [s for s in read_learned(DATA / "learned_subjects.csv") if s.code not in known]
    return SubjectCatalogue(curated + learned,
                            read_renames(DATA / "subject_renames.csv"),
                            read_successors(DATA / "subject_successors.csv"))


def resolve_subject(raw: str, year: int | None, code: str | None = None,
                    settings: MatchSettings | dict | None = None) -> SubjectMatch:
    """Resolve a 支出功能分类科目 as printed to its code and its name in ``year``."""
    return function_catalogue().resolve(raw, year, code, settings)


def learn_pair(code: str, name: str, year: int | None, document_sha256: str) -> None:
    """Remember a (code, name) pair a document's table printed (in memory; see ``LearnedPairs``)."""
    function_catalogue().learn_pair(code, name, year, document_sha256)


def subject_name(code: str, year: int | None) -> str | None:
    """The canonical name of a 类/款/项 code in ``year``; None for a code the vocabulary lacks."""
    catalogue = function_catalogue()
    return catalogue.name_for_year(code, year) if code in catalogue.by_code else None
