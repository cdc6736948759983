"""What a file is, decided before anything is extracted from it.

A nightly crawl of municipal portals brings home budgets (部门预算/单位预算),
final accounts (部门决算/单位决算) and 绩效 tables, and as many files that are
none of these: notices (通知, 通报, 公告), red-header documents, application
forms, website annual reports, regulations, web pages that only link to the
disclosure — often under a name that says 部门预算 (city-crawl-2026: 225 of
the 257 files of the development cities). The crawler's file name is not
evidence; the content is:

1. the **title** — the title-sized lines of the first pages, where a document
   says what it is (``2026年部门预算情况说明``, ``关于印发…的通知``,
   ``政府网站工作年度报表``);
2. the **tables** — statement tables (titled …预算表/…决算表, or the Ministry's
   …总体情况表, or rows keyed by 支出功能分类 codes) and 绩效 indicator tables
   (一级指标/二级指标/三级指标, with 完成值/得分 for a 自评表);
3. the **body** — amounts (…万元) and the basis words 预算/决算, and the
   wording of notices (现将…通知如下, 请认真贯彻执行).

A disclosure title needs content behind it (a landing page titled
``…2026年部门预算公开`` that says 详见附件 is no disclosure); a notice title is
overruled only by statement or 绩效 tables (a 批复 that carries the budget's
tables is that budget). The file name decides only the kind of a document
whose content says nothing of its basis, and the evidence says so. A document
that mixes a budget with its 绩效目标表 is a budget: the title decides, and
the sections are the other recognizers' business.

The cues are data (``data/document_cues.csv``, with the pages that showed
them); ``classify_document`` returns a ``Classification`` with the kind, a
confidence, the evidence (rule, verdict, provenance) and, for a file that is
not a disclosure, the reason.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from disclosures.model.layout import Document, Paragraph, Provenance, Table
from disclosures.model.records import (
    DISCLOSURE_KINDS,
    NOT_A_DISCLOSURE,
    Classification,
    Evidence,
)

DATA = Path(__file__).resolve().parent / "data"

STATEMENT = "statement"  # a statement table whose title names no basis
PERFORMANCE = "performance"  # a 绩效 indicator table, 目标 or 自评 decided by other cues
FILE_NAME_EXTRACTOR = "file-name"  # provenance of a decision the file name made


@dataclass(frozen=True)
class ClassifySettings:
    head_pages: int = 2  # title cues are looked for on the first pages …
    head_paragraphs: int = 15  # … or in the first paragraphs of a file without pages (Word, web)
    title_max_chars: int = 60  # a title line, not a sentence of the body
    table_title_lines: int = 3  # short paragraphs just before a table that may be its title
    min_statement_tables: int = 2  # this many statement tables overrule a notice's title
    min_amounts: int = 3  # amounts (…万元) that make an untitled document a disclosure's body
    min_titled_amounts: int = 1  # … and a document titled as a disclosure more than a cover or link page
    min_coded_rows: int = 3  # rows keyed by subject codes that make a table a statement
    # a body that says 预算/决算 this often, with amounts, is a budget's or final account's
    # narrative, whatever 绩效 forms follow it (seed pages 2-6 + 13: the 决算's
    # narrative and one 绩效自评表)
    min_basis_words: int = 5
    max_header_rows: int = 40  # rows searched for a 绩效 table's indicator header
    # fund names hold the word 预算 without saying the document's basis
    fund_names: str = r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|预决算"
    # 支出功能分类 (2xx…) and 经济分类 (3xx…) codes as statement tables print them
    subject_code: str = r"^(?:2\d{2}|2\d{4}|2\d{6}|3\d{2}|3\d{4})$"
    amount: str = r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|亿元|元)"
    basis_words: tuple[tuple[str, str], ...] = (("预算", "budget"), ("决算", "final_accounts"))
    # what the file name may say, in this order (the last resort)
    file_name_kinds: tuple[tuple[str, str], ...] = (
        ("绩效自评|自评表|自评报告", "performance_self_evaluation"),
        ("绩效目标", "performance_targets"),
        ("评价报告", "performance_evaluation_report"),
        ("决算", "final_accounts"),
        ("预算", "budget"),
    )


DEFAULT_SETTINGS = ClassifySettings()


@dataclass(frozen=True)
class Cue:
    name: str
    where: str  # title | table | header | body
    verdict: str  # a disclosure kind, not_a_disclosure, statement or performance
    reason: str | None
    pattern: re.Pattern[str]
    rank: int  # the row's place in the file: earlier rows name the more specific reason


@lru_cache(maxsize=1)
def document_cues() -> tuple[Cue, ...]:
    with open(DATA / "document_cues.csv", encoding="utf-8", newline="") as fh:
        return tuple(Cue(r["name"], r["where"], r["verdict"], r["reason"] or None, re.compile(r["pattern"]), i)
                     for i, r in enumerate(csv.DictReader(fh)))


def cues_at(where: str) -> tuple[Cue, ...]:
    return tuple(c for c in document_cues() if c.where == where)


@dataclass(frozen=True)
class Hit:
    """A cue found in a document: where, the text it matched, and where in its
    line the match starts (title cues of one line are taken in that order)."""

    cue: Cue
    provenance: Provenance
    text: str
    start: int = 0

    def evidence(self) -> Evidence:
        return Evidence(self.cue.name, self.cue.verdict, self.provenance)


# ---- text as the cues see it ---------------------------------------------------------------

def squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and for each kept character its index in ``text``
    (titles are spaced out: ``厦 门 市 商 务 局``, ``2026 年部门预算``)."""
    kept = [(ch, i) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for ch, _ in kept), [i for _, i in kept]


@dataclass(frozen=True)
class Line:
    """A title-sized paragraph, squeezed."""

    paragraph: Paragraph
    text: str
    index: list[int]

    def provenance(self, start: int, end: int) -> Provenance:
        """Provenance of squeezed ``text[start:end]`` (clipped to this line)."""
        end = min(end, len(self.text))
        return self.paragraph.provenance(self.index[start], self.index[end - 1] + 1)


def head_paragraphs(doc: Document, settings: ClassifySettings) -> list[Paragraph]:
    """The first pages' paragraphs (the first paragraphs when the file has no pages)."""
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    if any(p.page is not None for p in paragraphs):
        first = min(p.page for p in paragraphs if p.page is not None)
        return [p for p in paragraphs if p.page is not None and p.page < first + settings.head_pages]
    return paragraphs[: settings.head_paragraphs]


def title_lines(paragraphs: list[Paragraph], settings: ClassifySettings) -> list[Line]:
    lines = [Line(p, *squeeze(p.text)) for p in paragraphs]
    return [ln for ln in lines if 0 < len(ln.text) <= settings.title_max_chars]


def windows(lines: list[Line]) -> list[tuple[Line, str]]:
    """Each title line alone, then joined with the next one (titles wrap:
    ``关于调整市级行政规范性文件`` / ``制定主体清单的通知``)."""
    out: list[tuple[Line, str]] = []
    for i, line in enumerate(lines):
        out.append((line, line.text))
        if i + 1 < len(lines):
            out.append((line, line.text + lines[i + 1].text))
    return out


def title_hits(lines: list[Line]) -> list[list[Hit]]:
    """Per title line (in document order), the title cues found starting in it."""
    per_line: dict[int, list[Hit]] = {}
    for line, text in windows(lines):
        for cue in cues_at("title"):
            m = cue.pattern.search(text)
            if m and m.start() < len(line.text):
                hits = per_line.setdefault(id(line), [])
                if all(h.cue is not cue for h in hits):
                    hits.append(Hit(cue, line.provenance(m.start(), m.end()), m.group(0), m.start()))
    ordered = [per_line[id(ln)] for ln in lines if id(ln) in per_line]
    for hits in ordered:
        hits.sort(key=lambda h: h.start)
    return ordered


def body_hits(paragraphs: list[Paragraph]) -> list[Hit]:
    hits = []
    for p in paragraphs:
        text, index = squeeze(p.text)
        for cue in cues_at("body"):
            m = cue.pattern.search(text)
            if m:
                hits.append(Hit(cue, p.provenance(index[m.start()], index[m.end() - 1] + 1), m.group(0)))
    return hits


# ---- tables ----------------------------------------------------------------------------------

def table_title_paragraphs(doc: Document, table: Table, settings: ClassifySettings) -> list[Paragraph]:
    """The short paragraphs just before the table: its title, 公开01表, 单位：万元."""
    at = next(i for i, b in enumerate(doc.blocks) if b is table)
    before: list[Paragraph] = []
    for block in reversed(doc.blocks[max(0, at - settings.table_title_lines):at]):
        if not isinstance(block, Paragraph) or len(squeeze(block.text)[0]) > settings.title_max_chars:
            break
        before.append(block)
    return before[::-1]


def basis_text(text: str, settings: ClassifySettings) -> str:
    """``text`` with the fund names blanked (一般公共预算财政拨款支出决算表 is a 决算
    table), spaces removed."""
    return re.sub(settings.fund_names, lambda m: "·" * len(m.group(0)), squeeze(text)[0])


def table_title_hit(doc: Document, table: Table, settings: ClassifySettings) -> Hit | None:
    """The statement or 绩效 cue of the table's title, the basis ones first."""
    candidates: list[tuple[str, Provenance]] = [
        (p.text, p.provenance()) for p in table_title_paragraphs(doc, table, settings)]
    first_row = table.row_cells(0) if table.n_rows else []
    if len(first_row) == 1:  # a title printed inside the table
        candidates.append((first_row[0].text, table.provenance(first_row[0])))
    for cue in cues_at("table"):  # file order: basis cues before the neutral one
        for text, prov in candidates:
            m = cue.pattern.search(basis_text(text, settings))
            if m:
                return Hit(cue, prov, squeeze(text)[0])
    return None


def coded_rows_hit(table: Table, settings: ClassifySettings) -> Hit | None:
    """A statement table without a title: rows keyed by subject codes, with amounts."""
    code = re.compile(settings.subject_code)
    first_code = None
    n = 0
    for r in range(table.n_rows):
        cells = [c for c in table.row_cells(r) if c.text.strip()]
        if len(cells) >= 2 and code.match(squeeze(cells[0].text)[0]):
            n += 1
            first_code = first_code or cells[0]
    if first_code is None or n < settings.min_coded_rows:
        return None
    cue = Cue("table.coded_rows", "table", STATEMENT, None, code, -1)
    return Hit(cue, table.provenance(first_code), first_code.text)


def header_hits(table: Table, settings: ClassifySettings) -> list[Hit]:
    """The 绩效 header cues of the table's first rows, once each."""
    hits: dict[str, Hit] = {}
    levels: set[str] = set()
    for r in range(min(table.n_rows, settings.max_header_rows)):
        for cell in table.row_cells(r):
            text = squeeze(cell.text)[0]
            for cue in cues_at("header"):
                m = cue.pattern.search(text)
                if m:
                    if cue.verdict == PERFORMANCE:
                        levels.add(m.group(0))
                    hits.setdefault(cue.name, Hit(cue, table.provenance(cell), text))
    if len(levels) < 2:  # one 指标 word is no indicator table
        return []
    return list(hits.values())


@dataclass
class Content:
    """What the document holds beyond its title."""

    statements: list[Hit] = field(default_factory=list)  # one per statement table
    performance: list[list[Hit]] = field(default_factory=list)  # header hits per 绩效 table
    amounts: int = 0
    first_amount: Provenance | None = None
    basis: Counter[str] = field(default_factory=Counter)
    basis_evidence: dict[str, Provenance] = field(default_factory=dict)

    def strong(self, settings: ClassifySettings) -> bool:
        """Tables that only disclosures print."""
        return bool(self.performance) or len(self.statements) >= settings.min_statement_tables

    def enough(self, settings: ClassifySettings, titled: bool = False) -> bool:
        """More than a cover or a link page: tables, or amounts (fewer when a title says
        what the document is)."""
        least = settings.min_titled_amounts if titled else settings.min_amounts
        return bool(self.statements or self.performance) or self.amounts >= least


def read_tables(doc: Document, content: Content, settings: ClassifySettings) -> None:
    for table in doc.tables:
        headers = header_hits(table, settings)
        if headers:
            content.performance.append(headers)
            continue
        hit = table_title_hit(doc, table, settings)
        if hit is not None and hit.cue.verdict.startswith(PERFORMANCE):
            content.performance.append([hit])
            continue
        hit = hit or coded_rows_hit(table, settings)
        if hit is not None:
            content.statements.append(hit)


def read_body(doc: Document, content: Content, settings: ClassifySettings) -> None:
    amount = re.compile(settings.amount)
    for p in doc.paragraphs:
        found = list(amount.finditer(p.text))
        if found and content.first_amount is None:
            content.first_amount = p.provenance(found[0].start(), found[0].end())
        content.amounts += len(found)
        text = basis_text(p.text, settings)
        for word, kind in settings.basis_words:
            n = text.count(word)
            if n:
                content.basis[kind] += n
                content.basis_evidence.setdefault(kind, p.provenance())


def read_content(doc: Document, settings: ClassifySettings) -> Content:
    content = Content()
    read_tables(doc, content, settings)
    read_body(doc, content, settings)
    return content


# ---- deciding ------------------------------------------------------------------------------

def performance_kind(tables: list[list[Hit]]) -> tuple[str, Hit]:
    """自评 when any 绩效 table reports results, else 目标."""
    hits = [h for t in tables for h in t]
    for verdict in ("performance_self_evaluation", "performance_targets"):
        for h in hits:
            if h.cue.verdict == verdict:
                return verdict, h
    return "performance_targets", hits[0]


def file_name_kind(doc: Document, settings: ClassifySettings) -> Evidence | None:
    for pattern, kind in settings.file_name_kinds:
        m = re.search(pattern, doc.file_name)
        if m:
            return Evidence("file_name", kind, Provenance("file name", doc.file_name, FILE_NAME_EXTRACTOR))
    return None


def basis_from_statements(content: Content) -> tuple[str, list[Evidence]] | None:
    votes = Counter(h.cue.verdict for h in content.statements if h.cue.verdict in DISCLOSURE_KINDS)
    if not votes:
        return None
    kind = votes.most_common(1)[0][0]
    return kind, [h.evidence() for h in content.statements if h.cue.verdict == kind][:3]


def kind_from_content(doc: Document, content: Content, settings: ClassifySettings
                      ) -> tuple[str, float, list[Evidence]]:
    """The kind a document's tables and body show, with how sure that is."""
    narrative = (sum(content.basis.values()) >= settings.min_basis_words
                 and content.amounts >= settings.min_amounts)
    if content.performance and not content.statements and not narrative:
        kind, hit = performance_kind(content.performance)
        return kind, 0.85, [hit.evidence()]
    from_tables = basis_from_statements(content)
    if from_tables:
        return from_tables[0], 0.85, from_tables[1]
    statements = [h.evidence() for h in content.statements][:1]
    if content.basis:
        kind = content.basis.most_common(1)[0][0]
        return kind, 0.6, [Evidence("body.basis_words", kind, content.basis_evidence[kind]), *statements]
    by_name = file_name_kind(doc, settings)
    if by_name:
        return by_name.verdict, 0.4, [by_name, *statements]
    return "budget", 0.3, statements


def not_a_disclosure(reason: str | None, detail: str, confidence: float,
                     evidence: list[Evidence]) -> Classification:
    return Classification(NOT_A_DISCLOSURE, confidence, evidence, reason, detail)


def quoted(hit: Hit) -> str:
    page = f", page {hit.provenance.page}" if hit.provenance.page else ""
    return f"«{hit.text}»{page}"


REASON_WORDS = {
    "notice": "a notice", "official_document": "an official document (红头文件)",
    "application_form": "an application form", "website_annual_report": "a website annual report",
    "information_disclosure_report": "a government information disclosure annual report",
    "regulation": "a regulation or list of rules", "procedure": "a procedure or flow chart",
    "agreement": "an agreement form",
}


def without_content(doc: Document, hit: Hit | None, confidence: float) -> Classification:
    """No figures, no statement or 绩效 tables: a link page, a cover, or nothing."""
    evidence = [hit.evidence()] if hit else []
    if doc.format == "html":
        if hit:
            return not_a_disclosure("web_page", f"a web page titled {quoted(hit)} that holds no figures or "
                                                f"tables (the disclosure is its attachment)", confidence, evidence)
        return not_a_disclosure("web_page", "a web page (HTML), not a document: no disclosure title, "
                                            "figures or tables", confidence, evidence)
    if hit:
        return not_a_disclosure("no_disclosure_content", f"titled {quoted(hit)} but holds no figures, "
                                                         f"statement tables or 绩效 tables", confidence, evidence)
    return not_a_disclosure("no_disclosure_content", "no disclosure title, statement table, 绩效 table "
                                                     "or amounts found", confidence, evidence)


def support(content: Content, kind: str) -> list[Evidence]:
    """What backs a title: its first statement or 绩效 table, else its first amount."""
    if content.statements:
        return [content.statements[0].evidence()]
    if content.performance:
        return [content.performance[0][0].evidence()]
    return [Evidence("body.amount", kind, content.first_amount)] if content.first_amount else []


def decide(doc: Document, titles: list[list[Hit]], body: list[Hit], content: Content,
           settings: ClassifySettings) -> Classification:
    first = titles[0][0] if titles else None
    if first is not None and first.cue.verdict == NOT_A_DISCLOSURE:
        negative = min((h for line in titles for h in line if h.cue.verdict == NOT_A_DISCLOSURE),
                       key=lambda h: h.cue.rank)
        if content.strong(settings):
            kind, confidence, evidence = kind_from_content(doc, content, settings)
            return Classification(kind, min(confidence, 0.7), [*evidence, negative.evidence()])
        reason = negative.cue.reason or ""
        detail = f"{REASON_WORDS.get(reason, reason)} ({quoted(negative)})"
        return not_a_disclosure(negative.cue.reason, detail, 0.9, [negative.evidence(), *(
            [first.evidence()] if first is not negative else [])])
    if first is not None:
        if not content.enough(settings, titled=True):
            return without_content(doc, first, 0.8)
        return Classification(first.cue.verdict, 0.95, [first.evidence(), *support(content, first.cue.verdict)])
    if content.strong(settings):
        kind, confidence, evidence = kind_from_content(doc, content, settings)
        return Classification(kind, confidence, evidence)
    if body:
        hit = min(body, key=lambda h: h.cue.rank)
        return not_a_disclosure(hit.cue.reason, f"{REASON_WORDS.get(hit.cue.reason or '', '')} ({quoted(hit)})",
                                0.8,
                                [hit.evidence()])
    if content.enough(settings):
        kind, confidence, evidence = kind_from_content(doc, content, settings)
        return Classification(kind, min(confidence, 0.6), evidence)
    return without_content(doc, None, 0.7)


def classify_document(doc: Document, settings: ClassifySettings = DEFAULT_SETTINGS) -> Classification:
    """What ``doc`` is: a disclosure kind, or not a disclosure and why."""
    if not any(p.text.strip() for p in doc.paragraphs) and not any(
            c.text.strip() for t in doc.tables for c in t.cells):
        return not_a_disclosure("empty", "no text at all (blank pages, or pictures OCR could not read)",
                                0.9, [])
    head = head_paragraphs(doc, settings)
    titles = title_hits(title_lines(head, settings))
    return decide(doc, titles, body_hits(head), read_content(doc, settings), settings)


def settled_by_head(classification: Classification, last: bool) -> bool:
    """Whether the classification of a scan's first pages (OCR'd) may stand for
    the whole file: a disclosure (the rest is read anyway), a page that says what
    else it is (a notice's title, a form's), and after the last head page
    anything that shows no disclosure title either. A head with a disclosure
    title but no figures yet (a cover, a table of contents) is never settled."""
    if classification.is_disclosure:
        return True
    evidence = classification.evidence
    if evidence and evidence[0].verdict == NOT_A_DISCLOSURE:
        return True
    return last and not any(e.verdict in DISCLOSURE_KINDS for e in evidence)
