"""年度指标值 and 实际完成值 as numbers: comparator, value and unit, and whether a target was met.

A 绩效 form prints a target as text: ``≥1200``, ``≤30天``, ``=100%``, ``不低于90%``,
``90%以上``, ``按时完成``, ``达标``. ``parse_quantity`` reads such a text into a
comparator (``>=``, ``<=``, ``=``, ``>``, ``<`` or None), a value (an exact
``Decimal`` or None) and a unit (as printed, full-width folded; None when the
text prints none), and always keeps the printed text. A text is a number only
when it holds exactly one number with at most a short label before it
(``完成率100%``) and a unit after it: ``≤1次；≤1次``, ``90%-95%``, ``2026年12月``
and sentences stay text (value None).

The words (comparators written before or after the number, the words an
实际完成值 uses to say a qualitative target was reached or missed) and the
units an indicator's name may carry in brackets are data:
``data/target_words.csv``, ``data/units.csv`` (sources in ``data/README.md``).

``met`` — whether the actual satisfies the target — is decided only when it can be:

- a numeric target and a numeric actual, in the same unit (a bare actual is read
  in the target's unit: 宁德 2024 部门整体绩效自评表 prints ``≥95%`` beside
  ``99.14``; 元/万元/亿元 convert): the comparator decides. Without a comparator
  the target is only known to be met when the actual equals it;
- a qualitative target (no digits: ``优``, ``达标``) and a qualitative actual: met
  when the actual repeats the target, or says it was reached (``达成``, ``完成``),
  missed when it says so (``未完成``, ``部分完成``);
- anything else (a numeric target with a qualitative actual such as ``完成``,
  units that do not convert, no actual): None.
"""

from __future__ import annotations

import csv
import operator
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from disclosures.model.numbers import UNIT_FACTORS
from disclosures.model.records import Indicator
from disclosures.normalizers.subjects import DATA

COMPARATORS = (">=", "<=", "=", ">", "<")
COMPARE = {">=": operator.ge, "<=": operator.le, "=": operator.eq, ">": operator.gt, "<": operator.lt}
# units written in more than one way
UNIT_SPELLINGS = {"百分比": "%", "百分点": "%"}

_NUMBER_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_TRAILING_PUNCTUATION = "。.;；,，、 "
_CLAUSE_MARKS = set("。;,、:!?")  # full-width forms fold to these
_NAME_BRACKET_RE = re.compile(r"[(]([^()]{1,12})[)]\s*$")
# a month or day of the calendar, not a duration: 12月底前, 6月份, 15日前 (≤1月 is a duration)
_CALENDAR_RE = re.compile(r"^\s*(月|日|号)(底|初|末|上旬|中旬|下旬|份|之?前|以前)")


@dataclass(frozen=True)
class TargetSettings:
    # A short label may stand before the comparator (每月站点正常运行率≥95%,
    # 西安 2022 气象局 p.31) and a unit after the number (个工作日, 万元/每项目);
    # longer text around a single number is a sentence, not a quantity.
    max_label_chars: int = 10
    max_unit_chars: int = 8
    # a 4-digit number in this range followed by 年 is a date (2026年全年), not a count of years
    year_range: tuple[int, int] = (1900, 2100)


DEFAULT_SETTINGS = TargetSettings()


@dataclass(frozen=True)
class Quantity:
    """A printed target or actual, read as comparator, value and unit."""

    text: str
    comparator: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    # where the number is in ``text`` (None when there is no value)
    number_span: tuple[int, int] | None = None

    @property
    def qualitative(self) -> bool:
        """Text without any digit: 优, 达标, 长期."""
        return bool(self.text.strip()) and not any(ch.isdigit() for ch in fold_chars(self.text))


@dataclass(frozen=True)
class TargetWords:
    before: tuple[tuple[str, str], ...]  # (word, comparator), longest first
    after: tuple[tuple[str, str], ...]
    outcomes: dict[str, bool]  # 实际完成值 word → reached (True) or missed (False)
    units: frozenset[str]


@lru_cache(maxsize=1)
def target_words() -> TargetWords:
    with open(DATA / "target_words.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(DATA / "units.csv", encoding="utf-8", newline="") as fh:
        units = frozenset(r["unit"] for r in csv.DictReader(fh))

    def by_length(position: str) -> tuple[tuple[str, str], ...]:
        pairs = [(r["word"], r["meaning"]) for r in rows if r["position"] == position]
        return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))

    outcomes = {r["word"]: r["meaning"] == "achieved" for r in rows if r["position"] == "actual"}
    return TargetWords(by_length("before"), by_length("after"), outcomes, units)


# ---------------------------------------------------------------- reading one text

def fold_chars(text: str) -> str:
    """Full-width forms folded one character at a time, so positions in the
    folded text are positions in the printed one (``＞９５％`` → ``>95%``)."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def normalize_unit(unit: str | None) -> str | None:
    """A unit as printed, folded and trimmed; (%) and 百分比 read as %."""
    if unit is None:
        return None
    s = re.sub(r"\s+", "", fold_chars(unit)).strip("()")
    s = UNIT_SPELLINGS.get(s, s)
    return s or None


def parse_quantity(text: str | None, settings: TargetSettings = DEFAULT_SETTINGS) -> Quantity:
    """``≥1200`` → (>=, 1200, None); ``≤30天`` → (<=, 30, 天); ``90%以上`` → (>=, 90, %);
    ``达标`` → text only. The printed text is kept unchanged in ``text``."""
    if text is None:
        return Quantity("")
    folded = fold_chars(text)
    numbers = list(_NUMBER_RE.finditer(folded))
    if len(numbers) != 1:
        return Quantity(text)
    number = numbers[0]
    value = Decimal(number.group().replace(",", ""))
    rest = folded[number.end():]
    if is_date(value, rest, settings):
        return Quantity(text)
    label, comparator = split_comparator_before(folded[:number.start()])
    unit, after = split_comparator_after(rest)
    if is_sentence(label, settings.max_label_chars) or is_sentence(unit or "", settings.max_unit_chars):
        return Quantity(text)
    return Quantity(text, comparator or after, value, normalize_unit(unit),
                    (number.start(), number.end()))


def is_sentence(part: str, max_chars: int) -> bool:
    """Text beside the number that is a clause of a sentence, not a label or a unit."""
    return len(part) > max_chars or any(ch in _CLAUSE_MARKS for ch in part)


def is_date(value: Decimal, rest: str, settings: TargetSettings) -> bool:
    """2026年全年, 2022年底前, 12月底前: a point in the calendar, not a quantity."""
    low, high = settings.year_range
    year = rest.lstrip().startswith("年") and value == value.to_integral_value() and low <= value <= high
    return year or bool(_CALENDAR_RE.match(rest))


def split_comparator_before(prefix: str) -> tuple[str, str | None]:
    """``完成率≥`` → (``完成率``, ``>=``): the label and the comparator ending the prefix."""
    stripped = prefix.strip()
    for word, comparator in target_words().before:
        if stripped.endswith(word):
            return stripped[: -len(word)].strip(), comparator
    return stripped, None


def split_comparator_after(rest: str) -> tuple[str | None, str | None]:
    """``%以上；`` → (``%``, ``>=``): the unit and a comparator written after it."""
    s = rest.strip().rstrip(_TRAILING_PUNCTUATION)
    for word, comparator in target_words().after:
        if s.endswith(word):
            return s[: -len(word)].strip() or None, comparator
    return s or None, None


def unit_from_name(name: str) -> str | None:
    """The unit an indicator's name carries in brackets at its end: ``业务用房场地租赁成本
    (万元/年)``, ``信访事项及时受理率（%）`` (西安 2026 部门预算 绩效目标表); only when every
    part of it is a known unit (``足额保障率（参保率）`` carries none)."""
    m = _NAME_BRACKET_RE.search(fold_chars(name))
    if not m:
        return None
    unit = normalize_unit(m.group(1))
    parts = unit.split("/") if unit else []
    units = target_words().units
    return unit if parts and all(p in units for p in parts) else None


# ---------------------------------------------------------------- met

def comparable(target: Quantity, actual: Quantity) -> tuple[Decimal, Decimal] | None:
    """Target and actual values in one unit; a bare actual is in the target's unit
    and a bare target in the actual's. None when the units differ and do not convert."""
    if target.value is None or actual.value is None:
        return None
    t_unit, a_unit = target.unit or actual.unit, actual.unit or target.unit
    if t_unit == a_unit:
        return target.value, actual.value
    if t_unit in UNIT_FACTORS and a_unit in UNIT_FACTORS:
        return target.value * UNIT_FACTORS[t_unit], actual.value * UNIT_FACTORS[a_unit]
    return None


def text_key(text: str) -> str:
    return re.sub(r"\s+", "", fold_chars(text))


def decide_met(target: Quantity, actual: Quantity) -> bool | None:
    """Whether ``actual`` satisfies ``target`` (see the module's rules), or None."""
    if target.value is not None:
        if actual.value is None:
            return None
        pair = comparable(target, actual)
        if pair is None:
            return None
        t, a = pair
        if target.comparator is None:
            return True if a == t else None
        return COMPARE[target.comparator](a, t)
    if target.qualitative and actual.qualitative:
        if text_key(actual.text) == text_key(target.text):
            return True
        return target_words().outcomes.get(text_key(actual.text))
    return None


# ---------------------------------------------------------------- an indicator

def resolved_target(ind: Indicator) -> Quantity:
    """The target with what its row prints elsewhere: the 指标性质 column's
    comparator, the 度量单位 column's unit, else a unit in the name's brackets."""
    parsed = parse_quantity(ind.target)
    comparator = ind.operator if ind.operator in COMPARATORS else parsed.comparator
    unit = normalize_unit(ind.unit) or parsed.unit
    if unit is None and parsed.value is not None:
        unit = unit_from_name(ind.name)
    return Quantity(parsed.text, comparator, parsed.value, unit, parsed.number_span)


def indicator_to_quantities(ind: Indicator) -> None:
    """Fill the indicator's target_*/actual_* numbers and ``met`` in place; each
    number's provenance is that of the text it was read from."""
    target = resolved_target(ind)
    actual = parse_quantity(ind.actual)
    ind.target_comparator, ind.target_value, ind.target_unit = (
        target.comparator, target.value, target.unit)
    ind.actual_comparator, ind.actual_value, ind.actual_unit = (
        actual.comparator, actual.value, actual.unit)
    for name, source in (("target_value", "target"), ("actual_value", "actual")):
        if getattr(ind, name) is not None and source in ind.field_provenance:
            ind.field_provenance[name] = ind.field_provenance[source]
    ind.met = decide_met(target, actual) if ind.target and ind.actual else None
