"""Who published the document, for which year, what it covers and what it is.

Each field is read from the first source that has it, in this order:

1. the **cover**: the title lines of the first pages, and a labelled line on
   them (``预算主管部门：上海市普陀区商务委员会``, ``部门名称：…``). A title
   says organization, year, scope and kind at once, in any order and wrapped
   over lines: ``西安市信访局（汇总）`` / ``2026年部门预算公开说明``,
   ``2026 年某市信访局部门预算``, ``江苏省人民检察院`` / ``年部门预算`` /
   ``2017``, ``…部门预算（2026年）``;
2. labelled lines further on (``部门：江苏省政协办公厅 单位：万元`` above a
   table) and label cells of a table (``部门（单位）名称 | 宁德市…``, the 绩效
   自评表's first row);
3. the first mention in the text (the seed 决算 has no title page and opens
   with ``泸州市委政法委下属二级预算单位2个…``, ``纳入市委政法委2024年度部门
   决算编制范围…``); for the year, the tables' titles (the Jiangsu 公开表 files
   print it only in ``2019年政府采购预算表``);
4. the file name, last (the crawler's names often lie), with provenance that
   says so.

The organization is the name as printed, without the scope marker that
follows it: ``西安市信访局（汇总）`` is 西安市信访局 with scope 汇总; a
bracket that is part of a name stays (``重庆市棋牌运动管理中心（重庆市棋院）``).
Scope is 本级 / 汇总 (printed, or 含/及下属单位) / 部门 / 单位 (from 部门预算,
单位决算 …). The region is the administrative prefix of the name (province,
city, county), never a cut word (重庆市城市管理局 is in 重庆市, not 重庆市城市).
The kind is the classification's (``classify.py``): what the document is, or
for a document that only says what it is (a title without figures), what it
says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePath

from disclosures.extractors.recognizers.classify import (
    FILE_NAME_EXTRACTOR,
    classify_document,
    squeeze,
)
from disclosures.model.layout import Document, Paragraph, Provenance, Table
from disclosures.model.records import DISCLOSURE_KINDS, Classification, DocumentInfo
from disclosures.model.vocabulary import DocumentKind


@dataclass(frozen=True)
class DocInfoSettings:
    head_paragraphs: int = 40  # the title page and the first section are enough
    max_org_chars: int = 40
    cover_pages: int = 2  # the cover, or a cover page that is a picture and the title page after it
    cover_paragraphs: int = 12  # the cover of a file without pages (Word)
    title_max_chars: int = 60  # a title line, not a sentence
    title_lines: int = 3  # a title wraps over at most this many lines
    year_lines: int = 6  # a bare year this early is the document's
    table_title_lines: int = 3
    label_rows: int = 4  # a form names its unit in its first rows


DEFAULT_SETTINGS = DocInfoSettings()

_HAN = r"\u4e00-\u9fff"
YEAR = r"(?:19|20)\d{2}"
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
# 年度 after the year; in brackets after the kind: 部门预算（2026年）
YEAR_PHRASE_RE = re.compile(rf"[（(]?(?<!\d)(?P<year>{YEAR})\s*年?度?[）)]?")
# the kind phrase of a title; its 部门/单位 is the scope unless a marker says more
KIND_PHRASE_RE = re.compile(
    r"(?:[省市县区]级)?(?P<scope>部门|单位)?(?:[（(]单位[）)])?(?:整体)?(?:综合)?"
    r"(?:(?P<kind>预算|决算)(?!执行|编制|管理|调整|批复|单位)|(?:项目)?(?:支出)?绩效(?:自评|目标|评价))")
FUND_NAMES_RE = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算")
# the scope printed after a name: （本级）（汇总）, 含/及下属单位
SCOPE_MARKER_RE = re.compile(
    r"[（(](?P<bracketed>本级|汇总|含下属单位|含所属单位|含直属单位)[）)]"
    r"|(?:部门)?(?P<joined>及(?:其)?(?:下属|所属|直属|委属)(?:单位)?)$")
ORG_SUFFIX = (r"(?:委员会|办公厅|办公室|常委会|人民政府|政府|办事处|街道|委|局|厅|院|署|中心|所|站|队|会"
              r"|部|处|社|馆|校|团|镇|乡|园|台|室|总队|支队|学院|医院|协会)")
# a name may end with its other name in brackets: 重庆市棋牌运动管理中心（重庆市棋院）
ORG_RE = re.compile(rf"[{_HAN}（）()]{{2,40}}{ORG_SUFFIX}(?:[（(][{_HAN}]{{2,20}}[）)])?")
ORG_LABEL_RE = re.compile(rf"(?P<label>预算主管部门|主管部门|预算单位|部门名称|单位名称|编制部门|编制单位|部\s*门)"
                          rf"\s*[:：]\s*(?P<org>[{_HAN}（）()]{{2,40}})")
# the scope a label says: 预算主管部门 heads a 部门预算, 预算单位 a 单位预算
LABEL_SCOPES = {"预算主管部门": "部门", "部门": "部门", "部门名称": "部门", "预算单位": "单位"}
# the unit a form is about (a 主管部门 cell of a 自评表 names the project's department)
LABEL_CELL_RE = re.compile(r"^(?:部门|单位|部门[（(]单位[）)])名称$|^预算单位$")
# an organization followed by the words that follow it in these documents
ORG_IN_TEXT_RE = re.compile(
    rf"(?P<org>[{_HAN}（）()]{{2,30}}?{ORG_SUFFIX})"
    rf"(?=下属|下设|共有|机关运行经费|政府采购|{YEAR}|部门(?:预算|决算)|主要职能|是|概况|\s*$)")
# a sentence of the body, not a title line: 纳入市委政法委2024年度部门决算编制范围的二级预算单位包括：
SENTENCE_RE = re.compile(r"[，。；,;]|[:：]$")
PARTY_PREFIX_RE = re.compile(r"^(?:中国共产党|中共)")
# the administrative prefix: province, city, county, each at most once and in this order
REGION_PARTS = (
    re.compile(rf"[{_HAN}]{{2,3}}?省|[{_HAN}]{{2,8}}?自治区|北京市|上海市|天津市|重庆市"),
    re.compile(rf"[{_HAN}]{{2,4}}?(?:市|自治州|地区|盟)(?!场|级)"),
    re.compile(rf"[{_HAN}]{{1,4}}?(?:自治县|区|县|旗)(?!域|级)"),
)


def region_of(org: str) -> str | None:
    """The administrative prefix of a name: 泸州市委政法委 → 泸州市, 上海市普陀区… →
    上海市普陀区, 重庆市城市管理局 → 重庆市 (a city's name is two characters or more)."""
    text = PARTY_PREFIX_RE.sub("", org)
    end = 0
    for part in REGION_PARTS:
        m = part.match(text, end)
        if m:
            end = m.end()
    return text[:end] or None


def is_org(text: str, settings: DocInfoSettings) -> bool:
    """A unit's name: ends like one, is not only a region (上海市普陀区 is a place)."""
    return (bool(ORG_RE.fullmatch(text)) and len(text) <= settings.max_org_chars
            and region_of(text) != PARTY_PREFIX_RE.sub("", text))


@dataclass(frozen=True)
class Span:
    """A piece of one paragraph: where a value was read."""

    paragraph: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start:self.end]

    def provenance(self) -> Provenance:
        return self.paragraph.provenance(self.start, self.end)

    def part(self, start: int, end: int) -> Span:
        return Span(self.paragraph, self.start + start, self.start + end)


@dataclass
class Window:
    """Title lines joined without their spaces, mapped back to the paragraphs."""

    text: str
    places: list[tuple[Paragraph, int]]  # per character: its paragraph and index there

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> Window:
        text, places = "", []
        for p in paragraphs:
            squeezed, index = squeeze(p.text)
            text += squeezed
            places += [(p, i) for i in index]
        return cls(text, places)

    def span(self, start: int, end: int) -> Span | None:
        """The paragraph span of ``text[start:end]``; None when it crosses lines."""
        (p0, i0), (p1, i1) = self.places[start], self.places[end - 1]
        return Span(p0, i0, i1 + 1) if p0 is p1 else None


@dataclass
class Found:
    value: str | int
    provenance: Provenance
    span: Span | None = None


# ---- the cover ------------------------------------------------------------------------------

def head_paragraphs(doc: Document, settings: DocInfoSettings) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.text.strip()][: settings.head_paragraphs]


def cover_paragraphs(doc: Document, settings: DocInfoSettings) -> list[Paragraph]:
    """The title-sized paragraphs of the first pages, up to the first body paragraph
    after a title (a table of contents or the first section is no cover)."""
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    if any(p.page is not None for p in paragraphs):
        first = min(p.page for p in paragraphs if p.page is not None)
        paragraphs = [p for p in paragraphs if p.page is not None and p.page < first + settings.cover_pages]
    else:
        paragraphs = paragraphs[: settings.cover_paragraphs]
    cover: list[Paragraph] = []
    for p in paragraphs:
        text = squeeze(p.text)[0]
        if text in ("目录", "目次") or len(text) > settings.title_max_chars or SENTENCE_RE.search(text):
            if cover:
                break
            continue
        cover.append(p)
    return cover


def title_windows(cover: list[Paragraph], settings: DocInfoSettings) -> list[Window]:
    """Each cover line with up to ``title_lines - 1`` following ones, longest first."""
    return [Window.of(cover[i:i + n]) for i in range(len(cover))
            for n in range(min(settings.title_lines, len(cover) - i), 0, -1)]


@dataclass
class Title:
    """What one title says; any part may be missing."""

    organization: Found | None = None
    place: Found | None = None  # a region named alone: 上海市普陀区2025年区级部门预算
    year: Found | None = None
    scope: Found | None = None


def kind_phrase(window: Window) -> re.Match | None:
    """The title's kind phrase (部门预算, 单位决算, 绩效自评…), fund names aside."""
    blanked = FUND_NAMES_RE.sub(lambda m: "·" * len(m.group(0)), window.text)
    return KIND_PHRASE_RE.search(blanked)


def found(window: Window, start: int, end: int, value: str | int) -> Found | None:
    span = window.span(start, end)
    return Found(value, span.provenance(), span) if span else None


def title_year(window: Window) -> Found | None:
    """The year of the title: before its kind phrase, else anywhere in it."""
    m = YEAR_PHRASE_RE.search(window.text)
    return found(window, m.start("year"), m.end("year"), int(m.group("year"))) if m else None


def split_scope(window: Window, start: int, end: int) -> tuple[int, Found | None]:
    """``text[start:end]`` less a scope marker at its end: the name's new end, and the scope."""
    m = SCOPE_MARKER_RE.search(window.text[start:end])
    if not m or m.end() != end - start:
        return end, None
    word = m.group("bracketed") or m.group("joined")
    scope = "本级" if word == "本级" else "汇总"
    return start + m.start(), found(window, start + m.start(), end, scope)


def name_parts(window: Window, before: int) -> list[tuple[int, int]]:
    """The pieces of ``text[:before]`` around the year phrases (and a leading 附件N)."""
    bounds, at = [], 0
    for m in YEAR_PHRASE_RE.finditer(window.text[:before]):
        bounds.append((at, m.start()))
        at = m.end()
    bounds.append((at, before))
    return [(s + (len(lead.group(0)) if (lead := re.match(r"附件\d*[:：]?", window.text[s:e])) else 0), e)
            for s, e in bounds if e > s]


def parse_title(window: Window, settings: DocInfoSettings) -> Title | None:
    """Organization, place, year and scope of a title that names its kind."""
    kind = kind_phrase(window)
    if kind is None:
        return None
    title = Title(year=title_year(window))
    if kind.group("scope"):
        title.scope = found(window, kind.start("scope"), kind.end("scope"), kind.group("scope"))
    for start, end in reversed(name_parts(window, kind.start())):
        end = end - 1 if window.text[start:end].endswith("年") else end  # 江苏省人民检察院 / 年部门预算
        end, marker = split_scope(window, start, end)
        name = window.text[start:end]
        if is_org(name, settings):
            title.organization = found(window, start, end, name)
            title.scope = marker or title.scope
            break
        if name and region_of(name) == name:
            title.place = found(window, start, end, name)
    return title


def parse_titles(cover: list[Paragraph], settings: DocInfoSettings) -> Title:
    """The cover's title: the first window that names a kind, completed by later ones."""
    merged = Title()
    for window in title_windows(cover, settings):
        title = parse_title(window, settings)
        if title is None:
            continue
        for name in ("organization", "place", "year", "scope"):
            if getattr(merged, name) is None:
                setattr(merged, name, getattr(title, name))
    return merged


# ---- labels, tables, text, file name -------------------------------------------------------

def labelled_org(paragraphs: list[Paragraph], settings: DocInfoSettings) -> Title | None:
    """``预算主管部门：上海市普陀区商务委员会``, ``部门：江苏省政协办公厅 单位：万元``;
    a scope marker after the name, else the label, is its scope."""
    for p in paragraphs:
        for m in ORG_LABEL_RE.finditer(p.text):
            window = Window.of([Paragraph(p.index, m.group("org"), p.page)])
            end, marker = split_scope(window, 0, len(window.text))
            span = Span(p, m.start("org"), m.start("org") + end)
            if not is_org(span.text, settings):
                continue
            label = squeeze(m.group("label"))[0]
            if marker:
                scope = Found(marker.value, Span(p, m.start("org") + end, m.end("org")).provenance())
            elif label in LABEL_SCOPES:
                scope = Found(LABEL_SCOPES[label], p.provenance(m.start("label"), m.end("label")))
            else:
                scope = None
            return Title(organization=Found(span.text, span.provenance(), span), scope=scope)
    return None


def label_cell_org(doc: Document, settings: DocInfoSettings) -> Found | None:
    """``部门（单位）名称 | 宁德市人民政府办公室`` in the first rows of the document's
    first table (a form standing alone; later tables are about projects)."""
    table = doc.tables[0] if doc.tables else None
    if table is None:
        return None
    for r in range(min(table.n_rows, settings.label_rows)):
        for label, value in pairwise(table.row_cells(r)):
            name = squeeze(value.text)[0]
            if LABEL_CELL_RE.match(squeeze(label.text)[0]) and is_org(name, settings):
                return Found(name, table.provenance(value))
    return None


def org_in_text(paragraphs: list[Paragraph], settings: DocInfoSettings) -> Found | None:
    for p in paragraphs:
        for m in ORG_IN_TEXT_RE.finditer(p.text):
            org = m.group("org")
            region = REGION_PARTS[1].search(org) or REGION_PARTS[0].search(org)
            if region is None:
                continue
            # drop words before the region (纳入 / 截至… / 2024年度，)
            span = Span(p, m.start("org") + region.start(), m.end("org"))
            if len(span.text) <= settings.max_org_chars:
                return Found(span.text, span.provenance(), span)
    return None


def file_name_provenance(doc: Document) -> Provenance:
    return Provenance("file name", doc.file_name, FILE_NAME_EXTRACTOR)


def file_name_title(doc: Document, settings: DocInfoSettings) -> Title:
    """The crawler's ``<department>_<title>`` name read as a title (last resort)."""
    stem = PurePath(doc.file_name).stem.split("_")[-1]
    title = parse_title(Window.of([Paragraph(0, stem, extractor=FILE_NAME_EXTRACTOR)]), settings) or Title()
    for name in ("organization", "year", "scope", "place"):
        part = getattr(title, name)
        if part is not None:
            setattr(title, name, Found(part.value, file_name_provenance(doc)))
    return title


def table_title_year(doc: Document, settings: DocInfoSettings) -> Found | None:
    """A year in the title of a table: ``2019年政府采购预算表``."""
    for i, block in enumerate(doc.blocks):
        if not isinstance(block, Table):
            continue
        for p in doc.blocks[max(0, i - settings.table_title_lines):i]:
            if isinstance(p, Paragraph) and squeeze(p.text)[0].endswith("表"):
                m = re.search(rf"(?<!\d)({YEAR})\s*年", p.text)
                if m:
                    return Found(int(m.group(1)), p.provenance(m.start(1), m.end(1)))
    return None


def scope_in_text(paragraphs: list[Paragraph], settings: DocInfoSettings) -> Found | None:
    """The 部门/单位 of the first heading that names the kind: the seed's
    ``第二部分 2024年度部门决算情况说明``."""
    for p in paragraphs:
        window = Window.of([p])
        if len(window.text) > settings.title_max_chars or SENTENCE_RE.search(window.text):
            continue
        m = kind_phrase(window)
        if m and m.group("scope"):
            return found(window, m.start("scope"), m.end("scope"), m.group("scope"))
    return None


def year_in_text(paragraphs: list[Paragraph], settings: DocInfoSettings) -> Found | None:
    """纳入市委政法委2024年度部门决算编制范围: a year before a kind word, else a bare
    year among the first lines."""
    for p in paragraphs:
        m = re.search(rf"(?<!\d)({YEAR})\s*年度?\s*(?:[省市县区]级)?\s*(?:部门|单位)?\s*(?:决算|预算)", p.text)
        if m:
            return Found(int(m.group(1)), p.provenance(m.start(1), m.end(1)))
    for p in paragraphs[: settings.year_lines]:
        m = YEAR_RE.search(p.text)
        if m:
            return Found(int(m.group(1)), p.provenance(m.start(1), m.end(1)))
    return None


# ---- the fields ------------------------------------------------------------------------------

def first(*candidates):
    """The first candidate that is not None; candidates are values or callables."""
    for c in candidates:
        value = c() if callable(c) else c
        if value is not None:
            return value
    return None


def region_found(org: Found | None, place: Found | None) -> Found | None:
    """The organization's region prefix, else the place a title names."""
    if org is not None:
        region = region_of(str(org.value))
        if region:
            at = str(org.value).find(region)
            if org.span is not None:
                span = org.span.part(at, at + len(region))
                return Found(region, span.provenance(), span)
            return Found(region, org.provenance)
    return place


def kind_of(classification: Classification) -> tuple[DocumentKind, Provenance] | None:
    """The contract's kind: what the document is, or what its title says it is."""
    for evidence in classification.evidence:
        if evidence.verdict in DISCLOSURE_KINDS:
            return DISCLOSURE_KINDS[evidence.verdict], evidence.provenance
    return None


def recognize_document_info(doc: Document, settings: DocInfoSettings = DEFAULT_SETTINGS,
                            classification: Classification | None = None) -> DocumentInfo:
    """Organization, scope, region, fiscal year and kind, each with its provenance.
    ``classification`` is ``classify_document(doc)`` when not given."""
    classification = classification or classify_document(doc)
    head = head_paragraphs(doc, settings)
    cover = cover_paragraphs(doc, settings)
    title = parse_titles(cover, settings)
    by_name = file_name_title(doc, settings)
    on_cover = labelled_org(cover, settings)
    later = None if on_cover or title.organization else labelled_org(head, settings)
    labelled = on_cover or later
    org = first(on_cover and on_cover.organization, title.organization, later and later.organization,
                lambda: label_cell_org(doc, settings), lambda: org_in_text(head, settings),
                by_name.organization)
    year = first(title.year, lambda: year_in_text(head, settings), lambda: table_title_year(doc, settings),
                 by_name.year)
    scope = first(title.scope, labelled and labelled.scope, lambda: scope_in_text(head, settings),
                  by_name.scope)
    info = DocumentInfo()
    for name, part in (("organization", org), ("fiscal_year", year), ("scope", scope),
                       ("region", region_found(org, title.place))):
        if part is not None:
            setattr(info, name, part.value)
            info.provenance[name] = part.provenance
    kind = kind_of(classification)
    if kind:
        info.kind, info.provenance["kind"] = kind
    return info
