"""List markers (``1.`` ``1、`` ``（一）`` ``(2)`` ``一、`` ``①``) parsed for structure only.

Numbering is a hint, never a key (docs/architecture.md): records are keyed by content,
and every numbered paragraph is read whatever its number. What numbering *is*
good for is noticing that the author lost or repeated an item — the seed's
一般公共预算财政拨款支出决算具体情况 lists 1…6 then 8…15 — so a gap, a duplicate
or a numeral switch inside one list (（一）（2）（三）, seed 第二部分 五) becomes a
Finding with the marker's provenance as evidence.

Lists nest by order of appearance, the way readers see them: a marker of a kind
already open continues that list (closing the lists opened under it); a marker
of a new kind opens a list one level down. Arabic ``1.`` and ``1、`` are the same
kind (the seed's 名词解释 uses both: ``7.`` then ``8、`` then ``9.``), so a mere
separator change is not flagged. A part heading (``第二部分``, ``附件1``) or a
stand-alone title closes every list: lists under different headings are unrelated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from disclosures.model.layout import Paragraph, Provenance
from disclosures.model.records import Finding
from disclosures.model.vocabulary import Severity

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_CN = "[一二三四五六七八九十〇零两]+"
# Each kind: (bracket family, numeral kind, regex). The regex matches at the start of
# the paragraph (after blanks) and captures the numeral as ``n``.
MARKER_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("paren", "cn", re.compile(rf"[（(]\s*(?P<n>{_CN})\s*[)）]")),
    ("paren", "arabic", re.compile(r"[（(]\s*(?P<n>\d{1,3})\s*[)）]")),
    ("comma", "cn", re.compile(rf"(?P<n>{_CN})\s*[、.．]")),
    # ``1.5万元`` is a number, not item 1: the separator may not precede a digit.
    ("dot", "arabic", re.compile(r"(?P<n>\d{1,3})\s*(?:[、．]|\.(?!\d))")),
    ("rparen", "arabic", re.compile(r"(?P<n>\d{1,3})\s*[)）]")),
    ("circled", "circled", re.compile(rf"(?P<n>[{CIRCLED}])")),
)

# Lines that open a new context: every list before them is over.
PART_HEADING_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|附件\s*\d*\s*$|附件\s*\d+[:：]|附表)")
# A short stand-alone title such as 部门预算绩效评价报告 (seed 附件1) starts a new document part.
TITLE_RE = re.compile(r"^\s*\S{0,30}(?:报告|说明书?|情况表)\s*$")

_LEADING_BLANKS = re.compile(r"[\s\u3000]*")
# where a run-on list item may start inside a paragraph
SENTENCE_END_RE = re.compile(r"[。！？]")


@dataclass(frozen=True)
class ListMarker:
    """A list marker at the start of a paragraph, as written."""

    family: str  # paren | comma | dot | rparen | circled: the bracket shape
    numerals: str  # cn | arabic | circled
    value: int
    text: str
    start: int
    end: int  # offset in the paragraph text just after the marker (and its blanks)


@dataclass(frozen=True)
class NumberingSettings:
    gap_severity: Severity = "warning"
    duplicate_severity: Severity = "warning"
    switch_severity: Severity = "info"
    max_value: int = 200  # larger "markers" are years or amounts, not list items


DEFAULT_SETTINGS = NumberingSettings()


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十 → 10, 十五 → 15, 二十三 → 23, 一百 → None (lists never get there)."""
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def numeral_value(numerals: str, text: str) -> int | None:
    if numerals == "arabic":
        return int(text)
    if numerals == "circled":
        return CIRCLED.index(text) + 1
    return cn_to_int(text)


def blanks_end(text: str, pos: int) -> int:
    """Where the blanks (ideographic spaces included) starting at ``pos`` end."""
    m = _LEADING_BLANKS.match(text, pos)
    return m.end() if m else pos


def parse_marker(text: str) -> ListMarker | None:
    """The list marker opening ``text``, or None (``2024年度…`` has none)."""
    start = blanks_end(text, 0)
    for family, numerals, pattern in MARKER_PATTERNS:
        m = pattern.match(text, start)
        if not m:
            continue
        value = numeral_value(numerals, m.group("n"))
        if value is None or value == 0:
            continue
        end = blanks_end(text, m.end())
        if end >= len(text.rstrip()):
            # a bare ``1、`` with nothing after it is not an item of running text
            continue
        return ListMarker(family, numerals, value, text[m.start():m.end()], m.start(), end)
    return None


def strip_marker(text: str) -> str:
    marker = parse_marker(text)
    return text[marker.end:] if marker else text


def is_part_heading(text: str) -> bool:
    return bool(PART_HEADING_RE.match(text) or (parse_marker(text) is None and TITLE_RE.match(text)))


@dataclass
class _OpenList:
    family: str
    numerals: str
    last: int
    last_provenance: Provenance
    seen: set[int] = field(default_factory=set)


def marker_provenance(paragraph: Paragraph, marker: ListMarker) -> Provenance:
    return paragraph.provenance(marker.start, marker.start + len(marker.text))


def _finding(rule: str, severity: Severity, message: str, *evidence: Provenance) -> Finding:
    return Finding(rule=rule, severity=severity, message=message, evidence=list(evidence))


class NumberingTracker:
    """Follows the open lists paragraph by paragraph and reports what breaks them."""

    def __init__(self, settings: NumberingSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self.stack: list[_OpenList] = []
        self.findings: list[Finding] = []

    def reset(self) -> None:
        self.stack.clear()

    def feed(self, paragraph: Paragraph) -> ListMarker | None:
        if is_part_heading(paragraph.text):
            self.reset()
            return None
        marker = parse_marker(paragraph.text)
        if marker is None or marker.value > self.settings.max_value:
            return None
        self._place(paragraph, marker)
        self._follow_inline(paragraph, marker)
        return marker

    def _follow_inline(self, paragraph: Paragraph, first: ListMarker) -> None:
        """Items the author ran on inside the paragraph, right after a sentence end
        (普陀区财政局 2024 决算 p.5: ``…财务规则。（八）负责…`` is item 八, not a gap).
        Only the next number of the paragraph's own list counts, so a cross-reference
        such as ``见（一）`` never moves the list."""
        open_list = self.stack[-1] if self.stack else None
        for m in SENTENCE_END_RE.finditer(paragraph.text, first.end):
            inline = parse_marker(paragraph.text[m.end():])
            if (open_list is None or inline is None or inline.family != first.family
                    or inline.numerals != open_list.numerals or inline.value != open_list.last + 1):
                continue
            offset = m.end()
            shifted = ListMarker(inline.family, inline.numerals, inline.value, inline.text,
                                 inline.start + offset, inline.end + offset)
            self._advance(open_list, shifted, marker_provenance(paragraph, shifted))

    def _place(self, paragraph: Paragraph, marker: ListMarker) -> None:
        prov = marker_provenance(paragraph, marker)
        same = self._indices(lambda o: o.family == marker.family and o.numerals == marker.numerals)
        sibling = self._indices(lambda o: o.family == marker.family and o.numerals != marker.numerals)
        fitting = [i for i in same if self.stack[i].last + 1 == marker.value]
        switched = [i for i in sibling if self.stack[i].last + 1 == marker.value]
        if fitting:
            # the next item of an open list — possibly an outer one, closing an inner
            # list that reused the same marker kind (seed 附件2: 一、…四、 methods inside 二、)
            self._continue(fitting[0], marker, prov)
        elif switched:
            # （一）…（2）…: the numeral kind switched but the count goes on — same list.
            open_list = self.stack[switched[0]]
            self.findings.append(_finding(
                "numbering.style_switch", self.settings.switch_severity,
                f"list switches numerals from {open_list.last_provenance.text!r} to {marker.text!r}",
                open_list.last_provenance, prov))
            open_list.numerals = marker.numerals
            self._continue(switched[0], marker, prov)
        elif marker.value == 1 or not same:
            # a ``1`` or a new kind opens a list: a restart of the innermost list, or a sub-list
            if self.stack and same and same[0] == len(self.stack) - 1:
                self.stack.pop()
            self.stack.append(_OpenList(marker.family, marker.numerals, marker.value, prov,
                                        {marker.value}))
        else:
            self._continue(same[0], marker, prov)

    def _indices(self, wanted: Callable[[_OpenList], bool]) -> list[int]:
        """Positions of the open lists ``wanted`` picks, innermost first."""
        return [i for i in range(len(self.stack) - 1, -1, -1) if wanted(self.stack[i])]

    def _continue(self, index: int, marker: ListMarker, prov: Provenance) -> None:
        del self.stack[index + 1:]
        self._advance(self.stack[index], marker, prov)

    def _advance(self, open_list: _OpenList, marker: ListMarker, prov: Provenance) -> None:
        expected = open_list.last + 1
        if marker.value > expected:
            missing = list(range(expected, marker.value))
            shown = ", ".join(str(n) for n in missing)
            self.findings.append(_finding(
                "numbering.gap", self.settings.gap_severity,
                f"list jumps from {open_list.last} to {marker.value}: item(s) {shown} missing",
                open_list.last_provenance, prov))
        elif marker.value < expected:
            self.findings.append(_finding(
                "numbering.duplicate", self.settings.duplicate_severity,
                f"list item {marker.value} follows {open_list.last}"
                + (" (number repeated)" if marker.value in open_list.seen else ""),
                open_list.last_provenance, prov))
        open_list.last = marker.value
        open_list.last_provenance = prov
        open_list.seen.add(marker.value)


def check_numbering(paragraphs: Iterable[Paragraph],
                    resets: Callable[[Paragraph], bool] | None = None,
                    settings: NumberingSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Findings for gaps, duplicates and numeral switches in the paragraphs' lists.

    ``resets`` may mark further paragraphs (e.g. recognized section headings
    without a marker) that close every open list.
    """
    tracker = NumberingTracker(settings)
    for paragraph in paragraphs:
        if resets is not None and resets(paragraph) and parse_marker(paragraph.text) is None:
            tracker.reset()
            continue
        tracker.feed(paragraph)
    return tracker.findings
