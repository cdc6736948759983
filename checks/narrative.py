"""The 情况说明 against its own figures and against the tables.

- a share (``占72%``) against part / its parent total;
- a change (``减少395.69万元，下降15%``) against itself: change / (value − change);
- a figure in the text against the same fact key or budget line in a table;
- the 项 the text lists against the 类 it states;
- ``决算数大于预算数`` against the two amounts the sentence gives;
- a figure stated for a table that is present but empty.

Every comparison allows for the printed rounding of every figure involved
(``checks.rounding``); where the text restates a key with several values, a
check passes when any of them fits — a contradiction must hold for every
reading, so that a finding is never an artefact of picking the wrong one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from disclosures.checks.facts import (
    FactIndex,
    ParagraphIndex,
    from_table,
    is_text_line,
    paragraph_of,
    paragraph_spans,
    total,
)
from disclosures.checks.rounding import amount_slack, percent_slack, ratio_slack
from disclosures.checks.rules import (
    CHANGE,
    COMPARISON_WORD,
    EMPTY_TABLE,
    NARRATIVE_SUM,
    NARRATIVE_VS_TABLE,
    NARRATIVE_VS_TABLE_MINOR,
    SHARE,
    SHARE_BALANCED,
    SHARE_BASE,
)
from disclosures.model.layout import Document, Provenance
from disclosures.model.records import (
    BudgetLine,
    Extraction,
    Fact,
    Finding,
    RecognizedTable,
)

SUFFIXES = (".change_pct", ".change", ".share_pct", ".budget_pct")

# The total a share is taken of: the parent of its section (facts.csv notes).
SHARE_PARENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^expenditure\.(basic|project|operating)$"), "expenditure_total"),
    (re.compile(r"^income\."), "income_total"),
    (re.compile(r"^three_public\.(overseas|vehicle|reception)$"), "three_public.total"),
    (re.compile(r"^(general_budget|government_fund|state_capital)_expenditure$"), "expenditure_total"),
    (re.compile(r"^procurement\.(sme|micro)$"), "procurement.total"),
)
# The total of a fund's 类 lines in ``主要用于以下方面：一般公共服务支出1834.59万元，81%``.
FUND_TOTALS = {"general_budget": "general_budget_expenditure",
               "government_fund": "government_fund_expenditure",
               "state_capital": "state_capital_expenditure"}


@dataclass(frozen=True)
class NarrativeSettings:
    # a list's shares may be evened out by this much to add up to 100%
    balanced_points: Decimal = Decimal("0.1")
    # text and table this many rounding slacks apart: a restated sum, not a wrong figure
    minor_units: int = 5
    list_paragraph_gap: int = 2  # shares this many paragraphs apart belong to one list
    share_lookahead: int = 40  # characters after a 类 amount searched for its ``，占81%``
    comparison_lookahead: int = 80  # characters after an item's 决算 amount searched for 大于/小于
    paragraphs_ahead: int = 3  # a PDF breaks these sentences over lines (paragraphs)


DEFAULT_SETTINGS = NarrativeSettings()

LINE_SHARE = re.compile(r"\s*[，,]\s*(?:占[^，,;；。%\d]{0,12}?)?\s*(?P<n>\d+(?:\.\d+)?)\s*[%％]")
COMPARISON = re.compile(r"决算数?(?P<w>大于|高于|超过|多于|小于|低于|少于|等于)(?:年初|调整后?的?)?预算数?")
NEXT_ITEM = re.compile(r"\d{1,3}[、.．](?!\d)|[（(][一二三四五六七八九十]+[)）]|\(项\)|（项）")
SENTENCE_END = re.compile(r"[。；;！？!?]")
MONEY_IN_TEXT = re.compile(r"(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)")
WORD_SIGN = {"大于": 1, "高于": 1, "超过": 1, "多于": 1, "小于": -1, "低于": -1, "少于": -1, "等于": 0}


def base_key(key: str) -> str:
    for suffix in SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def share_parent(key: str) -> str | None:
    return next((parent for rx, parent in SHARE_PARENTS if rx.search(key)), None)


@dataclass
class ShareClaim:
    """One ``占X%`` of the text: its part, the totals it may be of, and its list."""

    what: str
    parts: list[tuple[Decimal, Provenance]]  # the part's figure, nearest reading first
    stated: Decimal
    stated_prov: Provenance
    wholes: list[Fact]
    parent: str  # the key of the total it is a share of
    paragraph: int
    records: list

    @property
    def part(self) -> Decimal:
        return self.parts[0][0]

    def computed(self, whole: Decimal) -> Decimal:
        return self.part / whole * 100

    def fits(self, whole: Fact) -> bool:
        if whole.value == 0:
            return True  # 占0% of nothing: nothing to compare
        for part, prov in self.parts:
            slack = percent_slack(self.stated_prov) + ratio_slack(
                part, amount_slack(part, prov), whole.value, amount_slack(whole.value, whole.provenance))
            if abs(part / whole.value * 100 - self.stated) <= slack:
                return True
        return False

    def implied_total(self) -> tuple[Decimal, Decimal] | None:
        """The total this share would be exact for, and how far that may move."""
        part, prov = self.parts[0]
        if self.stated == 0 or part == 0:
            return None
        implied = part * 100 / self.stated
        rel = amount_slack(part, prov) / abs(part) + percent_slack(self.stated_prov) / abs(self.stated)
        return implied, implied * rel


def fact_share_claims(facts: FactIndex) -> list[ShareClaim]:
    claims: list[ShareClaim] = []
    for key, shares in facts.text.items():
        if not key.endswith(".share_pct"):
            continue
        base = base_key(key)
        parent = share_parent(base)
        wholes = facts.all(parent) if parent else []
        for share in shares:
            parts = facts.near(base, share)
            if not parts or not wholes or parent is None:
                continue
            claims.append(ShareClaim(base, [(p.value, p.provenance) for p in parts],
                                     share.value, share.provenance,
                                     wholes, parent, paragraph_of(share.provenance) or 0,
                                     [share, parts[0]]))
    return claims


def line_share(line: BudgetLine, paragraphs: ParagraphIndex,
               settings: NarrativeSettings) -> tuple[Decimal, Provenance] | None:
    """The ``，占81%`` right after a text line's amount, with its provenance."""
    after = paragraphs.text_after(line.provenance, 1)
    if after is None:
        return None
    (paragraph,), end = after
    m = LINE_SHARE.match(paragraph.text, end, end + settings.share_lookahead)
    if m is None:
        return None
    prov = paragraph.provenance(m.start("n"), m.end())
    return Decimal(m.group("n")), prov


def line_share_claims(lines: list[BudgetLine], facts: FactIndex, paragraphs: ParagraphIndex,
                      settings: NarrativeSettings) -> list[ShareClaim]:
    """``一般公共服务支出（类）2106.66万元，占71.73%`` is a share of the fund's total."""
    claims: list[ShareClaim] = []
    for line in lines:
        if not is_text_line(line) or not line.subject_code or len(line.subject_code) != 3:
            continue
        parent = FUND_TOTALS.get(line.fund, "")
        wholes = facts.all(parent)
        found = line_share(line, paragraphs, settings)
        if found is None or not wholes:
            continue
        stated, prov = found
        claims.append(ShareClaim(f"{line.subject_code} {line.subject_raw}",
                                 [(line.amount, line.provenance)], stated, prov, wholes, parent,
                                 paragraph_of(line.provenance) or 0, [line]))
    return claims


def common_total(claims: list[ShareClaim]) -> Decimal | None:
    """The one total every share of a list is exact for, when there is one."""
    ranges = [r for r in (c.implied_total() for c in claims) if r is not None]
    if len(claims) < 2 or len(ranges) < len(claims):
        return None
    low = max(v - s for v, s in ranges)
    high = min(v + s for v, s in ranges)
    return round((low + high) / 2, 2) if low <= high else None


def list_overshoots(claims: list[ShareClaim]) -> bool:
    """The stated shares of a list add up to more than 100%, beyond their printed units:
    they cannot all be right. A list that adds up to 100% may have been evened out by a
    hundredth here and there; one that adds up to less may leave out a part the phrase
    table does not know (江苏省人民检察院 2018 p.25: 单位预留机动经费 占10.87%)."""
    stated = total(c.stated for c in claims)
    return stated - 100 > total(percent_slack(c.stated_prov) for c in claims) / 2


def claim_lists(claims: list[ShareClaim], settings: NarrativeSettings) -> list[list[ShareClaim]]:
    """Shares of one parent stated within a few paragraphs of each other form a list
    (a PDF makes a paragraph of every line: 普陀区财政局 p.18 基本支出 … 项目支出)."""
    lists: list[list[ShareClaim]] = []
    for claim in sorted(claims, key=lambda c: (c.parent, c.paragraph)):
        last = lists[-1][-1] if lists else None
        if last is not None and last.parent == claim.parent \
                and claim.paragraph - last.paragraph <= settings.list_paragraph_gap:
            lists[-1].append(claim)
        else:
            lists.append([claim])
    return lists


def check_shares(claims: list[ShareClaim], settings: NarrativeSettings) -> list[Finding]:
    """A share that fits none of its totals is an error, unless the list it is in
    explains it: every share of the list taken of one other total (江苏省人大办公厅
    2017 p.28: 三公 parts ``占“三公”经费的8.75%`` … all of 2543万元, not of the
    833.6万元 三公 total), or shares nudged by hundredths so that the list adds up to
    100% (江苏省人民检察院 2017 p.22: 18.85 + 54.43 + 26.72) — unless the list's shares
    add up to more than 100% (普陀区财政局 2024 决算 p.19: 71.73 + 11.11 + 2.07 + 15.16)."""
    findings: list[Finding] = []
    for group in claim_lists(claims, settings):
        failing = [c for c in group if not any(c.fits(w) for w in c.wholes)]
        if not failing:
            continue
        whole = failing[0].wholes[0]
        implied = common_total(group) if len(failing) == len(group) else None
        if implied is not None:
            findings.append(SHARE_BASE.finding(
                [r for c in group for r in c.records] + [whole], what=failing[0].what.split(".")[0],
                stated="、".join(f"{c.stated}%" for c in group), implied=implied, total=whole.value))
            continue
        overshoots = list_overshoots(group)
        for c in failing:
            w = c.wholes[0]
            off = abs(c.computed(w.value) - c.stated) if w.value else Decimal(0)
            rule = SHARE if overshoots or off > settings.balanced_points else SHARE_BALANCED
            findings.append(rule.finding(
                [*c.records, w], [c.stated_prov], what=c.what, stated=c.stated, part=c.part,
                total=w.value, computed=round(c.computed(w.value), 2)))
    return findings


# ---------------------------------------------------------------- changes


def change_fits(value: Fact, change: Fact, pct: Fact) -> bool:
    prior = value.value - change.value
    if prior <= 0:
        return True  # from nothing (or a misread sign): no percentage to compare
    computed = change.value / prior * 100
    s_change = amount_slack(change.value, change.provenance)
    s_prior = amount_slack(value.value, value.provenance) + s_change
    slack = percent_slack(pct.provenance) + ratio_slack(change.value, s_change, prior, s_prior)
    return abs(computed - pct.value) <= slack


def check_changes(facts: FactIndex) -> list[Finding]:
    """``减少395.69万元，下降15%``: the percentage is of the prior year's figure. The
    value the change is read against may be the text's or the table's: a wrong
    headline figure is ``narrative.vs_table``'s finding, not this one's."""
    findings: list[Finding] = []
    for key, pcts in facts.text.items():
        if not key.endswith(".change_pct"):
            continue
        base = base_key(key)
        for pct in pcts:
            changes = [c for c in facts.near(base + ".change", pct) if not from_table(c.provenance)]
            values = facts.all(base)
            if not changes or not values or all(c.value == 0 for c in changes):
                continue
            if any(change_fits(v, c, pct) for v in values for c in changes):
                continue
            value, change = facts.near(base, pct)[0], changes[0]
            prior = value.value - change.value
            findings.append(CHANGE.finding(
                [pct, change, value], key=base, change=change.value, prior=prior,
                computed=round(change.value / prior * 100, 2) if prior else "∞", stated=pct.value))
    return findings


# ---------------------------------------------------------------- text vs tables


def mismatch(stated: Decimal, stated_prov: Provenance, table: Decimal, table_prov: Provenance,
             settings: NarrativeSettings):
    """None when the two agree to their rounding; else the rule for how far apart they are."""
    slack = amount_slack(stated, stated_prov) + amount_slack(table, table_prov)
    off = abs(stated - table)
    if off <= slack:
        return None
    return NARRATIVE_VS_TABLE_MINOR if off <= slack * settings.minor_units else NARRATIVE_VS_TABLE


def check_facts_vs_tables(facts: FactIndex, settings: NarrativeSettings) -> list[Finding]:
    """A headline amount in the text equals the table's figure for the same key. When
    the text states the key once with the table's figure, its other values are other
    figures the phrase table caught (江苏省人大办公厅 2017 p.23 ``增加基本支出844.15万元``
    is a change, p.24 ``基本支出预算数为7666.68万元`` the figure)."""
    findings: list[Finding] = []
    for key, stated in facts.text.items():
        tabled = facts.table.get(key, [])
        stated = [f for f in stated if f.unit == "yuan"]
        if key != base_key(key) or not tabled or not stated:
            continue
        verdicts = [[mismatch(f.value, f.provenance, t.value, t.provenance, settings) for t in tabled]
                    for f in stated]
        if any(None in v for v in verdicts):
            continue
        for fact, rules in zip(stated, verdicts, strict=True):
            rule = NARRATIVE_VS_TABLE_MINOR if NARRATIVE_VS_TABLE_MINOR in rules else NARRATIVE_VS_TABLE
            table = tabled[0]
            findings.append(rule.finding(
                [fact, table], what=key, stated=fact.value, page=fact.provenance.page,
                table=table.value, table_page=table.provenance.page))
    return findings


def line_key(line: BudgetLine) -> tuple[str | None, str, str]:
    return line.subject_code, line.measure, line.component


# The text's fund is its section's (一般公共预算 by default); a 支出预算情况 section
# speaks of all sources (江苏省人民检察院 2017 p.19 公共安全（类）13656.34万元 is the
# 支出总表's, p.10, not the 一般公共预算支出表's 13641.34): a text line matches
# either fund's tables.
INTERCHANGEABLE_FUNDS = {"general_budget": ("general_budget", "all_sources"),
                         "all_sources": ("all_sources", "general_budget")}


def check_lines_vs_tables(lines: list[BudgetLine], settings: NarrativeSettings) -> list[Finding]:
    """A 类/款/项 amount in the text equals the table's for the same subject code,
    measure and component (any of the tables printing it)."""
    tabled: dict[tuple, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if not is_text_line(line) and line.subject_code:
            tabled[(*line_key(line), line.fund)].append(line)
    findings: list[Finding] = []
    for line in lines:
        if not is_text_line(line) or not line.subject_code:
            continue
        funds = INTERCHANGEABLE_FUNDS.get(line.fund, (line.fund,))
        candidates = [t for f in funds for t in tabled.get((*line_key(line), f), [])]
        if not candidates:
            continue
        rules = [mismatch(line.amount, line.provenance, t.amount, t.provenance, settings)
                 for t in candidates]
        if None in rules:
            continue
        rule = NARRATIVE_VS_TABLE_MINOR if NARRATIVE_VS_TABLE_MINOR in rules else NARRATIVE_VS_TABLE
        table = candidates[0]
        findings.append(rule.finding(
            [line, table], what=f"{line.subject_code} {line.subject_name or line.subject_raw} "
                                f"({line.measure})",
            stated=line.amount, page=line.provenance.page, table=table.amount,
            table_page=table.provenance.page))
    return findings


def is_item_of(code: str | None, class_code: str) -> bool:
    """A 项 code (7 digits) under the 类 ``class_code``."""
    return code is not None and len(code) == 7 and code.startswith(class_code)


def check_text_sums(lines: list[BudgetLine]) -> list[Finding]:
    """The 项 the text lists under a 类 add up to the 类 the text states (the seed's
    一般公共服务 1834.59 vs its five 项 1834.58: within 6 × 50 yuan, not a finding)."""
    text = [line for line in lines if is_text_line(line) and line.subject_code]
    findings: list[Finding] = []
    for parent in text:
        parent_code = parent.subject_code or ""
        if len(parent_code) != 3:
            continue
        items = [c for c in text if is_item_of(c.subject_code, parent_code)
                 and (c.fund, c.measure, c.component) == (parent.fund, parent.measure, parent.component)]
        if not items:
            continue
        computed = total(c.amount for c in items)
        slack = amount_slack(parent.amount, parent.provenance) + sum(
            (amount_slack(c.amount, c.provenance) for c in items), Decimal(0))
        if abs(parent.amount - computed) > slack:
            findings.append(NARRATIVE_SUM.finding(
                [parent, *items], subject=f"{parent.subject_code} {parent.subject_raw}",
                total=parent.amount, computed=computed))
    return findings


# ---------------------------------------------------------------- 决算数大于预算数


def comparison_word(line: BudgetLine, paragraphs: ParagraphIndex,
                    settings: NarrativeSettings) -> tuple[str, Provenance] | None:
    """The 决算数大于/小于/等于预算数 phrase following an item's 决算 amount, up to the next item."""
    after = paragraphs.text_after(line.provenance, settings.paragraphs_ahead)
    if after is None:
        return None
    run, end = after
    pieces: list[tuple[int, int, int]] = []  # (position in joined text, paragraph, offset)
    joined = ""
    for i, paragraph in enumerate(run):
        start = end if i == 0 else 0
        for offset in range(start, len(paragraph.text)):
            if not paragraph.text[offset].isspace():
                pieces.append((len(joined), i, offset))
                joined += paragraph.text[offset]
    joined = joined[: settings.comparison_lookahead]
    stop = NEXT_ITEM.search(joined)
    m = COMPARISON.search(joined, 0, stop.start() if stop else len(joined))
    if m is None:
        return None
    _, first, a = pieces[m.start("w")]
    _, last, b = pieces[m.end("w") - 1]
    if first != last:
        return None
    return m.group("w"), run[first].provenance(a, b + 1)


def check_comparison_words(lines: list[BudgetLine], paragraphs: ParagraphIndex,
                           settings: NarrativeSettings) -> list[Finding]:
    budgets = {(line.subject_raw, line.fund, paragraph_of(line.provenance)): line for line in lines
               if is_text_line(line) and line.measure == "budget"}
    findings: list[Finding] = []
    for line in lines:
        if not is_text_line(line) or line.measure != "actual":
            continue
        budget = budgets.get((line.subject_raw, line.fund, paragraph_of(line.provenance)))
        found = comparison_word(line, paragraphs, settings) if budget is not None else None
        if found is None or budget is None:
            continue
        word, prov = found
        slack = amount_slack(line.amount, line.provenance) + amount_slack(budget.amount, budget.provenance)
        diff = line.amount - budget.amount
        sign = 0 if abs(diff) <= slack else (1 if diff > 0 else -1)
        if sign != WORD_SIGN[word]:
            findings.append(COMPARISON_WORD.finding(
                [line, budget], [prov], subject=line.subject_name or line.subject_raw, word=word,
                actual=line.amount, budget=budget.amount))
    return findings


# ---------------------------------------------------------------- empty tables

EMPTY_TABLE_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("三公", re.compile(r"^three_public\.")),
    ("政府性基金", re.compile(r"^government_fund_expenditure")),
    ("国有资本经营", re.compile(r"^state_capital_expenditure")),
)


def table_is_empty(table: RecognizedTable, extraction: Extraction) -> bool:
    prefix = f"table {table.table_index} /"
    records: list[Fact | BudgetLine] = [*extraction.facts, *extraction.budget_lines]
    return not any(r.provenance.locator.startswith(prefix) for r in records)


def table_provenance(doc: Document, table: RecognizedTable) -> Provenance:
    block = next((t for t in doc.tables if t.index == table.table_index), None)
    return Provenance(f"table {table.table_index}", table.title or table.kind,
                      block.extractor if block else "unknown",
                      table.pages[0] if table.pages else None, block.bbox if block else None)


def nonzero_amounts(facts: list[Fact], paragraphs: ParagraphIndex) -> list[Provenance]:
    """Non-zero money figures in the sentences that state these facts (a sentence, not
    the paragraph: 万里街道 2024 预算 p.6 states every fund in one paragraph)."""
    out: dict[str, Provenance] = {}
    for fact in facts:
        spans = paragraph_spans(fact.provenance)
        if not spans:
            continue
        index, start, _ = spans[0]
        paragraph = paragraphs.by_index.get(index)
        if paragraph is None or start is None:
            continue
        a, b = sentence_bounds(paragraph.text, start)
        for m in MONEY_IN_TEXT.finditer(paragraph.text, a, b):
            if Decimal(m.group("n").replace(",", "")) != 0:
                prov = paragraph.provenance(m.start(), m.end())
                out.setdefault(prov.locator, prov)
    return list(out.values())


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, pos)), default=0)
    after = SENTENCE_END.search(text, pos)
    return start, after.end() if after else len(text)


def check_empty_tables(extraction: Extraction, facts: FactIndex, doc: Document,
                       paragraphs: ParagraphIndex) -> list[Finding]:
    """普陀区财政局 2024 决算 p.15: the 三公 table has no figure at all while p.22 says
    年初预算为0.95万元. Zeros stated for an empty table agree with it."""
    findings: list[Finding] = []
    for table in extraction.tables:
        family = next((rx for word, rx in EMPTY_TABLE_FACTS if word in table.kind), None)
        if family is None or not table_is_empty(table, extraction):
            continue
        stated = [f for key, fs in facts.text.items() if family.search(key) for f in fs]
        amounts = nonzero_amounts(stated, paragraphs)
        if amounts:
            tprov = table_provenance(doc, table)
            findings.append(EMPTY_TABLE.finding(
                [], [tprov, *amounts], kind=table.kind, table_page=tprov.page,
                amount="、".join(a.text for a in amounts), page=amounts[0].page))
    return findings


# ---------------------------------------------------------------- entry


def check_narrative(extraction: Extraction, facts: FactIndex, lines: list[BudgetLine],
                    doc: Document | None, settings: NarrativeSettings = DEFAULT_SETTINGS) -> list[Finding]:
    claims = fact_share_claims(facts)
    findings = (check_changes(facts) + check_facts_vs_tables(facts, settings)
                + check_lines_vs_tables(lines, settings) + check_text_sums(lines))
    if doc is not None:
        paragraphs = ParagraphIndex(doc)
        claims += line_share_claims(lines, facts, paragraphs, settings)
        findings += (check_comparison_words(lines, paragraphs, settings)
                     + check_empty_tables(extraction, facts, doc, paragraphs))
    return check_shares(claims, settings) + findings
