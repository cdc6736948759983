"""情况说明 → facts and budget lines, each value with the provenance of its own characters.

The 情况说明 of a 部门决算/预算 is the same few dozen sentences everywhere, with
small wording variations. The phrase table (``fact_patterns``) names the labels;
this module reads what follows a label::

    LABEL [filler] 2254.91万元 [，占100%] [，完成预算73%] [，较上年度减少1.91万元，下降7%]
    [与2023年度相比，] LABEL [各]减少395.69万元，下降15%   |   LABEL … 持平

and the 类/款/项 sentences (``…（类）…（款）…（项）:支出决算为939.21万元，完成预算100%``,
``主要用于以下方面:一般公共服务支出1834.59万元，81%；…``) into raw budget lines.

Matching runs on a folded copy of each paragraph (``fold_compact``): PDF text
wraps mid-word and puts blanks between a number and its unit (上海普陀 2024 决算:
``2946.25 万元``, ``减\n少``), so blanks are removed and every match is mapped back
to the original characters for ``Paragraph.provenance``.

Words give signs: 减少/下降 negative, 增加/增长 positive, 持平 a zero change.
A placeholder (``**万元``, ``0.01*%``) yields a ``placeholder`` finding, never a fact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from disclosures.extractors.recognizers import fact_patterns as fp
from disclosures.extractors.recognizers.numbering import check_numbering, parse_marker
from disclosures.model.layout import Document, Paragraph, Provenance, union_bbox
from disclosures.model.numbers import is_placeholder, parse_number, to_yuan
from disclosures.model.records import (
    BudgetLine,
    DocumentInfo,
    Extraction,
    Fact,
    Finding,
)
from disclosures.model.vocabulary import DocumentKind, FactUnit, Fund, Measure

# ---------------------------------------------------------------- folded text


@dataclass(frozen=True)
class Compact:
    """A paragraph's text folded for matching, with each character's original offset."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the folded ``[start, end)``."""
        return self.offsets[start], self.offsets[end - 1] + 1


# Kept as written although NFKC would change them: ``，`` separates clauses while
# an ASCII ``,`` inside a number separates thousands (上海普陀 2025 预算 ``37,151.47万元``).
_KEEP = {"，", "。", "、", "“", "”", "‘", "’"}


def fold_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold_compact(text: str) -> Compact:
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "\u200b\ufeff":
            continue
        chars.append(fold_char(ch))
        offsets.append(i)
    return Compact("".join(chars), tuple(offsets))


# ---------------------------------------------------------------- value grammar

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
PLACEHOLDER = r"\d*(?:\.\d+)?[*＊]+[\d.]*|[xX×]{2,}"
MONEY_UNITS = ("亿元", "万元", "千元", "元")
UNITS = MONEY_UNITS + ("批次", "人次", "台(套)", "台套", "个", "人", "名", "次", "批", "辆", "台",
                       "套", "项", "家", "分")
_UNIT_RX = "|".join(re.escape(u) for u in UNITS)
DIRECTIONS = {"增加": 1, "增长": 1, "上升": 1, "超支": 1, "增": 1,
              "减少": -1, "下降": -1, "降低": -1, "节约": -1, "减": -1}
_DIR_RX = "|".join(sorted(DIRECTIONS, key=len, reverse=True))
FLAT_RX = r"基本持平|持平|无变化|没有变化"
# 与2023年度相比 / 比上年 / 较上年度 / 同比 / 比年初预算 (the last is no prior-year change)
COMPARE_RX = (r"(?:同比|(?:与|比|较)(?P<{p}obj>上年度?同期|上年度?|上一年度?|去年同期|去年|\d{{4}}年度?)?"
              r"(?P<{p}objx>年初预算|调整后?预算|预算执行数|预算数|预算|决算数|决算)?"
              r"(?:数)?(?:相比|比较|对比)?)")
_GAP_CHARS = r"[^，,;。:\d%占]"


def value_rx(p: str) -> str:
    return (rf"(?P<{p}num>{PLACEHOLDER}|{NUM})(?P<{p}unit>{_UNIT_RX})?(?![\d%])")


def pct_rx(p: str) -> str:
    return rf"(?P<{p}num>{PLACEHOLDER}|{NUM})%"


def compare_rx(p: str) -> str:
    return COMPARE_RX.format(p=p)


def gap_rx(name: str, limit: int = 14) -> str:
    return rf"(?P<{name}>{_GAP_CHARS}{{0,{limit}}}?)"


_CMP = rf"(?:(?P<cmp>{compare_rx('c')})[，,]?{gap_rx('gap2')})?"
_CHANGE_CORE = (rf"(?P<dir>{_DIR_RX})(?:\((?:{_DIR_RX})\))?(?:了)?{value_rx('a')}"
                rf"(?:[，,]?(?P<pdir>{_DIR_RX})(?:了)?{pct_rx('p')})?")
_PCT_CHANGE_CORE = rf"(?P<pdir>{_DIR_RX})(?:了)?{pct_rx('p')}"

# Right after a label.
HEAD_CHANGE = re.compile(gap_rx("gap") + _CMP + _CHANGE_CORE)
HEAD_FLAT = re.compile(gap_rx("gap") + _CMP + rf"(?P<flat>{FLAT_RX})")
HEAD_PCT_CHANGE = re.compile(gap_rx("gap") + _CMP + _PCT_CHANGE_CORE)
HEAD_VALUE = re.compile(gap_rx("gap") + value_rx("v"))

# Clauses after the value.
_SEP = r"[，,;]?"
TAIL_BARE_SHARE = re.compile(rf"[，,]{pct_rx('s')}")
TAIL_BUDGET = re.compile(_SEP + rf"(?:为|是)?(?:完成|达到|占)?(?:了)?(?:年初|全年|调整后?的?)?预算(?:数)?"
                         rf"(?:的)?(?:完成率|执行率)?(?:为|是)?{pct_rx('b')}")
TAIL_SHARE = re.compile(_SEP + rf"(?:分别)?占[^，,;。%\d]{{0,24}}?(?:的)?(?:比[重例])?(?:为)?{pct_rx('s')}")
TAIL_CHANGE = re.compile(_SEP + _CMP.replace("gap2", "tgap") + gap_rx("gap") + _CHANGE_CORE)
TAIL_FLAT = re.compile(_SEP + rf"(?P<cmp>{compare_rx('c')})[，,]?{gap_rx('gap')}(?P<flat>{FLAT_RX})")
TAIL_PCT_CHANGE = re.compile(_SEP + _CMP.replace("gap2", "tgap") + gap_rx("gap") + _PCT_CHANGE_CORE)
TAIL_ACTUAL = re.compile(_SEP + rf"(?:支出)?决算(?:数)?(?:为|是)?{value_rx('v')}")

SENTENCE_END = re.compile(r"[。!?！？]")
SENTENCE_COMPARE = re.compile(compare_rx("c") + r"[，,]?")

# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class NarrativeSettings:
    default_money_unit: str = "万元"  # the genre's unit when a money figure is written bare
    max_heading_chars: int = 40  # a heading is short and states no amount
    confidence: float | None = None


DEFAULT_SETTINGS = NarrativeSettings()

_AMOUNT_IN_TEXT = re.compile(rf"(?:{NUM})\s*(?:万元|亿元|元|%)")

# ---------------------------------------------------------------- context


# the fund of the amounts a section states; any other section's are 一般公共预算
SECTION_FUNDS: dict[str, Fund] = {"government_fund": "government_fund", "state_capital": "state_capital"}


@dataclass
class Context:
    """What the recognizer knows while walking the paragraphs."""

    kind: DocumentKind | None
    section: str | None = None
    category: tuple[str, Provenance] | None = None  # a 类 heading: （一）一般公共服务（类）
    money_unit: str = "万元"
    facts: list[Fact] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def default_measure(self) -> Measure:
        return "budget" if self.kind == "budget" else "actual"

    # the money a list of subjects is of, from the total that introduced it
    list_fund: Fund | None = None

    @property
    def fund(self) -> Fund:
        if self.list_fund is not None:
            return self.list_fund
        return SECTION_FUNDS.get(self.section or "", "general_budget")


# A total that introduces a list of subjects says whose money the list is
# (江苏省人民检察院2017 p.19: ``支出预算总计17996.68万元。包括：1.公共安全（类）支出
# 13656.34万元`` lists every source of money, not the 一般公共预算 only).
LIST_FUNDS: tuple[tuple[re.Pattern[str], Fund], ...] = (
    (re.compile(r"政府性基金预算?(财政拨款)?支出(预算|决算)?(总计|合计)?"), "government_fund"),
    (re.compile(r"国有资本经营预算?(财政拨款)?支出(预算|决算)?(总计|合计)?"), "state_capital"),
    (re.compile(r"一般公共预算(财政拨款)?支出(预算|决算)?(总计|合计)?|财政拨款支出"), "general_budget"),
    (re.compile(r"^[^，,。]{0,12}支出(预算|决算)?(总计|合计)|^[^，,。]{0,12}本年支出合计"), "all_sources"),
)


def list_fund_of(text: str) -> Fund | None:
    return next((fund for pattern, fund in LIST_FUNDS if pattern.search(text)), None)


@dataclass
class ParagraphView:
    """One passage of running text: a paragraph, or paragraphs a PDF line break split.

    The seed PDF breaks ``项目支出628.56万`` / ``元，占28%。`` into two paragraphs; read
    apart, the value would lose its unit. A value's provenance still names the
    paragraph(s) its characters are in.
    """

    paragraphs: list[Paragraph]
    compact: Compact
    settings: NarrativeSettings

    @property
    def paragraph(self) -> Paragraph:
        return self.paragraphs[0]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.paragraphs)

    def pieces(self, start: int, end: int) -> list[tuple[Paragraph, int, int]]:
        """The original ``[start, end)`` of the folded span, cut at paragraph boundaries."""
        a, b = self.compact.span(start, end)
        out: list[tuple[Paragraph, int, int]] = []
        base = 0
        for p in self.paragraphs:
            lo, hi = max(a, base), min(b, base + len(p.text))
            if lo < hi:
                out.append((p, lo - base, hi - base))
            base += len(p.text)
        return out

    def provenance(self, start: int, end: int) -> Provenance:
        parts = [p.provenance(a, b, confidence=self.settings.confidence)
                 for p, a, b in self.pieces(start, end)]
        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        return Provenance(" + ".join(q.locator for q in parts), "".join(q.text for q in parts),
                          first.extractor, first.page,
                          union_bbox([q.bbox for q in parts if q.page == first.page]),
                          first.confidence)

    def raw(self, start: int, end: int) -> str:
        a, b = self.compact.span(start, end)
        return self.text[a:b]


# ---------------------------------------------------------------- numbers


def figure(num: str) -> Decimal:
    """The value of a figure the patterns matched as digits: never a "no value" mark."""
    value = parse_number(num)
    if value is None:
        raise ValueError(f"no value in a matched figure: {num!r}")
    return value


def amount_of(num: str, unit: str | None, ctx: Context) -> Decimal:
    """Yuan for a money figure; a bare number is read in the document's prevailing unit."""
    value = figure(num)
    if unit in MONEY_UNITS:
        ctx.money_unit = unit
        return to_yuan(value, unit)
    return to_yuan(value, ctx.money_unit)


def placeholder_finding(view: ParagraphView, start: int, end: int, key: str) -> Finding:
    prov = view.provenance(start, end)
    return Finding("placeholder", "warning",
                   f"placeholder {prov.text!r} where {key} belongs", evidence=[prov])


def unit_fits(pattern: fp.FactPattern, unit: str | None) -> bool:
    if pattern.kind == fp.MONEY:
        return unit is None or unit in MONEY_UNITS
    return unit in pattern.units


def is_prior_year(m: re.Match, prefix: str = "c") -> bool | None:
    """True for 与上年/比2023年度/同比, False for 比年初预算, None when no comparison."""
    text = m.group(0) if m else ""
    if not m or not text:
        return None
    if text.startswith("同比") or m.group(f"{prefix}obj"):
        return True
    if m.group(f"{prefix}objx"):
        return False
    return None


def sentence_comparison(text: str, pos: int) -> bool | None:
    """Whether the sentence before ``pos`` compares with the prior year (与2023年度相比，…)."""
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, pos)), default=0)
    verdict = None
    for m in SENTENCE_COMPARE.finditer(text, start, pos):
        got = is_prior_year(m)
        if got is not None:
            verdict = got
    return verdict


# ---------------------------------------------------------------- facts


class FactReader:
    """Reads the facts of one paragraph, left to right."""

    def __init__(self, view: ParagraphView, ctx: Context) -> None:
        self.view, self.ctx = view, ctx
        self.text = view.compact.text

    def emit(self, key: str, value: Decimal, unit: FactUnit, start: int, end: int) -> None:
        self.ctx.facts.append(Fact(key, value, unit, self.view.provenance(start, end)))

    def emit_number(self, key: str, pattern_kind: str, m: re.Match, p: str) -> bool:
        """The fact for value group ``p``; a placeholder becomes a finding. False if neither."""
        num, unit = m.group(f"{p}num"), m.group(f"{p}unit")
        start, end = m.start(f"{p}num"), m.end(f"{p}unit") if unit else m.end(f"{p}num")
        if is_placeholder(num):
            self.ctx.findings.append(placeholder_finding(self.view, start, end, key))
            return True
        if pattern_kind == fp.MONEY:
            if unit is None:  # a number is money only where the text says so (万元, 元)
                self.ctx.findings.append(Finding(
                    "unit.missing", "info",
                    f"{key}: {num!r} is written without a unit; not read as an amount",
                    evidence=[self.view.provenance(start, end)]))
                return True
            value = amount_of(num, unit, self.ctx)
        else:
            value = figure(num)
        self.emit(key, value, fp.FACT_UNITS[pattern_kind], start, end)
        return True

    def emit_pct(self, key: str, m: re.Match, p: str, sign: int = 1, start: int | None = None) -> None:
        num = m.group(f"{p}num")
        start = m.start(f"{p}num") if start is None else start
        end = m.end(f"{p}num") + 1
        if is_placeholder(num):
            self.ctx.findings.append(placeholder_finding(self.view, m.start(f"{p}num"), end, key))
            return
        self.emit(key, sign * figure(num), "pct", start, end)

    def emit_change(self, key: str, m: re.Match, sentence_pos: int) -> None:
        """``减少395.69万元，下降15%`` after a prior-year comparison (here or earlier in the sentence)."""
        verdict = is_prior_year(m) if m.group("cmp") else None
        if verdict is None:
            verdict = sentence_comparison(self.text, sentence_pos)
        if not verdict:
            return  # 较年初预算增加: a change against the budget, not the prior year
        sign = DIRECTIONS[m.group("dir")]
        if m.group("anum") and m.group("aunit") in MONEY_UNITS or m.group("anum") and not m.group("aunit"):
            num = m.group("anum")
            end = m.end("aunit") if m.group("aunit") else m.end("anum")
            if is_placeholder(num):
                self.ctx.findings.append(placeholder_finding(self.view, m.start("anum"), end,
                                                             key + ".change"))
            else:
                self.emit(key + ".change", sign * amount_of(num, m.group("aunit"), self.ctx), "yuan",
                          m.start("dir"), end)
        if m.group("pdir"):
            self.emit_pct(key + ".change_pct", m, "p", DIRECTIONS[m.group("pdir")], m.start("pdir"))

    def emit_pct_change(self, key: str, m: re.Match, sentence_pos: int) -> None:
        verdict = is_prior_year(m) if m.group("cmp") else None
        if verdict is None:
            verdict = sentence_comparison(self.text, sentence_pos)
        if verdict:
            self.emit_pct(key + ".change_pct", m, "p", DIRECTIONS[m.group("pdir")], m.start("pdir"))

    def emit_flat(self, key: str, m: re.Match, sentence_pos: int) -> None:
        verdict = is_prior_year(m) if m.group("cmp") else None
        if verdict is None:
            verdict = sentence_comparison(self.text, sentence_pos)
        if verdict:
            self.emit(key + ".change", Decimal(0), "yuan", m.start("flat"), m.end("flat"))

    def gap_ok(self, m: re.Match, limit: int, *names: str) -> bool:
        for name in names:
            gap = m.groupdict().get(name) or ""
            if len(gap) > limit or fp.labels_in(self.ctx.section).search(gap) or "其中" in gap:
                return False
        return True

    def read_label(self, pattern: fp.FactPattern, label_start: int, pos: int) -> int | None:
        """Read what follows a label at ``pos``; the end of what was consumed, or None."""
        key, text = pattern.key, self.text
        m = HEAD_CHANGE.match(text, pos)
        if m and self.gap_ok(m, pattern.max_gap, "gap", "gap2") and pattern.kind == fp.MONEY:
            self.emit_change(key, m, label_start)
            return self.read_tail(pattern, m.end(), label_start, base_is_budget=False)
        for rx, emit in ((HEAD_FLAT, self.emit_flat), (HEAD_PCT_CHANGE, self.emit_pct_change)):
            m = rx.match(text, pos)
            if m and self.gap_ok(m, pattern.max_gap, "gap", "gap2"):
                emit(key, m, label_start)
                return self.read_tail(pattern, m.end(), label_start, base_is_budget=False)
        m = HEAD_VALUE.match(text, pos)
        if not m or not self.gap_ok(m, pattern.max_gap, "gap") or not unit_fits(pattern, m.group("vunit")):
            return None
        # 决算 sentences may state the budget first: 年初预算为0.95万元，支出决算为0.00万元
        base_is_budget = (self.ctx.kind == "final_accounts" and "预算" in m.group("gap")
                          and "决算" not in m.group("gap") and pattern.kind == fp.MONEY
                          and not pattern.key.startswith("budget."))
        if not base_is_budget:
            self.emit_number(key, pattern.kind, m, "v")
        return self.read_tail(pattern, m.end(), label_start, base_is_budget, bare_share=True)

    def read_tail(self, pattern: fp.FactPattern, pos: int, sentence_pos: int, base_is_budget: bool,
                  bare_share: bool = False) -> int:
        key, text = pattern.key, self.text
        first = True
        while True:
            if first and bare_share and (m := TAIL_BARE_SHARE.match(text, pos)):
                self.emit_pct(key + ".share_pct", m, "s")
            elif m := TAIL_BUDGET.match(text, pos):
                self.emit_pct(key + ".budget_pct", m, "b")
            elif m := TAIL_SHARE.match(text, pos):
                self.emit_pct(key + ".share_pct", m, "s")
            elif (m := TAIL_CHANGE.match(text, pos)) and self.gap_ok(m, 14, "gap", "tgap"):
                self.emit_change(key, m, sentence_pos)
            elif (m := TAIL_FLAT.match(text, pos)) and self.gap_ok(m, 14, "gap"):
                self.emit_flat(key, m, sentence_pos)
            elif (m := TAIL_PCT_CHANGE.match(text, pos)) and self.gap_ok(m, 14, "gap", "tgap"):
                self.emit_pct_change(key, m, sentence_pos)
            elif base_is_budget and (m := TAIL_ACTUAL.match(text, pos)):
                self.emit_number(key, pattern.kind, m, "v")
                base_is_budget = False
            elif m := self.companion(pattern, pos):
                pass
            else:
                return pos
            pos, first = m.end(), False

    def companion(self, pattern: fp.FactPattern, pos: int) -> re.Match | None:
        if not pattern.companions:
            return None
        m = re.compile(rf"[，,、]{value_rx('v')}").match(self.text, pos)
        if not m:
            return None
        keys = dict(pattern.companions)
        if m.group("vunit") not in keys:
            return None
        self.emit_number(keys[m.group("vunit")], fp.COUNT, m, "v")
        return m

    def read(self, skip: list[tuple[int, int]]) -> None:
        candidates = sorted(
            ((m.start(), -(m.end() - m.start()), order, m.end(), pattern)
             for order, pattern in enumerate(fp.FACT_PATTERNS)
             if pattern.applies_to(self.ctx.section)
             for m in pattern.regex.finditer(self.text)),
            key=lambda c: c[:3])
        pos = 0
        for start, _, _, end, pattern in candidates:
            if start < pos or any(a <= start < b for a, b in skip):
                continue
            consumed = self.read_label(pattern, start, end)
            if consumed is not None:
                pos = consumed
        for value_first in fp.VALUE_FIRST_PATTERNS:
            if value_first.applies_to(self.ctx.section):
                for m in value_first.regex.finditer(self.text):
                    self.emit(value_first.key, figure(m.group("v")), fp.FACT_UNITS[value_first.kind],
                              m.start("v"), m.end("v"))


# ---------------------------------------------------------------- budget lines

LEVEL_MARK = re.compile(r"\((类|款|项)\)")
_SUBJECT_BOUNDARY = set("，,;。:“”\"、")
_LEADING_ITEM = re.compile(r"(?:\d{1,3}[.、]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|其中)+")
MEASURE_CLAUSE = re.compile(
    rf"(?P<label>年初预算数?|调整后?预算数?|全年预算数?|支出决算数?|支出预算数?|决算数?|预算数?)"
    rf"(?:为|是|:)?{value_rx('v')}")
BARE_AMOUNT = re.compile(rf"[”\"]?(?::)?(?:支出)?(?:为|:)?{value_rx('v')}")
LINE_BUDGET_PCT = re.compile(rf"完成(?:了)?(?:年初|全年|调整后?的?)?预算(?:数)?(?:的)?{pct_rx('b')}")
STRUCTURE_INTRO = re.compile(r"用于以下(?:几个)?方面[:,，]?|主要用于[:]")
STRUCTURE_ITEM = re.compile(
    rf"(?P<name>[\u4e00-\u9fff、]{{2,20}}?支出)(?:为)?{value_rx('v')}(?:[，,](?:占[^;。%]{{0,12}}?)?{pct_rx('s')})?")


def measure_of(label: str | None, ctx: Context) -> Measure:
    if not label or label == "支出":
        return ctx.default_measure
    if "调整" in label:
        return "adjusted_budget"
    if "预算" in label:
        return "budget"
    return "actual"


def subject_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each 类/款/项 name run (``…（类）…（款）…（项）``) in folded text."""
    spans: list[tuple[int, int]] = []
    for m in LEVEL_MARK.finditer(text):
        if spans and not any(ch in _SUBJECT_BOUNDARY for ch in text[spans[-1][1]:m.start()]) \
                and m.start() - spans[-1][1] <= 30:
            spans[-1] = (spans[-1][0], m.end())
            continue
        start = m.start()
        while start > 0 and text[start - 1] not in _SUBJECT_BOUNDARY and m.start() - start < 30:
            start -= 1
        lead = _LEADING_ITEM.match(text, start)
        if lead and lead.end() < m.start():
            start = lead.end()
        spans.append((start, m.end()))
    return spans


class LineReader:
    """Reads the 类/款/项 budget lines of one paragraph."""

    def __init__(self, view: ParagraphView, ctx: Context) -> None:
        self.view, self.ctx = view, ctx
        self.text = view.compact.text

    def add_line(self, subject: str, subject_prov: Provenance, measure: Measure, m: re.Match,
                 pct: re.Match | None = None) -> None:
        num, unit = m.group("vnum"), m.group("vunit")
        end = m.end("vunit") if unit else m.end("vnum")
        if is_placeholder(num):
            self.ctx.findings.append(placeholder_finding(self.view, m.start("vnum"), end,
                                                         f"budget line {subject}"))
            return
        if unit is None:  # a year, a page or a list number, not an amount the text names
            self.ctx.findings.append(Finding(
                "unit.missing", "info",
                f"budget line {subject}: {num!r} is written without a unit; not read as an amount",
                evidence=[self.view.provenance(m.start("vnum"), end)]))
            return
        line = BudgetLine(subject_raw=subject, fund=self.ctx.fund, measure=measure, component="total",
                          amount=amount_of(num, unit, self.ctx),
                          provenance=self.view.provenance(m.start("vnum"), end))
        line.field_provenance = {"amount": line.provenance, "subject_raw": subject_prov}
        if pct is not None and not is_placeholder(pct.group("bnum")):
            line.budget_pct = parse_number(pct.group("bnum"))
            line.field_provenance["budget_pct"] = self.view.provenance(pct.start("bnum"), pct.end("bnum") + 1)
        self.ctx.lines.append(line)

    def read_subjects(self) -> list[tuple[int, int]]:
        spans = subject_spans(self.text)
        consumed: list[tuple[int, int]] = []
        for i, (start, end) in enumerate(spans):
            region_end = spans[i + 1][0] if i + 1 < len(spans) else len(self.text)
            subject = self.view.raw(start, end)
            subject_prov = self.view.provenance(start, end)
            if "(类)" not in self.text[start:end] and self.ctx.category is not None:
                subject = self.ctx.category[0] + subject
            if self.read_amounts(subject, subject_prov, end, region_end):
                consumed.append((start, region_end))
            elif self.text[start:end].endswith("(类)") and end >= len(self.text.rstrip("。:")) - 1:
                # a 类 heading over 款/项 items (江苏 2019 预算: （一）一般公共服务（类）)
                self.ctx.category = (subject, subject_prov)
        return consumed

    def read_amounts(self, subject: str, subject_prov: Provenance, pos: int, end: int) -> bool:
        found = False
        pct = LINE_BUDGET_PCT.search(self.text, pos, end)
        bare = BARE_AMOUNT.match(self.text, pos, end)
        if bare and bare.group("vunit") in (None, *MONEY_UNITS):
            self.add_line(subject, subject_prov, self.ctx.default_measure, bare,
                          pct if self.ctx.default_measure == "actual" else None)
            found = True
        for m in MEASURE_CLAUSE.finditer(self.text, bare.end() if bare and found else pos, end):
            if m.group("vunit") not in (None, *MONEY_UNITS) or self.text[m.start() - 2:m.start()] in DIRECTIONS:
                continue
            measure = measure_of(m.group("label"), self.ctx)
            self.add_line(subject, subject_prov, measure, m, pct if measure == "actual" else None)
            found = True
        return found

    def read_structure(self, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``主要用于以下方面:一般公共服务支出1834.59万元，81%；…`` → 类-level lines."""
        intro = STRUCTURE_INTRO.search(self.text)
        if intro is None:
            return []
        consumed: list[tuple[int, int]] = []
        for m in STRUCTURE_ITEM.finditer(self.text, intro.end()):
            if any(a <= m.start() < b for a, b in skip):
                continue
            if m.group("vunit") not in (None, *MONEY_UNITS):
                continue
            name_start = m.start("name")
            lead = _LEADING_ITEM.match(self.text, name_start)
            if lead:
                name_start = lead.end()
            self.add_line(self.view.raw(name_start, m.end("name")),
                          self.view.provenance(name_start, m.end("name")),
                          self.ctx.default_measure, m)
            consumed.append((m.start(), m.end()))
        return consumed


# ---------------------------------------------------------------- paragraphs


def heading_section(text: str, settings: NarrativeSettings) -> str | None:
    """The section a heading opens, or None when ``text`` is no heading."""
    marker = parse_marker(text)
    body = fold_compact(text[marker.end:] if marker else text).text.rstrip("。.:")
    if not body or len(body) > settings.max_heading_chars or _AMOUNT_IN_TEXT.search(body) \
            or re.search("[，,;]", body):
        return None
    return fp.section_of_heading(body)


# A PDF line may glue the next heading to a sentence (seed PDF p.3:
# ``…完成预算100%。六、一般公共预算财政拨款基本支出决算情况说明``).
TRAILING_HEADING = re.compile(
    r"。\s*(?P<h>(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])[^。]{2,40})\s*$")
SENTENCE_CLOSERS = tuple("。；;：:！？!?）)")


def continues_into(paragraph: Paragraph, following: Paragraph, settings: NarrativeSettings) -> bool:
    """Whether a PDF broke one sentence across ``paragraph`` and ``following``."""
    text = paragraph.text.rstrip()
    return bool(text) and not text.endswith(SENTENCE_CLOSERS) \
        and paragraph.page is not None and not TRAILING_HEADING.search(text) \
        and heading_section(paragraph.text, settings) is None \
        and heading_section(following.text, settings) is None \
        and parse_marker(following.text) is None


def passages(doc: Document, settings: NarrativeSettings) -> list[list[Paragraph]]:
    """Paragraphs grouped into passages: a sentence split across paragraphs is joined."""
    groups: list[list[Paragraph]] = []
    for paragraph in doc.paragraphs:
        if groups and continues_into(groups[-1][-1], paragraph, settings):
            groups[-1].append(paragraph)
        else:
            groups.append([paragraph])
    return groups


def read_paragraph(view: ParagraphView, ctx: Context) -> None:
    lines = LineReader(view, ctx)
    skip = lines.read_subjects()
    if ctx.section in ("general_budget_structure", "general_budget", None, "part", "budget_explanation") \
            or STRUCTURE_INTRO.search(view.compact.text):
        skip += lines.read_structure(skip)
    FactReader(view, ctx).read(skip)


def dedupe_facts(facts: list[Fact]) -> list[Fact]:
    """A figure restated with the same value (三公 totals in two subsections) is kept once."""
    seen: set[tuple[str, Decimal]] = set()
    kept: list[Fact] = []
    for fact in facts:
        if (fact.key, fact.value) in seen:
            continue
        seen.add((fact.key, fact.value))
        kept.append(fact)
    return kept


def recognize_narrative(doc: Document, info: DocumentInfo,
                        settings: NarrativeSettings = DEFAULT_SETTINGS) -> Extraction:
    ctx = Context(kind=info.kind, money_unit=settings.default_money_unit)
    for group in passages(doc, settings):
        view = ParagraphView(group, fold_compact("".join(p.text for p in group)), settings)
        if not view.compact.text:
            continue
        section = heading_section(view.text, settings)
        if section is not None:
            ctx.section, ctx.category, ctx.list_fund = section, None, None
            continue
        ctx.list_fund = list_fund_of(view.compact.text) or ctx.list_fund
        if ctx.section != "glossary":
            read_paragraph(view, ctx)
        glued = TRAILING_HEADING.search(view.text)
        if glued and (section := heading_section(glued.group("h"), settings)) is not None:
            ctx.section, ctx.category = section, None
    findings = ctx.findings + check_numbering(doc.paragraphs)
    return Extraction(info=info, facts=dedupe_facts(ctx.facts), budget_lines=ctx.lines,
                      findings=findings)
